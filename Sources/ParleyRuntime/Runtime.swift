import ParleyJSON
import ParleySandbox
import ParleyScripting
import ParleyPolicy

/// The runtime core: it takes events (`RuntimeEvent`: inbound messages, agent actions,
/// platform updates, the passing of time), runs the scripts they concern, puts every
/// message they ask for through the policy, paces what is allowed, and writes down what
/// happened.
///
/// A `Runtime` is not thread-safe: it is one serial context, and every event is handled to
/// its end (including everything that falls due at that instant) before the next. That is
/// what makes a simulation exact and a limit reservation atomic.
///
/// State has one owner each. Durable state is the store's. The runtime's parts keep what
/// is in memory: the agenda's heap (`Agenda`), the pacer's slots and the limit ledger
/// (`SendPipeline`), the call now running (`ScriptCalls`). A failed `transaction` puts
/// the memory back as it was, so it never holds what the store rolled back.
///
/// The parts hold their runtime `unowned(unsafe)`: it owns them and outlives every call into
/// them, and a checked reference cost a few percent of the pipeline's time.
///
/// The parts, each in its own file: `InboundRouter` (a contact wrote: who hears it),
/// `ScriptCalls` (calling scripts, and answering them), `SendPipeline` (the policy,
/// pacing and the channel), `Handoffs` (bots and people), `Agenda` (what falls due).
public final class Runtime {
    public let config: RuntimeConfig
    public let policy: Policy
    public let clock: any Clock
    public let store: any Store
    public let channel: any Channel
    public private(set) var scripts = ScriptSet()

    /// Receives every transcript record as it happens (inside a transaction: when it
    /// commits); with none, no record is built.
    public var onRecord: ((TranscriptRecord) -> Void)?
    /// Receives log lines: scripts' `log(...)` and `print(...)` (source `bot:orders`...) and
    /// the runtime's own notes (source `core`).
    public var onLog: (_ source: String, _ line: String) -> Void = { _, _ in }
    /// Receives every policy decision as it is made: the audit trail as a stream.
    public var onDecision: (Decision) -> Void = { _ in }
    /// Asked every few hundred items while the clock moves through the agenda: `true`
    /// stops it where it has got to. A spec's world uses it to keep to the test's time budget.
    public var shouldStopAdvancing: (() -> Bool)?
    /// Hears every script call start and end: a server's metrics. Nil in a simulation.
    public weak var scriptCallObserver: (any ScriptCallObserver)?
    /// When the script call now running started: what a server's health check reads.
    public let callWatch = CallWatch()

    private(set) var agenda: Agenda!
    private(set) var sending: SendPipeline!
    private(set) var calls: ScriptCalls!
    private(set) var handoffs: Handoffs!
    private(set) var router: InboundRouter!
    /// Memory a failed transaction could not rebuild (the store failed again): the next
    /// transaction rebuilds it first.
    private var memoryToRebuild: Memory?
    /// Records and decisions made in the open transaction, told when it commits.
    private var pending: (records: [TranscriptRecord], decisions: [Decision])?
    /// Set while the agenda is being worked through: work that falls due meanwhile joins the
    /// loop already running instead of starting one inside it.
    var runningDue = false

    /// A runtime on `store`: one that starts on a store with an agenda carries on with it.
    public init(config: RuntimeConfig = RuntimeConfig(), clock: any Clock, store: any Store = InMemoryStore(), channel: any Channel = RecordingChannel()) throws {
        self.config = config
        self.policy = Policy(config.policy)
        self.clock = clock
        self.store = store
        self.channel = channel
        agenda = try Agenda(store: store)
        sending = try SendPipeline(self)
        calls = ScriptCalls(self)
        handoffs = Handoffs(self)
        router = InboundRouter(self)
    }

    public var now: Instant { clock.now }

    /// The setup scripts need to run against this runtime.
    public func scriptSetup(modules: ModuleLibrary) -> ScriptSetup {
        ScriptSetup(modules: modules, limits: config.budget, host: calls)
    }

    /// Puts a set of scripts to work: automations start their clocks now.
    public func install(_ scripts: ScriptSet) {
        self.scripts = scripts
        for automation in scripts.automations {
            if let schedule = automation.definition.schedule {
                try? agenda.add(.automation(name: automation.definition.name), at: schedule.next(after: now))  // kept in memory only: cannot fail
            }
        }
    }

    // MARK: Transactions

    /// Runs `body` (events, usually) as one unit in a store transaction: if it throws,
    /// the store rolls back and the runtime's memory is made what it was, so the same
    /// events can run again on this runtime. Records and decisions reach `onRecord` and
    /// `onDecision` only when it commits.
    ///
    /// Memory that indexes the store (the agenda's heap, the limit ledger) is read again
    /// from the store after a failure; memory no store holds (the pacer's slots, when the
    /// automations run) is copied before and put back. Failures are rare and events are
    /// many, so the common path copies only what it must. Should the store fail the rebuild
    /// too, the next transaction does it before anything else.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        precondition(pending == nil, "Runtime transactions do not nest")
        if let memory = memoryToRebuild { try rebuild(memory) }
        let before = Memory(pacer: sending.state.pacer, automations: agenda.automations)
        pending = ([], [])
        defer { pending = nil }
        let result: T
        do {
            result = try store.transaction(body)
        } catch {
            calls.reset()
            do { try rebuild(before) } catch { memoryToRebuild = before }
            throw error
        }
        let (records, decisions) = pending!
        pending = nil
        if let onRecord { records.forEach(onRecord) }
        decisions.forEach(onDecision)
        return result
    }

    /// What a transaction keeps of the memory no store holds.
    struct Memory {
        let pacer: Pacer
        let automations: [String: Instant]
    }

    private func rebuild(_ memory: Memory) throws {
        try agenda.rebuild(automations: memory.automations)
        try sending.rebuild(pacer: memory.pacer)
        memoryToRebuild = nil
    }

    /// When the next item on the agenda falls due: a live deployment sleeps until then.
    public var nextDue: Instant? { agenda.nextDue }

    /// Pending items on the agenda (timers, paced messages, hooks, automations).
    public var pendingWork: Int { agenda.count }

    // MARK: Records and ids

    func record(_ make: @autoclosure () -> TranscriptRecord) {
        guard let onRecord else { return }
        if pending != nil { pending!.records.append(make()) } else { onRecord(make()) }
    }

    /// Keeps a decision in the audit trail and passes it to `onDecision`.
    func audit(_ decision: Decision) throws {
        try store.appendAudit(decision)
        if pending != nil { pending!.decisions.append(decision) } else { onDecision(decision) }
    }

    // MARK: Conversations

    func conversation(_ contact: ContactID) throws -> Conversation {
        try store.conversation(contact) ?? Conversation(contact: contact)
    }

    /// Changes a conversation, creating it when new; returns what `change` returns.
    @discardableResult
    func update<T>(_ contact: ContactID, _ change: (inout Conversation) -> T) throws -> T {
        try store.update(contact, change)
    }

    func view(of c: Conversation) -> ConversationView {
        ConversationView(contact: c.contact.description, number: c.contact.numberName, owner: c.owner.description, language: c.language ?? config.policy.defaultLanguage, state: c.state,
                         session: c.session.map { $0.data ?? .object([:]) })
    }

    // MARK: The audit trail

    /// Every decision about one message, at request and at dispatch, with its inputs: why it
    /// went or did not (`Decision.auditRecord`).
    public func audit(ofMessage id: String) throws -> [JSONValue] { try store.audit(ofMessage: id) }

    public func audit(ofContact contact: ContactID) throws -> [JSONValue] { try store.audit(ofContact: contact) }
}
