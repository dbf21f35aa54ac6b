import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import Testing

@Suite("Template, number, account and contact events")
struct AccountEventTests {
    func event(_ name: String) throws -> WebhookEvent? {
        let batch = try Fixtures.batch(name)
        #expect(batch.skipped.isEmpty, "\(batch.skipped)")
        return batch.only
    }

    // MARK: Templates

    @Test("template approved: NONE as a reason means no reason")
    func templateApproved() throws {
        guard case .templateStatus(let u)? = try event("pywa__template_status_update__approved.json") else {
            Issue.record("not a template status"); return
        }
        #expect(u.key == TemplateKey(name: "order_confirmation", language: "en_US"))
        #expect(u.templateID == "1689556908129832")
        #expect(u.status == .approved)
        #expect(u.reason == nil)
        #expect(u.category == .utility)
        #expect(u.time == Instant(secondsSinceEpoch: 1_751_247_548))
    }

    @Test("template rejected: reason and the platform's explanation")
    func templateRejected() throws {
        guard case .templateStatus(let u)? = try event("pywa__template_status_update__rejected.json") else {
            Issue.record("not a template status"); return
        }
        #expect(u.status == .rejected)
        #expect(u.reason == "INVALID_FORMAT")
        #expect(u.infoTitle?.hasPrefix("Your template has parameters placed next to each other") == true)
        #expect(u.infoDescription?.hasPrefix("Separate parameters") == true)
        // The older payload sends the id as a number.
        guard case .templateStatus(let old)? = try event("bindambc__rejectedtemplate.json") else { return }
        #expect(old.templateID == "905507062668800" && old.reason == "SCAM")
    }

    @Test("template flagged for disabling: a null reason and the disable date")
    func templateFlagged() throws {
        guard case .templateStatus(let u)? = try event("bindambc__templateschedulingfordisabling.json") else {
            Issue.record("not a template status"); return
        }
        #expect(u.status == .other("FLAGGED"))
        #expect(u.reason == nil)
        #expect(u.disableDate == "January 31, 2021")
    }

    @Test("a PAUSED status update becomes TemplateStatus.paused")
    func templatePaused() {
        let body: JSONValue = [
            "entry": [[
                "time": 1_700_000_000,
                "changes": [[
                    "field": "message_template_status_update",
                    "value": [
                        "event": "PAUSED", "message_template_name": "promo", "message_template_language": "en_US",
                        "reason": nil, "other_info": ["title": "FIRST_PAUSE", "description": "paused for 3 hours"],
                    ],
                ]],
            ]]
        ]
        guard case .templateStatus(let u)? = WebhookDecoder().decode(body).only else { Issue.record("no update"); return }
        #expect(u.status == .paused && u.infoTitle == "FIRST_PAUSE" && u.infoDescription == "paused for 3 hours")
    }

    @Test("template quality moves from GREEN to YELLOW")
    func templateQuality() throws {
        #expect(
            try event("pywa__template_quality_update__yellow.json")
                == .templateQuality(
                    TemplateQualityUpdate(
                        key: TemplateKey(name: "welcome_template", language: "en_US"), templateID: "806312974732579",
                        previous: .green, quality: .yellow, time: Instant(secondsSinceEpoch: 1_674_864_290))))
    }

    @Test("template category changes to MARKETING")
    func templateCategory() throws {
        guard case .templateCategory(let u)? = try event("pywa__template_category_update__marketing.json") else {
            Issue.record("not a category update"); return
        }
        #expect(u.key == TemplateKey(name: "my_message_template", language: "he") && u.category == .marketing)
    }

    /// Made for the test, in the shape of Meta's template_category_update reference (2025).
    @Test("an impending category change is a note: the template keeps its category until the completed update")
    func impendingCategory() {
        let body: JSONValue = ["entry": [["id": "5678", "changes": [["field": "template_category_update", "value": [
            "message_template_id": 1_234, "message_template_name": "order_update", "message_template_language": "en_US",
            "correct_category": "MARKETING", "new_category": "UTILITY", "category_update_timestamp": 1_767_690_000,
        ]]]]]]
        let batch = WebhookDecoder().decode(body)
        #expect(batch.events.isEmpty)
        #expect(batch.skipped.first?.contains("will become MARKETING at 2026-01-06T09:00:00Z") == true)
    }

    @Test("a components update is left to the next templates-file sync, with a note")
    func templateComponents() throws {
        let batch = try Fixtures.batch("pywa__template_components_update__element.json")
        #expect(batch.events.isEmpty)
        #expect(batch.skipped == [
            "entry[0].changes[0] (message_template_components_update): components of my_message_template/he changed; not applied (sync the templates file to pick it up)"
        ])
    }

    // MARK: Number and account

    @Test("phone number flagged at TIER_10K")
    func numberQuality() throws {
        guard case .phoneNumberQuality(let u)? = try event("bindambc__qualityupdate.json") else {
            Issue.record("not a quality update"); return
        }
        #expect(u.event == "FLAGGED")
        #expect(u.tier == .limited(10_000))
        #expect(u.numberStatus == .flagged)
        #expect(u.displayPhoneNumber == "16505551111")
    }

    @Test("a limit given only as max_daily_conversations_per_business", arguments: [
        (JSONValue.int(2000), MessagingTier.limited(2000)), (.int(-1), .unlimited), (.string("TIER_UNLIMITED"), .unlimited),
    ])
    func limitFromDailyConversations(raw: JSONValue, tier: MessagingTier) {
        let body: JSONValue = [
            "entry": [[
                "changes": [[
                    "field": "phone_number_quality_update",
                    "value": ["event": "upgrade", "max_daily_conversations_per_business": raw],
                ]]
            ]]
        ]
        guard case .phoneNumberQuality(let u)? = WebhookDecoder().decode(body).only else { Issue.record("no update"); return }
        #expect(u.event == "UPGRADE" && u.tier == tier && u.numberStatus == nil)
    }

    @Test("during the transition a payload carries the deprecated limit beside the portfolio's: the portfolio's wins")
    func portfolioLimitWins() {
        let body: JSONValue = ["entry": [["changes": [["field": "phone_number_quality_update", "value": [
            "event": "UPGRADE", "old_limit": "TIER_250", "current_limit": "TIER_1K", "max_daily_conversations_per_business": "2000",
        ]]]]]]
        guard case .phoneNumberQuality(let u)? = WebhookDecoder().decode(body).only else { Issue.record("no update"); return }
        #expect(u.tier == .limited(2000))
    }

    /// Made for the test, in the shape of Meta's business_capability_update reference (2026):
    /// the corpus has none.
    @Test("business_capability_update: the portfolio's limit, newer field first, -1 for unlimited", arguments: [
        (["max_daily_conversations_per_business": 10_000, "max_daily_conversation_per_phone": 2000] as JSONValue, MessagingTier.limited(10_000) as MessagingTier?),
        (["max_daily_conversations_per_business": -1, "max_phone_numbers_per_business": 20] as JSONValue, .unlimited),
        (["max_daily_conversation_per_phone": 2000, "max_phone_numbers_per_waba": 2] as JSONValue, .limited(2000)),
        (["max_phone_numbers_per_business": 20] as JSONValue, nil),
    ])
    func businessCapability(value: JSONValue, tier: MessagingTier?) {
        let body: JSONValue = ["object": "whatsapp_business_account", "entry": [[
            "id": "102290129340398", "time": 1_767_603_600, "changes": [["field": "business_capability_update", "value": value]],
        ]]]
        guard case .businessCapability(let u)? = WebhookDecoder().decode(body).only else { Issue.record("no update"); return }
        #expect(u.tier == tier)
        #expect(u.time == Instant(secondsSinceEpoch: 1_767_603_600))
    }

    @Test("a capability update with nothing readable is a note, not an event")
    func businessCapabilityUnreadable() {
        let body: JSONValue = ["entry": [["changes": [["field": "business_capability_update", "value": ["max_daily_conversations_per_business": "lots"]]]]]]
        let batch = WebhookDecoder().decode(body)
        #expect(batch.events.isEmpty)
        #expect(batch.skipped.count == 1)
    }

    @Test("display name approved")
    func displayName() throws {
        #expect(
            try event("bindambc__phonenumbernameupdate.json")
                == .phoneNumberName(
                    PhoneNumberNameUpdate(
                        displayPhoneNumber: "16505551111", decision: "APPROVED", requestedName: "WhatsApp",
                        time: Instant(secondsSinceEpoch: 1_608_243_053))))
    }

    @Test("account restriction: business-initiated messaging restricted until a time")
    func restriction() throws {
        guard case .accountUpdate(let u)? = try event("pywa__account_update__account_restriction.json") else {
            Issue.record("not an account update"); return
        }
        #expect(u.event == "ACCOUNT_RESTRICTION")
        #expect(u.restrictsBusinessInitiatedMessaging)
        #expect(u.restrictions.map(\.type) == ["RESTRICTED_BIZ_INITIATED_MESSAGING", "RESTRICTED_ADD_PHONE_NUMBER_ACTION"])
        #expect(u.restrictions[0].expiration == Instant(secondsSinceEpoch: 1_641_330_498))
        #expect(u.accountID == "102290129340398")

        // Placeholder expirations ("<TIMESTAMP>") read as unknown, not as a failure.
        guard case .accountUpdate(let old)? = try event("bindambc__accountrestricted.json") else { return }
        #expect(old.restrictsBusinessInitiatedMessaging && old.restrictions.allSatisfy { $0.expiration == nil })
    }

    @Test("ban scheduled, ban lifted, violation, deletion")
    func bansAndViolations() throws {
        guard case .accountUpdate(let scheduled)? = try event("bindambc__accountbanned.json") else { return }
        #expect(scheduled.banState == "SCHEDULE_FOR_DISABLE" && scheduled.banDate == "January 31, 2021")
        #expect(scheduled.numberStatus == nil)
        guard case .accountUpdate(let lifted)? = try event("pywa__account_update__account_disabled.json") else { return }
        #expect(lifted.banState == "REINSTATE" && lifted.numberStatus == .connected)
        guard case .accountUpdate(let violation)? = try event("pywa__account_update__account_violation.json") else { return }
        #expect(violation.violationType == "ADULT")
        guard case .accountUpdate(let deleted)? = try event("pywa__account_update__account_deleted.json") else { return }
        #expect(deleted.numberStatus == .other("DELETED"))
    }

    @Test("a ban in force stops the number; a restriction stops only business-initiated sends")
    func banInForce() {
        let body: JSONValue = [
            "entry": [[
                "id": "waba-1",
                "changes": [
                    ["field": "account_update", "value": ["event": "DISABLED_UPDATE", "ban_info": ["waba_ban_state": "DISABLE"]]],
                    [
                        "field": "account_update",
                        "value": ["event": "ACCOUNT_RESTRICTION", "restriction_info": [["restriction_type": "RESTRICTED_CUSTOMER_INITIATED_MESSAGING"]]],
                    ],
                ],
            ]]
        ]
        let updates = WebhookDecoder().decode(body).events.compactMap { event -> AccountUpdate? in
            if case .accountUpdate(let u) = event { return u } else { return nil }
        }
        #expect(updates.map(\.numberStatus) == [.other("BANNED"), nil])
        #expect(updates.map(\.restrictsBusinessInitiatedMessaging) == [false, false])
        #expect(updates.allSatisfy { $0.accountID == "waba-1" })
    }

    // MARK: Contacts

    @Test("user_preferences: resume and signup opt back in")
    func marketingResume() throws {
        #expect(
            try event("pywa__user_marketing_preferences__resume.json")
                == .marketingPreference(
                    MarketingPreference(
                        contact: contact("+16505551234"), optedOut: false, value: "resume",
                        detail: "User requested to resume marketing messages",
                        timestamp: Instant(secondsSinceEpoch: 1_731_705_721), phoneNumberID: "106540352242922")))
        guard case .marketingPreference(let signup)? = try event("pywa__user_marketing_preferences__signup.json") else { return }
        #expect(!signup.optedOut && signup.value == "signup")
    }

    @Test("user_preferences: stop opts the contact out of marketing")
    func marketingStop() throws {
        let batch = try Fixtures.batch(
            "pywa__user_marketing_preferences__resume.json", replacing: [("resume", "stop")])
        guard case .marketingPreference(let p)? = batch.only else { Issue.record("no preference: \(batch)"); return }
        #expect(p.optedOut && p.value == "stop" && p.contact == contact("+16505551234"))
    }

    @Test("system: a number change names the old and the new number")
    func numberChange() throws {
        guard case .system(let notice)? = try event("pywa__system__phone_number_change.json") else { return }
        #expect(notice.change == .numberChanged(from: contact("+972987654321"), to: contact("+972912345678")))
        #expect(notice.messageID == "wamid.xyzxyz==")
        #expect(notice.phoneNumberID == "1122334455667")

        // The older shape: `customer_changed_number` with `new_wa_id`.
        let body: JSONValue = [
            "entry": [[
                "changes": [[
                    "field": "messages",
                    "value": [
                        "messages": [[
                            "from": "16315551234", "id": "wamid.N", "type": "system",
                            "system": ["type": "customer_changed_number", "new_wa_id": "16315559999"],
                        ]]
                    ],
                ]]
            ]]
        ]
        guard case .system(let old)? = WebhookDecoder().decode(body).only else { Issue.record("no notice"); return }
        #expect(old.change == .numberChanged(from: contact("+16315551234"), to: contact("+16315559999")))
    }

    @Test("system: an identity change names the contact and the new key hash")
    func identityChange() throws {
        guard case .system(let notice)? = try event("pywa__system__identity_change.json") else { return }
        #expect(notice.change == .identityChanged(contact: contact("+972987654321"), identityKeyHash: "xyzxyz"))
    }

    @Test("calls: the contact is the caller, or the callee of a business call")
    func calls() throws {
        guard case .call(let user)? = try event("pywa__call_connect__user_initiated.json") else { return }
        #expect(user.contact == contact("+972987654321") && user.event == "connect" && user.isUserInitiated)

        // This payload puts the business's own number in `to`; the contacts block names the user.
        guard case .call(let business)? = try event("pywa__call_connect__business_initiated.json") else { return }
        #expect(business.contact == contact("+972987654321") && !business.isUserInitiated)

        guard case .call(let ended)? = try event("pywa__call_terminate__call_terminate.json") else { return }
        #expect(ended.event == "terminate" && ended.status == "COMPLETED" && ended.errors.map(\.code) == [12455])

        guard case .call(let ringing)? = try event("pywa__call_status__call_status.json") else { return }
        #expect(ringing.event == "status" && ringing.status == "RINGING")
    }

    @Test("echoes of messages sent from the Business app are outbound, to the user")
    func echoes() throws {
        guard case .echo(let text)? = try event("pywa__outgoing_message__text.json") else { return }
        #expect(text.content == .text("Test message") && text.to == contact("+972987654321"))
        guard case .echo(let edit)? = try event("pywa__outgoing_message__edit.json") else { return }
        #expect(edit.content == .edited(originalMessageID: "wamid.zzzzzz", content: .text("Text was edited")))
        guard case .echo(let delete)? = try event("pywa__outgoing_message__delete.json") else { return }
        #expect(delete.content == .deleted(originalMessageID: "wamid.zzzzzz"))
    }

    @Test("an account review decision is noted, not turned into an event")
    func accountReview() throws {
        let batch = try Fixtures.batch("bindambc__accountreview.json")
        #expect(batch.events.isEmpty)
        #expect(batch.skipped == ["entry[0].changes[0] (account_review_update): account review decision \"APPROVED\"; nothing to apply"])
    }
}
