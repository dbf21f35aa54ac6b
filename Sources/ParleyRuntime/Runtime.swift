import ParleyJSON
import ParleyLua
import ParleyPolicy

/// The runtime core: it takes events (inbound messages, agent actions, platform updates,
/// the passing of time), runs the scripts they concern, puts every message they ask for
/// through the policy, paces what is allowed through the outbox, and writes down what
/// happened.
///
/// A `Runtime` is not thread-safe: it is one serial context, and every event is handled to
/// its end (including everything that falls due at that instant) before the next. That is
/// what makes a simulation exact and a limit reservation atomic.
public final class Runtime {
    public let config: RuntimeConfig
    public let policy: Policy
    public let clock: any Clock
    public let store: any Store
    public let channel: any Channel
    public private(set) var scripts = ScriptSet()

    /// Receives every transcript record as it happens; with none, no record is built.
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

    var scheduler = Scheduler()
    var pacer: Pacer
    /// Paced messages by their sequence number (the number in their `out-N` id).
    var outbox: [Int: OutboxEntry] = [:]
    var waitingByContact: [ContactID: Int] = [:]
    var messageCounter = 0
    var handoffCounter = 0
    /// Set while a bot's `on_message` runs, for `conv:not_understood()`.
    var turn: (contact: ContactID, notUnderstood: Bool)?
    /// What the script call now running has spent of what one call may: sends and log bytes
    /// (a loop of refused sends would otherwise fill the audit trail, a loop of logs the disk).
    var allowance = CallAllowance()
    /// Set while the agenda is being worked through: work that falls due meanwhile joins the
    /// loop already running instead of starting one inside it.
    private var runningDue = false

    public init(config: RuntimeConfig = RuntimeConfig(), clock: any Clock, store: any Store = InMemoryStore(), channel: any Channel = RecordingChannel()) {
        self.config = config
        self.policy = Policy(config.policy)
        self.clock = clock
        self.store = store
        self.channel = channel
        self.pacer = Pacer(config.policy.pacing)
        // A runtime that starts on a store with an agenda carries on with it.
        for item in store.agendaItems() {
            scheduler.add(item.work, at: item.at, key: item.key)
            if case .dispatch(let entry) = item.work { waitingByContact[entry.contact, default: 0] += 1 }
        }
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
                schedule(.automation(name: automation.definition.name), at: now + every)
            }
        }
    }

    // MARK: Time

    /// Moves a manual clock to `target`, running everything due on the way, each item at its
    /// own instant, in time order.
    public func advance(to target: Instant) {
        guard let manual = clock as? ManualClock else {
            runDue()
            return
        }
        guard !runningDue else { return }
        runningDue = true
        defer { runningDue = false }
        var items = 0
        while let (at, key, work) = scheduler.next(dueBy: target) {
            if at > manual.now { manual.set(at) }
            if key != 0 { store.removeAgendaItem(key) }
            run(work)
            items += 1
            if items % 256 == 0, let shouldStop = shouldStopAdvancing, shouldStop() { return }
        }
        if target > manual.now { manual.set(target) }
    }

    /// Runs everything due by now: what a live deployment calls as time passes, and what
    /// every event calls when it is done. One loop at a time: a timer whose handler makes
    /// more work due adds to the loop, never a deeper stack.
    public func runDue() {
        guard !runningDue else { return }
        runningDue = true
        defer { runningDue = false }
        while let (_, key, work) = scheduler.next(dueBy: now) {
            if key != 0 { store.removeAgendaItem(key) }
            run(work)
        }
    }

    /// When the next item on the agenda falls due: a live deployment sleeps until then.
    public var nextDue: Instant? { scheduler.nextDue }

    /// Puts work on the agenda, kept in the store unless it is an automation's run (which
    /// the scripts define anew whenever the runtime starts).
    func schedule(_ work: DueWork, at instant: Instant) {
        var key: Int64 = 0
        if case .automation = work {} else { key = store.addAgendaItem(work, at: instant) }
        scheduler.add(work, at: instant, key: key)
    }

    /// Pending items on the agenda (timers, paced messages, hooks, automations).
    public var pendingWork: Int { scheduler.count }

    func run(_ work: DueWork) {
        switch work {
        case .dispatch(let entry): dispatch(entry)
        case .timer(let script, let contact, let name, let data): fireTimer(script: script, contact: contact, name: name, data: data)
        case .windowClosing(let contact, let generation): fireWindowClosing(contact: contact, generation: generation)
        case .automation(let name): runAutomation(name)
        case .liftRestriction:
            if store.account.businessInitiatedRestricted { setBusinessInitiatedRestriction(false) }
        }
    }

    // MARK: Records and ids

    func record(_ make: @autoclosure () -> TranscriptRecord) {
        if let onRecord { onRecord(make()) }
    }

    func nextMessageID() -> String { "out-\(store.nextNumber("message"))" }

    func nextHandoffID() -> String { "handoff-\(store.nextNumber("handoff"))" }

    // MARK: Conversations

    func conversation(_ contact: ContactID) -> Conversation {
        store.conversation(contact) ?? Conversation(contact: contact)
    }

    @discardableResult
    func update<T>(_ contact: ContactID, _ change: (inout Conversation) -> T) -> T {
        store.update(contact, change)
    }

    func view(of c: Conversation) -> ConversationView {
        ConversationView(contact: c.contact.value, owner: c.owner.description, language: c.language ?? config.policy.defaultLanguage, state: c.state)
    }

    // MARK: The audit trail

    /// Every decision about one message, at request and at dispatch, with its inputs: why it
    /// went or did not (`Decision.auditRecord`).
    public func audit(ofMessage id: String) -> [JSONValue] { store.audit(ofMessage: id) }

    public func audit(ofContact contact: ContactID) -> [JSONValue] { store.audit(ofContact: contact) }
}
