import ParleyJSON
import ParleyPolicy

/// What the platform, an operator or a scenario says about the world: consent, identity,
/// templates, the messaging tier and the number's status.
extension Runtime {
    /// The portfolio's messaging limit as it stands: the contacts counted toward it in the
    /// rolling window, and the limit (nil when the tier has none). For an operator's metrics.
    public var messagingLimitUse: (used: Int, limit: Int?) { sending.limitUse() }

    /// STOP, or an operator for the contact: every business-initiated message stops, and
    /// marketing even inside the window, until START. Replies inside a window the contact
    /// opens still go.
    func optOut(_ contact: ContactID, confirm: Bool = false) throws {
        let now = self.now
        try update(contact) { c in if c.optedOutAt == nil { c.optedOutAt = now } }
        record(Records.consent("opted_out", contact, scope: .all, at: now))
        if confirm { try sending.submit(.text(config.texts.optedOut), to: contact.description, by: .core) }
    }

    /// START: restores exactly what STOP stopped. A recorded opt-in is as it was before the
    /// STOP; START is not one by itself.
    func resume(_ contact: ContactID, confirm: Bool = false) throws {
        try update(contact) { $0.optedOutAt = nil }
        record(Records.consent("resumed", contact, scope: .all, at: now))
        if confirm { try sending.submit(.text(config.texts.optedIn), to: contact.description, by: .core) }
    }

    /// The platform's "stop promotions": marketing templates only.
    func stopMarketing(_ contact: ContactID) throws {
        try update(contact) { $0.marketingOptedOut = true }
        record(Records.consent("opted_out", contact, scope: .marketing, at: now))
    }

    /// The platform's "resume promotions": lifts what `stopMarketing` set, and nothing else.
    func resumeMarketing(_ contact: ContactID) throws {
        try update(contact) { $0.marketingOptedOut = false }
        record(Records.consent("resumed", contact, scope: .marketing, at: now))
    }

    /// Records consent (an opt-in): fresh consent lifts both stops.
    func optIn(_ contact: ContactID) throws {
        try update(contact) { c in
            c.optedIn = true
            c.optedOutAt = nil
            c.marketingOptedOut = false
        }
        record(Records.contact("opted_in", contact, at: now))
    }

    func identityChanged(_ contact: ContactID) throws {
        try update(contact) { $0.identityChangePending = true }
        record(Records.contact("identity_changed", contact, at: now))
    }

    func acknowledgeIdentity(_ contact: ContactID) throws {
        try update(contact) { $0.identityChangePending = false }
        record(Records.contact("identity_ack", contact, at: now))
    }

    /// A template's status changed. A `PAUSED` is counted: after the allowed pauses the
    /// template is disabled (docs/rules.md §2).
    func templateStatus(_ key: TemplateKey, _ status: TemplateStatus) throws {
        var catalog = store.catalog
        guard let t = catalog.apply(status: status, to: key, at: now, pauses: config.policy.templatePauses) else {
            throw RuntimeError("no template \(key) in the catalog")
        }
        try store.save(catalog)
        record(Records.template("template_status", key, ("status", t.status.description), until: t.pausedUntil, at: now))
    }

    func templateQuality(_ key: TemplateKey, _ quality: TemplateQuality) throws {
        var catalog = store.catalog
        guard catalog.apply(quality: quality, to: key) != nil else { throw RuntimeError("no template \(key) in the catalog") }
        try store.save(catalog)
        record(Records.template("template_quality", key, ("quality", quality.rawValue), at: now))
    }

    func templateCategory(_ key: TemplateKey, _ category: TemplateCategory) throws {
        var catalog = store.catalog
        guard catalog.apply(category: category, to: key) != nil else { throw RuntimeError("no template \(key) in the catalog") }
        try store.save(catalog)
        record(Records.template("template_category", key, ("category", category.rawValue), at: now))
    }

    func setTier(_ tier: MessagingTier) throws {
        var account = store.account
        let previous = account.tier
        account.tier = tier
        try store.save(account)
        record(Records.fields("limit", at: now, [("tier", .string(tier.description))]))
        if tier != previous {
            var event: [String: JSONValue] = ["type": "tier", "tier": .string(tier.description), "previous": .string(previous.description)]
            if let limit = tier.limit { event["limit"] = .int(Int64(limit)) }
            try calls.tellAccount(.object(event))
        }
    }

    /// A FLAGGED number also drops a tier when the deployment says so (`[policy]
    /// flagged_drops_tier`): whether the platform still does is disputed, so it is off by default.
    func setNumberStatus(_ status: NumberStatus) throws {
        var account = store.account
        let previous = account.numberStatus
        account.numberStatus = status
        try store.save(account)
        record(Records.fields("number_status", at: now, [("status", .string(status.description))]))
        guard status != previous else { return }
        try calls.tellAccount(["type": "number_status", "status": .string(status.description), "previous": .string(previous.description)])
        if status == .flagged, config.policy.flaggedDropsTier, let lower = account.tier.previous { try setTier(lower) }
    }

    func setBusinessInitiatedRestriction(_ restricted: Bool, until end: Instant? = nil) throws {
        var account = store.account
        let previous = account.businessInitiatedRestricted
        account.businessInitiatedRestricted = restricted
        try store.save(account)
        var r = Records.fields("account_restriction", at: now, [("business_initiated", .string(restricted ? "restricted" : "lifted"))])
        r.add("until", restricted ? end?.iso8601 : nil)
        record(r)
        if restricted, let end, end > now { try agenda.add(.liftRestriction, at: end) }
        if restricted != previous {
            var event: [String: JSONValue] = ["type": "restriction", "restricted": .bool(restricted)]
            if restricted, let end { event["until"] = .string(end.iso8601) }
            try calls.tellAccount(.object(event))
        }
    }
}
