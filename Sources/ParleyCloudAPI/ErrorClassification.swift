import ParleyPolicy

/// What an upstream error means for Parley (docs/rules.md §9 and §10). Everything keys on
/// the numeric code: the HTTP status is the same 400 for most of them, and the texts change.
extension GraphAPIError {
    /// The refusal the core would have given for the same mistake; `nil` for errors that are
    /// not about the message (configuration, transport, platform trouble).
    public var reason: Reason? {
        guard let code else { return nil }
        // 100 with a subcode is about an object or an endpoint (33: the phone number id does
        // not exist or the token may not see it), not about this message's parameters.
        if code == 100 { return subcode == nil ? .invalidMessage : nil }
        return Self.reasons[code]
    }

    public var retry: RetryAdvice {
        if isTimeout { return .transient }
        guard let code else {
            // No Graph error to go by: a gateway's 5xx is worth another try, anything else is not.
            if let httpStatus, (500...599).contains(httpStatus) { return .transient }
            return .never
        }
        if Self.transientCodes.contains(code) { return .transient }
        return .never
    }

    /// The access token is invalid, expired or revoked: every send will fail the same way
    /// until an operator replaces it, so this stops the sender rather than one message.
    public var isAuthentication: Bool {
        guard let code else { return false }
        return Self.authenticationCodes.contains(code)
    }

    /// 131000 and 131016: server errors; 130429: the number's throughput; 131057: the
    /// account is in maintenance for under a minute (a throughput upgrade).
    static let transientCodes: Set<Int> = [131000, 131016, 130429, 131057]

    /// 190: token invalid or expired; 0: AuthException; 102: session expired.
    static let authenticationCodes: Set<Int> = [0, 102, 190]

    static let reasons: [Int: Reason] = [
        131047: .outsideWindow, 470: .outsideWindow,  // 470: the pre-2022 code for the same
        132001: .templateNotFound,
        132000: .templateParamMismatch,
        132012: .templateParamFormat,
        132005: .templateTooLong,
        132015: .templatePaused,
        132016: .templateDisabled,
        131050: .marketingOptedOut,
        // The per-user marketing cap; since April 2025 also every marketing template to a US
        // number, which the core refuses before sending. Not retried: the contact cools down.
        131049: .marketingCooldown,
        130429: .throughputLimit,
        131056: .pairRateLimit,
        137000: .identityChanged,
        // The message itself: an invalid or missing parameter, an unsupported type. 131009
        // also covers a malformed `to`, but the core refuses those before sending, so an
        // upstream 131009 is about the message.
        131008: .invalidMessage, 131009: .invalidMessage, 131051: .invalidMessage,
        // The recipient: the business's own number, not in a test number's allowed list; or
        // undeliverable (not on WhatsApp, too old a client, terms not accepted), for a while.
        131021: .invalidRecipient, 131030: .invalidRecipient, 131026: .recipientUndeliverable,
        // The business number: country restriction, spam limit, account locked or not
        // registered, a policy block.
        130497: .numberRestricted, 131048: .numberRestricted, 131031: .numberRestricted,
        133010: .numberRestricted, 368: .numberRestricted,
    ]
}
