import Synchronization

/// Failed sign-ins, counted per minute for the whole console: past `limit` in a minute,
/// every sign-in is refused until the minute is over, so a token cannot be guessed at the
/// speed of the network. Sessions already open are not touched; an attacker can at worst
/// keep new sign-ins waiting.
final class ConsoleSignInThrottle: Sendable {
    /// The minute that began with its first failure, and the failures in it.
    private struct Window {
        var started: ContinuousClock.Instant
        var failures: Int
    }

    private let window = Mutex<Window?>(nil)
    let limit: Int
    static let length = Duration.seconds(60)

    init(limit: Int = 10) {
        self.limit = limit
    }

    /// How long until sign-ins are taken again; nil when they are taken now.
    func wait(now: ContinuousClock.Instant = .now) -> Duration? {  // wall-clock ok: a rate, not an event's time
        window.withLock { w in
            guard let current = w, now - current.started < Self.length else {
                w = nil
                return nil
            }
            return current.failures >= limit ? Self.length - (now - current.started) : nil
        }
    }

    func failed(now: ContinuousClock.Instant = .now) {  // wall-clock ok: a rate
        window.withLock { w in
            if let current = w, now - current.started < Self.length {
                w!.failures = current.failures + 1
            } else {
                w = Window(started: now, failures: 1)
            }
        }
    }
}
