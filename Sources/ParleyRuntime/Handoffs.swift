import ParleyScripting
import ParleyPolicy

/// Hand-offs between bots and people: escalation (docs/rules.md §6), an agent's claim, and
/// the release back to the bot. A conversation's owner is its state, in the store.
final class Handoffs {
    unowned(unsafe) let runtime: Runtime
    /// The runtime's, which never change: kept here, as reading them through `runtime` copied
    /// them on every use in the hot path.
    let policy: Policy
    let config: RuntimeConfig

    init(_ runtime: Runtime) {
        self.runtime = runtime
        policy = runtime.policy
        config = runtime.config
    }

    var now: Instant { runtime.now }
    var scripts: ScriptSet { _read { yield runtime.scripts } }

    /// Hands a conversation to a human (docs/rules.md §6). The queue is the one asked
    /// for, else the bot's; the contact is told, with the contact route when the queue is
    /// closed. A bot whose only path is a contact route keeps the conversation, and the
    /// contact gets the route.
    @discardableResult
    func escalate(_ contact: ContactID, queue explicit: String?, reason: String, note: String?, bot: String?, apology: Bool = false,
                  notify: Bool = true) throws -> Handoff {
        var c = try runtime.conversation(contact)
        if case .human(let queue) = c.owner, let handoff = c.handoff {
            return Handoff(queue: queue, id: handoff.id)  // a person already has it
        }
        let botName: String? = bot ?? { if case .bot(let n) = c.owner { return n } else { return nil } }()
        let path = botName.flatMap { scripts.bots[$0]?.definition.escalation }
        let route = path?.contact ?? config.defaultContactRoute
        let queue = explicit ?? path?.queue ?? (path?.contact == nil ? config.defaultQueue : nil)
        let id = "handoff-\(try runtime.store.nextNumber("handoff"))"
        c.notUnderstoodStreak = 0
        var notice: String
        if let queue {
            if let botName { c.botBeforeHandoff = botName }
            c.owner = .human(queue: queue)
            c.handoff = HandoffRecord(id: id, queue: queue, reason: reason, note: note, since: now)
            try runtime.store.save(c)
            runtime.record(Records.escalated(contact, queue: queue, reason: reason, route: nil, bot: botName, at: now))
            notice = config.isOpen(queue: queue, at: now)
                ? config.texts.handoff
                : [config.texts.outOfHours, route].compactMap { $0 }.joined(separator: " ")
        } else {
            try runtime.store.save(c)
            runtime.record(Records.escalated(contact, queue: nil, reason: reason, route: "contact", bot: botName, at: now))
            notice = route ?? config.texts.outOfHours
        }
        if apology { notice = config.texts.botError + " " + notice }
        if notify { try runtime.sending.submit(.text(notice), to: contact.description, by: .core) }
        return Handoff(queue: queue ?? "", id: id)
    }

    /// An agent takes a conversation: one waiting in a queue, or one a bot has, which is then
    /// handed off (reason `agent`) to `queue` or the bot's own. A conversation another agent
    /// holds stays theirs unless `takeOver` says so (a supervisor stepping in).
    func claim(_ contact: ContactID, by agent: String, queue: String?, takeOver: Bool, implicitly: Bool = false) throws -> Handoff {
        if let queue, let problem = QueueReferences.problem(queue, declared: config.queues) { throw RuntimeError(problem) }
        let c = try runtime.conversation(contact)
        if let holder = c.handoff?.agent, holder != agent, !takeOver {
            throw ClaimConflict(contact: contact, agent: holder)
        }
        let handoff: Handoff
        if case .human(let current) = c.owner, let record = c.handoff {
            handoff = Handoff(queue: current, id: record.id)
        } else {
            var target = queue ?? config.defaultQueue
            if queue == nil, case .bot(let name) = c.owner, let own = scripts.bots[name]?.definition.escalation?.queue {
                target = own
            }
            // An agent who writes is there: the contact is not told someone will reply.
            handoff = try escalate(contact, queue: target, reason: EscalationReason.agent, note: "claimed by \(agent)", bot: nil, notify: !implicitly)
        }
        try runtime.update(contact) { c in c.handoff?.agent = agent }
        var r = Records.fields("claimed", at: now, [("to", .string(contact.description)), ("agent", .string(agent))])
        r.add("queue", handoff.queue.isEmpty ? nil : handoff.queue)
        if implicitly { r.add("implicitly", "by replying") }
        runtime.record(r)
        return handoff
    }

    /// An agent's reply. A person writing into a conversation a bot holds, or nobody, claims
    /// it first (recorded), so the bot never talks over them; the policy applies as to any
    /// sender.
    func agentReply(_ message: OutboundMessage, to recipient: String, by agent: String?) throws -> SendOutcome {
        if let contact = ContactID(recipient) {
            let c = try runtime.conversation(contact)
            let holder = c.handoff?.agent
            if !c.owner.isHuman || holder == nil || (agent != nil && holder != agent) {
                _ = try claim(contact, by: agent ?? "agent", queue: nil, takeOver: false, implicitly: true)
            }
        }
        return try runtime.sending.submit(message, to: recipient, by: .agent(agent))
    }

    /// An agent hands the conversation back to the bot it came from, which hears of it
    /// through `on_return(conv, note)`.
    func release(_ contact: ContactID, note: String?, by agent: String? = nil) throws {
        var c = try runtime.conversation(contact)
        guard c.owner.isHuman else {
            runtime.onLog("core", "release \(contact): no person owns this conversation (owner \(c.owner)); nothing to release")
            return
        }
        let back: Owner = c.botBeforeHandoff.flatMap { scripts.bots[$0] != nil ? Owner.bot($0) : nil } ?? .nobody
        c.owner = back
        c.handoff = nil
        c.botBeforeHandoff = nil
        c.notUnderstoodStreak = 0
        try runtime.store.save(c)
        var r = Records.released(contact, owner: back, at: now)
        r.add("agent", agent)
        runtime.record(r)
        if case .bot(let name) = back, let bot = scripts.bots[name] {
            try runtime.calls.call(bot, "on_return", on: contact, arguments: [note.map { .string($0) } ?? .null])
            try runtime.router.scheduleWindowClosing(for: contact)
        }
    }
}

/// A claim on a conversation another agent already holds.
public struct ClaimConflict: Error, Sendable, Equatable, CustomStringConvertible {
    public let contact: ContactID
    /// Who holds it.
    public let agent: String

    public var description: String {
        "\(contact) is claimed by \(agent); ask them, or claim with \"take_over\": true to take it from them"
    }
}
