import ParleyJSON
import ParleyPolicy

/// Where the runtime keeps what must outlive one event: conversations, the template
/// catalog, the account's standing, the contacts counted toward the messaging limit, the
/// agenda, the inbound ids already seen and the audit trail.
///
/// The store is the one owner of durable state. The runtime keeps indexes of some of it in
/// memory (the agenda's heap, the limit ledger), built from the store when it starts and
/// put back as they were when a transaction fails (`Runtime.transaction`), so memory never
/// holds what the store does not.
///
/// Every call is made from the runtime's one serial context, so an implementation need not
/// lock. Every call can fail (a full disk, a broken file); a failure is thrown, never
/// turned into a value a caller could take for an answer, and the event it happened in is
/// rolled back whole. The protocol never asks for "everything": a durable store can page
/// and index.
public protocol Store: AnyObject {
    /// Runs `body` as one unit: everything it wrote is kept, or, when it throws, nothing.
    /// Transactions do not nest.
    func transaction<T>(_ body: () throws -> T) throws -> T

    func conversation(_ contact: ContactID) throws -> Conversation?
    func save(_ conversation: Conversation) throws
    /// Changes a conversation in place, creating it when new; returns what `change` returns.
    /// (By default a read and a save; a store in memory changes it where it lies.)
    func update<T>(_ contact: ContactID, _ change: (inout Conversation) -> T) throws -> T
    /// The conversations `query` selects, in contact order, for automations that look for
    /// work: a store answers from its indexes, at a cost in proportion to what it returns.
    func conversations(matching query: ConversationQuery) throws -> [Conversation]

    /// The key a person's conversation is kept under: `contact` itself, or the key it is
    /// known by when `contact` is another name of the same person (a user id beside a phone
    /// number, a number they moved from).
    func canonical(_ contact: ContactID) throws -> ContactID
    /// Makes `alias` another name of the conversation kept under `contact`.
    func addAlias(_ alias: ContactID, for contact: ContactID) throws
    /// Moves the conversation kept under `old` to `new`, which must have none, and makes
    /// `old` (and every name of it) a name of `new`.
    func rekey(_ old: ContactID, to new: ContactID) throws

    /// The template catalog and the account, read often and so served from memory.
    var catalog: TemplateCatalog { get }
    func save(_ catalog: TemplateCatalog) throws
    var account: AccountStanding { get }
    func save(_ account: AccountStanding) throws

    /// The contacts counted toward the messaging limit after `start`, oldest first: what
    /// the runtime's ledger is built from.
    func limitCounts(after start: Instant) throws -> [(contact: ContactID, at: Instant)]
    func addLimitCount(_ contact: ContactID, at instant: Instant) throws
    func removeLimitCount(_ contact: ContactID, at instant: Instant) throws
    /// Forgets counts that no longer count, and inbound ids older than `seenBefore`.
    func prune(limitCountsBefore cutoff: Instant, seenBefore: Instant) throws

    /// The estimated spend of one budget scope (`""` for the deployment, else a script's
    /// name) in one UTC period (`"2026-01-05"`, `"2026-01"`), and whether its warning was
    /// given: what the budgets are checked against (docs/rules.md §16.4).
    func spend(of scope: String, in period: String) throws -> SpendTally
    func save(_ tally: SpendTally, of scope: String, in period: String) throws

    /// Remembers an inbound message id; `false` when it was already seen (a retry).
    func firstSighting(ofInbound id: String, at now: Instant) throws -> Bool

    func appendAudit(_ decision: Decision) throws
    /// The audit records (`Decision.auditRecord`) of one message, in the order made.
    func audit(ofMessage id: String) throws -> [JSONValue]
    /// The audit records of every message to one contact, in the order made.
    func audit(ofContact contact: ContactID) throws -> [JSONValue]

    /// Keeps an item of the agenda; returns its key, which is never 0.
    func addAgendaItem(_ work: DueWork, at: Instant) throws -> Int64
    func removeAgendaItem(_ key: Int64) throws
    /// Everything on the agenda, in the order it was added.
    func agendaItems() throws -> [AgendaItem]
    /// The next number of a named counter (message ids, hand-off ids), from 1.
    func nextNumber(_ counter: String) throws -> Int64
}

extension Store {
    public func update<T>(_ contact: ContactID, _ change: (inout Conversation) -> T) throws -> T {
        var c = try conversation(contact) ?? Conversation(contact: contact)
        let result = change(&c)
        try save(c)
        return result
    }
}

/// What one budget scope spent in one period, in estimates.
public struct SpendTally: Sendable, Equatable {
    public var spent: Money
    /// The period's `budget_warning` was given: it is given once.
    public var warned: Bool

    public init(spent: Money = .zero, warned: Bool = false) {
        self.spent = spent
        self.warned = warned
    }
}

/// An item of the agenda as the store keeps it.
public struct AgendaItem: Sendable, Equatable {
    public let key: Int64
    public let at: Instant
    public let work: DueWork

    public init(key: Int64, at: Instant, work: DueWork) {
        self.key = key
        self.at = at
        self.work = work
    }
}
