#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ParleyPolicy

/// Where the runtime gets "now". The policy never asks (it has no clock): the runtime
/// reads its clock and passes the instant down.
public protocol Clock: AnyObject {
    var now: Instant { get }
}

/// A clock that moves only when told to: simulations and tests. A month of conversations
/// runs in a second because nothing ever sleeps.
public final class ManualClock: Clock {
    public private(set) var now: Instant

    public init(_ start: Instant) { now = start }

    /// Moves the clock forward; it never goes back.
    public func set(_ instant: Instant) {
        precondition(instant >= now, "a clock never goes back: \(instant) is before \(now)")
        now = instant
    }
}

/// The wall clock, for production.
public final class SystemClock: Clock {
    public init() {}

    public var now: Instant {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Instant(millisecondsSinceEpoch: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }
}
