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
    func firstSighting(ofInbound id: String) -> Bool

    func appendAudit(_ decision: Decision)
    func audit(ofMessage id: String) -> [Decision]
    func audit(ofContact contact: ContactID) -> [Decision]
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

    public func firstSighting(ofInbound id: String) -> Bool { seenInbound.insert(id).inserted }

    public func appendAudit(_ decision: Decision) {
        guard keepsAudit else { return }
        let id = decision.request.id
        if auditByMessage[id] == nil, let contact = decision.request.recipient {
            auditMessagesByContact[contact, default: []].append(id)
        }
        auditByMessage[id, default: []].append(decision)
    }

    public func audit(ofMessage id: String) -> [Decision] { auditByMessage[id] ?? [] }

    public func audit(ofContact contact: ContactID) -> [Decision] {
        (auditMessagesByContact[contact] ?? []).flatMap { auditByMessage[$0] ?? [] }
    }
}
