import ParleyJSON
import ParleyLua
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
/// State has one owner each. Durable state is the store's. The runtime's memory
/// (`RuntimeMemory`) holds indexes built from the store and the pacer's slots; a failed
/// `transaction` puts it back as it was, so it never holds what the store rolled back.
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
    /// Asked every few hundred items while `advance(to:)` works through the agenda: `true`
    /// stops it where it has got to. A spec's world uses it to keep to the test's time budget.
    public var shouldStopAdvancing: (() -> Bool)?
    /// When the script call now running started: what a server's health check reads.
    public let callWatch = CallWatch()

    var memory: RuntimeMemory
    /// Set while a bot's `on_message` runs, for `conv:not_understood()`.
    var turn: (contact: ContactID, notUnderstood: Bool)?
    /// What the script call now running has spent of what one call may: sends and log bytes
    /// (a loop of refused sends would otherwise fill the audit trail, a loop of logs the disk).
    var allowance = CallAllowance()
    /// A store failure met where it could not be thrown (inside a script's call): the call
    /// that met it throws it when the script returns, and the event fails with it.
    var storeFailure: (any Error)?
    /// Records and decisions made in the open transaction, told when it commits.
    private var pending: (records: [TranscriptRecord], decisions: [Decision])?
    /// Set while the agenda is being worked through: work that falls due meanwhile joins the
    /// loop already running instead of starting one inside it.
    private var runningDue = false

    /// A runtime on `store`: one that starts on a store with an agenda carries on with it.
    public init(config: RuntimeConfig = RuntimeConfig(), clock: any Clock, store: any Store = InMemoryStore(), channel: any Channel = RecordingChannel()) throws {
        self.config = config
        self.policy = Policy(config.policy)
        self.clock = clock
        self.store = store
        self.channel = channel
        memory = try RuntimeMemory(from: store, config: config, at: clock.now)
    }

    public var now: Instant { clock.now }

    /// The setup scripts need to run against this runtime.
    public func scriptSetup(modules: ModuleLibrary) -> ScriptSetup {
        ScriptSetup(modules: modules, limits: config.budget, host: self)
    }

    /// Puts a set of scripts to work: automations start their clocks now.
    public func install(_ scripts: ScriptSet) {
        self.scripts = scripts
        for automation in scripts.automations {
            if let every = automation.definition.every {
                memory.agenda.add(.automation(name: automation.definition.name), at: now + every, key: 0)
            }
        }
    }

    // MARK: Transactions

    /// Runs `body` (events, usually) as one unit in a store transaction: if it throws,
    /// the store rolls back and the runtime's memory is put back as it was, so the same
    /// events can run again on this runtime. Records and decisions reach `onRecord` and
    /// `onDecision` only when it commits.
    ///
    /// Why a copy of memory rather than a rebuild from the store: the pacer's slots are in
    /// no store, and the copy is free until the first change (every part is a value).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        precondition(pending == nil, "Runtime transactions do not nest")
        let before = memory
        pending = ([], [])
        defer { pending = nil }
        let result: T
        do {
            result = try store.transaction(body)
        } catch {
            memory = before
            storeFailure = nil
            throw error
        }
        let (records, decisions) = pending!
        pending = nil
        if let onRecord { records.forEach(onRecord) }
        decisions.forEach(onDecision)
        return result
    }

    // MARK: Time

    /// Moves a manual clock to `target`, running everything due on the way, each item at its
    /// own instant, in time order.
    func advance(to target: Instant) throws {
        guard let manual = clock as? ManualClock else { return try runDue() }
        guard !runningDue else { return }
        runningDue = true
        defer { runningDue = false }
        var items = 0
        while let item = memory.agenda.next(dueBy: target) {
            if item.at > manual.now { manual.set(item.at) }
            try run(item)
            items += 1
            if items % 256 == 0, let shouldStop = shouldStopAdvancing, shouldStop() { return }
        }
        if target > manual.now { manual.set(target) }
    }

    /// Runs everything due by now: what a live deployment calls as time passes, and what
    /// every event calls when it is done. One loop at a time: a timer whose handler makes
    /// more work due adds to the loop, never a deeper stack.
    func runDue() throws {
        guard !runningDue else { return }
        runningDue = true
        defer { runningDue = false }
        while let item = memory.agenda.next(dueBy: now) { try run(item) }
    }

    /// When the next item on the agenda falls due: a live deployment sleeps until then.
    public var nextDue: Instant? { memory.agenda.nextDue }

    /// Pending items on the agenda (timers, paced messages, hooks, automations).
    public var pendingWork: Int { memory.agenda.count }

    /// Puts work on the agenda, kept in the store unless it is an automation's run (which
    /// the scripts define anew whenever the runtime starts).
    func schedule(_ work: DueWork, at instant: Instant) throws {
        var key: Int64 = 0
        if case .automation = work {} else { key = try store.addAgendaItem(work, at: instant) }
        memory.agenda.add(work, at: instant, key: key)
    }

    private func run(_ item: (at: Instant, key: Int64, work: DueWork)) throws {
        if item.key != 0 { try store.removeAgendaItem(item.key) }
        switch item.work {
        case .dispatch(let entry): try dispatch(entry)
        case .timer(let script, let contact, let name, let data): try fireTimer(script: script, contact: contact, name: name, data: data)
        case .windowClosing(let contact, let generation): try fireWindowClosing(contact: contact, generation: generation)
        case .automation(let name): try runAutomation(name)
        case .liftRestriction:
            if store.account.businessInitiatedRestricted { try setBusinessInitiatedRestriction(false) }
        }
    }

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

    func nextMessageID() throws -> String { "out-\(try store.nextNumber("message"))" }

    func nextHandoffID() throws -> String { "handoff-\(try store.nextNumber("handoff"))" }

    // MARK: Conversations

    func conversation(_ contact: ContactID) throws -> Conversation {
        try store.conversation(contact) ?? Conversation(contact: contact)
    }

    /// Changes a conversation, creating it when new; returns what `change` returns.
    @discardableResult
    func update<T>(_ contact: ContactID, _ change: (inout Conversation) -> T) throws -> T {
        var c = try conversation(contact)
        let result = change(&c)
        try store.save(c)
        return result
    }

    func view(of c: Conversation) -> ConversationView {
        ConversationView(contact: c.contact.value, owner: c.owner.description, language: c.language ?? config.policy.defaultLanguage, state: c.state)
    }

    // MARK: The audit trail

    /// Every decision about one message, at request and at dispatch, with its inputs: why it
    /// went or did not (`Decision.auditRecord`).
    public func audit(ofMessage id: String) throws -> [JSONValue] { try store.audit(ofMessage: id) }

    public func audit(ofContact contact: ContactID) throws -> [JSONValue] { try store.audit(ofContact: contact) }
}
