import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ParleyCloudAPI
import ParleyConfig
import ServiceLifecycle

/// `parley serve`: the webhook endpoint, the agent API and, without credentials, the
/// sandbox; the workers that process the inbox, run the agenda and send deliveries.
public struct ParleyServer: Sendable {
    public let service: RuntimeService
    private let application: Application<RouterResponder<BasicRequestContext>>

    /// Runs until SIGTERM or SIGINT, then stops gracefully: no new connections, the inbox
    /// and the deliveries in hand drained.
    public func run() async throws {
        await service.start()
        try await application.runService()
    }

    /// Runs inside a service group the caller manages (tests).
    public func runWithoutSignals() async throws {
        await service.start()
        try await application.run()
    }

    /// The server and its runtime service, ready to run. `onRunning` hears the bound port
    /// (useful with port 0).
    public static func make(
        settings: DeploymentConfig, stdlib: URL, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> ParleyServer {
        let service = try RuntimeService(settings: settings, stdlib: stdlib, logger: logger)
        let router = Router()
        router.get("health") { _, _ in HTTP.json(["ok": true]) }
        WebhookRoutes(service: service, settings: settings).add(to: router)
        AgentRoutes(service: service, settings: settings).add(to: router)
        if !settings.cloudAPI.isLive { SandboxRoutes(service: service).add(to: router) }

        let sender = settings.cloudAPI.isLive
            ? CloudAPISender(client: HTTPClient.shared, settings: settings.cloudAPI,
                             backoff: Backoff(base: .seconds(1), cap: .seconds(60), maxAttempts: settings.cloudAPI.maxAttempts))
            : nil
        var workers: [any Service] = [
            InboxWorker(service: service),
            AgendaWorker(service: service),
            DeliveryWorker(service: service, sender: sender, logger: logger),
        ]
        if settings.cloudAPI.isLive, settings.cloudAPI.wabaID != nil {
            workers.append(TemplateSyncWorker(service: service, sync: TemplateSync(settings: settings.cloudAPI), logger: logger))
        }
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(settings.server.host, port: settings.server.port), serverName: "parley"),
            services: workers,
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        return ParleyServer(service: service, application: application)
    }
}
