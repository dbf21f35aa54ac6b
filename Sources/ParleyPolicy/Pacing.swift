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

/// Paces outbound messages under each business number's throughput and each (number,
/// contact) pair's rate (docs/rules.md §4). The core paces rather than drops: a message over a rate waits
/// for its slot, and is refused only when that slot is past its deadline or too many
/// messages already wait for the same contact.
public struct Pacer: Sendable {
    public let config: PacingConfig
    /// Each number's throughput, by name (`nil`: the default number). Not a `RateGate`:
    /// see `SlotCalendar` for why.
    private var numbers: [String?: SlotCalendar] = [:]
    /// Keyed by the contact on its number: the pair rate is per (number, contact).
    private var pairs: [ContactID: RateGate] = [:]
    private var pruneAt = 1024
    /// Pruning looks at the calendars every 1,024 plans, not on each: they keep few slots.
    private var plansSincePrune = 0

    public init(_ config: PacingConfig) {
        self.config = config
    }

    /// A number's calendar before its first message.
    private static func newCalendar(for number: String?, _ config: PacingConfig) -> SlotCalendar {
        let rate = config.perSecond(number)
        let gate = RateGate(perSecond: rate, burst: number == nil ? config.numberBurst : rate)
        return SlotCalendar(intervalMicros: gate.intervalMicros, burst: gate.burst)
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
        // The number's slot is looked for from the moment the pair rate allows, not from now.
        // Searched and booked where it lies: a calendar taken out, changed and put back copies
        // its slots on every message.
        let (at, slot) = numbers[contact.number, default: Pacer.newCalendar(for: contact.number, config)].earliest(after: pairReady)
        let deadline = now + config.maxQueueDelay
        if at > deadline {
            // The contact's own rate alone is past the deadline: pair rate; else throughput.
            let reason: Reason = pairReady > deadline ? .pairRateLimit : .throughputLimit
            let rate = reason == .pairRateLimit
                ? "1 message per \(config.pairInterval) to one contact, bursts of \(config.pairBurst)"
                : "\(config.perSecond(contact.number)) messages per second for the number\(contact.number.map { " \($0)" } ?? "")"
            return .refuse(Refusal(reason,
                "the next slot (\(at.iso8601)) is past the deadline \(deadline.iso8601) under \(rate)"))
        }
        var taken = pair
        taken.take(at: at)
        pairs[contact] = taken
        numbers[contact.number]!.book(slot)
        prune(at: now)
        return .sendAt(at)
    }

    /// Drops the gates of contacts that have fully recovered, and the number's past slots,
    /// so memory follows active contacts rather than all contacts ever seen.
    private mutating func prune(at now: Instant) {
        plansSincePrune += 1
        guard plansSincePrune >= 1024 else { return }
        plansSincePrune = 0
        for name in numbers.keys { numbers[name]?.forget(before: now) }
        guard pairs.count >= pruneAt else { return }
        pairs = pairs.filter { !$0.value.isIdle(at: now) }
        pruneAt = max(1024, pairs.count * 2)
    }
}

/// The number's throughput: a calendar of slots, one every `interval`, each carrying at
/// most one message. A message that goes at `t` takes a free slot `k` with
/// `t ≤ k·interval ≤ t + (burst − 1)·interval`, just as a GCRA message takes a virtual
/// time within its tolerance, so the bound is the `RateGate`'s: at most
/// burst + elapsed/interval messages in any span (exactly, whenever
/// (burst − 1)·interval ≥ 1 ms; otherwise within the millisecond instants are rounded to).
///
/// Why not a `RateGate`, as before: the pacer books the number's slot at the instant the
/// message will go, which is in the future when the message waits for its contact's pair
/// rate. A GCRA only moves forward, so one contact's 50th message, booked 30 s ahead,
/// held every other contact's message back by some 29 s while the number sat idle
/// (docs/rules.md §4: a message waits only when it is over a rate). Slots left free before a
/// booking here stay usable.
struct SlotCalendar: Sendable {
    let intervalMicros: Int64
    let burst: Int64
    /// A booked slot → a later slot at or before the first free one after it: a union-find
    /// "next free slot" forest, so a long booked run is crossed in near-constant time.
    private var next: [Int64: Int64] = [:]
    private var forgetAt = 4096

    init(intervalMicros: Int64, burst: Int) {
        self.intervalMicros = max(intervalMicros, 1)
        self.burst = Int64(max(burst, 1))
    }

    /// The earliest instant at or after `from` at which a message fits, and the slot it
    /// takes there (book it with `book`).
    mutating func earliest(after from: Instant) -> (Instant, slot: Int64) {
        let fromMicros = from.millisecondsSinceEpoch * 1000
        let slot = firstFree(from: ceilDiv(fromMicros, intervalMicros))
        let readyMicros = max(fromMicros, (slot - burst + 1) * intervalMicros)
        return (Instant(millisecondsSinceEpoch: ceilDiv(readyMicros, 1000)), slot)
    }

    mutating func book(_ slot: Int64) {
        next[slot] = slot + 1
    }

    /// Drops slots before `now`'s: no search starts there any more, and links only point
    /// forward, so no kept slot leads into a dropped one.
    mutating func forget(before now: Instant) {
        guard next.count >= forgetAt else { return }
        let current = now.millisecondsSinceEpoch * 1000 / intervalMicros
        next = next.filter { $0.key >= current }
        forgetAt = max(4096, next.count * 2)
    }

    private mutating func firstFree(from slot: Int64) -> Int64 {
        var root = slot
        while let n = next[root] { root = n }
        var s = slot
        while let n = next[s], n != root {  // path compression
            next[s] = root
            s = n
        }
        return root
    }

    private func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? (a + b - 1) / b : -((-a) / b)
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
    /// The throughput of each number other than the default, by name; one not named here
    /// has the default's.
    public var numbersPerSecond: [String: Int] = [:]

    public init() {}

    /// Messages per second for `number` (`nil`: the default number).
    public func perSecond(_ number: String?) -> Int {
        number.flatMap { numbersPerSecond[$0] } ?? numberPerSecond
    }
}
