import ParleyJSON
import ParleySandbox
import ParleyScripting
import ParleyPolicy

/// The primitives, as the runtime answers them. Scripts ask; the policy decides.
extension ScriptCalls: ScriptHost {
    public func send(_ message: OutboundMessage, to recipient: String, by script: ScriptIdentity) throws(HostError) -> SendOutcome {
        guard let sender = script.sender else { throw HostError("send: \(script) cannot send") }
        let limits = config.allowance
        let key = ContactID(recipient)?.value ?? recipient  // one contact, however it is written
        let sent = allowance.sends.add(key)
        allowance.sendsInAll += 1
        guard sent <= limits.sendsPerContact else {
            throw HostError("send: one call may send \(limits.sendsPerContact) messages to one contact at most; is a loop sending, or retrying refused sends?")
        }
        let most = script.kind == .automation ? limits.sendsPerAutomationRun : limits.sendsPerCall
        guard allowance.sendsInAll <= most else {
            throw HostError("send: one \(script.kind == .automation ? "run of an automation" : "call") may send \(most) messages in all; is a loop sending to many contacts?")
        }
        let outcome = try storeWork("send") { try runtime.sending.submit(message, to: recipient, by: sender) }
        macroSends?.append(outcome)
        return outcome
    }

    public func markRead(_ messageID: String?, typing: Bool, by script: ScriptIdentity) throws(HostError) {
        guard let contact = allowance.conversation else {
            throw HostError("mark_read: \(script) has no conversation here; call it from a handler that has one (on_message)")
        }
        allowance.receipts += 1
        guard allowance.receipts <= config.allowance.sendsPerContact else {
            throw HostError("mark_read: one call may mark \(config.allowance.sendsPerContact) messages read at most; is a loop calling it?")
        }
        let receipt = ReadReceipt(contact: contact, messageID: messageID, typing: typing)
        runtime.channel.markRead(receipt)
        var r = Records.fields("read", at: now, [("to", .string(contact.description))])
        r.add("id", messageID)
        if typing { r.add("typing", .bool(true)) }
        r.add("by", script.description)
        runtime.record(r)
    }

    public func window(of recipient: String) -> (open: Bool, secondsLeft: Int64) {
        guard let contact = ContactID(recipient), let window = try? storeWork("in_window", { try runtime.window(of: contact) }) else {
            return (false, 0)
        }
        return window
    }

    public func freeEntryPointSecondsLeft(of recipient: String) -> Int64 {
        guard let contact = ContactID(recipient) else { return 0 }
        return (try? storeWork("in_window", { try runtime.freeEntryPointSecondsLeft(of: contact) })) ?? 0
    }

    public func pricing(of template: Template, for recipient: String?, by script: ScriptIdentity) -> Pricing? {
        // Priced as a send would be: under the person's current key, whose number says the country.
        guard let named = recipient.flatMap(ContactID.init), let contact = try? storeWork("pick_template", { try runtime.store.canonical(named) }),
            let facts = try? storeWork("pick_template", { try runtime.sending.facts(for: contact, sender: script.sender) })
        else { return nil }
        return policy.pricing(PricingCategory(template.category), to: contact, facts: facts,
                              inWindow: policy.isWindowOpen(lastInbound: facts.contact.lastInbound, at: now), at: now)
    }

    public func pickTemplate(_ query: TemplateQuery, for recipient: String?, by script: ScriptIdentity) -> Result<Template, Refusal> {
        let named = recipient.flatMap(ContactID.init)
        if let recipient, named == nil {
            return .failure(Refusal(.invalidRecipient, "\"\(recipient)\" is not a phone number or a business-scoped user id"))
        }
        let contact: ContactID?
        let facts: PolicyFacts?
        do {
            // Judged for the person's current key, as `send` will be: a user id leads to the number.
            contact = try named.map { named throws(HostError) in try storeWork("pick_template") { try runtime.store.canonical(named) } }
            facts = try contact.map { contact throws(HostError) in try storeWork("pick_template") { try runtime.sending.facts(for: contact, sender: script.sender) } }
        } catch {
            return .failure(Refusal(.invalidRecipient, error.message))
        }
        return policy.pickTemplate(query, catalog: runtime.store.catalog, facts: facts, to: contact, at: now, by: script.sender ?? .bot(script.name))
    }

    public func escalate(_ recipient: String, request: EscalationRequest, by script: ScriptIdentity) throws(HostError) -> Handoff {
        let contact = try ScriptCalls.contact(recipient, for: "escalate_to_human")
        let bot = script.kind == .bot ? script.name : nil
        let (reason, problem) = EscalationReason.scripted(request.reason)
        var note = request.note
        if let problem {
            runtime.onLog(script.description, "escalate_to_human: \(problem)")
            note = [request.reason, request.note].compactMap { $0 }.joined(separator: ": ")
        }
        var queue = request.queue
        if let asked = queue, let problem = QueueReferences.problem(asked, declared: config.queues) {
            // The hand-off still happens, to the bot's own queue or the default one.
            runtime.record(Records.fields("script_error", at: now, [("script", .string(script.description)), ("error", .string("escalate_to_human: \(problem)"))]))
            queue = nil
        }
        return try storeWork("escalate_to_human") { try runtime.handoffs.escalate(contact, queue: queue, reason: reason, note: note, bot: bot) }
    }

    /// The shortest delay `schedule` accepts.
    static let shortestTimer = Span.seconds(1)

    public func schedule(_ recipient: String, after delay: Span, name: String, data: JSONValue, by script: ScriptIdentity) throws(HostError) {
        let contact = try ScriptCalls.contact(recipient, for: "schedule")
        guard script.kind == .bot, scripts.bots[script.name]?.definition.has("on_timer") == true else {
            throw HostError("schedule: \(script) has no on_timer handler to call; timers belong to bots with on_timer")
        }
        guard !name.isEmpty else { throw HostError("schedule: the timer needs a name, e.g. schedule(conv, \"23h\", \"reminder\")") }
        // A timer that sets another for the same instant would fire forever without time moving.
        guard delay >= ScriptCalls.shortestTimer else {
            throw HostError("schedule: the delay must be at least 1s (got \(delay.milliseconds) ms), e.g. schedule(conv, \"1s\", \"\(name)\")")
        }
        // A bot's timers are for the conversation it is answering: timers for others would let
        // one message set timers for any number of conversations, each setting more.
        guard contact == allowance.conversation else {
            throw HostError("schedule: a bot sets timers for the conversation it was called for (conv), not for \(contact)")
        }
        let limits = config.allowance
        allowance.timers += 1
        guard allowance.timers <= limits.timersPerCall else {
            throw HostError("schedule: one call may set \(limits.timersPerCall) timers at most; is a loop scheduling?")
        }
        guard runtime.agenda.timers(for: contact) < limits.timersPerConversation else {
            throw HostError("schedule: \(contact) already has \(limits.timersPerConversation) timers waiting, the most a conversation may have; does on_timer set more than one timer each time?")
        }
        try storeWork("schedule") { try runtime.agenda.add(.timer(script: script.name, contact: contact, name: name, data: data), at: now + delay) }
    }

    public func notUnderstood(_ recipient: String, by script: ScriptIdentity) throws(HostError) {
        let contact = try ScriptCalls.contact(recipient, for: "conv:not_understood")
        guard let current = turn, current.contact == contact else {
            throw HostError("conv:not_understood() counts only during on_message, for the conversation being answered")
        }
        turn?.notUnderstood = true
    }

    public func done(_ recipient: String, note: String?, by script: ScriptIdentity) throws(HostError) {
        let contact = try ScriptCalls.contact(recipient, for: "conv:done")
        let owner = try storeWork("conv:done") { try runtime.conversation(contact).owner }
        guard script.kind == .bot, owner == .bot(script.name) else {
            throw HostError("conv:done: only the bot that owns the conversation ends its session (\(contact) is owned by \(owner)); a person ends theirs with resolve")
        }
        guard handOffRequested == nil else { throw HostError("conv:done: this call has handed the conversation off already") }
        doneRequested = (contact, note)
    }

    /// Hand-offs one event may make: enough for any real chain, few enough that two bots
    /// handing a conversation back and forth stop at once.
    static let handOffsPerEvent = 5

    public func handOff(_ recipient: String, to target: String, note: String?, data: JSONValue, by script: ScriptIdentity) throws(HostError) -> String {
        let contact = try ScriptCalls.contact(recipient, for: "hand_off")
        guard case .bot(let name)? = Owner(parsing: target), scripts.bots[name] != nil else {
            if target.hasPrefix("human:") {
                throw HostError("hand_off: hands a conversation to another bot; hand it to a person with escalate_to_human(conv, { queue = \"\(target.dropFirst(6))\" })")
            }
            throw HostError("hand_off: \"\(target)\" is not a bot of this scripts folder; write \"bot:<name>\", one of: \(scripts.bots.keys.sorted().map { "bot:\($0)" }.joined(separator: ", "))")
        }
        let owner = try storeWork("hand_off") { try runtime.conversation(contact).owner }
        switch script.kind {
        case .bot:
            guard owner == .bot(script.name) else {
                throw HostError("hand_off: only the bot that owns the conversation hands it off (\(contact) is owned by \(owner))")
            }
            guard name != script.name else { throw HostError("hand_off: \(script) owns the conversation already") }
        case .macro:  // an agent's action
            guard owner != .bot(name) else { throw HostError("hand_off: bot:\(name) owns \(contact) already") }
        case .router, .automation:
            throw HostError("hand_off: bots and macros hand a conversation off; a router returns \"bot:<name>\" (and data) instead")
        }
        guard handOffRequested == nil, doneRequested == nil else {
            throw HostError("hand_off: this call has already handed the conversation off or ended its session")
        }
        guard handOffs < Self.handOffsPerEvent else {
            throw HostError("hand_off: \(contact) was handed off \(Self.handOffsPerEvent) times for one message; do two bots hand it back and forth?")
        }
        handOffRequested = HandOff(contact: contact, to: name, from: script.description, note: note, data: data)
        return "bot:\(name)"
    }

    public func conversations(_ filter: ConversationFilter, by script: ScriptIdentity) -> [ConversationView] {
        guard let query = query(for: filter) else { return [] }
        let found = try? storeWork("conversations") { try runtime.store.conversations(matching: query) }
        return (found ?? []).map { runtime.view(of: $0) }
    }

    /// A script's filter as a store query. The window is open while the last inbound is
    /// later than now minus its length, and closes within `d` while it is also at or before
    /// now minus its length plus `d`. `nil` for an owner nothing can have.
    func query(for filter: ConversationFilter) -> ConversationQuery? {
        var query = ConversationQuery.all
        if let owner = filter.owner {
            guard let parsed = owner == "nobody" ? Owner.nobody : Owner(parsing: owner) else { return nil }
            query.owner = parsed
        }
        let openSince = now - config.policy.windowLength
        if filter.inWindow == true || filter.closingWithin != nil {
            query.lastInboundAfter = openSince
            query.orNever = false
        }
        if filter.inWindow == false {
            if filter.closingWithin != nil { return nil }  // closing, yet closed: nothing
            query.lastInboundAtOrBefore = openSince
        }
        if let within = filter.closingWithin { query.lastInboundAtOrBefore = openSince + within }
        return query
    }

    public func log(_ line: String, by script: ScriptIdentity) {
        let most = config.allowance.logBytes
        guard allowance.logBytes < most else { return }
        allowance.logBytes += line.utf8.count
        if allowance.logBytes >= most {
            runtime.onLog(script.description, "(log: this call wrote \(most >> 10) KiB; the rest of its lines are dropped)")
            return
        }
        runtime.onLog(script.description, line)
    }

    /// Store work asked for by a script. A store failure cannot be thrown through the
    /// script, so it is kept for the call to throw when the script returns (the event then
    /// fails whole), and the script hears only that the primitive failed.
    private func storeWork<T>(_ primitive: String, _ body: () throws -> T) throws(HostError) -> T {
        do {
            return try body()
        } catch {
            if storeFailure == nil { storeFailure = error }
            throw HostError("\(primitive): the runtime's storage failed; this event will be tried again")
        }
    }

    static func contact(_ recipient: String, for primitive: String) throws(HostError) -> ContactID {
        guard let contact = ContactID(recipient) else {
            throw HostError("\(primitive): \"\(recipient)\" is not a conversation, a phone number or a business-scoped user id")
        }
        return contact
    }
}

/// What the script call now running has spent of its `CallLimits`, and the conversation
/// it was called for.
struct CallAllowance {
    var conversation: ContactID?
    var sends = SendCounts()
    var receipts = 0
    var sendsInAll = 0
    var logBytes = 0
    var timers = 0
}

/// Sends to each contact in one call. Nearly every call sends to one contact: it is counted
/// without a dictionary, which would allocate and hash on every call that sends.
struct SendCounts {
    private var first: (contact: String, count: Int)?
    private var others: [String: Int] = [:]

    /// Counts one more send to `contact`; answers how many it has had.
    mutating func add(_ contact: String) -> Int {
        guard let counted = first else {
            first = (contact, 1)
            return 1
        }
        if counted.contact == contact {
            first = (contact, counted.count + 1)
            return counted.count + 1
        }
        others[contact, default: 0] += 1
        return others[contact, default: 0]
    }
}
