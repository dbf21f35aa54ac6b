import ParleyPolicy

/// `phone_number_quality_update`: the number was flagged or unflagged, or its messaging limit
/// moved.
public struct PhoneNumberQualityUpdate: Sendable, Equatable {
    public var displayPhoneNumber: String?
    /// `FLAGGED`, `UNFLAGGED`, `UPGRADE`, `DOWNGRADE`, `ONBOARDING`..., upper-cased.
    public var event: String
    /// The limit now, from `current_limit`, `messaging_limit_tier` or
    /// `max_daily_conversations_per_business`; `nil` when none is readable.
    public var tier: MessagingTier?
    public var time: Instant?

    public init(displayPhoneNumber: String? = nil, event: String, tier: MessagingTier? = nil, time: Instant? = nil) {
        self.displayPhoneNumber = displayPhoneNumber
        self.event = event
        self.tier = tier
        self.time = time
    }

    /// The number status the event implies: `FLAGGED` flags it, `UNFLAGGED` restores it.
    public var numberStatus: NumberStatus? {
        switch event {
        case "FLAGGED": return .flagged
        case "UNFLAGGED": return .connected
        default: return nil
        }
    }
}

/// `business_capability_update`: the portfolio's capabilities changed. Since October 2025
/// the messaging limit is the portfolio's, shared by all its numbers; an upgrade arrives here.
public struct BusinessCapabilityUpdate: Sendable, Equatable {
    /// From `max_daily_conversations_per_business` (-1: unlimited), else the deprecated
    /// `max_daily_conversation_per_phone`.
    public var tier: MessagingTier?
    /// `max_phone_numbers_per_business`: how many numbers the portfolio may register.
    public var maxPhoneNumbers: Int?
    public var time: Instant?

    public init(tier: MessagingTier? = nil, maxPhoneNumbers: Int? = nil, time: Instant? = nil) {
        self.tier = tier
        self.maxPhoneNumbers = maxPhoneNumbers
        self.time = time
    }
}

/// `phone_number_name_update`: the verdict on a requested display name.
public struct PhoneNumberNameUpdate: Sendable, Equatable {
    public var displayPhoneNumber: String?
    public var decision: String
    public var requestedName: String?
    public var rejectionReason: String?
    public var time: Instant?

    public init(
        displayPhoneNumber: String? = nil, decision: String, requestedName: String? = nil,
        rejectionReason: String? = nil, time: Instant? = nil
    ) {
        self.displayPhoneNumber = displayPhoneNumber
        self.decision = decision
        self.requestedName = requestedName
        self.rejectionReason = rejectionReason
        self.time = time
    }
}

/// `account_update`: bans, restrictions, violations and the many administrative events of a
/// business account. Typed where the runtime acts on it, generic elsewhere.
public struct AccountUpdate: Sendable, Equatable {
    public struct Restriction: Sendable, Equatable {
        /// `RESTRICTED_BIZ_INITIATED_MESSAGING`, `RESTRICTED_ADD_PHONE_NUMBER_ACTION`...
        public var type: String
        public var expiration: Instant?
        public init(type: String, expiration: Instant? = nil) {
            self.type = type
            self.expiration = expiration
        }
    }

    /// `ACCOUNT_RESTRICTION`, `DISABLED_UPDATE`, `ACCOUNT_VIOLATION`, `VERIFIED_ACCOUNT`...
    public var event: String
    /// The business account id (`entry.id`).
    public var accountID: String?
    public var phoneNumber: String?
    /// `waba_ban_state`: `SCHEDULE_FOR_DISABLE`, `DISABLE`, `REINSTATE`.
    public var banState: String?
    public var banDate: String?
    public var restrictions: [Restriction]
    public var violationType: String?
    public var time: Instant?

    public init(
        event: String, accountID: String? = nil, phoneNumber: String? = nil, banState: String? = nil,
        banDate: String? = nil, restrictions: [Restriction] = [], violationType: String? = nil, time: Instant? = nil
    ) {
        self.event = event
        self.accountID = accountID
        self.phoneNumber = phoneNumber
        self.banState = banState
        self.banDate = banDate
        self.restrictions = restrictions
        self.violationType = violationType
        self.time = time
    }

    /// Business-initiated sends are refused while this holds (`number_restricted`).
    public var restrictsBusinessInitiatedMessaging: Bool {
        restrictions.contains { $0.type == "RESTRICTED_BIZ_INITIATED_MESSAGING" }
    }

    /// The number status the event implies, when it implies one: a ban in force stops every
    /// send, a reinstatement restores them. A ban only scheduled changes nothing yet.
    public var numberStatus: NumberStatus? {
        switch (event, banState) {
        case ("DISABLED_UPDATE", "DISABLE"): return .other("BANNED")
        case ("DISABLED_UPDATE", "REINSTATE"): return .connected
        case ("ACCOUNT_DELETED", _): return .other("DELETED")
        default: return nil
        }
    }
}
