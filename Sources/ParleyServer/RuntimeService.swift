import Foundation
import Logging
import ParleyCloudAPI
import ParleyConfig
import ParleyIngest
import ParleyJSON
import ParleySandbox
import ParleyPolicy
import ParleyRuntime
import ParleyStorage
import Synchronization

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
    /// The sender's room, and the deliveries events hand it as they commit.
    nonisolated let handOff: SenderHandOff
    let decoder = WebhookDecoder()
    /// Webhooks to runtime events, with delivery statuses tied to our own message ids.
    let ingest: WebhookIngest
    /// The last transcript records, for the sandbox's `GET /sandbox/transcript`: the last
    /// `recentLimit` of them count. Up to twice as many are held, and the older half dropped
    /// at once, so a record costs no shift of the whole array.
    private var recent: [TranscriptRecord] = []
    private let recentLimit = 500
    private var keptInAll = 0
    /// The same records by contact, for the agents' console and its live updates.
    nonisolated let consoleFeed = ConsoleFeed()
    /// Wakes the workers (new inbox bodies, new deliveries, an agenda item sooner than the
    /// agenda worker's sleep) and tells tests of progress (the inbox processed through N, the
    /// sender idle).
    public nonisolated let signals: ServiceSignals
    /// What stops every send, when something does (a refused access token); `/health` says it.
    public nonisolated let senderProblem = Mutex<String?>(nil)
    /// Read receipts scripts asked for, waiting for the sender.
    nonisolated let receipts = ReadReceipts()
    /// Why the last webhook could not be kept (a full disk), until one is; `/health` says it.
    public nonisolated let inboxProblem = Mutex<String?>(nil)
    /// When the script call now running started: read by `/health` and the watchdog, which
    /// never wait on the actor (a stuck call holds it).
    public nonisolated let callWatch: CallWatch
    /// When a busy runtime is a stuck one.
    public nonisolated let deadlines: Deadlines
    /// What `/metrics` serves.
    public nonisolated let metrics = ServerMetrics()
    /// The inbox ids of the bodies the event now running processes: what the watchdog sets
    /// aside when a call they caused never ends.
    nonisolated let bodiesInHand = Mutex<ClosedRange<Int64>?>(nil)

    public init(settings: DeploymentConfig, stdlib: URL, logger: Logger, deadlines: Deadlines? = nil) throws {
        self.settings = settings
        self.logger = logger
        self.deadlines = deadlines ?? Deadlines(settings: settings)
        let database = settings.resolve(settings.server.database)
        let (store, inbox) = try Self.open(database, settings)
        self.store = store
        self.inbox = inbox
        let clock = self.clock
        ingest = WebhookIngest(numbers: settings.cloudAPI.numberNames, othersAreDefault: settings.cloudAPI.phoneNumberID == nil,
                               statusEvents: { status in try Self.statusEvents(status, store: store, at: clock.now) })
        signals = ServiceSignals()
        handOff = SenderHandOff(capacity: settings.cloudAPI.concurrentSends)
        channel = DeliveryChannel(store: store, clock: clock, receipts: receipts, handOff: handOff, lease: Self.lease(settings))
        runtime = try Runtime(config: settings.runtime, clock: clock, store: store, channel: channel)
        callWatch = runtime.callWatch
        let signals = self.signals
        channel.onQueued = { signals.deliveries.signal() }
        channel.onDeliver = { [metrics] id in metrics.replyLatency.queued(id) }

        // The catalog: the database's own, else seeded from the templates file.
        if store.catalog.count == 0, let templates = settings.server.templates {
            let seeded = try TemplatesFile.load(contentsOf: settings.resolve(templates).path)
            var catalog = TemplateCatalog(seeded)
            catalog.timePauses(at: clock.now, pauses: settings.runtime.policy.templatePauses)
            try store.transaction { try store.save(catalog) }
            logger.info("seeded the template catalog", metadata: ["templates": "\(seeded.count)"])
        }

        let scriptsFolder = settings.resolve(settings.server.scripts ?? ".")
        let modules = ModuleLibrary(stdlib: stdlib, scripts: scriptsFolder)
        let (scripts, problems) = try ScriptSet.load(from: scriptsFolder, setup: runtime.scriptSetup(modules: modules), queues: settings.runtime.queues)
        guard problems.isEmpty else { throw ConfigError(problems.map(\.description).joined(separator: "\n")) }
        runtime.install(scripts)
        try store.transaction { try store.resumeInterruptedDeliveries(at: SystemClock().now) }
    }

    /// The store and the inbox beside it; an error names the file and the key that chose it.
    private static func open(_ database: URL, _ settings: DeploymentConfig) throws -> (SQLiteStore, WebhookInbox) {
        var path = database.path
        do {
            try FileManager.default.createDirectory(at: database.deletingLastPathComponent(), withIntermediateDirectories: true)
            let store = try SQLiteStore(path: path)
            path = database.deletingPathExtension().path + "-inbox.sqlite"
            return (store, try WebhookInbox(path: path))
        } catch {
            let reason = error is CocoaError ? error.localizedDescription : "\(error)"
            throw ConfigError("server.database: cannot open \(path): \(reason); point it at a file in a folder you can write to")
        }
    }

    /// Hooks the runtime's records and logs to the logger; call once after init.
    public func start() {
        runtime.onRecord = { [unowned self] record in keep(record) }
        runtime.onDecision = { [metrics] decision in metrics.observe(decision) }
        runtime.scriptCallObserver = metrics
        runtime.onLog = { [logger] source, line in logger.info("\(line)", metadata: ["script": "\(source)"]) }
        logger.info("runtime started", metadata: [
            "bots": "\(runtime.scripts.bots.keys.sorted().joined(separator: ","))",
            "agenda": "\(runtime.pendingWork)",
            "channel": "\(settings.cloudAPI.isLive ? "cloud api" : "sandbox")",
        ])
        warnOfUncheckedSignatures()
        let scripts = runtime.scripts
        if scripts.bots.isEmpty, scripts.router == nil, scripts.macros.isEmpty, scripts.automations.isEmpty {
            logger.warning("""
                no scripts in \(settings.resolve(settings.server.scripts ?? ".").path): every conversation goes to \
                human:\(settings.runtime.defaultQueue); set [server] scripts to your scripts folder
                """)
        }
    }

    private func keep(_ record: TranscriptRecord) {
        metrics.observe(record)
        keptInAll += 1
        consoleFeed.add(record)
        recent.append(record)
        if recent.count >= 2 * recentLimit { recent.removeFirst(recent.count - recentLimit) }
        switch record.type {
        case "blocked", "escalated", "script_error", "delivery_failed":
            logger.notice("\(record.line)")
        default:
            logger.debug("\(record.line)")
        }
    }

    /// Runs one event (or a batch) in one transaction. A failure (the disk, not a script:
    /// scripts fail inside the runtime) rolls back the store and the runtime's memory
    /// together, so the caller may try the same events again on this runtime.
    func event<T>(_ body: () throws -> T) throws -> T {
        eventStarted.withLock { $0 = clock.now }
        defer { eventStarted.withLock { $0 = nil } }
        let dueBefore = runtime.nextDue
        defer { wakeAgenda(ifSoonerThan: dueBefore) }  // the agenda worker sleeps until what it knew was first
        // Sends accepted since the last event are written down in this one: no commit of their own.
        let accepted = handOff.takeAcceptances()
        channel.eventStarted()
        do {
            let result = try runtime.transaction {
                for outcome in accepted { try record(outcome) }
                return try body()
            }
            channel.eventEnded(committed: true)
            return result
        } catch {
            handOff.putBack(accepted)
            channel.eventEnded(committed: false)
            throw error
        }
    }

    /// When the event now running started, for `health(within:)`, which cannot ask the
    /// busy actor.
    nonisolated let eventStarted = Mutex<Instant?>(nil)

    // MARK: Webhooks

    /// Processes up to `limit` inbox bodies in arrival order (fewer once they hold
    /// `batchBytes`), in one transaction that also moves the store's inbox mark past them;
    /// returns the last id processed, if any. One commit for many bodies is what makes a
    /// durable store keep up with the webhooks; should it fail, none of them took effect and
    /// all stay in the inbox. Trimming the inbox is the caller's, outside the actor: it
    /// waits on the inbox's writer.
    @discardableResult
    public func processInbox(limit: Int = 64) -> Int64? {
        let pending: [(id: Int64, body: [UInt8])]
        do {
            pending = try inbox.pending(after: store.inboxProcessed(), limit: limit, maxBytes: Self.batchBytes)
        } catch {
            logger.error("cannot read the webhook inbox: \(error)")
            return nil
        }
        guard let first = pending.first?.id, let last = pending.last?.id else { return nil }
        bodiesInHand.withLock { $0 = first...last }
        defer { bodiesInHand.withLock { $0 = nil } }
        metrics.replyLatency.processing(first...last)
        do {
            try event {
                for item in pending { try ingest(item.body) }
                try store.setInboxProcessed(last)
            }
            metrics.replyLatency.processed(committed: true)
        } catch {
            metrics.replyLatency.processed(committed: false)
            logger.error("webhooks \(pending[0].id)...\(last) not processed; they stay in the inbox: \(error)")
            return nil
        }
        signals.noteInboxProcessed(through: last)
        return last
    }

    /// The most bytes of bodies one batch holds: a batch's bodies and their parses are all
    /// in memory until it commits.
    static let batchBytes = 8 << 20

    /// Webhook bodies kept and not yet processed.
    public func inboxBacklog() throws -> Int { inbox.count(after: try store.inboxProcessed()) }

    private func ingest(_ body: [UInt8]) throws {
        let json: JSONValue
        do {
            json = try JSONValue.parse(body)
        } catch {
            logger.warning("skipping a webhook body that is not JSON: \(error)")
            return
        }
        for note in try ingest.apply(decoder.decode(json), to: runtime) {
            logger.info("webhook: \(note)")
        }
    }

    /// A delivery status, tied to our message by its wamid; a failure goes to the bot.
    static func statusEvents(_ status: MessageStatus, store: SQLiteStore, at now: Instant) throws -> [RuntimeEvent] {
        let delivery = try store.delivery(wamid: status.id)
        if delivery?.state == .held { try store.heldDeliveryResolved(wamid: status.id, failed: status.state == .failed, at: now) }
        return WebhookIngest.events(for: status, of: delivery?.dispatch)
    }

    // MARK: The clock

    /// Runs whatever has fallen due; returns when the next item falls due.
    @discardableResult
    public func tick() -> Instant? {
        do {
            _ = try event { try runtime.handle(.clock(clock.now)) }
        } catch {
            logger.error("the agenda could not run; trying again: \(error)")
        }
        return runtime.nextDue
    }

    // MARK: Deliveries

    /// Records the outcomes of finished attempts, then takes up to `limit` deliveries that
    /// are due, all in one transaction. An attempt is leased for the send timeout and a
    /// little more, so it is never in flight twice.
    public func settle(_ outcomes: [DeliveryOutcome], thenTake limit: Int, untriedOnly: Bool = false) -> [Delivery] {
        let lease = Self.lease(settings)
        do {
            return try event {
                for outcome in outcomes { try record(outcome) }
                return limit > 0 ? try store.takeDueDeliveries(at: clock.now, limit: limit, lease: lease, untriedOnly: untriedOnly) : []
            }
        } catch {
            // The attempts stay leased, and are tried again when their lease ends.
            logger.error("cannot record delivery outcomes; their messages will be tried again: \(error)")
            return []
        }
    }

    /// How long an attempt is leased: the send's timeout and a little more.
    static func lease(_ settings: DeploymentConfig) -> Span {
        .milliseconds(Int64(settings.cloudAPI.timeoutMilliseconds) + 5_000)
    }

    private func record(_ outcome: DeliveryOutcome) throws {
        switch outcome {
        case .accepted(let id, let wamid, let held):
            try store.deliveryAccepted(id, wamid: wamid, held: held, at: clock.now)
            // Written down, so that the transcript says why no delivery news comes yet.
            if held, let dispatch = try store.delivery(wamid: wamid)?.dispatch {
                try runtime.handle(.deliveryStatus(DeliveryStatus(id: id, platformID: wamid, status: "held_for_quality_assessment", contact: dispatch.to)))
            }
        case .failed(let delivery, let error, let retryAt):
            try store.deliveryFailed(delivery.id, error: error.description, retryAt: retryAt, at: clock.now, counting: !error.isAuthentication)
            guard retryAt == nil else { return }
            // Given up: the bot hears of it.
            logger.warning("delivery given up", metadata: ["id": "\(delivery.id)", "error": "\(error)"])
            try runtime.handle(.deliveryFailed(DeliveryFailure(messageID: delivery.id, to: delivery.dispatch.to, by: delivery.dispatch.sender,
                                                               reason: error.reason, code: error.code, detail: error.description)))
        }
    }

    public func deliveryCounts() throws -> [Delivery.State: Int] { try store.deliveryCounts() }

    /// Deletes one batch of records older than the retention; returns how many went.
    public func pruneRecords() -> Int {
        let cutoff = clock.now - settings.server.retention
        do {
            return try event { try store.pruneRecords(before: cutoff) }
        } catch {
            logger.error("cannot prune old records; trying again later: \(error)")
            return 0
        }
    }

    // MARK: Sandbox

    /// The last transcript records, oldest first.
    public func transcript() -> [String] { recent.suffix(recentLimit).map(\.line) }

    /// How many records were kept in all: a mark to read what came after.
    var recentCount: Int { keptInAll }

    func recentRecords(since mark: Int) -> ArraySlice<TranscriptRecord> {
        recent.suffix(min(max(keptInAll - mark, 0), recentLimit))
    }

    func recentLines(since mark: Int) -> [String] { recentRecords(since: mark).map(\.line) }
}
