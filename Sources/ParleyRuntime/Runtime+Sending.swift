import ParleyLua
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
extension Runtime {
    /// What the policy needs to know about a contact now. The messaging limit matters
    /// only to templates, so free-form messages skip the ledger (and their audit records
    /// leave it out).
    func facts(for contact: ContactID?, kind: MessageKind = .template) throws -> PolicyFacts {
        let account = store.account
        let unconsulted = LimitStanding(limit: account.tier.limit, used: 0, alreadyCounted: false)
        guard let contact else { return PolicyFacts(account: account, contact: ContactStanding(), limit: unconsulted) }
        let c = try store.conversation(contact)
        return PolicyFacts(account: account, contact: c?.standing ?? ContactStanding(),
                           limit: kind == .template ? memory.ledger.standing(of: contact, limit: account.tier.limit, at: now) : unconsulted,
                           language: c?.language)
    }

    /// Asks to send `message`. When its pacing slot is now, it goes at once; otherwise it
    /// waits on the agenda. Whatever the outcome, it is in the audit trail and, once
    /// settled, in the transcript.
    @discardableResult
    func submit(_ message: OutboundMessage, to recipient: String, by sender: Sender) throws -> SendOutcome {
        let id = try nextMessageID()
        let request = SendRequest(id: id, sender: sender, to: recipient, message: message)
        let decision = policy.decide(request, facts: try facts(for: request.recipient, kind: message.kind), catalog: store.catalog, at: now, stage: .request)
        guard decision.isAllowed, let contact = request.recipient else { return try refuse(decision) }

        var reservedAt: Instant?
        if decision.countsTowardLimit {
            // Decided and reserved in one serial step: no other send can take the slot between.
            guard try reserveLimit(for: contact) else {
                return try refuse(decision.overruled(by: Refusal(.messagingLimit, "the messaging limit filled up before this message took its slot"), rule: "limit.reserve"))
            }
            reservedAt = now
        }
        switch memory.pacer.plan(to: contact, at: now, waiting: memory.waiting[contact] ?? 0) {
        case .refuse(let refusal):
            if let reservedAt { try releaseLimit(for: contact, reservedAt: reservedAt) }
            return try refuse(decision.overruled(by: refusal, rule: "pacing"))
        case .sendAt(let dueAt) where dueAt <= now:
            // Its slot is now: the decision just made is the dispatch decision.
            try audit(decision)
            try deliver(decision, to: contact)
            return SendOutcome(id: id, result: .accepted(kind: message.kind, queued: false))
        case .sendAt(let dueAt):
            try audit(decision)
            memory.waiting[contact, default: 0] += 1
            try schedule(.dispatch(OutboxEntry(request: request, contact: contact, dueAt: dueAt, limitReservedAt: reservedAt)), at: dueAt)
            return SendOutcome(id: id, result: .accepted(kind: message.kind, queued: true))
        }
    }

    private func refuse(_ decision: Decision) throws -> SendOutcome {
        try audit(decision)
        record(Records.blocked(decision, at: now))
        return SendOutcome(id: decision.request.id, result: .refused(decision.refusal!))
    }

    /// The message's slot has come: the policy decides again (the window may have closed,
    /// the template may have been paused, a human may have taken over), then the channel
    /// gets it.
    func dispatch(_ entry: OutboxEntry) throws {
        let waiting = (memory.waiting[entry.contact] ?? 1) - 1
        memory.waiting[entry.contact] = waiting > 0 ? waiting : nil
        var decision = policy.decide(entry.request, facts: try facts(for: entry.contact, kind: entry.request.message.kind), catalog: store.catalog, at: now, stage: .dispatch)
        // The limit as things stand now: a template asked for inside the window may go out
        // after it closed, and then it counts; one that counted may now go inside a window.
        if decision.countsTowardLimit, try !reserveLimit(for: entry.contact) {
            decision = decision.overruled(by: Refusal(.messagingLimit, "the messaging limit is full at dispatch; \(entry.contact) would be one more"), rule: "limit.reserve")
        }
        try audit(decision)
        let stillBusinessInitiated: Bool = if case .allowed(_, true) = decision.outcome { true } else { false }
        if let at = entry.limitReservedAt, !decision.isAllowed || !stillBusinessInitiated {
            try releaseLimit(for: entry.contact, reservedAt: at)
        }
        guard decision.isAllowed else {
            record(Records.blocked(decision, at: now))
            return
        }
        try deliver(decision, to: entry.contact)
    }

    /// Hands an allowed message to the channel and writes it down as sent.
    private func deliver(_ decision: Decision, to contact: ContactID) throws {
        let request = decision.request
        let dispatch = Dispatch(id: request.id, to: contact, sender: request.sender, message: request.message,
                                template: decision.template, renderedText: decision.hydratedBody)
        try channel.deliver(dispatch)
        record(Records.sent(dispatch, at: now))
    }

    // MARK: The messaging limit

    /// Counts `contact` toward the limit if there is room: in the ledger, and in the store
    /// when it is a new count. `false` when the limit is full.
    private func reserveLimit(for contact: ContactID) throws -> Bool {
        let limit = store.account.tier.limit
        let counted = memory.ledger.standing(of: contact, limit: limit, at: now).alreadyCounted
        guard memory.ledger.reserve(contact, limit: limit, at: now) else { return false }
        guard !counted else { return true }
        try store.addLimitCount(contact, at: now)
        memory.countsSincePrune += 1
        if memory.countsSincePrune >= 1000 {
            // Now and then, counts that no longer count go, and inbound ids older than the
            // platform's 7 days of retries.
            memory.countsSincePrune = 0
            try store.prune(limitCountsBefore: now - memory.ledger.window, seenBefore: now - .days(8))
        }
        return true
    }

    /// Gives back a slot taken at `reservedAt` for a message that was then never sent.
    private func releaseLimit(for contact: ContactID, reservedAt: Instant) throws {
        memory.ledger.release(contact, reservedAt: reservedAt)
        try store.removeLimitCount(contact, at: reservedAt)
    }
}
