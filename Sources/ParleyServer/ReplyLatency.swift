import Synchronization

/// Webhook-to-reply latency: from the moment a webhook body is kept in the inbox to the
/// moment the Graph API accepts a reply the body caused, for `parley_webhook_to_reply_seconds`.
///
/// A reply is tied to the earliest body of the batch whose event queued it. Replies that
/// pacing holds back are queued later by the clock, and are not counted: their wait is
/// the policy's, not the server's. Nothing here is durable; a restart forgets the bodies
/// and replies in flight, and each map is bounded so a backlog cannot grow it without end.
final class ReplyLatency: Sendable {
    typealias Instant = ContinuousClock.Instant

    private struct State {
        /// Inbox id → when the body was kept.
        var arrivals: [Int64: Instant] = [:]
        /// The last inbox id a batch processed: an arrival at or below it came too late (the
        /// runtime took the body before the route told of it) and is not kept.
        var processedThrough: Int64 = 0
        /// While a batch of bodies is processed: the earliest arrival among them, and the
        /// replies its event queued so far.
        var cause: Instant?
        var queuedInEvent: [String] = []
        /// Delivery id → the arrival of the body that caused it.
        var replies: [String: Instant] = [:]
    }

    private let state = Mutex(State())
    static let bound = 100_000

    func webhookKept(_ id: Int64) {
        let now = Instant.now  // wall-clock ok: a metric
        state.withLock { if id > $0.processedThrough, $0.arrivals.count < Self.bound { $0.arrivals[id] = now } }
    }

    /// The bodies `ids` are being processed in one event. Arrivals of earlier ids (bodies set
    /// aside, or skipped) are dropped with them, so none is held for ever.
    func processing(_ ids: ClosedRange<Int64>) {
        state.withLock { state in
            state.cause = nil
            state.queuedInEvent = []
            // Inbox ids run on without gaps: what lies between the last batch and this one's
            // end is this batch, and whatever was set aside before it.
            let from = state.processedThrough + 1
            if from <= ids.upperBound {
                for id in from...ids.upperBound {
                    guard let at = state.arrivals.removeValue(forKey: id), ids.contains(id) else { continue }
                    state.cause = min(state.cause ?? at, at)
                }
            }
            state.processedThrough = max(state.processedThrough, ids.upperBound)
        }
    }

    /// The event queued delivery `id`.
    func queued(_ id: String) {
        state.withLock { state in
            guard let cause = state.cause, state.replies.count < Self.bound else { return }
            state.replies[id] = cause
            state.queuedInEvent.append(id)
        }
    }

    /// The event ended; when it rolled back, its deliveries were never queued.
    func processed(committed: Bool) {
        state.withLock { state in
            if !committed { for id in state.queuedInEvent { state.replies[id] = nil } }
            state.cause = nil
            state.queuedInEvent = []
        }
    }

    /// Arrivals held, for tests.
    var heldArrivals: Int { state.withLock { $0.arrivals.count } }

    /// Delivery `id` was accepted: how long since the webhook that caused it, if one did.
    func accepted(_ id: String) -> Duration? {
        guard let cause = state.withLock({ $0.replies.removeValue(forKey: id) }) else { return nil }
        return .now - cause  // wall-clock ok: a metric
    }

    /// Delivery `id` was given up: it never replies.
    func gaveUp(_ id: String) {
        state.withLock { _ = $0.replies.removeValue(forKey: id) }
    }
}
