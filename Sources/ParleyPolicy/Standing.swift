/// Who answers a conversation now.
public enum Owner: Hashable, Sendable, CustomStringConvertible {
    case nobody
    case bot(String)
    case human(queue: String)

    /// `bot:<name>`, `human:<queue>` or `nobody`, as scripts and transcripts spell it.
    public var description: String {
        switch self {
        case .nobody: return "nobody"
        case .bot(let name): return "bot:\(name)"
        case .human(let queue): return "human:\(queue)"
        }
    }

    /// Parses `bot:<name>` and `human:<queue>`.
    public init?(parsing text: String) {
        if text.hasPrefix("bot:"), text.count > 4 {
            self = .bot(String(text.dropFirst(4)))
        } else if text.hasPrefix("human:"), text.count > 6 {
            self = .human(queue: String(text.dropFirst(6)))
        } else {
            return nil
        }
    }

    public var isHuman: Bool {
        if case .human = self { return true }
        return false
    }
}

/// Who asked for a message: the transcript's `by`.
public enum Sender: Hashable, Sendable, CustomStringConvertible {
    case bot(String)
    case automation(String)
    case macro(String)
    /// A person, by name when the agent API or a scenario gives one.
    case agent(String?)
    /// What the core sends on its own: escalation notices, apologies, confirmations.
    case core

    public var description: String {
        switch self {
        case .bot(let n): return "bot:\(n)"
        case .automation(let n): return "automation:\(n)"
        case .macro(let n): return "macro:\(n)"
        case .agent(let name?): return "agent:\(name)"
        case .agent(nil): return "agent"
        case .core: return "core"
        }
    }

    /// Bots and automations are muted while a human owns the conversation; agents, their
    /// macros and the core are not.
    public var isAutomated: Bool {
        switch self {
        case .bot, .automation: return true
        case .macro, .agent, .core: return false
        }
    }
}

/// Everything the policy knows about one contact at one instant.
public struct ContactStanding: Sendable, Equatable {
    /// The contact's last inbound message: the customer service window runs 24 h from it.
    public var lastInbound: Instant?
    public var optedIn: Bool
    /// The contact asked to stop (a STOP keyword, or an operator on their behalf): no
    /// business-initiated message, and no marketing, until they write START.
    public var optedOut: Bool
    /// The contact stopped promotions with the platform's control: no marketing templates.
    public var marketingOptedOut: Bool
    /// The contact's identity key changed and no operator acknowledged it yet.
    public var identityChangePending: Bool
    public var owner: Owner
    /// Until when marketing templates outside the window wait: the platform's per-user
    /// marketing cap (131049) turned one away.
    public var marketingCooldownUntil: Instant?
    /// Until when business-initiated messages wait: the platform could not deliver to the
    /// contact (131026).
    public var undeliverableUntil: Instant?
    /// When the contact last wrote from an ad or a page button (a message with a referral)
    /// that no reply has answered yet: a reply in time opens a free entry point window.
    public var entryPointReferralAt: Instant?
    /// Until when everything sent to the contact is free: the free entry point window.
    public var freeEntryPointUntil: Instant?

    public init(
        lastInbound: Instant? = nil, optedIn: Bool = false, optedOut: Bool = false, marketingOptedOut: Bool = false,
        identityChangePending: Bool = false, owner: Owner = .nobody, marketingCooldownUntil: Instant? = nil,
        undeliverableUntil: Instant? = nil, entryPointReferralAt: Instant? = nil, freeEntryPointUntil: Instant? = nil
    ) {
        self.lastInbound = lastInbound
        self.optedIn = optedIn
        self.optedOut = optedOut
        self.marketingOptedOut = marketingOptedOut
        self.identityChangePending = identityChangePending
        self.owner = owner
        self.marketingCooldownUntil = marketingCooldownUntil
        self.undeliverableUntil = undeliverableUntil
        self.entryPointReferralAt = entryPointReferralAt
        self.freeEntryPointUntil = freeEntryPointUntil
    }
}

/// The phone number's status as the platform reports it.
public enum NumberStatus: Hashable, Sendable, CustomStringConvertible {
    case connected, flagged, restricted
    /// `BANNED`, `DISCONNECTED`, `PENDING`, `UNVERIFIED`... or anything unknown: nothing sends.
    case other(String)

    public init(_ raw: String) {
        switch raw.uppercased() {
        case "CONNECTED": self = .connected
        case "FLAGGED": self = .flagged
        case "RESTRICTED": self = .restricted
        case let other: self = .other(other)
        }
    }

    public var description: String {
        switch self {
        case .connected: return "CONNECTED"
        case .flagged: return "FLAGGED"
        case .restricted: return "RESTRICTED"
        case .other(let s): return s
        }
    }

    public var canSend: Bool {
        if case .other = self { return false }
        return true
    }
}

/// The business number's standing with the platform.
public struct AccountStanding: Codable, Sendable, Equatable {
    public var numberStatus: NumberStatus
    /// An account restriction such as `RESTRICTED_BIZ_INITIATED_MESSAGING`.
    public var businessInitiatedRestricted: Bool
    public var quality: TemplateQuality
    public var tier: MessagingTier

    public init(
        numberStatus: NumberStatus = .connected, businessInitiatedRestricted: Bool = false,
        quality: TemplateQuality = .green, tier: MessagingTier = .limited(250)
    ) {
        self.numberStatus = numberStatus
        self.businessInitiatedRestricted = businessInitiatedRestricted
        self.quality = quality
        self.tier = tier
    }
}
