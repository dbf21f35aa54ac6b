import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ParleyCloudAPI
import ParleyGraphAPI
import ParleyConfig
import ParleyRuntime
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `parley serve`: the webhook endpoint, the agent API and, without credentials, the
/// sandbox; the workers that process the inbox, run the agenda and send deliveries.
public struct ParleyServer: Sendable {
    public let service: RuntimeService
    /// Ends the process when a script call or a stop is stuck for good.
    public let watchdog: Watchdog
    /// Internal, for tests of the routes in process.
    let application: Application<RouterResponder<BasicRequestContext>>
    private let logger: Logger

    /// Runs until SIGTERM or SIGINT, then stops gracefully: no new connections, the inbox
    /// and the deliveries in hand drained, within `deadlines.stop` or the watchdog ends
    /// the process.
    public func run() async throws {
        await service.start()
        watchdog.start()
        defer { watchdog.finish() }
        let group = serviceGroup(signals: [.sigterm, .sigint])
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ConfigError("\(address) is in use; stop what listens there, or set [server] port or --port")
        } catch let error where error is SocketAddressError || error is SocketAddressError.UnknownHost {
            throw ConfigError("cannot resolve [server] host in \(address); use an address such as \"127.0.0.1\" or \"0.0.0.0\"")
        }
    }

    private var address: String { "\(service.settings.server.host):\(service.settings.server.port)" }

    /// Starts the server without signal handlers; `stop()` on the result is the same graceful
    /// stop as SIGTERM. For tests and embedding: cancelling the task that runs a server
    /// instead can trap in NIO when a connection was accepted but not yet served
    /// (swift-nio#2637).
    public func runUntilStopped() -> StoppableRun {
        let group = serviceGroup(signals: [])
        let task = Task { [service, watchdog] in
            await service.start()
            watchdog.start()
            defer { watchdog.finish() }
            try await group.run()
        }
        return StoppableRun(group: group, task: task)
    }

    /// The server, and last the notice that starts the stop's deadline: a graceful stop
    /// reaches services last to first, so it reaches the notice at once.
    private func serviceGroup(signals: [UnixSignal]) -> ServiceGroup {
        let notice = StopNotice(onStop: { [watchdog] in watchdog.stopAsked() })
        return ServiceGroup(configuration: .init(services: [application, notice], gracefulShutdownSignals: signals, logger: logger))
    }

    /// The Graph API client for `connections` concurrent sends. Like `HTTPClient.shared`
    /// it lives as long as the process, but its pool holds as many connections as the
    /// sender keeps requests in flight: the shared one stops at 8, and a larger pool than
    /// needed opens connections it then has to keep warm.
    static func graphClient(connections: Int) -> HTTPClient {
        graphClients.withLock { clients in
            if let client = clients[connections] { return client }
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[connections] = client
            return client
        }
    }

    private static let graphClients = Mutex<[Int: HTTPClient]>([:])

    /// The server and its runtime service, ready to run. `onRunning` hears the bound port
    /// (useful with port 0). `watchdog` changes the deadlines and the process's end, for
    /// tests of the watchdog; `bodyBudget` is for tests of a full one.
    public static func make(
        settings: DeploymentConfig, stdlib: URL, logger: Logger, watchdog setup: WatchdogSetup = WatchdogSetup(),
        bodyBudget: WebhookBodyBudget = WebhookBodyBudget(), onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> ParleyServer {
        try settings.requireWebhookSignatures()
        let service = try RuntimeService(settings: settings, stdlib: stdlib, logger: logger, deadlines: setup.deadlines)
        let watchdog = Watchdog(deadlines: service.deadlines, callRunning: { [callWatch = service.callWatch] in callWatch.running(at: $0) },
                                setAside: { service.setAsideBodiesInHand() }, logger: logger, exit: setup.exit)
        let memory = MemoryReturn()
        let router = Router()
        router.add(middleware: ProblemShape())
        router.get("health") { _, _ in HTTP.json(await service.health(within: .seconds(1))) }
        WebhookRoutes(service: service, settings: settings, budget: bodyBudget, memory: memory).add(to: router)
        AgentRoutes(service: service, settings: settings).add(to: router)
        MetricsRoutes(service: service, settings: settings).add(to: router)
        ConsoleRoutes(service: service, deployment: settings, settings: try ConsoleSettings.fromEnvironment(), logger: logger).add(to: router)
        if !settings.cloudAPI.isLive { SandboxRoutes(service: service).add(to: router) }

        let sender = settings.cloudAPI.isLive
            ? MessageSender(client: graphClient(connections: settings.cloudAPI.concurrentSends), settings: settings.cloudAPI,
                             backoff: Backoff(base: .seconds(1), cap: .seconds(60), maxAttempts: settings.cloudAPI.maxAttempts))
            : nil
        // A graceful shutdown stops services in reverse order, each after the one before has
        // returned: the HTTP server first, then the inbox (drained), the agenda, and last
        // the sender, which sends what they queued.
        var workers: [any Service] = [
            DeliveryWorker(service: service, sender: sender, logger: logger, concurrency: settings.cloudAPI.concurrentSends),
            AgendaWorker(service: service),
            InboxWorker(service: service, memory: memory, logger: logger),
            RetentionWorker(service: service, logger: logger),
        ]
        if settings.cloudAPI.isLive, settings.cloudAPI.wabaID != nil {
            workers.append(TemplateSyncWorker(service: service, sync: TemplateSync(settings: settings.cloudAPI), logger: logger))
        }
        let application = Application(
            router: router,
            // A connection that sends nothing for 30 s is closed: half-sent requests cannot
            // hold connections open for ever.
            server: .http1(configuration: .init(idleTimeout: .seconds(30))),
            configuration: .init(address: .hostname(settings.server.host, port: settings.server.port), serverName: "parley"),
            services: workers,
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        return ParleyServer(service: service, watchdog: watchdog, application: application, logger: logger)
    }
}

/// Hears that a graceful stop has begun, and tells `onStop`.
struct StopNotice: Service {
    let onStop: @Sendable () -> Void

    func run() async throws {
        try? await gracefulShutdown()
        onStop()
    }
}

/// A server started by `runUntilStopped()`.
public struct StoppableRun: Sendable {
    let group: ServiceGroup
    public let task: Task<Void, any Error>

    /// Stops gracefully, as SIGTERM does, and waits until the server has stopped.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
