import ArgumentParser
import Foundation
import Logging
import ParleyConfig
import ParleyLua
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
        a local sandbox instead of WhatsApp. SIGTERM or SIGINT stop it gracefully.
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

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be a port number, 0 to 65535 (0: any free port)") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        var settings = try loadDeployment(config, for: "parley serve")
        if let port { settings.server.port = port }
        guard let stdlibURL = stdlib.map({ URL(fileURLWithPath: $0) }) ?? ModuleLibrary.locateStdlib() else {
            complain("parley serve: cannot find the Stdlib folder; set PARLEY_STDLIB or --stdlib")
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
        if !settings.cloudAPI.isLive {
            logger.notice("no PARLEY_ACCESS_TOKEN: running the local sandbox; POST /sandbox/inbound to talk to your bots")
        }
        if settings.cloudAPI.appSecret == nil {
            logger.warning("no PARLEY_APP_SECRET: webhook signatures are not checked")
        }
        let host = settings.server.host
        let announce = logger
        let server: ParleyServer
        do {
            server = try ParleyServer.make(settings: settings, stdlib: stdlibURL, logger: logger) { port in
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
}
