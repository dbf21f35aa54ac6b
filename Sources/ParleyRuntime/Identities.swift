import ParleyPolicy

/// One conversation per person, however the platform names them (docs/rules.md §7.3): by
/// phone number, by business-scoped user id, or both. The conversation is kept under the
/// phone number while one is known, else under the user id; the other names lead to it.
/// Window, consent, state and ownership follow the person when the number disappears from
/// the payloads, or changes.
extension Runtime {
    /// The key of the conversation `message` belongs to, learning what it teaches: a user id
    /// beside a number becomes a name of the number's conversation; a number first seen for
    /// a person known by id moves their conversation to it.
    func identify(_ message: Inbound) throws -> ContactID {
        let contact = try store.canonical(message.from)
        guard let userID = message.userID, contact.kind == .phone else { return contact }
        let known = try store.canonical(userID)
        if known == contact { return contact }  // already one person
        if known == userID, try store.conversation(userID) != nil, try store.conversation(contact) == nil {
            // Known by id until now: the conversation moves to the number, which sends can use.
            try rekey(userID, to: contact, because: "phone_number_learnt")
        }
        try store.addAlias(userID, for: contact)
        try update(contact) { $0.userID = userID }
        return contact
    }

    /// `user_changed_number`: the person's conversation moves to the new number.
    func numberChanged(from old: ContactID, to new: ContactID) throws {
        let current = try store.canonical(old)
        try rekey(current, to: new, because: "user_changed_number")
    }

    /// `user_changed_user_id`: the new id names the same conversation; one kept under the
    /// old id (the person's number unknown) moves to the new one.
    func userIDChanged(from old: ContactID, to new: ContactID) throws {
        let current = try store.canonical(old)
        if current == old {
            try rekey(old, to: new, because: "user_changed_user_id")
        } else {
            try store.addAlias(new, for: current)
            try update(current) { $0.userID = new }
            var r = Records.fields("rekeyed", at: now, [("contact", .string(old.description)), ("new_contact", .string(new.description))])
            r.add("kept_under", current.value)
            r.add("because", "user_changed_user_id")
            record(r)
        }
    }

    /// Moves the conversation, audited. When the new key already has a conversation (the
    /// person wrote from the new number before the notice came), that one is kept and the
    /// old key becomes a name of it.
    private func rekey(_ old: ContactID, to new: ContactID, because: String) throws {
        guard old != new else { return }
        var r = Records.fields("rekeyed", at: now, [("contact", .string(old.description)), ("new_contact", .string(new.description))])
        if try store.conversation(new) != nil {
            try store.addAlias(old, for: new)
            r.add("kept_under", new.description)
        } else {
            try store.rekey(old, to: new)
        }
        if new.kind == .businessScopedUser { try update(new) { $0.userID = new } }
        r.add("because", because)
        record(r)
    }
}
