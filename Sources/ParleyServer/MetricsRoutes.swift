import HTTPTypes
import Hummingbird
import NIOCore
import ParleyConfig

/// `GET /metrics`: the Prometheus text format, for a scraper. Protected like the agent
/// API, and also open to `PARLEY_METRICS_TOKEN`, a token that reads the metrics and
/// nothing else.
struct MetricsRoutes {
    let service: RuntimeService
    let settings: DeploymentConfig

    func add(to router: Router<BasicRequestContext>) {
        let agents = AgentAuthentication(token: settings.cloudAPI.agentToken, agentTokens: settings.cloudAPI.agentTokens,
                                         sandbox: !settings.cloudAPI.isLive)
        let metricsToken = settings.cloudAPI.metricsToken
        router.get("metrics") { request, context in
            let given = request.headers[.authorization] ?? ""
            if let metricsToken, AgentAuthentication.constantTimeEqual(given, "Bearer " + metricsToken) {
                return await scrape()
            }
            return try await agents.handle(request, context: context) { _, _ in await scrape() }
        }
    }

    /// Reads the backlogs (or, when the runtime is busy past a second, serves the last
    /// figures read: a scrape must not time out because a batch is long), then the registry.
    private func scrape() async -> Response {
        let metrics = service.metrics
        if let readings = await service.answer(within: .seconds(1), { try? await service.metricsReadings() }) ?? nil {
            metrics.lastReadings.withLock { $0 = readings }
        }
        if let readings = metrics.lastReadings.withLock({ $0 }) { metrics.record(readings) }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }
}

extension RuntimeService {
    /// What the metrics read from the runtime at a scrape.
    func metricsReadings() throws -> ServerMetrics.Readings {
        let limit = runtime.messagingLimitUse
        return ServerMetrics.Readings(inboxBacklog: try inboxBacklog(), deliveries: try store.deliveryCounts(), limitUsed: limit.used, limit: limit.limit)
    }
}
