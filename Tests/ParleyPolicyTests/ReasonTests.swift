import Testing
@testable import ParleyPolicy

/// docs/scripts.md's reasons, and the upstream code docs/rules.md gives each.
@Suite("Reasons and upstream codes")
struct ReasonTests {
    @Test("every reason carries the Cloud API code docs/rules.md gives it, or none where the rule is the runtime's own",
          arguments: [
              (Reason.outsideWindow, 131047 as Int?), (.templateNotFound, 132001), (.templateNotApproved, 132001),
              (.templatePaused, 132015), (.templateDisabled, 132016), (.templateParamMismatch, 132000),
              (.templateParamFormat, 132012), (.templateTooLong, 132005), (.marketingOptedOut, 131050),
              (.throughputLimit, 130429), (.pairRateLimit, 131056), (.identityChanged, 137000),
              (.invalidRecipient, 131009), (.invalidMessage, 131009), (.marketingCooldown, 131049), (.usMarketingPaused, 131049),
              (.recipientUndeliverable, 131026), (.phoneNumberRequired, nil),
              (.noOptIn, nil), (.messagingLimit, nil), (.numberRestricted, nil), (.humanOwnsConversation, nil), (.budgetExhausted, nil),
          ])
    func upstreamCodes(reason: Reason, code: Int?) {
        #expect(reason.upstreamCode == code)
        #expect(Refusal(reason, "x").code == code)
    }

    @Test("the reasons are exactly docs/scripts.md's list, spelled as scripts see them")
    func contractNames() {
        let contract = [
            "outside_window", "template_not_found", "template_not_approved", "template_paused", "template_disabled",
            "template_param_mismatch", "template_param_format", "template_too_long", "marketing_opted_out", "opted_out", "no_opt_in",
            "messaging_limit", "throughput_limit", "pair_rate_limit", "number_restricted", "identity_changed",
            "human_owns_conversation", "invalid_recipient", "invalid_message", "marketing_cooldown", "us_marketing_paused",
            "recipient_undeliverable", "phone_number_required", "budget_exhausted",
        ]
        #expect(Reason.allCases.map(\.rawValue).sorted() == contract.sorted())
        for name in contract { #expect(Reason(rawValue: name)?.rawValue == name) }
    }

    @Test("a refusal reads as reason: detail")
    func refusalDescription() {
        #expect(Refusal(.noOptIn, "no consent").description == "no_opt_in: no consent")
    }

    /// One world per reason `decide` can give, to show each surfaces with its code.
    static let decided: [(Reason, @Sendable (inout World) -> OutboundMessage)] = [
        (.outsideWindow, { w in w.contact.lastInbound = nil; return text() }),
        (.templateNotFound, { _ in template("ghost") }),
        (.templateNotApproved, { w in w.catalog[Fixture.orderUpdate.key]?.status = .rejected; return orderUpdate }),
        (.templatePaused, { w in w.catalog[Fixture.orderUpdate.key]?.status = .paused; return orderUpdate }),
        (.templateDisabled, { w in w.catalog[Fixture.orderUpdate.key]?.status = .disabled; return orderUpdate }),
        (.templateParamMismatch, { _ in template("order_update", "en_US", ["Ana"]) }),
        (.templateParamFormat, { _ in template("order_update", "en_US", ["Ana", ""]) }),
        (.templateTooLong, { _ in template("order_update", "en_US", ["Ana", .of(1100)]) }),
        (.marketingOptedOut, { w in w.contact.marketingOptedOut = true; return springPromo }),
        (.noOptIn, { w in w.contact.lastInbound = nil; w.contact.optedIn = false; return orderUpdate }),
        (.messagingLimit, { w in w.contact.lastInbound = nil; w.limit.used = 250; return orderUpdate }),
        (.numberRestricted, { w in w.account.numberStatus = .other("BANNED"); return text() }),
        (.identityChanged, { w in w.contact.identityChangePending = true; return text() }),
        (.humanOwnsConversation, { w in w.contact.owner = .human(queue: "q"); return text() }),
        (.invalidMessage, { _ in .text("") }),
    ]

    @Test("every reason decide can give surfaces with its code", arguments: decided.indices)
    func decideSurfacesEachReason(index: Int) {
        let (reason, setUp) = Self.decided[index]
        var w = World()
        let message = setUp(&w)
        let d = w.decide(message, at: t0.plus(hours: 1))
        #expect(d.reason == reason)
        #expect(d.code == reason.upstreamCode)
        #expect(!d.detail.isEmpty)
    }
}
