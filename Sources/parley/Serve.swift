import ArgumentParser
import Foundation
import Logging
import ParleyConfig
import ParleyDistribution
import ParleySandbox
import ParleyRuntime
import ParleyServer
import ParleyStorage

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Parley live: the webhook endpoint, the Cloud API sender and the agent API.",
        discussion: """
        Settings come from the configuration file ([server], [cloud_api] and the runtime's); \
        secrets from the environment: PARLEY_ACCESS_TOKEN, PARLEY_APP_SECRET, \
        PARLEY_VERIFY_TOKEN, PARLEY_AGENT_TOKEN. Without PARLEY_ACCESS_TOKEN, messages go to \
        a local sandbox instead of WhatsApp; with it, PARLEY_APP_SECRET is required. SIGTERM \
        or SIGINT stop it gracefully, within a deadline (30 s, or more with long budgets).
        """
    )

    @Option(help: "The configuration file (parley.toml).")
    var config: String

    @Option(help: "Override [server] port.")
    var port: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    @Option(help: "The Stdlib folder (default: found as for simulate).")
    var stdlib: String?

    @Flag(help: """
        Live mode without PARLEY_APP_SECRET: webhooks are accepted unsigned, so anyone who reaches /webhook \
        can make the bot message any number. Only on a private test network.
        """)
    var allowUnsignedWebhooks = false

    // For tests of /health and the watchdog: short limits on one script call (stuck, then
    // given up on) and on a graceful stop, so they are tested without waiting out the real ones.
    @Option(help: .hidden) var testStuckAfterMs: Int?
    @Option(help: .hidden) var testCallLimitMs: Int?
    @Option(help: .hidden) var testStopDeadlineMs: Int?

    func validate() throws {
        let testLimits = [("--test-stuck-after-ms", testStuckAfterMs), ("--test-call-limit-ms", testCallLimitMs),
                          ("--test-stop-deadline-ms", testStopDeadlineMs)]
        for case let (name, ms?) in testLimits where ms < 1 {
            throw ValidationError("\(name) must be a positive number of milliseconds, got \(ms)")
        }
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be a port number, 0 to 65535 (0: any free port)") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        // Before the server's threads allocate: see MemoryReturn.
        MemoryReturn.limitArenas()
        var settings = try loadDeployment(config, for: "parley serve")
        if let port { settings.server.port = port }
        settings.server.allowUnsignedWebhooks = allowUnsignedWebhooks
        do {
            try settings.requireWebhookSignatures()  // before the database is touched
        } catch {
            complain("parley serve: \(error.message)")
            throw Exit.cannotLoad
        }
        let stdlibURL: URL
        switch StdlibLocation.find(given: stdlib) {
        case .success(let url): stdlibURL = url
        case .failure(let missing):
            complain("parley serve: \(missing.message)")
            throw Exit.cannotLoad
        }
        let lock: DatabaseLock
        do {
            let database = settings.resolve(settings.server.database)
            try FileManager.default.createDirectory(at: database.deletingLastPathComponent(), withIntermediateDirectories: true)
            lock = try DatabaseLock.acquire(databasePath: database.path)
        } catch let error as CocoaError {
            complain("parley serve: server.database: cannot create its folder: \(error.localizedDescription)")
            throw Exit.cannotLoad
        } catch {
            complain("parley serve: \(error)")
            throw Exit.cannotLoad
        }
        defer { withExtendedLifetime(lock) {} }
        var logger = Logger(label: "parley")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        logger.notice("parley \(ParleyVersion.current) starting", metadata: ["stdlib": "\(stdlibURL.path)"])
        if !settings.cloudAPI.isLive {
            logger.notice("no PARLEY_ACCESS_TOKEN: running the local sandbox; POST /sandbox/inbound to talk to your bots")
        }
        let host = settings.server.host
        let announce = logger
        let server: ParleyServer
        do {
            server = try ParleyServer.make(settings: settings, stdlib: stdlibURL, logger: logger,
                                           watchdog: WatchdogSetup(deadlines: deadlines(settings))) { port in
                announce.notice("listening", metadata: ["address": "\(host):\(port)"])
            }
        } catch {
            complain("parley serve: cannot start: \(error)")
            throw Exit.cannotLoad
        }
        do {
            try await server.run()
        } catch let error as ConfigError {
            complain("parley serve: \(error.message)")
            throw Exit.cannotLoad
        }
    }

    /// The budgets' deadlines, with the test options' in place of theirs.
    private func deadlines(_ settings: DeploymentConfig) -> Deadlines {
        var deadlines = Deadlines(settings: settings)
        if let ms = testStuckAfterMs { deadlines.stuckAfter = .milliseconds(Int64(ms)) }
        if let ms = testCallLimitMs { deadlines.overrunLimit = .milliseconds(Int64(ms)) }
        if let ms = testStopDeadlineMs { deadlines.stop = .milliseconds(Int64(ms)) }
        if testCallLimitMs != nil || testStopDeadlineMs != nil { deadlines.pollInterval = .milliseconds(20) }
        return deadlines
    }
}
