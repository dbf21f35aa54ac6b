import ParleyJSON
import ParleyPolicy

/// Sessions (docs/rules.md §6.9): an inbound message opens one when none is open; it ends
/// when its bot is done, an agent resolves it, or the contact has been silent for
/// `session_idle` while no person holds it. Ending one hands the conversation back to
/// nobody, so the next message is routed afresh; `conv.state` stays, as the contact's memory.
extension Handoffs {
    /// How a session ended, as `session_ended` records say.
    enum SessionEnd: String {
        case done, resolved, idle
    }

    /// Called with each inbound message, inside the same change of the conversation: ends a
    /// session gone idle, opens one when none is open. Returns what ended and what started,
    /// for the records, which the caller writes once the change is made.
    static func turnOver(_ c: inout Conversation, at now: Instant, idle: Span) -> (ended: (Session, idleSince: Instant)?, started: Session?) {
        var ended: (Session, Instant)?
        if let open = c.session, !c.owner.isHuman, let last = c.lastInbound, now >= last + idle {
            ended = (open, last + idle)
            close(&c)
        }
        guard c.session == nil else { return (ended, nil) }
        let number = (c.sessionCount ?? 0) + 1
        c.sessionCount = number
        c.session = Session(number: number, since: now)
        return (ended, c.session)
    }

    /// What ending a session undoes: nobody owns the conversation, no hand-off is open, the
    /// not-understood count starts again.
    static func close(_ c: inout Conversation) {
        c.session = nil
        c.owner = .nobody
        c.handoff = nil
        c.botBeforeHandoff = nil
        c.notUnderstoodStreak = 0
    }

    /// Ends the open session, if there is one.
    func endSession(_ contact: ContactID, _ how: SessionEnd, note: String? = nil, by: String? = nil) throws {
        var c = try runtime.conversation(contact)
        guard let session = c.session else { return }
        Self.close(&c)
        try runtime.store.save(c)
        runtime.record(Records.sessionEnded(contact, session, how.rawValue, by: by, note: note, at: now))
    }

    /// An agent resolves a conversation: its session ends, and whoever writes next starts a
    /// new one, routed afresh.
    func resolve(_ contact: ContactID, by agent: String?, note: String?) throws {
        let c = try runtime.conversation(contact)
        guard c.session != nil else {
            throw RuntimeError("\(contact) has no open session to resolve (owner \(c.owner)); it ended already, or the contact never wrote")
        }
        try endSession(contact, .resolved, note: note, by: agent)
    }
}
