import Foundation

/// When to try a failed send again: exponential backoff with full jitter.
///
/// The ceiling doubles (by `multiplier`) after each failed attempt up to `cap`, and each
/// delay is drawn uniformly from zero to that ceiling, so senders that failed together do not
/// retry together. The randomness comes from the caller's generator: seeded, a schedule is
/// reproducible, which is what tests and simulations need.
public struct Backoff: Sendable, Equatable {
    public var base: Duration
    public var multiplier: Double
    public var cap: Duration
    /// Attempts in all, the first send included: `maxAttempts - 1` retries.
    public var maxAttempts: Int

    /// Out-of-range settings are brought into range rather than trapped on, since they may
    /// come from a configuration file: a negative base is zero, a cap below the base is the
    /// base, a multiplier below 1 (or not finite) is 1, and there is always one attempt.
    public init(base: Duration, multiplier: Double = 2, cap: Duration, maxAttempts: Int) {
        self.base = max(base, .zero)
        self.cap = max(cap, self.base)
        self.multiplier = multiplier.isFinite ? max(multiplier, 1) : 1
        self.maxAttempts = max(maxAttempts, 1)
    }

    /// 1 s, 2 s, 4 s, 8 s ceilings, capped at 30 s, five attempts: at most 15 s of waiting in
    /// all, inside the minute that 131057 maintenance and throughput spikes last.
    public static let standard = Backoff(base: .seconds(1), cap: .seconds(30), maxAttempts: 5)

    /// The longest wait after attempt `attempt` (counted from 1) has failed.
    public func ceiling(afterAttempt attempt: Int) -> Duration {
        let exponent = Double(max(attempt, 1) - 1)
        let scaled = Double(Self.nanoseconds(base)) * pow(multiplier, exponent)
        // Compared in Double, converted only below the cap: a huge power never overflows Int64.
        guard scaled < Double(Self.nanoseconds(cap)) else { return .nanoseconds(Self.nanoseconds(cap)) }
        return .nanoseconds(Int64(scaled))
    }

    /// How long to wait after attempt `attempt` (counted from 1) has failed, or `nil` when
    /// that was the last one.
    public func delay<G: RandomNumberGenerator>(afterAttempt attempt: Int, using generator: inout G) -> Duration? {
        guard attempt >= 1, attempt < maxAttempts else { return nil }
        let ceiling = Self.nanoseconds(ceiling(afterAttempt: attempt))
        return .nanoseconds(Int64.random(in: 0...ceiling, using: &generator))
    }

    /// Every delay of a send that keeps failing, in order: `maxAttempts - 1` of them (so for
    /// schedules of a sensible length; ask `delay(afterAttempt:using:)` one at a time otherwise).
    public func delays<G: RandomNumberGenerator>(using generator: inout G) -> [Duration] {
        (1..<maxAttempts).compactMap { delay(afterAttempt: $0, using: &generator) }
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        let (seconds, attoseconds) = d.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? 0 : .max }
        return max(0, product.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
    }
}
