/// A rate as a generic cell rate algorithm: one message per `interval`, with bursts of
/// up to `burst` messages that borrow from later quota. Exact integer arithmetic in
/// microseconds, so pacing is deterministic.
public struct RateGate: Sendable, Equatable {
    public let intervalMicros: Int64
    public let burst: Int
    /// The theoretical arrival time of the next message, in microseconds since the epoch.
    private var tat: Int64 = .min

    public init(interval: Span, burst: Int) {
        self.init(intervalMicros: interval.milliseconds * 1000, burst: burst)
    }

    public init(perSecond rate: Int, burst: Int) {
        self.init(intervalMicros: 1_000_000 / Int64(max(rate, 1)), burst: burst)
    }

    init(intervalMicros: Int64, burst: Int) {
        self.intervalMicros = max(intervalMicros, 1)
        self.burst = max(burst, 1)
    }

    private var tolerance: Int64 { intervalMicros * Int64(burst - 1) }

    /// The earliest instant at or after `now` at which a message conforms.
    public func earliest(after now: Instant) -> Instant {
        let nowMicros = now.millisecondsSinceEpoch * 1000
        guard tat != .min else { return now }
        let ready = tat - tolerance
        guard ready > nowMicros else { return now }
        return Instant(millisecondsSinceEpoch: (ready + 999) / 1000)  // round up to a whole ms
    }

    /// Takes the slot of a message sent at `at` (which must conform).
    public mutating func take(at: Instant) {
        let micros = at.millisecondsSinceEpoch * 1000
        tat = (tat == .min ? micros : max(tat, micros)) + intervalMicros
    }

    /// True when the gate has fully recovered by `now`, so it is the same as a new one.
    public func isIdle(at now: Instant) -> Bool {
        tat == .min || tat <= now.millisecondsSinceEpoch * 1000
    }
}

/// Paces outbound messages under the number's throughput and each contact's pair rate
/// (POLICY.md section 4). The core paces rather than drops: a message over a rate waits
/// for its slot, and is refused only when that slot is past its deadline or too many
/// messages already wait for the same contact.
public struct Pacer: Sendable {
    public let config: PacingConfig
    private var number: RateGate
    private var pairs: [ContactID: RateGate] = [:]
    private var pruneAt = 1024

    public init(_ config: PacingConfig) {
        self.config = config
        self.number = RateGate(perSecond: config.numberPerSecond, burst: config.numberBurst)
    }

    public enum Plan: Sendable, Equatable {
        case sendAt(Instant)
        case refuse(Refusal)
    }

    /// When a message to `contact`, asked for at `now`, may go out; `waiting` is how many
    /// messages to that contact are already in the outbox. Takes the slot when it plans one.
    public mutating func plan(to contact: ContactID, at now: Instant, waiting: Int) -> Plan {
        if waiting >= config.outboxBoundPerContact {
            return .refuse(Refusal(.pairRateLimit,
                "\(waiting) messages to \(contact) already wait for the pair rate (bound \(config.outboxBoundPerContact)); send fewer, or wait for them to go"))
        }
        let pair = pairs[contact] ?? RateGate(interval: config.pairInterval, burst: config.pairBurst)
        let pairReady = pair.earliest(after: now)
        let numberReady = number.earliest(after: now)
        let at = max(pairReady, numberReady)
        let deadline = now + config.maxQueueDelay
        if at > deadline {
            let reason: Reason = pairReady >= numberReady ? .pairRateLimit : .throughputLimit
            let rate = reason == .pairRateLimit
                ? "1 message per \(config.pairInterval) to one contact, bursts of \(config.pairBurst)"
                : "\(config.numberPerSecond) messages per second for the number"
            return .refuse(Refusal(reason,
                "the next slot (\(at.iso8601)) is past the deadline \(deadline.iso8601) under \(rate)"))
        }
        var taken = pair
        taken.take(at: at)
        pairs[contact] = taken
        number.take(at: at)
        prune(at: now)
        return .sendAt(at)
    }

    /// Drops the gates of contacts that have fully recovered, so memory follows active
    /// contacts rather than all contacts ever seen.
    private mutating func prune(at now: Instant) {
        guard pairs.count >= pruneAt else { return }
        pairs = pairs.filter { !$0.value.isIdle(at: now) }
        pruneAt = max(1024, pairs.count * 2)
    }
}

public struct PacingConfig: Sendable, Equatable {
    /// Messages per second for one business number (the platform's default 80).
    public var numberPerSecond = 80
    public var numberBurst = 80
    /// One message to the same contact every 6 s...
    public var pairInterval = Span.seconds(6)
    /// ...with bursts of up to 45 that borrow from later quota.
    public var pairBurst = 45
    /// How long a paced message may wait before it is refused instead.
    public var maxQueueDelay = Span.hours(1)
    /// How many messages may wait for one contact.
    public var outboxBoundPerContact = 50

    public init() {}
}
