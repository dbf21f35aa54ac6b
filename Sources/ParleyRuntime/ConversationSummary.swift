import ParleyJSON
import ParleyPolicy

/// A conversation as people see it: the agent API's answer, and a spec's
/// `w:conversation(contact)`. One presenter, so the two never disagree.
extension Runtime {
    /// `contact` may be any name of the person: their user id, a number they moved from.
    public func summary(of contact: ContactID) throws -> JSONValue {
        let contact = try store.canonical(contact)
        let c = try conversation(contact)
        let window = try window(of: contact)
        var fields: [String: JSONValue] = [
            "contact": .string(c.contact.description), "owner": .string(c.owner.description), "state": c.state,
            "in_window": .bool(window.open), "seconds_left": .int(window.secondsLeft),
            "opted_in": .bool(c.optedIn), "opted_out": .bool(c.optedOutAt != nil), "marketing_opted_out": .bool(c.marketingOptedOut),
            "identity_change_pending": .bool(c.identityChangePending),
        ]
        if let language = c.language { fields["language"] = .string(language) }
        if let userID = c.userID { fields["user_id"] = .string(userID.value) }
        if let last = c.lastInbound { fields["last_inbound"] = .string(last.iso8601) }
        // Holds after a failed delivery, while they hold: an agent sees why a template waits.
        if let until = c.marketingCooldownUntil, now < until { fields["marketing_cooldown_until"] = .string(until.iso8601) }
        if let until = c.undeliverableUntil, now < until { fields["undeliverable_until"] = .string(until.iso8601) }
        // Pricing: everything is free until then (docs/rules.md §16.2).
        if let until = c.freeEntryPointUntil, now < until { fields["free_entry_point_until"] = .string(until.iso8601) }
        if let session = c.session { fields["session"] = ["number": .int(Int64(session.number)), "since": .string(session.since.iso8601)] }
        if let h = c.handoff {
            var handoff: [String: JSONValue] = ["id": .string(h.id), "queue": .string(h.queue), "reason": .string(h.reason), "since": .string(h.since.iso8601)]
            if let note = h.note { handoff["note"] = .string(note) }
            if let agent = h.agent { handoff["agent"] = .string(agent) }
            fields["handoff"] = .object(handoff)
        }
        return .object(fields)
    }

    /// Seconds left of the contact's free entry point window (rounded up), 0 when none is open.
    public func freeEntryPointSecondsLeft(of contact: ContactID) throws -> Int64 {
        guard let until = try store.conversation(try store.canonical(contact))?.freeEntryPointUntil, now < until else { return 0 }
        return ((until - now).milliseconds + 999) / 1000
    }

    /// Whether the contact's customer service window is open now, and for how many more
    /// seconds (rounded up).
    public func window(of contact: ContactID) throws -> (open: Bool, secondsLeft: Int64) {
        guard let end = policy.windowEnd(lastInbound: try store.conversation(try store.canonical(contact))?.lastInbound), now < end else { return (false, 0) }
        return (true, ((end - now).milliseconds + 999) / 1000)
    }
}
