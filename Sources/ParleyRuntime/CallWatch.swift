import ParleyPolicy
import Synchronization

/// When the script call now running started, readable from any thread: a server's health
/// check asks it while the runtime is busy. A call the sandbox failed to stop within its
/// budgets is a stuck runtime, and this is how one is seen from outside.
///
/// One atomic store at each start and end of a call, so the hot path pays next to nothing.
public final class CallWatch: Sendable {
    /// Milliseconds since the epoch on the runtime's clock; 0 while no call runs.
    private let startedAt = Atomic<Int64>(0)

    public init() {}

    func started(at instant: Instant) { startedAt.store(max(instant.millisecondsSinceEpoch, 1), ordering: .relaxed) }
    func ended() { startedAt.store(0, ordering: .relaxed) }

    /// How long the call now running has run by `now`; nil when none runs.
    public func running(at now: Instant) -> Span? {
        let started = startedAt.load(ordering: .relaxed)
        guard started != 0 else { return nil }
        return Span(milliseconds: max(now.millisecondsSinceEpoch - started, 0))
    }
}
