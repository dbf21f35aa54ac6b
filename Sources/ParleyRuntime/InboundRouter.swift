import ParleyJSON
import ParleyScripting
import ParleyPolicy
import ParleySandbox

/// Where a contact's message goes: the core's keywords first, then the owner of the
/// conversation, or the router's choice for one nobody owns.
final class InboundRouter {
    private unowned(unsafe) let runtime: Runtime
    /// The runtime's, which never change: kept here, as reading them through `runtime` copied
    /// them on every use in the hot path.
    let policy: Policy
    let config: RuntimeConfig

    init(_ runtime: Runtime) {
        self.runtime = runtime
        policy = runtime.policy
        config = runtime.config
    }

    private var now: Instant { runtime.now }
    private var scripts: ScriptSet { _read { yield runtime.scripts } }

    /// A contact wrote. The path of one message (docs/architecture.md): the window restarts;
    /// consent keywords are the core's; escalation keywords hand off before any bot sees
    /// the message; a human owner gets it; otherwise the owning bot, or the router first.
    /// `false` for a message seen before (the platform retries for up to 7 days).
    func receive(_ message: Inbound) throws -> Bool {
        if config.deduplicatesInbound, let id = message.id, try !runtime.store.firstSighting(ofInbound: id, at: now) { return false }
        var message = message
        message.from = try runtime.identify(message)  // one conversation per person, however named
        let contact = message.from
        let now = self.now
        let idle = config.sessionIdleSpan
        let (owner, ended, started) = try runtime.update(contact) { c in
            let (ended, started) = Handoffs.turnOver(&c, at: now, idle: idle)
            c.lastInbound = now
            c.windowGeneration += 1
            // A contact who writes can be reached, and engages: the holds a failure set lift.
            if c.undeliverableUntil != nil { c.undeliverableUntil = nil }
            if c.marketingCapStrikes != nil { c.marketingCapStrikes = nil }
            // From an ad or a page button: a reply in time opens a free entry point window,
            // unless one is open already (a referral does not lengthen it).
            if message.referral != nil, !(c.freeEntryPointUntil.map { now < $0 } ?? false) { c.entryPointReferralAt = now }
            return (c.owner, ended, started)
        }
        if let (session, since) = ended { runtime.record(Records.sessionEnded(contact, session, Handoffs.SessionEnd.idle.rawValue, idleSince: since, at: now)) }
        if let started { runtime.record(Records.sessionStarted(contact, started, at: now)) }
        runtime.record(Records.inbound(message, owner: owner, at: now))

        var meaning: KeywordMeaning?
        if message.carriesKeywords, let text = message.text { meaning = policy.keywords.meaning(of: text) }
        switch meaning {
        case .optOut?: try runtime.optOut(contact, confirm: true)
        case .optIn?: try runtime.resume(contact, confirm: true)
        case .escalate?: try escalationKeyword(from: contact, message, owner: owner)
        case nil: try deliverToOwner(message, owner: owner)
        }
        try scheduleWindowClosing(for: contact)
        return true
    }

    private func deliverToOwner(_ message: Inbound, owner: Owner) throws {
        let contact = message.from
        switch owner {
        case .human:
            return  // the agents' queue has it; the bot never sees it
        case .bot(let name):
            try botTurn(name, message)
        case .nobody:
            let msg = message.scriptValue
            let routed = try route(message, msg)
            switch routed?.owner {
            case .bot(let name)?:
                if let data = routed?.data, let by = routed?.by, let bot = scripts.bots[name], bot.definition.has("on_handoff") {
                    // The router handed over with data: the bot hears it as a hand-off, with the message.
                    try runtime.calls.call(bot, "on_handoff", on: contact, arguments: [["from": .string(by), "data": data, "msg": msg]])
                    try runtime.runDue()
                } else {
                    try botTurn(name, message, msg)
                }
            case .human(let queue)?: try runtime.handoffs.escalate(contact, queue: queue, reason: EscalationReason.routed, note: "routed to a person", bot: nil)
            case .nobody?, nil: return
            }
        }
    }

    /// "human", "agent"... The core escalates before the bot sees the message; on a
    /// conversation nobody owns, the router picks the bot first, and its queue takes it.
    private func escalationKeyword(from contact: ContactID, _ message: Inbound, owner: Owner) throws {
        switch owner {
        case .human:
            return
        case .bot(let name):
            try runtime.handoffs.escalate(contact, queue: nil, reason: EscalationReason.keyword, note: message.text, bot: name)
        case .nobody:
            switch try route(message)?.owner {
            case .bot(let name)?: try runtime.handoffs.escalate(contact, queue: nil, reason: EscalationReason.keyword, note: message.text, bot: name)
            case .human(let queue)?: try runtime.handoffs.escalate(contact, queue: queue, reason: EscalationReason.keyword, note: message.text, bot: nil)
            case .nobody?, nil: return
            }
        }
    }

    /// Picks the owner of a conversation nobody owns: the router's answer (with the data it
    /// may return beside a bot), or the default route. A failing router costs this
    /// conversation an escalation to the default queue.
    func route(_ message: Inbound, _ msg: JSONValue? = nil) throws -> (owner: Owner, data: JSONValue?, by: String)? {
        let contact = message.from
        let chosen: Owner
        var data: JSONValue?
        var by = "default"
        if let router = scripts.router {
            by = "router:\(router.definition.name)"
            let outcome = try runtime.calls.call(router, "route", on: contact, arguments: [msg ?? message.scriptValue], results: 2)
            guard case .success(let values)? = outcome else {
                try runtime.handoffs.escalate(contact, queue: nil, reason: EscalationReason.botError, note: "the router failed", bot: nil, apology: true)
                return nil
            }
            switch values.first {
            case .string(let text)?:
                guard let owner = Owner(parsing: text), isKnown(owner) else {
                    runtime.calls.scriptError(router, "route returned \"\(text)\"; return \"bot:<name>\" (one of: \(scripts.bots.keys.sorted().joined(separator: ", "))) or \"human:<queue>\" (one of: \(config.declaredQueues))")
                    try runtime.handoffs.escalate(contact, queue: nil, reason: EscalationReason.botError, note: "the router answered nonsense", bot: nil, apology: true)
                    return nil
                }
                chosen = owner
                if values.count > 1, values[1] != .null, case .bot = owner { data = values[1] }
            case .null?, nil:
                chosen = defaultRoute
            case let other?:
                runtime.calls.scriptError(router, "route returned a \(other.kindName); return \"bot:<name>\" or \"human:<queue>\"")
                try runtime.handoffs.escalate(contact, queue: nil, reason: EscalationReason.botError, note: "the router answered nonsense", bot: nil, apology: true)
                return nil
            }
        } else {
            chosen = defaultRoute
        }
        // A router that handed the conversation to a person itself (escalate_to_human) has
        // decided: its return value does not undo the hand-off.
        let owner = try runtime.conversation(contact).owner
        if owner != .nobody { return (owner, nil, by) }
        if case .bot = chosen {
            try runtime.update(contact) { c in
                c.owner = chosen
                if let fields = data?.objectValue, c.session != nil { c.session?.data = .object(fields) }  // the router's data: conv.session
            }
            runtime.record(Records.routed(contact, owner: chosen, by: by, at: now))
        }
        return (chosen, data, by)
    }

    var defaultRoute: Owner {
        if let route = config.defaultRoute { return route }
        if scripts.bots.count == 1, let only = scripts.bots.keys.first { return .bot(only) }
        return .human(queue: config.defaultQueue)
    }

    private func isKnown(_ owner: Owner) -> Bool {
        switch owner {
        case .bot(let name): scripts.bots[name] != nil
        case .human(let queue): config.queues[queue] != nil
        case .nobody: true
        }
    }

    /// One turn of a bot: `on_message`, then the not-understood count, which escalates at
    /// its limit and resets on an understood turn.
    func botTurn(_ name: String, _ message: Inbound, _ msg: JSONValue? = nil) throws {
        let contact = message.from
        guard let bot = scripts.bots[name] else {
            try runtime.handoffs.escalate(contact, queue: nil, reason: EscalationReason.botError, note: "bot '\(name)' is not loaded", bot: nil, apology: true)
            return
        }
        runtime.calls.turn = (contact, false)
        let value = msg ?? message.scriptValue
        // What a hand-off passes on; with one bot there is no one to hand off to.
        let keepsMessage = scripts.bots.count > 1
        let outer = runtime.calls.message
        if keepsMessage { runtime.calls.message = (message, value) }
        defer { if keepsMessage { runtime.calls.message = outer } }
        let outcome: Result<[JSONValue], ScriptFailure>?
        do {
            outcome = try runtime.calls.call(bot, "on_message", on: contact, arguments: [value])
        } catch {
            runtime.calls.turn = nil
            throw error
        }
        let notUnderstood = runtime.calls.turn?.notUnderstood ?? false
        runtime.calls.turn = nil
        // What the bot said this turn goes out before any hand-off that follows it.
        try runtime.runDue()
        guard case .success? = outcome else { return }
        let streak: Int? = try runtime.update(contact) { c in
            guard c.owner == .bot(name) else { return nil }  // handed off during the turn
            c.notUnderstoodStreak = notUnderstood ? c.notUnderstoodStreak + 1 : 0
            return c.notUnderstoodStreak
        }
        if let streak, streak >= config.policy.notUnderstoodLimit {
            try runtime.handoffs.escalate(contact, queue: nil, reason: EscalationReason.notUnderstood, note: "\(streak) turns in a row not understood", bot: name)
        }
    }

    /// After a message, the owning bot's `on_window_closing` is put on the agenda for this
    /// window; a later message starts a new window and makes this one stale.
    func scheduleWindowClosing(for contact: ContactID) throws {
        guard scripts.anyBotWatchesWindow else { return }
        let c = try runtime.conversation(contact)
        guard case .bot(let name) = c.owner, let bot = scripts.bots[name], bot.definition.has("on_window_closing"),
            let end = policy.windowEnd(lastInbound: c.lastInbound)
        else { return }
        let at = end - (bot.definition.windowClosingLead ?? .hours(1))
        if at >= now { try runtime.agenda.add(.windowClosing(contact: contact, generation: c.windowGeneration), at: at) }
    }
}
