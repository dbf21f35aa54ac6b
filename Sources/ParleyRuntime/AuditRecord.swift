import ParleyJSON
import ParleyPolicy

extension Decision {
    /// The decision as a JSON record, with every input it was made on: the answer to "why
    /// was this message blocked?" (or allowed).
    public var auditRecord: OrderedJSONObject {
        var r = OrderedJSONObject()
        r.append("at", .string(at.iso8601))
        r.append("id", .string(request.id))
        r.append("stage", .string(stage.rawValue))
        r.append("by", .string(request.sender.description))
        r.append("to", .string(request.recipient?.value ?? request.rawRecipient))
        r.append("kind", .string(request.message.kind.rawValue))
        switch outcome {
        case .allowed(_, let businessInitiated):
            r.append("outcome", "allowed")
            r.append("business_initiated", .bool(businessInitiated))
        case .refused(let refusal):
            r.append("outcome", "refused")
            r.append("reason", .string(refusal.reason.rawValue))
            r.append("code", refusal.code.map { .int(Int64($0)) })
            r.append("detail", .string(refusal.detail))
        }
        r.append("rule", .string(rule))
        if let pricing { r.append("pricing", pricing.auditValue) }
        var inputs = OrderedJSONObject()
        inputs.append("last_inbound", facts.contact.lastInbound.map { .string($0.iso8601) } ?? .null)
        inputs.append("window_end", windowEnd.map { .string($0.iso8601) } ?? .null)
        inputs.append("window_open", .bool(windowEnd.map { at < $0 } ?? false))
        inputs.append("owner", .string(facts.contact.owner.description))
        inputs.append("opted_in", .bool(facts.contact.optedIn))
        inputs.append("opted_out", .bool(facts.contact.optedOut))
        inputs.append("marketing_opted_out", .bool(facts.contact.marketingOptedOut))
        inputs.append("identity_change_pending", .bool(facts.contact.identityChangePending))
        // Holds appear only while they hold, so that the common record stays short.
        if let until = facts.contact.marketingCooldownUntil, at < until { inputs.append("marketing_cooldown_until", .string(until.iso8601)) }
        if let until = facts.contact.undeliverableUntil, at < until { inputs.append("undeliverable_until", .string(until.iso8601)) }
        if let referral = facts.contact.entryPointReferralAt { inputs.append("entry_point_referral_at", .string(referral.iso8601)) }
        if let until = facts.contact.freeEntryPointUntil, at < until { inputs.append("free_entry_point_until", .string(until.iso8601)) }
        if let spend = facts.spend { inputs.append("spent", spend.auditValue) }
        inputs.append("number_status", .string(facts.account.numberStatus.description))
        inputs.append("business_initiated_restricted", .bool(facts.account.businessInitiatedRestricted))
        inputs.append("tier", .string(facts.account.tier.description))
        if request.message.kind == .template {  // free-form messages never count toward the limit
            inputs.append("limit_used", .int(Int64(facts.limit.used)))
            inputs.append("limit", facts.limit.limit.map { .int(Int64($0)) } ?? .null)
            inputs.append("contact_already_counted", .bool(facts.limit.alreadyCounted))
        }
        if let t = template {
            inputs.append("template", [
                "name": .string(t.name), "language": .string(t.language), "category": .string(t.category.rawValue),
                "status": .string(t.status(at: at).description), "quality": .string(t.quality.rawValue),
                "pauses": .int(Int64(t.pauseCount)), "paused_until": t.pausedUntil.map { .string($0.iso8601) } ?? .null,
            ])
        }
        r.append("inputs", inputs.unordered)
        return r
    }
}

extension Pricing {
    /// `{"category": "marketing", "type": "regular", "cost": "0.0529", "currency": "USD", "market": "44"}`;
    /// without rates for the category, only its category and type.
    var auditValue: JSONValue {
        var fields: [String: JSONValue] = ["category": .string(category.rawValue), "type": .string(type.rawValue)]
        if let cost {
            fields["cost"] = .string(cost.decimal)
            fields["currency"] = .string(currency)
        }
        if let market { fields["market"] = .string(market) }
        return .object(fields)
    }
}

extension SpendStanding {
    /// What each budget had spent before the decision, by its key: `{"daily": "0.95",
    /// "monthly": "3.10", "scripts.coupon.daily": "0.05"}`.
    var auditValue: JSONValue {
        var fields: [String: JSONValue] = [:]
        for (scope, periods) in spent {
            for (period, money) in periods {
                let key = switch scope {
                case .deployment: period.rawValue
                case .script(let name): "scripts.\(name).\(period.rawValue)"
                }
                fields[key] = .string(money.decimal)
            }
        }
        return .object(fields)
    }
}
