/// How many unique contacts a business may start conversations with in a rolling 24 h
/// (docs/rules.md §3).
public enum MessagingTier: Sendable, Equatable, CustomStringConvertible {
    case limited(Int)
    case unlimited

    /// The current ladder: 250 → 2,000 → 10,000 → 100,000 → unlimited.
    public static let ladder: [MessagingTier] = [.limited(250), .limited(2000), .limited(10_000), .limited(100_000), .unlimited]

    /// `TIER_250`, `TIER_2K`, `TIER_UNLIMITED`... (legacy `TIER_50`, `TIER_1K`,
    /// `TIER_NOT_SET` too), or a `max_daily_conversations_per_business` figure where -1 is
    /// unlimited. `nil` for anything else.
    public init?(platform raw: String) {
        let text = raw.trimmingCharacters(in: .whitespaces).uppercased()
        switch text {
        case "TIER_50": self = .limited(50)
        case "TIER_250", "TIER_NOT_SET": self = .limited(250)
        case "TIER_1K": self = .limited(1000)
        case "TIER_2K": self = .limited(2000)
        case "TIER_10K": self = .limited(10_000)
        case "TIER_100K": self = .limited(100_000)
        case "TIER_UNLIMITED", "UNLIMITED": self = .unlimited
        default:
            guard let n = Int(text) else { return nil }
            if n == -1 {
                self = .unlimited
            } else if n > 0 {
                self = .limited(n)
            } else {
                return nil
            }
        }
    }

    /// Unique contacts allowed per rolling window; `nil` when unlimited.
    public var limit: Int? {
        if case .limited(let n) = self { return n }
        return nil
    }

    /// The tier above this one on the current ladder.
    public var next: MessagingTier {
        guard let n = limit else { return .unlimited }
        return MessagingTier.ladder.first { ($0.limit ?? Int.max) > n } ?? .unlimited
    }

    /// The tier below this one on the current ladder; `nil` at the bottom.
    public var previous: MessagingTier? {
        let n = limit ?? Int.max
        return MessagingTier.ladder.last { ($0.limit ?? Int.max) < n }
    }

    public var description: String {
        switch self {
        case .unlimited: return "TIER_UNLIMITED"
        case .limited(let n):
            switch n {
            case 1000, 2000, 10_000, 100_000: return "TIER_\(n / 1000)K"
            default: return "TIER_\(n)"
            }
        }
    }
}

/// Where a contact stands against the messaging limit at one instant: an input of the
/// decision, kept in its audit record.
public struct LimitStanding: Sendable, Equatable {
    public var limit: Int?
    /// Unique contacts counted in the rolling window.
    public var used: Int
    /// This contact is already counted, so another template to it adds nothing.
    public var alreadyCounted: Bool

    public init(limit: Int?, used: Int, alreadyCounted: Bool) {
        self.limit = limit
        self.used = used
        self.alreadyCounted = alreadyCounted
    }

    public var hasRoom: Bool { alreadyCounted || limit.map { used < $0 } ?? true }
}

/// The unique contacts that received a business-initiated message in the rolling window.
/// The limit belongs to the business portfolio (since October 2025), so it counts persons:
/// one written to from two of the deployment's numbers counts once.
///
/// A queue of (first counted, contact) in time order plus a map from contact to when it
/// was first counted: a send is O(1) amortised, and old entries expire from the head as
/// the clock moves.
public struct MessagingLimitLedger: Sendable {
    public let window: Span
    private var queue: [(at: Instant, contact: ContactID)] = []
    private var head = 0
    private var counted: [ContactID: Instant] = [:]

    public init(window: Span) {
        self.window = window
    }

    /// Unique contacts counted now (after `expire(until:)`).
    public var used: Int { counted.count }

    /// Forgets contacts first counted a full window or more before `now`.
    public mutating func expire(until now: Instant) {
        let cutoff = now - window
        while head < queue.count, queue[head].at <= cutoff {
            let entry = queue[head]
            // A stale entry, left by `release` or superseded by a later count, is skipped.
            if counted[entry.contact] == entry.at { counted[entry.contact] = nil }
            head += 1
        }
        if head > 1024, head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }

    public mutating func standing(of contact: ContactID, limit: Int?, at now: Instant) -> LimitStanding {
        let contact = contact.person
        expire(until: now)
        return LimitStanding(limit: limit, used: counted.count, alreadyCounted: counted[contact] != nil)
    }

    /// Counts `contact` if there is room, in one step, so two senders can never take the
    /// last slot together. Returns `false` when the limit is reached.
    public mutating func reserve(_ contact: ContactID, limit: Int?, at now: Instant) -> Bool {
        let contact = contact.person
        expire(until: now)
        if counted[contact] != nil { return true }
        if let limit, counted.count >= limit { return false }
        counted[contact] = now
        queue.append((now, contact))
        return true
    }

    /// Gives back a slot taken at `at` for a message that was then never sent.
    public mutating func release(_ contact: ContactID, reservedAt at: Instant) {
        let contact = contact.person
        if counted[contact] == at { counted[contact] = nil }
    }
}
