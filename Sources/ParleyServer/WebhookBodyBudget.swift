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
    /// Refusals since the last accepted reservation: the first of a run is logged.
    private let refusalsInARow = Atomic<Int>(0)

    public init(limit: Int = WebhookBodyBudget.defaultLimit) {
        self.limit = limit
    }

    /// Takes `bytes` from the budget; false, and nothing taken, when that would pass the
    /// limit. A body larger than the whole limit still goes through when nothing else is
    /// held, so a limit set below the largest body never refuses every body.
    public func reserve(_ bytes: Int) -> Bool {
        let taken = held.withLock { held in
            guard held == 0 || held + bytes <= limit else { return false }
            held += bytes
            return true
        }
        if taken {
            refusalsInARow.store(0, ordering: .relaxed)
        } else {
            refusalsInARow.add(1, ordering: .relaxed)
        }
        return taken
    }

    /// Whether the last refusal was the first of a run (since a body was last let in).
    public var refusalStartsARun: Bool { refusalsInARow.load(ordering: .relaxed) == 1 }

    public func release(_ bytes: Int) {
        held.withLock { $0 -= bytes }
    }

    /// Bytes held now.
    public var inUse: Int { held.withLock { $0 } }
}
