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
        var r = TranscriptRecord("number_changed", at: now)
        r.add("contact", old.value)
        r.add("new_contact", new.value)
        record(r)
    }

    /// A template's status changed. A `PAUSED` is counted: after the allowed pauses the
    /// template is disabled (POLICY.md section 2).
    public func templateStatus(_ key: TemplateKey, _ status: TemplateStatus) throws(RuntimeError) {
        guard let t = store.catalog.apply(status: status, to: key, at: now, pauses: config.policy.templatePauses) else {
            throw RuntimeError("no template \(key) in the catalog")
        }
        var r = TranscriptRecord("template_status", at: now)
        r.add("template", key.name)
        r.add("language", key.language)
        r.add("status", t.status.description)
        r.add("until", t.pausedUntil?.iso8601)
        record(r)
        runDue()
    }

    public func templateQuality(_ key: TemplateKey, _ quality: TemplateQuality) throws(RuntimeError) {
        guard store.catalog.apply(quality: quality, to: key) != nil else { throw RuntimeError("no template \(key) in the catalog") }
        var r = TranscriptRecord("template_quality", at: now)
        r.add("template", key.name)
        r.add("language", key.language)
        r.add("quality", quality.rawValue)
        record(r)
    }

    public func templateCategory(_ key: TemplateKey, _ category: TemplateCategory) throws(RuntimeError) {
        guard store.catalog.apply(category: category, to: key) != nil else { throw RuntimeError("no template \(key) in the catalog") }
        var r = TranscriptRecord("template_category", at: now)
        r.add("template", key.name)
        r.add("language", key.language)
        r.add("category", category.rawValue)
        record(r)
    }

    public func setTier(_ tier: MessagingTier) {
        store.account.tier = tier
        var r = TranscriptRecord("limit", at: now)
        r.add("tier", tier.description)
        record(r)
    }

    public func setNumberStatus(_ status: NumberStatus) {
        store.account.numberStatus = status
        var r = TranscriptRecord("number_status", at: now)
        r.add("status", status.description)
        record(r)
    }

    public func setBusinessInitiatedRestriction(_ restricted: Bool) {
        store.account.businessInitiatedRestricted = restricted
        var r = TranscriptRecord("account_restriction", at: now)
        r.add("business_initiated", restricted ? "restricted" : "lifted")
        record(r)
    }

    /// A delivery status from the platform, for one of our messages.
    public func deliveryStatus(id: String, status: String, contact: ContactID?, errors: [(code: Int, title: String?)]) {
        var r = TranscriptRecord("status", at: now)
        r.add("id", id)
        r.add("status", status)
        r.add("to", contact?.value)
        if let first = errors.first {
            r.add("code", first.code)
            r.add("error", first.title)
        }
        record(r)
    }
}
