/// Why the core refused a message. The raw values are the stable reason codes that
/// scripts, transcripts, logs and tests see (docs/scripts.md); each maps to the Cloud API error
/// code the same mistake would earn upstream, where there is one.
public enum Reason: String, Sendable, CaseIterable, Codable {
    case outsideWindow = "outside_window"
    case templateNotFound = "template_not_found"
    case templateNotApproved = "template_not_approved"
    case templatePaused = "template_paused"
    case templateDisabled = "template_disabled"
    case templateParamMismatch = "template_param_mismatch"
    case templateParamFormat = "template_param_format"
    case templateTooLong = "template_too_long"
    case marketingOptedOut = "marketing_opted_out"
    /// The platform's per-user marketing cap turned a marketing template to this contact away
    /// (131049): no more go to them until the cool-down ends.
    case marketingCooldown = "marketing_cooldown"
    /// The platform delivers no marketing templates to US numbers (since April 2025).
    case usMarketingPaused = "us_marketing_paused"
    /// The platform could not deliver to this contact (131026): business-initiated messages
    /// wait until the hold ends or the contact writes.
    case recipientUndeliverable = "recipient_undeliverable"
    /// An authentication template to a person known only by their user id: a one-time
    /// password goes to a phone number.
    case phoneNumberRequired = "phone_number_required"
    /// The contact wrote STOP (or an operator recorded their request to stop).
    case optedOut = "opted_out"
    case noOptIn = "no_opt_in"
    case messagingLimit = "messaging_limit"
    case throughputLimit = "throughput_limit"
    case pairRateLimit = "pair_rate_limit"
    case numberRestricted = "number_restricted"
    case identityChanged = "identity_changed"
    case humanOwnsConversation = "human_owns_conversation"
    case invalidRecipient = "invalid_recipient"
    case invalidMessage = "invalid_message"
    /// The message's estimated cost would take a spend budget past its limit.
    case budgetExhausted = "budget_exhausted"

    /// The Cloud API error code for the same mistake (docs/rules.md), or `nil` where the
    /// platform has none because the rule is the runtime's own.
    public var upstreamCode: Int? {
        switch self {
        case .outsideWindow: return 131047
        case .templateNotFound, .templateNotApproved: return 132001
        case .templatePaused: return 132015
        case .templateDisabled: return 132016
        case .templateParamMismatch: return 132000
        case .templateParamFormat: return 132012
        case .templateTooLong: return 132005
        case .marketingOptedOut: return 131050
        case .marketingCooldown, .usMarketingPaused: return 131049
        case .recipientUndeliverable: return 131026
        case .throughputLimit: return 130429
        case .pairRateLimit: return 131056
        case .identityChanged: return 137000
        case .invalidRecipient, .invalidMessage: return 131009
        case .optedOut, .noOptIn, .messagingLimit, .numberRestricted, .humanOwnsConversation, .phoneNumberRequired, .budgetExhausted: return nil
        }
    }
}

/// A refusal: the reason, its upstream code, and a sentence that names what was wrong
/// with the figures that made it so.
public struct Refusal: Sendable, Equatable, Error, CustomStringConvertible {
    public let reason: Reason
    public let detail: String

    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var code: Int? { reason.upstreamCode }

    public var description: String { "\(reason.rawValue): \(detail)" }
}
