import ParleyScripting
import ParleyPolicy

/// The send pipeline. Its words, in the order a message meets them:
/// - *submit*: a sender (a script, an agent, the core) asks; the policy decides at once,
///   and an allowed message takes its limit slot and its pacing slot;
/// - *dispatch*: the pacing slot has come; the policy decides again, on the facts as they
///   are now (a message that waited may no longer be allowed);
/// - *deliver*: an allowed message is handed to the channel and written down as `sent`;
/// - *delivery*: what the channel does with it afterwards (the Cloud API, with retries),
///   whose outcome comes back as a status event.
/// A *send* is the script primitive that submits.
final class SendPipeline {
    /// What the pipeline keeps in memory.
    struct State {
        /// The pacer's slots, which no store holds: a transaction keeps a copy to put back.
        var pacer: Pacer
        /// An index of the store's limit counts that still count: rebuilt after a failure.
        var ledger: MessagingLimitLedger
        /// Paced messages waiting, per contact: what the pacer's per-contact bound counts.
        var waiting: [ContactID: Int]
        /// Limit counts added since the store last forgot old ones.
        var countsSincePrune = 0
    }

    unowned(unsafe) let runtime: Runtime
    /// The runtime's, which never change: kept here, as reading them through `runtime` copied
    /// them on every use in the hot path.
    let policy: Policy
    let config: RuntimeConfig
    var state: State

    init(_ runtime: Runtime) throws {
        self.runtime = runtime
        policy = runtime.policy
        config = runtime.config
        let config = runtime.config.policy
        state = State(pacer: Pacer(config.pacing), ledger: MessagingLimitLedger(window: config.limitWindow), waiting: [:])
        try rebuild(pacer: state.pacer)
    }

    /// The ledger from the store's limit counts, the waiting counts from the agenda, and
    /// `pacer` as it was.
    func rebuild(pacer: Pacer) throws {
        var ledger = MessagingLimitLedger(window: state.ledger.window)
        for count in try store.limitCounts(after: now - ledger.window) {
            _ = ledger.reserve(count.contact, limit: nil, at: count.at)
        }
        state = State(pacer: pacer, ledger: ledger, waiting: runtime.agenda.waitingDispatches, countsSincePrune: state.countsSincePrune)
    }

    var store: any Store { _read { yield runtime.store } }
    var now: Instant { runtime.now }

    /// What the policy needs to know about a contact now. The messaging limit matters
    /// only to templates, so free-form messages skip the ledger (and their audit records
    /// leave it out); the spend only when there are budgets, for `sender`'s.
    func facts(for contact: ContactID?, kind: MessageKind = .template, sender: Sender? = nil) throws -> PolicyFacts {
        let account = store.account
        let unconsulted = LimitStanding(limit: account.tier.limit, used: 0, alreadyCounted: false)
        let spend = try spendStanding(for: sender)
        guard let contact else { return PolicyFacts(account: account, contact: ContactStanding(), limit: unconsulted, spend: spend) }
        let c = try store.conversation(contact)
        return PolicyFacts(account: account, contact: c?.standing ?? ContactStanding(),
                           limit: kind == .template ? state.ledger.standing(of: contact, limit: account.tier.limit, at: now) : unconsulted,
                           language: c?.language, spend: spend)
    }

    /// Contacts counted toward the messaging limit now, and the limit (nil: unlimited).
    func limitUse() -> (used: Int, limit: Int?) {
        state.ledger.expire(until: now)
        return (state.ledger.used, store.account.tier.limit)
    }

    /// Asks to send `message`. When its pacing slot is now, it goes at once; otherwise it
    /// waits on the agenda. Whatever the outcome, it is in the audit trail and, once
    /// settled, in the transcript.
    @discardableResult
    func submit(_ message: OutboundMessage, to recipient: String, by sender: Sender) throws -> SendOutcome {
        let id = "out-\(try store.nextNumber("message"))"
        var request = SendRequest(id: id, sender: sender, to: recipient, message: message)
        // To the person's current key: a user id or a number they moved from leads there.
        if let named = request.recipient { request.recipient = try store.canonical(named) }
        let decision = policy.decide(request, facts: try facts(for: request.recipient, kind: message.kind, sender: sender), catalog: store.catalog,
                                     at: now, stage: .request)
        guard decision.isAllowed, let contact = request.recipient else { return try refuse(decision) }

        var reservedAt: Instant?
        if decision.countsTowardLimit {
            // Decided and reserved in one serial step: no other send can take the slot between.
            guard try reserveLimit(for: contact) else {
                return try refuse(decision.overruled(by: Refusal(.messagingLimit, "the messaging limit filled up before this message took its slot"), rule: "limit.reserve"))
            }
            reservedAt = now
        }
        switch state.pacer.plan(to: contact, at: now, waiting: state.waiting[contact] ?? 0) {
        case .refuse(let refusal):
            if let reservedAt { try releaseLimit(for: contact, reservedAt: reservedAt) }
            return try refuse(decision.overruled(by: refusal, rule: "pacing"))
        case .sendAt(let dueAt) where dueAt <= now:
            // Its slot is now: the decision just made is the dispatch decision.
            try runtime.audit(decision)
            try charge(decision.pricing, by: sender)
            try deliver(decision, to: contact)
            return SendOutcome(id: id, result: .accepted(kind: message.kind, queued: false))
        case .sendAt(let dueAt):
            try runtime.audit(decision)
            // Counted now, in the step that decided it, so no other send can pass the budget
            // meanwhile; given back at dispatch.
            let charged = try charge(decision.pricing, by: sender)
            state.waiting[contact, default: 0] += 1
            try runtime.agenda.add(.dispatch(OutboxEntry(request: request, contact: contact, dueAt: dueAt, limitReservedAt: reservedAt,
                                                         spendCharged: charged)), at: dueAt)
            return SendOutcome(id: id, result: .accepted(kind: message.kind, queued: true))
        }
    }

    private func refuse(_ decision: Decision) throws -> SendOutcome {
        try runtime.audit(decision)
        runtime.record(Records.blocked(decision, at: now))
        return SendOutcome(id: decision.request.id, result: .refused(decision.refusal!))
    }

    /// The message's slot has come: the policy decides again (the window may have closed,
    /// the template may have been paused, a human may have taken over), then the channel
    /// gets it.
    func dispatch(_ entry: OutboxEntry) throws {
        let waiting = (state.waiting[entry.contact] ?? 1) - 1
        state.waiting[entry.contact] = waiting > 0 ? waiting : nil
        // Priced again as things stand now (a free entry point window may have ended): what
        // it took at request goes back first, and is counted again if it goes.
        if let charged = entry.spendCharged { try giveBack(charged) }
        var decision = policy.decide(entry.request, facts: try facts(for: entry.contact, kind: entry.request.message.kind, sender: entry.request.sender),
                                     catalog: store.catalog, at: now, stage: .dispatch)
        // The limit as things stand now: a template asked for inside the window may go out
        // after it closed, and then it counts; one that counted may now go inside a window.
        if decision.countsTowardLimit, try !reserveLimit(for: entry.contact) {
            decision = decision.overruled(by: Refusal(.messagingLimit, "the messaging limit is full at dispatch; \(entry.contact) would be one more"), rule: "limit.reserve")
        }
        try runtime.audit(decision)
        let stillBusinessInitiated: Bool = if case .allowed(_, true) = decision.outcome { true } else { false }
        if let at = entry.limitReservedAt, !decision.isAllowed || !stillBusinessInitiated {
            try releaseLimit(for: entry.contact, reservedAt: at)
        }
        guard decision.isAllowed else {
            runtime.record(Records.blocked(decision, at: now))
            return
        }
        try charge(decision.pricing, by: entry.request.sender)
        try deliver(decision, to: entry.contact)
    }

    /// Hands an allowed message to the channel and writes it down as sent. A reply to a
    /// contact from an ad or a page button, in time, opens their free entry point window.
    private func deliver(_ decision: Decision, to contact: ContactID) throws {
        let request = decision.request
        let dispatch = Dispatch(id: request.id, to: contact, sender: request.sender, message: request.message,
                                template: decision.template, renderedText: decision.hydratedBody, pricing: decision.pricing)
        try runtime.channel.deliver(dispatch)
        runtime.record(Records.sent(dispatch, at: now))
        if let until = policy.entryPointOpened(decision.facts.contact, at: now) {
            try runtime.update(contact) { c in
                c.freeEntryPointUntil = until
                c.entryPointReferralAt = nil
            }
        }
    }

    // MARK: Deliveries

    /// A delivery status: written down once. The platform retries a webhook for up to 7
    /// days, and a `failed` status told twice would reach the bot twice. `false` for a
    /// status seen before.
    func deliveryStatus(_ s: DeliveryStatus) throws -> Bool {
        if config.deduplicatesInbound, try !store.firstSighting(ofInbound: s.sightingKey, at: now) { return false }
        runtime.record(Records.status(s, at: now))
        return true
    }

    /// The sending bot hears of a failure through `on_delivery_failed(conv, id, reason,
    /// code)`; a late 131047 means the window closed earlier than the core thought, so the
    /// core closes it now.
    func deliveryFailed(_ f: DeliveryFailure) throws {
        var r = Records.fields("delivery_failed", at: now, [("id", .string(f.messageID)), ("to", .string(f.contact.description)), ("by", .string(f.sender.description))])
        r.add("reason", f.reason?.rawValue)
        r.add("code", f.code)
        r.add("detail", f.detail)
        runtime.record(r)
        try holdAfter(f)
        if f.reason == .outsideWindow {
            let now = self.now, windowLength = config.policy.windowLength
            try runtime.update(f.contact) { c in
                if let last = c.lastInbound, last + windowLength > now { c.lastInbound = now - windowLength }
            }
        }
        if case .bot(let name) = f.sender, let bot = runtime.scripts.bots[name] {
            try runtime.calls.call(bot, "on_delivery_failed", on: f.contact,
                                   arguments: [.string(f.messageID), f.reason.map { .string($0.rawValue) } ?? .null, f.code.map { .int(Int64($0)) } ?? .null])
        }
    }

    // MARK: The messaging limit

    /// Counts `contact` toward the limit if there is room: in the ledger, and in the store
    /// when it is a new count. `false` when the limit is full.
    private func reserveLimit(for contact: ContactID) throws -> Bool {
        let limit = store.account.tier.limit
        let counted = state.ledger.standing(of: contact, limit: limit, at: now).alreadyCounted
        guard state.ledger.reserve(contact, limit: limit, at: now) else { return false }
        guard !counted else { return true }
        try store.addLimitCount(contact, at: now)
        state.countsSincePrune += 1
        if state.countsSincePrune >= 1000 {
            // Now and then, counts that no longer count go, and inbound ids older than the
            // platform's 7 days of retries.
            state.countsSincePrune = 0
            try store.prune(limitCountsBefore: now - state.ledger.window, seenBefore: now - .days(8))
        }
        return true
    }

    /// Gives back a slot taken at `reservedAt` for a message that was then never sent.
    private func releaseLimit(for contact: ContactID, reservedAt: Instant) throws {
        state.ledger.release(contact, reservedAt: reservedAt)
        try store.removeLimitCount(contact, at: reservedAt)
    }
}
