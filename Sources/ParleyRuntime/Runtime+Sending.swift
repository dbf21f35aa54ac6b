import ParleyLua
import ParleyPolicy

extension Runtime {
    /// What the policy needs to know about a contact now. The messaging limit matters
    /// only to templates, so free-form messages skip the ledger (and their audit records
    /// leave it out).
    func facts(for contact: ContactID?, kind: MessageKind = .template) -> PolicyFacts {
        let account = store.account
        let unconsulted = LimitStanding(limit: account.tier.limit, used: 0, alreadyCounted: false)
        guard let contact else { return PolicyFacts(account: account, contact: ContactStanding(), limit: unconsulted) }
        let c = store.conversation(contact)
        return PolicyFacts(account: account, contact: c?.standing ?? ContactStanding(),
                           limit: kind == .template ? store.limitStanding(of: contact, limit: account.tier.limit, at: now) : unconsulted,
                           language: c?.language)
    }

    /// Asks to send `message`: the policy decides now, and an allowed message takes its
    /// limit slot and its pacing slot. When the slot is now, it goes at once; otherwise it
    /// waits in the outbox, and the policy decides again when its slot comes. Whatever the
    /// outcome, it is in the audit trail and, once settled, in the transcript.
    @discardableResult
    public func submit(_ message: OutboundMessage, to recipient: String, by sender: Sender) -> SendOutcome {
        let id = nextMessageID()
        let request = SendRequest(id: id, sender: sender, to: recipient, message: message)
        let decision = policy.decide(request, facts: facts(for: request.recipient, kind: message.kind), catalog: store.catalog, at: now, stage: .request)
        guard decision.isAllowed, let contact = request.recipient else { return refuse(decision) }

        var reservedAt: Instant?
        if decision.countsTowardLimit {
            // Decided and reserved in one serial step: no other send can take the slot between.
            guard store.reserveLimit(for: contact, limit: store.account.tier.limit, at: now) else {
                return refuse(decision.overruled(by: Refusal(.messagingLimit, "the messaging limit filled up before this message took its slot"), rule: "limit.reserve"))
            }
            reservedAt = now
        }
        switch pacer.plan(to: contact, at: now, waiting: waitingByContact[contact] ?? 0) {
        case .refuse(let refusal):
            if let reservedAt { store.releaseLimit(for: contact, reservedAt: reservedAt) }
            return refuse(decision.overruled(by: refusal, rule: "pacing"))
        case .sendAt(let dueAt) where dueAt <= now:
            // Its slot is now: the decision just made is the dispatch decision.
            audit(decision)
            deliver(decision, to: contact)
            return SendOutcome(id: id, result: .accepted(kind: message.kind, queued: false))
        case .sendAt(let dueAt):
            audit(decision)
            waitingByContact[contact, default: 0] += 1
            schedule(.dispatch(OutboxEntry(request: request, contact: contact, dueAt: dueAt, limitReservedAt: reservedAt)), at: dueAt)
            return SendOutcome(id: id, result: .accepted(kind: message.kind, queued: true))
        }
    }

    /// Keeps a decision in the audit trail and passes it to `onDecision`.
    func audit(_ decision: Decision) {
        store.appendAudit(decision)
        onDecision(decision)
    }

    private func refuse(_ decision: Decision) -> SendOutcome {
        audit(decision)
        record(Records.blocked(decision, at: now))
        return SendOutcome(id: decision.request.id, result: .refused(decision.refusal!))
    }

    /// The message's slot has come: the policy decides again (the window may have closed,
    /// the template may have been paused, a human may have taken over), then the channel
    /// gets it.
    func dispatch(_ entry: OutboxEntry) {
        let waiting = (waitingByContact[entry.contact] ?? 1) - 1
        waitingByContact[entry.contact] = waiting > 0 ? waiting : nil
        var decision = policy.decide(entry.request, facts: facts(for: entry.contact, kind: entry.request.message.kind), catalog: store.catalog, at: now, stage: .dispatch)
        // The limit as things stand now: a template asked for inside the window may go out
        // after it closed, and then it counts; one that counted may now go inside a window.
        if decision.countsTowardLimit, !store.reserveLimit(for: entry.contact, limit: store.account.tier.limit, at: now) {
            decision = decision.overruled(by: Refusal(.messagingLimit, "the messaging limit is full at dispatch; \(entry.contact) would be one more"), rule: "limit.reserve")
        }
        audit(decision)
        let stillBusinessInitiated: Bool = if case .allowed(_, true) = decision.outcome { true } else { false }
        if let at = entry.limitReservedAt, !decision.isAllowed || !stillBusinessInitiated {
            store.releaseLimit(for: entry.contact, reservedAt: at)
        }
        guard decision.isAllowed else {
            record(Records.blocked(decision, at: now))
            return
        }
        deliver(decision, to: entry.contact)
    }

    /// Hands an allowed message to the channel and writes it down as sent.
    private func deliver(_ decision: Decision, to contact: ContactID) {
        let request = decision.request
        let dispatch = Dispatch(id: request.id, to: contact, sender: request.sender, message: request.message,
                                template: decision.template, renderedText: decision.hydratedBody)
        channel.deliver(dispatch)
        record(Records.sent(dispatch, at: now))
    }
}
