import ParleyLua
import ParleyPolicy

extension Runtime {
    /// What the policy needs to know about a contact now.
    func facts(for contact: ContactID?) -> PolicyFacts {
        let account = store.account
        guard let contact else {
            return PolicyFacts(account: account, contact: ContactStanding(), limit: LimitStanding(limit: account.tier.limit, used: 0, alreadyCounted: false))
        }
        let c = store.conversation(contact)
        return PolicyFacts(account: account, contact: c?.standing ?? ContactStanding(),
                           limit: store.limitStanding(of: contact, limit: account.tier.limit, at: now),
                           language: c?.language)
    }

    /// Asks to send `message`: the policy decides now, and an allowed message takes its
    /// limit slot and pacing slot, then waits in the outbox until that slot. Whatever the
    /// outcome, it is in the audit trail and, once settled, in the transcript.
    @discardableResult
    public func submit(_ message: OutboundMessage, to recipient: String, by sender: Sender) -> SendOutcome {
        let request = SendRequest(id: nextMessageID(), sender: sender, to: recipient, message: message)
        let decision = policy.decide(request, facts: facts(for: request.recipient), catalog: store.catalog, at: now, stage: .request)
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
        case .sendAt(let dueAt):
            audit(decision)
            outbox[request.id] = OutboxEntry(request: request, contact: contact, dueAt: dueAt, limitReservedAt: reservedAt)
            waitingByContact[contact, default: 0] += 1
            scheduler.add(.dispatch(messageID: request.id), at: dueAt)
            return SendOutcome(id: request.id, result: .accepted(kind: message.kind, queued: dueAt > now))
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
    func dispatch(_ id: String) {
        guard let entry = outbox.removeValue(forKey: id) else { return }
        let waiting = (waitingByContact[entry.contact] ?? 1) - 1
        waitingByContact[entry.contact] = waiting > 0 ? waiting : nil
        let decision = policy.decide(entry.request, facts: facts(for: entry.contact), catalog: store.catalog, at: now, stage: .dispatch)
        audit(decision)
        guard decision.isAllowed else {
            if let at = entry.limitReservedAt { store.releaseLimit(for: entry.contact, reservedAt: at) }
            record(Records.blocked(decision, at: now))
            return
        }
        let dispatch = Dispatch(id: id, to: entry.contact, sender: entry.request.sender, message: entry.request.message,
                                template: decision.template, renderedText: decision.hydratedBody)
        channel.deliver(dispatch)
        record(Records.sent(dispatch, at: now))
    }
}
