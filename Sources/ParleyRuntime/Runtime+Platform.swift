import ParleyJSON
import ParleyPolicy

/// What the platform, an operator or a scenario says about the world: consent, identity,
/// templates, the messaging tier and the number's status.
extension Runtime {
    /// Marks the contact opted out of marketing; with `confirm`, the core tells them so
    /// (only inside the window, as any free-form message).
    public func optOut(_ contact: ContactID, confirm: Bool = false) {
        update(contact) { $0.marketingOptedOut = true }
        record(Records.contact("opted_out", contact, at: now))
        if confirm { submit(.text(config.texts.optedOut), to: contact.value, by: .core) }
        runDue()
    }

    /// START, or the platform's "resume": the contact takes marketing back. It lifts the
    /// opt-out; it is not, by itself, the recorded opt-in a business-initiated template needs.
    public func resumeMarketing(_ contact: ContactID, confirm: Bool = false) {
        update(contact) { $0.marketingOptedOut = false }
        record(Records.contact("opted_in", contact, at: now))
        if confirm { submit(.text(config.texts.optedIn), to: contact.value, by: .core) }
        runDue()
    }

    /// Records consent (an opt-in) and lifts a marketing opt-out.
    public func optIn(_ contact: ContactID, confirm: Bool = false) {
        update(contact) { c in
            c.optedIn = true
            c.marketingOptedOut = false
        }
        record(Records.contact("opted_in", contact, at: now))
        if confirm { submit(.text(config.texts.optedIn), to: contact.value, by: .core) }
        runDue()
    }

    /// The contact's identity key changed: nothing goes to them until an operator checks.
    public func identityChanged(_ contact: ContactID) {
        update(contact) { $0.identityChangePending = true }
        record(Records.contact("identity_changed", contact, at: now))
    }

    public func acknowledgeIdentity(_ contact: ContactID) {
        update(contact) { $0.identityChangePending = false }
        record(Records.contact("identity_ack", contact, at: now))
        runDue()
    }

    /// The contact moved to a new number: a new contact, whose window and consent start
    /// fresh (they do not carry over by themselves).
    public func numberChanged(from old: ContactID, to new: ContactID) {
        record(Records.fields("number_changed", at: now, [("contact", .string(old.value)), ("new_contact", .string(new.value))]))
    }

    /// A template's status changed. A `PAUSED` is counted: after the allowed pauses the
    /// template is disabled (docs/rules.md §2).
    public func templateStatus(_ key: TemplateKey, _ status: TemplateStatus) throws(RuntimeError) {
        guard let t = store.catalog.apply(status: status, to: key, at: now, pauses: config.policy.templatePauses) else {
            throw RuntimeError("no template \(key) in the catalog")
        }
        record(Records.template("template_status", key, ("status", t.status.description), until: t.pausedUntil, at: now))
        runDue()
    }

    public func templateQuality(_ key: TemplateKey, _ quality: TemplateQuality) throws(RuntimeError) {
        guard store.catalog.apply(quality: quality, to: key) != nil else { throw RuntimeError("no template \(key) in the catalog") }
        record(Records.template("template_quality", key, ("quality", quality.rawValue), at: now))
    }

    public func templateCategory(_ key: TemplateKey, _ category: TemplateCategory) throws(RuntimeError) {
        guard store.catalog.apply(category: category, to: key) != nil else { throw RuntimeError("no template \(key) in the catalog") }
        record(Records.template("template_category", key, ("category", category.rawValue), at: now))
    }

    public func setTier(_ tier: MessagingTier) {
        store.account.tier = tier
        record(Records.fields("limit", at: now, [("tier", .string(tier.description))]))
    }

    public func setNumberStatus(_ status: NumberStatus) {
        store.account.numberStatus = status
        record(Records.fields("number_status", at: now, [("status", .string(status.description))]))
    }

    /// The platform restricted (or lifted the restriction on) business-initiated messaging;
    /// a restriction with an end lifts itself then.
    public func setBusinessInitiatedRestriction(_ restricted: Bool, until end: Instant? = nil) {
        store.account.businessInitiatedRestricted = restricted
        var r = Records.fields("account_restriction", at: now, [("business_initiated", .string(restricted ? "restricted" : "lifted"))])
        r.add("until", restricted ? end?.iso8601 : nil)
        record(r)
        if restricted, let end, end > now { schedule(.liftRestriction, at: end) }
    }

    /// The platform failed to deliver one of our messages (a `failed` status, or a send it
    /// refused). The sending bot hears of it through `on_delivery_failed(conv, id, reason,
    /// code)`; a late 131047 means the window closed earlier than the core thought, so the
    /// core closes it now.
    public func deliveryFailed(messageID: String, to contact: ContactID, by sender: Sender, reason: Reason?, code: Int?, detail: String?) {
        var r = Records.fields("delivery_failed", at: now, [("id", .string(messageID)), ("to", .string(contact.value)), ("by", .string(sender.description))])
        r.add("reason", reason?.rawValue)
        r.add("code", code)
        r.add("detail", detail)
        record(r)
        if reason == .outsideWindow {
            let now = self.now
            update(contact) { c in
                if let last = c.lastInbound, last + config.policy.windowLength > now { c.lastInbound = now - config.policy.windowLength }
            }
        }
        if case .bot(let name) = sender, let bot = scripts.bots[name] {
            call(bot, "on_delivery_failed", on: contact,
                 arguments: [.string(messageID), reason.map { .string($0.rawValue) } ?? .null, code.map { .int(Int64($0)) } ?? .null])
        }
        runDue()
    }

    /// A delivery status from the platform, for one of our messages.
    public func deliveryStatus(id: String, status: String, contact: ContactID?, errors: [(code: Int, title: String?)]) {
        record(Records.status(id: id, status: status, contact: contact, error: errors.first, at: now))
    }
}
