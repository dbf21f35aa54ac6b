import ParleyJSON
import ParleyPolicy

/// Business number and account fields.
enum AccountEventDecoding {
    /// The messaging limit from the first of `fields` that reads: the newer portfolio field
    /// (`max_daily_conversations_per_business`) first, then the deprecated ones, which
    /// payloads of the transition still carry beside it.
    static func tier(in value: JSONValue, fields: [String]) -> MessagingTier? {
        fields.lazy.compactMap { value.text($0).flatMap { MessagingTier(platform: $0) } }.first
    }

    static func change(_ field: String, _ value: JSONValue, _ account: Account, at place: String, into out: inout Output) {
        switch field {
        case "phone_number_quality_update":
            let tier = tier(in: value, fields: ["max_daily_conversations_per_business", "current_limit", "messaging_limit_tier"])
            guard let event = value.text("event")?.uppercased() else {
                out.notes.add(place, "phone number quality update without an \"event\"; skipped")
                return
            }
            out.events.append(
                .phoneNumberQuality(
                    PhoneNumberQualityUpdate(
                        displayPhoneNumber: value.text("display_phone_number"), event: event, tier: tier,
                        time: account.time)))
        case "phone_number_name_update":
            guard let decision = value.text("decision")?.uppercased() else {
                out.notes.add(place, "display name update without a \"decision\"; skipped")
                return
            }
            out.events.append(
                .phoneNumberName(
                    PhoneNumberNameUpdate(
                        displayPhoneNumber: value.text("display_phone_number"), decision: decision,
                        requestedName: value.text("requested_verified_name"),
                        rejectionReason: value.text("rejection_reason").flatMap { $0.uppercased() == "NONE" ? nil : $0 },
                        time: account.time)))
        case "account_update":
            guard let event = value.text("event")?.uppercased() else {
                out.notes.add(place, "account update without an \"event\"; skipped")
                return
            }
            let ban = value.object("ban_info")
            out.events.append(
                .accountUpdate(
                    AccountUpdate(
                        event: event, accountID: account.id, phoneNumber: value.text("phone_number"),
                        banState: ban?.text("waba_ban_state")?.uppercased(), banDate: ban?.text("waba_ban_date"),
                        restrictions: value.list("restriction_info").compactMap { item in
                            item.text("restriction_type").map {
                                AccountUpdate.Restriction(type: $0.uppercased(), expiration: item.instant("expiration"))
                            }
                        },
                        violationType: value["violation_info"]?.text("violation_type"), time: account.time)))
        case "business_capability_update":
            let tier = tier(in: value, fields: ["max_daily_conversations_per_business", "max_daily_conversation_per_phone"])
            let numbers = value.text("max_phone_numbers_per_business").flatMap { Int($0) }
            guard tier != nil || numbers != nil else {
                out.notes.add(place, "capability update with no limit it could read; skipped")
                return
            }
            out.events.append(.businessCapability(BusinessCapabilityUpdate(tier: tier, maxPhoneNumbers: numbers, time: account.time)))
        default:
            // account_review_update: the verdict on the business's review; nothing the runtime enforces.
            out.notes.add(place, "account review decision \(Payload.show(value["decision"])); nothing to apply")
        }
    }
}
