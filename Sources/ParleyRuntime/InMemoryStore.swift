import ParleyJSON
import ParleyPolicy

/// A `Store` in memory: simulations, tests, and specs. Its transactions are real: a body
/// that throws leaves the store as it found it.
public final class InMemoryStore: Store {
    /// Everything the store holds, in one value, so a transaction can keep a copy (copy on
    /// write: free until the first change) and put it back.
    private struct Contents {
        /// Boxed, so a growing table moves pointers, not conversations; a box is changed in
        /// place, so a transaction keeps what it changed in `undo` instead.
        var conversations: [ContactID: ConversationBox] = [:]
        /// The indexes `conversations(matching:)` answers from (InMemoryStore+Queries.swift).
        var index = ConversationIndex()
        var catalog: TemplateCatalog
        var account: AccountStanding
        var limitCounts: [(contact: ContactID, at: Instant)] = []
        var seenInbound: [String: Instant] = [:]
        /// Every decision in order; the index is built when the trail is first asked.
        var audit = AppendOnlyLog<Decision>()
        var auditIndex = AuditIndex()
        var agenda: [Int64: (at: Instant, work: DueWork)] = [:]
        var counters: [String: Int64] = [:]
        /// Other names of a person, to the key of their conversation.
        var aliases: [ContactID: ContactID] = [:]
        /// Keyed by scope and period, as `"\(scope) \(period)"`.
        var spend: [String: SpendTally] = [:]
    }

    private var contents: Contents
    private var inTransaction = false
    /// In a transaction: each conversation it changed, as it was before.
    private var undo: [(box: ConversationBox, before: Conversation)] = []
    /// Keep the audit trail (off only in benchmarks that measure the rest).
    public var keepsAudit = true

    public init(catalog: TemplateCatalog = TemplateCatalog(), account: AccountStanding = AccountStanding()) {
        contents = Contents(catalog: catalog, account: account)
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T {
        precondition(!inTransaction, "InMemoryStore transactions do not nest")
        inTransaction = true
        defer { inTransaction = false }
        let before = contents
        defer { undo = [] }
        do {
            return try body()
        } catch {
            for (box, value) in undo.reversed() { box.value = value }
            contents = before
            throw error
        }
    }

    // MARK: Conversations

    public func conversation(_ contact: ContactID) -> Conversation? { contents.conversations[contact]?.value }
    public func save(_ conversation: Conversation) { update(conversation.contact) { $0 = conversation } }

    public func update<T>(_ contact: ContactID, _ change: (inout Conversation) -> T) -> T {
        guard let box = contents.conversations[contact] else {
            var new = Conversation(contact: contact)
            defer {
                contents.conversations[contact] = ConversationBox(new)
                if contents.index.isBuilt { contents.index.changed(contact, owner: (nil, new.owner), lastInbound: (nil, new.lastInbound)) }
            }
            return change(&new)
        }
        if inTransaction { undo.append((box, box.value)) }
        guard contents.index.isBuilt else { return change(&box.value) }  // no query yet: nothing to keep up
        let (owner, lastInbound) = (box.value.owner, box.value.lastInbound)
        defer {
            if box.value.owner != owner || box.value.lastInbound != lastInbound {
                contents.index.changed(contact, owner: (owner, box.value.owner), lastInbound: (lastInbound, box.value.lastInbound))
            }
        }
        return change(&box.value)
    }

    // MARK: Names of a person

    public func canonical(_ contact: ContactID) -> ContactID {
        contents.aliases.isEmpty ? contact : contents.aliases[contact] ?? contact
    }

    public func addAlias(_ alias: ContactID, for contact: ContactID) {
        if alias != contact { contents.aliases[alias] = contact }
    }

    public func rekey(_ old: ContactID, to new: ContactID) {
        precondition(contents.conversations[new] == nil, "rekey to a key that has a conversation")
        if let box = contents.conversations.removeValue(forKey: old) {
            // A new box: the old one stays as a transaction's copy knows it.
            contents.conversations[new] = ConversationBox(box.value.moved(to: new))
            // Rare: the indexes are rebuilt at the next query rather than kept up here.
            if contents.index.isBuilt { contents.index = ConversationIndex() }
        }
        for (alias, target) in contents.aliases where target == old { contents.aliases[alias] = new }
        contents.aliases[new] = nil
        contents.aliases[old] = new
    }

    var index: ConversationIndex { contents.index }
    var allConversations: [Conversation] { contents.conversations.values.map(\.value) }

    /// Builds the indexes at the first query: a simulation that never asks pays nothing for
    /// them. From then on every change keeps them up.
    func buildIndex() {
        guard !contents.index.isBuilt else { return }
        var index = ConversationIndex()
        index.isBuilt = true
        for (contact, box) in contents.conversations {
            index.changed(contact, owner: (nil, box.value.owner), lastInbound: (nil, box.value.lastInbound))
        }
        contents.index = index
    }

    /// Puts the last-inbound log in time order, and drops stale entries once they outnumber
    /// the current ones, so it stays about one entry per conversation.
    func compactIndex() {
        if !contents.index.inTimeOrder {
            contents.index.byLastInbound.sort { $0.at < $1.at }
            contents.index.inTimeOrder = true
        }
        guard contents.index.byLastInbound.count > 2 * contents.index.current + 1024 else { return }
        let conversations = contents.conversations
        contents.index.byLastInbound.removeAll { conversations[$0.contact]?.value.lastInbound != $0.at }
    }

    // MARK: Catalog and account

    public var catalog: TemplateCatalog { contents.catalog }
    public func save(_ catalog: TemplateCatalog) { contents.catalog = catalog }
    public var account: AccountStanding { contents.account }
    public func save(_ account: AccountStanding) { contents.account = account }

    // MARK: The messaging limit

    public func limitCounts(after start: Instant) -> [(contact: ContactID, at: Instant)] {
        contents.limitCounts.filter { $0.at > start }
    }

    public func addLimitCount(_ contact: ContactID, at instant: Instant) {
        contents.limitCounts.append((contact, instant))
    }

    public func removeLimitCount(_ contact: ContactID, at instant: Instant) {
        contents.limitCounts.removeAll { $0.contact == contact && $0.at == instant }
    }

    public func prune(limitCountsBefore cutoff: Instant, seenBefore: Instant) {
        contents.limitCounts.removeAll { $0.at <= cutoff }
        contents.seenInbound = contents.seenInbound.filter { $0.value >= seenBefore }
    }

    // MARK: Spend

    public func spend(of scope: String, in period: String) -> SpendTally { contents.spend["\(scope) \(period)"] ?? SpendTally() }
    public func save(_ tally: SpendTally, of scope: String, in period: String) { contents.spend["\(scope) \(period)"] = tally }

    public func firstSighting(ofInbound id: String, at now: Instant) -> Bool {
        guard contents.seenInbound[id] == nil else { return false }
        contents.seenInbound[id] = now
        return true
    }

    // MARK: The audit trail

    /// Appending is all a decision costs: simulations decide far more often than they ask.
    public func appendAudit(_ decision: Decision) {
        guard keepsAudit else { return }
        contents.audit.append(decision)
    }

    public func audit(ofMessage id: String) -> [JSONValue] {
        contents.auditIndex.catchUp(with: contents.audit)
        return (contents.auditIndex.byMessage[id] ?? []).map { contents.audit[$0].auditRecord.unordered }
    }

    public func audit(ofContact contact: ContactID) -> [JSONValue] {
        contents.auditIndex.catchUp(with: contents.audit)
        let index = contents.auditIndex
        return (index.messagesByContact[contact] ?? []).flatMap { index.byMessage[$0] ?? [] }.map { contents.audit[$0].auditRecord.unordered }
    }

    // MARK: The agenda and counters

    public func addAgendaItem(_ work: DueWork, at: Instant) -> Int64 {
        let key = nextNumber("agenda")
        contents.agenda[key] = (at, work)
        return key
    }

    public func removeAgendaItem(_ key: Int64) { contents.agenda[key] = nil }

    public func agendaItems() -> [AgendaItem] {
        contents.agenda.keys.sorted().map { AgendaItem(key: $0, at: contents.agenda[$0]!.at, work: contents.agenda[$0]!.work) }
    }

    public func nextNumber(_ counter: String) -> Int64 {
        contents.counters[counter, default: 0] += 1
        return contents.counters[counter]!
    }
}

private final class ConversationBox {
    var value: Conversation
    init(_ value: Conversation) { self.value = value }
}

/// The audit trail by message and by contact, indexing the decisions up to `indexed`.
struct AuditIndex {
    var indexed = 0
    /// Positions in the trail, in order.
    var byMessage: [String: [Int]] = [:]
    /// Message ids in the order of their first decision.
    var messagesByContact: [ContactID: [String]] = [:]

    mutating func catchUp(with audit: AppendOnlyLog<Decision>) {
        for position in indexed..<audit.count {
            let request = audit[position].request
            if byMessage[request.id] == nil, let contact = request.recipient {
                messagesByContact[contact, default: []].append(request.id)
            }
            byMessage[request.id, default: []].append(position)
        }
        indexed = audit.count
    }
}
