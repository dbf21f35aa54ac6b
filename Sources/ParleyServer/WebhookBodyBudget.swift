import ParleyPolicy
import Synchronization

/// The bytes of webhook bodies held at once, across every request being received, checked
/// and stored. Without a bound, a flood of large signed bodies (issue 8: 1,600 bodies of
/// 3 MB) holds as many as arrive at once, and the process's memory grows with them.
///
/// A request reserves its body's size before reading it; over the limit it is answered
/// 503 with `Retry-After`, and Meta sends it again later. Each reserved byte costs a few
/// in fact while held (the received buffer, its copy, the JSON parse, the insert's copy),
/// so the process's peak is a small multiple of the limit, not the limit itself.
public final class WebhookBodyBudget: Sendable {
    /// 64 MiB: twenty 3 MiB bodies at once, far more than Meta sends to one number. A
    /// constant, not a `[server]` key: the configuration reader refuses keys it does not
    /// know, and it is not this component's file to change.
    public static let defaultLimit = 64 << 20

    public let limit: Int
    private let held = Mutex<Int>(0)
    /// Refusals not yet reported, and when the last report was.
    private let refusals = Mutex<(count: Int, reported: Instant?)>((0, nil))
    /// How often refusals are reported: a flood logs a line a minute, not one a request.
    static let reportEvery = Span.minutes(1)

    public init(limit: Int = WebhookBodyBudget.defaultLimit) {
        self.limit = limit
    }

    /// Takes `bytes` from the budget; false, and nothing taken, when that would pass the
    /// limit. A body larger than the whole limit still goes through when nothing else is
    /// held, so a limit set below the largest body never refuses every body.
    public func reserve(_ bytes: Int) -> Bool {
        held.withLock { held in
            guard held == 0 || held + bytes <= limit else { return false }
            held += bytes
            return true
        }
    }

    /// Counts a refusal; returns how many to report, this one included, when a report is
    /// due: at the first refusal, then at most once every `reportEvery`.
    public func refused(at now: Instant) -> Int? {
        refusals.withLock { refusals in
            refusals.count += 1
            if let last = refusals.reported, now - last < Self.reportEvery { return nil }
            defer { refusals = (0, now) }
            return refusals.count
        }
    }

    public func release(_ bytes: Int) {
        held.withLock { $0 -= bytes }
    }

    /// Bytes held now.
    public var inUse: Int { held.withLock { $0 } }
}
