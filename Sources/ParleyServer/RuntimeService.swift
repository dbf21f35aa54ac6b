import Foundation
import Logging
import ParleyCloudAPI
import ParleyConfig
import ParleyJSON
import ParleyLua
import ParleyPolicy
import ParleyRuntime
import ParleyStorage

/// The runtime of a live deployment, behind one actor: every event (a webhook body, the
/// clock, an agent's action, a delivery's outcome) runs to its end, in one transaction on
/// the SQLite store, before the next. The webhook inbox is outside the actor, so accepting
/// a delivery never waits for a script.
public actor RuntimeService {
    public nonisolated let inbox: WebhookInbox
    public nonisolated let settings: DeploymentConfig
    let store: SQLiteStore
    let runtime: Runtime
    let clock = SystemClock()
    let logger: Logger
    private let channel: DeliveryChannel
    private let decoder = WebhookDecoder()
    /// The last transcript records, for the sandbox's `GET /sandbox/transcript`.
    private var recent: [TranscriptRecord] = []
    private let recentLimit = 500
    private var keptInAll = 0
    private var sandboxMessages = 0
    /// Wakes the workers: new inbox bodies, new deliveries.
    public nonisolated let signals: ServiceSignals

    public init(settings: DeploymentConfig, stdlib: URL, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        let database = settings.resolve(settings.server.database)
        try FileManager.default.createDirectory(at: database.deletingLastPathComponent(), withIntermediateDirectories: true)
        let store = try SQLiteStore(path: database.path, limitWindow: settings.runtime.policy.limitWindow, now: SystemClock().now)
        self.store = store
        inbox = try WebhookInbox(path: database.deletingPathExtension().path + "-inbox.sqlite")
        signals = ServiceSignals()
        channel = DeliveryChannel(store: store, clock: clock)
        runtime = Runtime(config: settings.runtime, clock: clock, store: store, channel: channel)
        let signals = self.signals
        channel.onQueued = { signals.deliveries.signal() }

        // The catalog: the database's own, else seeded from the templates file.
        if store.catalog.count == 0, let templates = settings.server.templates {
            let seeded = try TemplatesFile.load(contentsOf: settings.resolve(templates).path)
            try store.transaction { store.catalog = TemplateCatalog(seeded) }
            logger.info("seeded the template catalog", metadata: ["templates": "\(seeded.count)"])
        }

        let scriptsFolder = settings.resolve(settings.server.scripts ?? ".")
        let modules = ModuleLibrary(stdlib: stdlib, scripts: scriptsFolder)
        let (scripts, problems) = try ScriptSet.load(from: scriptsFolder, setup: runtime.scriptSetup(modules: modules))
        guard problems.isEmpty else { throw ConfigError(problems.map(\.description).joined(separator: "\n")) }
        runtime.install(scripts)
    }

    /// Hooks the runtime's records and logs to the logger; call once after init.
    public func start() {
        runtime.onRecord = { [unowned self] record in keep(record) }
        runtime.onLog = { [logger] source, line in logger.info("\(line)", metadata: ["script": "\(source)"]) }
        logger.info("runtime started", metadata: [
            "bots": "\(runtime.scripts.bots.keys.sorted().joined(separator: ","))",
            "agenda": "\(runtime.pendingWork)",
            "channel": "\(settings.cloudAPI.isLive ? "cloud api" : "sandbox")",
        ])
    }

    private func keep(_ record: TranscriptRecord) {
        keptInAll += 1
        recent.append(record)
        if recent.count > recentLimit { recent.removeFirst(recent.count - recentLimit) }
        switch record.type {
        case "blocked", "escalated", "script_error", "delivery_failed":
            logger.notice("\(record.line)")
        default:
            logger.debug("\(record.line)")
        }
    }

    /// Runs one event in one transaction. A failure (the disk, not a script: scripts fail
    /// inside the runtime) rolls it back; the caller decides whether to try again.
    func event<T>(_ body: () throws -> T) throws -> T {
        try store.transaction(body)
    }

    // MARK: Webhooks

    /// Processes the inbox in arrival order; returns how many bodies were processed.
    @discardableResult
    public func processInbox(limit: Int = 64) -> Int {
        let pending: [(id: Int64, body: [UInt8])]
        do {
            pending = try inbox.pending(limit: limit)
        } catch {
            logger.error("cannot read the webhook inbox: \(error)")
            return 0
        }
        var done = 0
        for item in pending {
            do {
                try event { try ingest(item.body) }
                try inbox.remove(item.id)
                done += 1
            } catch {
                logger.error("webhook \(item.id) not processed; it stays in the inbox: \(error)")
                break
            }
        }
        return done
    }

    private func ingest(_ body: [UInt8]) throws {
        let json: JSONValue
        do {
            json = try JSONValue.parse(body)
        } catch {
            logger.warning("skipping a webhook body that is not JSON: \(error)")
            return
        }
        let ingest = WebhookIngest(onStatus: { status, _ in self.applyStatus(status) })
        for note in ingest.apply(decoder.decode(json), to: runtime) {
            logger.info("webhook: \(note)")
        }
    }

    /// A delivery status: tied to our message by its wamid; a failure goes to the bot.
    private func applyStatus(_ status: MessageStatus) {
        guard let delivery = store.delivery(wamid: status.id) else {
            runtime.deliveryStatus(id: status.id, status: status.state.description, contact: status.recipient,
                                   errors: status.errors.map { ($0.code, $0.title) })
            return
        }
        let dispatch = delivery.dispatch
        runtime.deliveryStatus(id: dispatch.id, status: status.state.description, contact: dispatch.to,
                               errors: status.errors.map { ($0.code, $0.title) })
        if status.state == .failed {
            let error = status.errors.first.map(GraphAPIError.init)
            runtime.deliveryFailed(messageID: dispatch.id, to: dispatch.to, by: dispatch.sender, reason: error?.reason,
                                   code: error?.code, detail: error?.message ?? error?.title)
        }
    }

    // MARK: The clock

    /// Runs whatever has fallen due; returns when the next item falls due.
    @discardableResult
    public func tick() -> Instant? {
        do {
            try event { runtime.runDue() }
        } catch {
            logger.error("the agenda could not run; trying again: \(error)")
        }
        return runtime.nextDue
    }

    // MARK: Deliveries

    public func takeDeliveries(limit: Int) -> [Delivery] {
        (try? event { store.takeDueDeliveries(at: clock.now, limit: limit) }) ?? []
    }

    public func delivered(_ id: String, wamid: String) {
        try? event { store.deliveryAccepted(id, wamid: wamid, at: clock.now) }
    }

    /// An attempt failed: another at `retryAt`, or, with none, the message is given up and
    /// its bot told.
    public func deliveryFailed(_ delivery: Delivery, error: GraphAPIError, retryAt: Instant?) {
        try? event {
            store.deliveryFailed(delivery.id, error: error.description, retryAt: retryAt, at: clock.now)
            if retryAt == nil {
                runtime.deliveryFailed(messageID: delivery.id, to: delivery.dispatch.to, by: delivery.dispatch.sender,
                                       reason: error.reason, code: error.code, detail: error.description)
            }
        }
        if retryAt == nil {
            logger.warning("delivery given up", metadata: ["id": "\(delivery.id)", "error": "\(error)"])
        }
    }

    public func deliveryCounts() -> [Delivery.State: Int] { store.deliveryCounts() }

    // MARK: Sandbox

    /// The last transcript records, oldest first.
    public func transcript() -> [String] { recent.map(\.line) }

    /// How many records were kept in all: a mark to read what came after.
    var recentCount: Int { keptInAll }

    func recentLines(since mark: Int) -> [String] {
        let new = keptInAll - mark
        return recent.suffix(min(max(new, 0), recent.count)).map(\.line)
    }

    func sandboxCounter() -> Int {
        sandboxMessages += 1
        return sandboxMessages
    }
}
