import ParleyJSON
import ParleyPolicy

/// Where the runtime keeps what must outlive one event: conversations, the template
/// catalog, the account's standing, the messaging-limit ledger and the audit trail.
///
/// Every call is made from the runtime's one serial context, so an implementation need not
/// lock; one that is shared between processes must make `reserveLimit` atomic on its own
/// (a conditional insert), because that is what keeps concurrent senders under the limit.
/// The protocol never asks for "everything": a durable store can page and index.
public protocol Store: AnyObject {
    func conversation(_ contact: ContactID) -> Conversation?
    func save(_ conversation: Conversation)
    /// Changes a conversation in place, creating it when new; returns what `change` returns.
    func update<T>(_ contact: ContactID, _ change: (inout Conversation) -> T) -> T
    /// Conversations in contact order, for automations that look for work.
    func conversations(where include: (Conversation) -> Bool) -> [Conversation]

    var catalog: TemplateCatalog { get set }
    var account: AccountStanding { get set }

    func limitStanding(of contact: ContactID, limit: Int?, at now: Instant) -> LimitStanding
    /// Counts the contact toward the rolling limit if there is room; `false` when full.
    func reserveLimit(for contact: ContactID, limit: Int?, at now: Instant) -> Bool
    func releaseLimit(for contact: ContactID, reservedAt: Instant)

    /// Remembers an inbound message id; `false` when it was already seen (a retry).
    func firstSighting(ofInbound id: String, at now: Instant) -> Bool

    func appendAudit(_ decision: Decision)
    /// The audit records (`Decision.auditRecord`) of one message, in the order made.
    func audit(ofMessage id: String) -> [JSONValue]
    /// The audit records of every message to one contact, in the order made.
    func audit(ofContact contact: ContactID) -> [JSONValue]

    /// Keeps an item of the agenda; returns its key.
    func addAgendaItem(_ work: DueWork, at: Instant) -> Int64
    func removeAgendaItem(_ key: Int64)
    /// Everything still on the agenda, for a runtime that starts on this store.
    func agendaItems() -> [(key: Int64, at: Instant, work: DueWork)]
    /// The next number of a named counter (message ids, hand-off ids), from 1.
    func nextNumber(_ counter: String) -> Int64
}

/// A `Store` in memory: simulations, tests, and the runtime before durable storage.
public final class InMemoryStore: Store {
    private var conversationsByContact: [ContactID: Conversation] = [:]
    public var catalog: TemplateCatalog
    public var account: AccountStanding
    private var ledger: MessagingLimitLedger
    private var seenInbound: Set<String> = []
    private var auditByMessage: [String: [Decision]] = [:]
    private var auditMessagesByContact: [ContactID: [String]] = [:]
    /// Keep the audit trail (off only in benchmarks that measure the rest).
    public var keepsAudit = true

    public init(catalog: TemplateCatalog = TemplateCatalog(), account: AccountStanding = AccountStanding(), limitWindow: Span = .hours(24)) {
        self.catalog = catalog
        self.account = account
        self.ledger = MessagingLimitLedger(window: limitWindow)
    }

    public func conversation(_ contact: ContactID) -> Conversation? { conversationsByContact[contact] }
    public func save(_ conversation: Conversation) { conversationsByContact[conversation.contact] = conversation }

    public func update<T>(_ contact: ContactID, _ change: (inout Conversation) -> T) -> T {
        change(&conversationsByContact[contact, default: Conversation(contact: contact)])
    }

    public func conversations(where include: (Conversation) -> Bool) -> [Conversation] {
        conversationsByContact.values.filter(include).sorted { $0.contact < $1.contact }
    }

    public var conversationCount: Int { conversationsByContact.count }

    public func limitStanding(of contact: ContactID, limit: Int?, at now: Instant) -> LimitStanding {
        ledger.standing(of: contact, limit: limit, at: now)
    }

    public func reserveLimit(for contact: ContactID, limit: Int?, at now: Instant) -> Bool {
        ledger.reserve(contact, limit: limit, at: now)
    }

    public func releaseLimit(for contact: ContactID, reservedAt: Instant) {
        ledger.release(contact, reservedAt: reservedAt)
    }

    public func firstSighting(ofInbound id: String, at now: Instant) -> Bool { seenInbound.insert(id).inserted }

    private var agenda: [Int64: (at: Instant, work: DueWork)] = [:]
    private var counters: [String: Int64] = [:]

    public func addAgendaItem(_ work: DueWork, at: Instant) -> Int64 {
        let key = nextNumber("agenda")
        agenda[key] = (at, work)
        return key
    }

    public func removeAgendaItem(_ key: Int64) { agenda[key] = nil }

    public func agendaItems() -> [(key: Int64, at: Instant, work: DueWork)] {
        agenda.keys.sorted().map { ($0, agenda[$0]!.at, agenda[$0]!.work) }
    }

    public func nextNumber(_ counter: String) -> Int64 {
        counters[counter, default: 0] += 1
        return counters[counter]!
    }

    public func appendAudit(_ decision: Decision) {
        guard keepsAudit else { return }
        let id = decision.request.id
        if auditByMessage[id] == nil, let contact = decision.request.recipient {
            auditMessagesByContact[contact, default: []].append(id)
        }
        auditByMessage[id, default: []].append(decision)
    }

    public func audit(ofMessage id: String) -> [JSONValue] { (auditByMessage[id] ?? []).map(\.auditRecord.unordered) }

    public func audit(ofContact contact: ContactID) -> [JSONValue] {
        (auditMessagesByContact[contact] ?? []).flatMap { auditByMessage[$0] ?? [] }.map(\.auditRecord.unordered)
    }
}
