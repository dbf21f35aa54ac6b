import ParleyPolicy

/// What a failed delivery teaches about its contact, so the next message does not meet
/// the same failure: the per-user marketing cap (131049) starts a marketing cool-down, an
/// undeliverable contact (131026) is left alone for a while. Both protect the number's
/// quality rating, which repeated failures lower; the policy reads them (docs/rules.md §4.3).
extension SendPipeline {
    func holdAfter(_ failure: DeliveryFailure) throws {
        let now = runtime.now
        switch failure.reason {
        case .marketingCooldown?:
            let cooldowns = config.policy.marketingCooldowns
            guard let longest = cooldowns.last else { return }  // an empty list turns cool-downs off
            let until = try runtime.update(failure.contact) { c -> Instant in
                let strikes = (c.marketingCapStrikes ?? 0) + 1
                let until = now + (strikes <= cooldowns.count ? cooldowns[strikes - 1] : longest)
                c.marketingCapStrikes = strikes
                c.marketingCooldownUntil = max(until, c.marketingCooldownUntil ?? until)
                return c.marketingCooldownUntil!
            }
            runtime.record(Records.hold(.marketingCooldown, failure.contact, until: until, at: now))
        case .recipientUndeliverable?:
            let until = now + config.policy.undeliverableHold
            try runtime.update(failure.contact) { $0.undeliverableUntil = until }
            runtime.record(Records.hold(.recipientUndeliverable, failure.contact, until: until, at: now))
        default:
            return
        }
    }
}

extension Records {
    /// `{"type":"held","contact":...,"reason":"marketing_cooldown","code":131049,"until":...}`
    static func hold(_ reason: Reason, _ contact: ContactID, until: Instant, at now: Instant) -> TranscriptRecord {
        var r = fields("held", at: now, [("contact", .string(contact.description)), ("reason", .string(reason.rawValue))])
        r.add("code", reason.upstreamCode)
        r.add("until", until.iso8601)
        return r
    }
}
