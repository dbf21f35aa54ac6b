import ParleyJSON
import ParleySandbox
import ParleyScripting
import ParleyPolicy

/// The runtime's script calls: each handler call with its conversation, the allowance one
/// call may spend, and what the call's failure costs. It also answers the scripts' host
/// functions (`ScriptCalls+Host.swift`).
final class ScriptCalls {
    unowned(unsafe) let runtime: Runtime
    /// The runtime's, which never change: kept here, as reading them through `runtime` copied
    /// them on every use in the hot path.
    let policy: Policy
    let config: RuntimeConfig
    /// What the script call now running has spent of what one call may: sends and log
    /// bytes (a loop of refused sends would otherwise fill the audit trail, a loop of logs
    /// the disk).
    var allowance = CallAllowance()
    /// Set while a bot's `on_message` runs, for `conv:not_understood()`.
    var turn: (contact: ContactID, notUnderstood: Bool)?
    /// A store failure met where it could not be thrown (inside a script's call): the call
    /// that met it throws it when the script returns, and the event fails with it.
    var storeFailure: (any Error)?
    /// While a macro runs: its sends' outcomes, for the agent who ran it.
    var macroSends: [SendOutcome]?
    /// `conv:done(note)` was called: the session ends when the call returns.
    var doneRequested: (contact: ContactID, note: String?)?
    /// `hand_off` was called: the other bot takes the conversation when the call returns.
    var handOffRequested: HandOff?
    /// The message a bot is answering now, which a hand-off passes on.
    var message: (inbound: Inbound, value: JSONValue)?
    /// Hand-offs in this event: a bot that hands on to one that hands back would never stop.
    var handOffs = 0

    init(_ runtime: Runtime) {
        self.runtime = runtime
        policy = runtime.policy
        config = runtime.config
    }

    /// Forgets the call that was running: after a failed transaction nothing of it stays.
    func reset() {
        allowance = CallAllowance()
        turn = nil
        storeFailure = nil
        macroSends = nil
        doneRequested = nil
        handOffRequested = nil
        message = nil
        handOffs = 0
    }

    var now: Instant { runtime.now }
    /// The runtime's, borrowed: a copy per access would cost the hot path.
    var scripts: ScriptSet { _read { yield runtime.scripts } }

    /// Calls a script's handler with the conversation of `contact` (when given) and keeps
    /// what it left in `conv.state`. A failure, whether an error or a budget, is written to
    /// the transcript; for a bot it also costs this conversation an escalation, and the
    /// contact hears that a person takes over. `nil` when the script has no such handler.
    /// A store failure during the call is thrown once the script has returned.
    @discardableResult
    func call(_ script: Script, _ handler: String, on contact: ContactID?, arguments: [JSONValue] = [], results: Int32 = 0)
        throws -> Result<[JSONValue], ScriptFailure>?
    {
        let before = try contact.map { runtime.view(of: try runtime.conversation($0)) }
        let outer = allowance
        allowance = CallAllowance(conversation: contact)
        runtime.callWatch.started(at: now)
        let observer = runtime.scriptCallObserver
        observer?.scriptCallStarted()
        defer {
            allowance = outer
            runtime.callWatch.ended()
        }
        let result: Script.Result?
        do {
            result = try script.call(handler, conversation: before, arguments: arguments, results: results, at: now)
        } catch {
            let outcome: ScriptCallReport.Outcome = error.killReason.map { .stopped(budget: $0.rawValue) } ?? .failed
            observer?.scriptCallEnded(ScriptCallReport(script: script.identity, handler: handler, outcome: outcome))
            try throwStoreFailure()
            return .failure(try failed(script, error, in: contact))
        }
        observer?.scriptCallEnded(ScriptCallReport(script: script.identity, handler: handler, outcome: .returned))
        try throwStoreFailure()
        guard let result else { return nil }
        if let name = result.firstRestored {
            runtime.onLog(script.identity.description, """
                the call changed '\(name)', which the file set when it loaded; every call starts from the file's value \
                (it was put back), so no conversation sees another's data: keep per-conversation data in conv.state
                """)
        }
        if let contact, let before, let after = result.conversation {
            try runtime.update(contact) { c in
                c.state = after.state
                if after.language != before.language { c.language = after.language }
                if let session = after.session, c.session != nil { c.session?.data = session }
            }
        }
        if let done = doneRequested {
            doneRequested = nil
            try runtime.handoffs.endSession(done.contact, .done, note: done.note, by: script.identity.description)
        }
        if let handOff = handOffRequested {
            handOffRequested = nil
            try runtime.handoffs.handOff(handOff)
        }
        return .success(result.values)
    }

    /// A store failure the script's primitives met: the event fails with it.
    private func throwStoreFailure() throws {
        guard let failure = storeFailure else { return }
        storeFailure = nil
        throw failure
    }

    /// What a failed call costs: the transcript says why; a bot's conversation escalates,
    /// and the bot loses its timers there.
    private func failed(_ script: Script, _ error: ScriptFailure, in contact: ContactID?) throws -> ScriptFailure {
        scriptError(script, error.description)
        let definition = script.definition
        if definition.kind == .bot, let contact {
            let owner = try runtime.conversation(contact).owner
            if owner == .bot(definition.name) || owner == .nobody {
                try runtime.handoffs.escalate(contact, queue: nil, reason: EscalationReason.botError, note: error.description, bot: definition.name, apology: true)
            }
            // A bot that failed in a conversation loses its timers there: a timer storm
            // ends with the first failure instead of failing on every tick.
            try runtime.agenda.removeTimers(of: definition.name, for: contact)
        }
        return error
    }

    func scriptError(_ script: Script, _ message: String) {
        runtime.record(Records.fields("script_error", at: now, [
            ("script", .string(script.identity.description)), ("file", .string(script.path)), ("error", .string(message)),
        ]))
    }

    // MARK: Agenda items

    func fireTimer(script name: String, contact: ContactID, name timer: String, data: JSONValue) throws {
        guard let bot = scripts.bots[name] else { return }
        try call(bot, "on_timer", on: contact, arguments: [.string(timer), data])
    }

    func fireWindowClosing(contact: ContactID, generation: Int) throws {
        let c = try runtime.conversation(contact)
        guard c.windowGeneration == generation, c.windowClosingNotified != generation, case .bot(let name) = c.owner,
            let bot = scripts.bots[name], let end = policy.windowEnd(lastInbound: c.lastInbound), end > now
        else { return }
        try runtime.update(contact) { $0.windowClosingNotified = generation }
        try call(bot, "on_window_closing", on: contact, arguments: [.int((end - now).seconds)])
    }

    func runAutomation(_ name: String) throws {
        guard let automation = scripts.automations.first(where: { $0.definition.name == name }) else { return }
        try call(automation, "run", on: nil)
        if let schedule = automation.definition.schedule { try runtime.agenda.add(.automation(name: name), at: schedule.next(after: now)) }
    }

    /// The number's standing changed (its tier, status or a restriction): each automation
    /// with an `on_account(event)` hears of it, in name order, so an admin can alert or slow
    /// down. A failing hook is written down and costs nothing else.
    func tellAccount(_ event: JSONValue) throws {
        for automation in scripts.automations where automation.definition.has("on_account") {
            try call(automation, "on_account", on: nil, arguments: [event])
        }
    }

    // MARK: Agents

    /// An agent runs a macro on a conversation; its sends are the macro's, never a bot's.
    /// A macro missing a declared param does not run: the transcript says which.
    func runMacro(_ name: String, on contact: ContactID, arguments: JSONValue, by agent: String? = nil) throws -> MacroOutcome {
        guard let macro = scripts.macros[name] else {
            throw RuntimeError("no macro named '\(name)'" + (scripts.macros.isEmpty ? "" : "; macros: \(scripts.macros.keys.sorted().joined(separator: ", "))"))
        }
        var outcome = MacroOutcome()
        outcome.missingParams = macro.definition.params.filter { param in
            switch arguments[param] {
            case nil, .null?, .string("")?: true
            default: false
            }
        }
        guard outcome.missingParams.isEmpty else {
            var r = Records.fields("macro_refused", at: now, [
                ("to", .string(contact.description)), ("macro", .string(name)), ("missing", .array(outcome.missingParams.map(JSONValue.string))),
            ])
            r.add("agent", agent)
            runtime.record(r)
            return outcome
        }
        var ran = Records.fields("macro_run", at: now, [("to", .string(contact.description)), ("macro", .string(name))])
        ran.add("agent", agent)
        runtime.record(ran)
        let outer = macroSends
        macroSends = []
        defer { macroSends = outer }
        let result = try call(macro, "run", on: contact, arguments: [arguments.objectValue != nil ? arguments : .object([:])])
        if case .failure(let failure)? = result { outcome.error = failure.description }
        outcome.sends = macroSends ?? []
        return outcome
    }
}

/// A request the runtime cannot carry out, with what to do instead.
public struct RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
