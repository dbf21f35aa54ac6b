import CoreMetrics
import ParleyGraphAPI
import ParleyPolicy
import ParleyRuntime
import ParleyStorage
import Prometheus
import Synchronization

/// What an operator watches, kept through swift-metrics in a Prometheus registry of the
/// server's own and served at `GET /metrics`.
///
/// Counters are fed by what already happens: the transcript records and the policy's
/// decisions as their event commits (an event rolled back counts nothing), the sender's
/// attempts as they end, and script calls as they return. Backlogs and the messaging limit
/// are read when the metrics are scraped. The names and what to alert on are in
/// docs/operations.md.
///
/// One registry per server, not the process-wide `MetricsSystem`: tests run many servers
/// in one process, and each must count only its own.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let replyLatency = ReplyLatency()
    private let factory: PrometheusMetricsFactory
    /// Script calls now open, innermost last: calls nest through hand-offs.
    private let openCalls = Mutex<[ContinuousClock.Instant]>([])
    /// The last backlog figures read, served again when the runtime is too busy to answer a scrape.
    let lastReadings = Mutex<Readings?>(nil)

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            "parley_webhook_to_reply_seconds": [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000].map(Duration.milliseconds),
            "parley_script_call_seconds": [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1_000].map { Duration.microseconds(Int64($0 * 1_000)) },
        ]
        self.factory = factory
    }

    // MARK: Counting

    func count(_ name: String, _ dimensions: [(String, String)] = [], by amount: Int = 1) {
        Counter(label: name, dimensions: dimensions, factory: factory).increment(by: amount)
    }

    func time(_ name: String, _ dimensions: [(String, String)] = [], took duration: Duration) {
        Timer(label: name, dimensions: dimensions, factory: factory).record(duration: duration)
    }

    func gauge(_ name: String, _ dimensions: [(String, String)] = [], is value: Int) {
        Gauge(label: name, dimensions: dimensions, factory: factory).record(value)
    }

    /// A transcript record, as its event commits.
    func observe(_ record: TranscriptRecord) {
        count("parley_transcript_records_total", [("type", record.type)])
        let fields = record.fields
        switch record.type {
        case "inbound":
            // The webhook's own word, kept only when it is one of the platform's: an unsigned
            // webhook (the sandbox) could otherwise make a new series with each request.
            let type = fields["msg_type"]?.stringValue ?? "unknown"
            count("parley_inbound_messages_total", [("msg_type", Self.messageTypes.contains(type) ? type : "other")])
        case "escalated":
            count("parley_escalations_total", [("queue", fields["queue"]?.stringValue ?? ""), ("reason", fields["reason"]?.stringValue ?? "")])
        default:
            break
        }
    }

    /// A policy decision, as its event commits.
    func observe(_ decision: Decision) {
        switch decision.outcome {
        case .allowed(let kind, _):
            count("parley_decisions_total", [("stage", decision.stage.rawValue), ("outcome", "allowed"), ("kind", kind.rawValue)])
        case .refused(let refusal):
            count("parley_decisions_total", [("stage", decision.stage.rawValue), ("outcome", "refused"), ("reason", refusal.reason.rawValue),
                                             ("code", refusal.code.map(String.init) ?? "none")])
        }
    }

    /// One attempt at the Graph API, as it ends.
    func observe(_ outcome: DeliveryOutcome) {
        switch outcome {
        case .accepted(let id, _, let held):
            count("parley_sends_total", [("outcome", held ? "held" : "accepted")])
            if let latency = replyLatency.accepted(id) { time("parley_webhook_to_reply_seconds", took: latency) }
        case .failed(let delivery, let error, let retryAt):
            if retryAt == nil { replyLatency.gaveUp(delivery.id) }
            let code = error.code.map(String.init) ?? "none"
            count("parley_sends_total", [("outcome", retryAt == nil ? "failed" : "retrying"), ("code", code)])
            if retryAt != nil { count("parley_send_retries_total", [("code", code)]) }
        }
    }

    static let messageTypes: Set<String> = ["text", "image", "audio", "video", "document", "sticker", "location", "contacts", "interactive",
                                            "button", "reaction", "order", "system", "request_welcome", "unsupported", "unknown"]

    // MARK: Readings at scrape time

    /// What is read from the runtime when the metrics are scraped.
    struct Readings: Sendable {
        var inboxBacklog: Int
        var deliveries: [Delivery.State: Int]
        var limitUsed: Int
        var limit: Int?
    }

    func record(_ readings: Readings) {
        gauge("parley_inbox_backlog", is: readings.inboxBacklog)
        for state in Delivery.State.allCases {
            gauge("parley_deliveries", [("state", state.rawValue)], is: readings.deliveries[state] ?? 0)
        }
        gauge("parley_messaging_limit_used", is: readings.limitUsed)
        if let limit = readings.limit { gauge("parley_messaging_limit", is: limit) }
    }

    /// The metrics in Prometheus's text format.
    func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

/// Script calls timed on the monotonic clock: the runtime's may be simulated.
extension ServerMetrics: ScriptCallObserver {
    public func scriptCallStarted() {
        openCalls.withLock { $0.append(.now) }  // wall-clock ok: a metric
    }

    public func scriptCallEnded(_ call: ScriptCallReport) {
        guard let started = openCalls.withLock({ $0.popLast() }) else { return }
        let script = call.script.description
        time("parley_script_call_seconds", [("script", script)], took: .now - started)  // wall-clock ok
        switch call.outcome {
        case .returned: break
        case .failed: count("parley_script_failures_total", [("script", script), ("cause", "error")])
        case .stopped(let budget): count("parley_script_failures_total", [("script", script), ("cause", "budget_" + budget)])
        }
    }
}
