import Foundation
import ParleyGraphAPI
import ParleyPolicy
import ParleyRuntime

/// Everything `parley serve` runs with: the runtime's settings, the server's, and the
/// Cloud API's. Secrets come from the environment only.
public struct DeploymentConfig: Sendable {
    public var runtime: RuntimeConfig
    public var server = ServerSettings()
    public var cloudAPI = CloudAPISettings()
    /// The configuration file's folder: relative paths start there.
    public var folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)

    public init(runtime: RuntimeConfig) {
        self.runtime = runtime
    }

    /// A path from the file, made absolute against its folder.
    public func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path)
    }

    /// Whether webhook bodies are checked against `X-Hub-Signature-256`.
    public var checksWebhookSignatures: Bool { cloudAPI.appSecret != nil }

    /// Refuses live mode without `PARLEY_APP_SECRET`, unless `--allow-unsigned-webhooks`
    /// says so: unchecked, anyone who reaches `/webhook` can post a message "from" any
    /// number, and the bot answers that number through the Graph API. The sandbox sends
    /// nothing anywhere, so it runs without a secret.
    public func requireWebhookSignatures() throws(ConfigError) {
        guard cloudAPI.isLive, !checksWebhookSignatures, !server.allowUnsignedWebhooks else { return }
        throw ConfigError("""
            PARLEY_APP_SECRET is not set: with PARLEY_ACCESS_TOKEN set (live mode) every webhook must be checked \
            against its X-Hub-Signature-256, or anyone who reaches /webhook can make the bot message any number. \
            Set PARLEY_APP_SECRET to the app's secret (Meta App Dashboard, App settings > Basic); \
            on a private test network only, pass --allow-unsigned-webhooks
            """)
    }
}

public struct ServerSettings: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// The SQLite file for durable state (the webhook inbox sits beside it).
    public var database = "parley.sqlite"
    /// The scripts folder; by default, the configuration file's own folder.
    public var scripts: String?
    /// A templates file to seed the catalog with when the database has none.
    public var templates: String?
    /// Webhook bodies above this size are refused with 413.
    public var maxBodyBytes = 3 << 20
    /// How long the audit trail and finished deliveries are kept.
    public var retention = Span.days(90)
    /// `parley serve --allow-unsigned-webhooks`: live mode without `PARLEY_APP_SECRET`, for a
    /// private test network. Never read from the file: a setting that lets anyone make the
    /// bot message any number is chosen afresh, on the command line, at every start.
    public var allowUnsignedWebhooks = false

    public init() {}
}


