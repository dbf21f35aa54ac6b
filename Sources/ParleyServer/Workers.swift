import AsyncHTTPClient
import Foundation
import Logging
import ParleyCloudAPI
import ParleyGraphAPI
import ParleyPolicy
import ParleyRuntime
import ParleyStorage
import ServiceLifecycle
import Synchronization

/// Processes the webhook inbox whenever a body arrives (and, to be safe, every second),
/// trims what it processed, and gives memory back after a burst.
///
/// A trim is a transaction on the inbox's writer, which every webhook's commit waits on: it
/// comes once `trimEvery` bodies were processed since the last, or when the inbox has been
/// idle for a second, not after every batch. Processed bodies left meanwhile are never
/// processed again (the store's mark is past them); they only take room.
struct InboxWorker: Service {
    let service: RuntimeService
    let memory: MemoryReturn
    let logger: Logger

    /// How long a stopping server keeps processing the inbox; what is left waits in it for
    /// the next start, so a long backlog cannot hold up the stop.
    static let drainWindow = Duration.seconds(10)

    static let trimEvery: Int64 = 512

    func run() async throws {
        let wake = service.signals.inbox
        var trimmer = InboxTrim(inbox: service.inbox, logger: logger)
        await withGracefulShutdownHandler {
            // Where the last process left the mark: what waits on it counts from there.
            if let mark = try? await service.inboxMark() { service.signals.noteInboxProcessed(through: mark) }
            await processBacklog()
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                while let processed = await service.processInbox() { await trimmer.processed(through: processed) }
                // Idle: the burst's bodies are gone, and their memory can go back.
                memory.trimAfterBurst()
                if await !wake.wait(timeout: .seconds(1)) { await trimmer.trim() }
            }
            await drain(&trimmer)
            await trimmer.trim()
        } onGracefulShutdown: {
            wake.signal()
        }
    }

    /// What arrived before the shutdown, batch by batch, for up to `drainWindow`.
    private func drain(_ trimmer: inout InboxTrim) async {
        let start = ContinuousClock.now  // wall-clock ok: a deadline for the stop
        while ContinuousClock.now - start < Self.drainWindow, let processed = await service.processInbox() {  // wall-clock ok
            await trimmer.processed(through: processed)
        }
    }

    /// The bodies the last process left, one at a time, each attempt counted (see
    /// `RuntimeService.processBacklogBody`); the counts go once the backlog is done.
    private func processBacklog() async {
        do {
            let end = try service.inbox.lastID()
            while !Task.isShuttingDownGracefully, try await service.processBacklogBody(through: end) {}
            if !Task.isShuttingDownGracefully { try service.inbox.clearAttempts() }
        } catch {
            logger.error("cannot work through the inbox backlog one body at a time; processing it as usual: \(error)")
        }
    }

    /// How far the inbox was processed, and trimmed.
    private struct InboxTrim {
        let inbox: WebhookInbox
        let logger: Logger
        private var processed: Int64 = 0
        private var trimmed: Int64 = 0

        init(inbox: WebhookInbox, logger: Logger) {
            self.inbox = inbox
            self.logger = logger
        }

        mutating func processed(through id: Int64) async {
            processed = id
            if processed - trimmed >= InboxWorker.trimEvery { await trim() }
        }

        /// Deletes what was processed and not yet trimmed.
        mutating func trim() async {
            guard processed > trimmed else { return }
            do {
                try await inbox.trim(through: processed)
                trimmed = processed
            } catch {
                logger.warning("cannot trim the webhook inbox; will try again: \(error)")
            }
        }
    }
}

/// Runs the agenda: timers, paced messages, window-closing hooks, automations, each as it
/// falls due. It sleeps until the next item is due; an event that sets an earlier one wakes
/// it (`RuntimeService.event`).
struct AgendaWorker: Service {
    let service: RuntimeService

    /// The longest sleep, when nothing falls due sooner. Work set for sooner wakes the worker,
    /// so this bounds only how late an item can be when the wall clock steps under a sleep.
    static let longestSleep = Span.seconds(10)

    func run() async throws {
        let wake = service.signals.agenda
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let next = await service.tick()
                let wait = next.map { max(Span.milliseconds(5), min($0 - SystemClock().now, Self.longestSleep)) } ?? Self.longestSleep
                await wake.wait(timeout: .milliseconds(wait.milliseconds))
            }
        } onGracefulShutdown: {
            wake.signal()
        }
    }
}

extension RuntimeService {
    /// Wakes the agenda worker when the agenda's first item now falls due before `previous`,
    /// the first before an event: the worker sleeps until the item it knew of.
    func wakeAgenda(ifSoonerThan previous: Instant?) {
        guard let next = runtime.nextDue, previous.map({ next < $0 }) ?? true else { return }
        signals.agenda.signal()
    }
}

/// What became of one attempt to send a delivery.
public enum DeliveryOutcome: Sendable {
    /// `held`: the platform holds it (template pacing) until a status says what became of it.
    case accepted(id: String, wamid: String, held: Bool = false)
    /// Failed; tried again at `retryAt`, or given up when it is nil.
    case failed(Delivery, GraphAPIError, retryAt: Instant?)

    /// Sent, and nothing for the runtime to hear of: recording it is one row's update.
    var isPlainAcceptance: Bool {
        if case .accepted(_, _, held: false) = self { return true }
        return false
    }
}

/// Sends queued deliveries, up to `concurrency` at once: to the Graph API when live, to
/// nowhere in the sandbox (where each is accepted at once with a made-up wamid).
///
/// A pipeline, not batches: as attempts finish, their outcomes are recorded and more are
/// taken, in one runtime call, so one slow send never holds up the others.
struct DeliveryWorker: Service {
    let service: RuntimeService
    let sender: MessageSender?
    let logger: Logger
    var concurrency = 16

    func run() async throws {
        let wake = service.signals.deliveries
        await withGracefulShutdownHandler {
            await sendUntilShutdown(wake)
        } onGracefulShutdown: {
            wake.signal()
        }
    }

    /// How long a stopping server keeps starting first attempts; retries wait for the next
    /// start in any case, so a Graph API outage cannot hold up the stop.
    static let drainWindow = Duration.seconds(10)

    /// How often, at least, the sender looks in the queue for due deliveries nobody handed
    /// it (retries whose time came), however busy it is.
    static let lookInterval = Duration.milliseconds(500)

    private func sendUntilShutdown(_ wake: WakeUp) async {
        let signals = service.signals
        let progress = signals.progress
        let handOff = service.handOff
        await withDiscardingTaskGroup { group in
            func start(_ deliveries: [Delivery]) {
                for delivery in deliveries {
                    group.addTask {
                        let outcome = await attempt(delivery)
                        if handOff.finish(outcome) || signals.waitingForIdleSender { wake.signal() }
                    }
                }
            }
            var stopping: ContinuousClock.Instant?  // wall-clock ok: a deadline for the stop
            var lastLook = ContinuousClock.now  // wall-clock ok: how often the queue is read
            var timedOut = true  // at start: what the last process left
            while !Task.isCancelled {
                let turn = progress.update { progress in
                    progress.senderTurns += 1
                    return progress.senderTurns
                }
                // Receipts first: the typing indicator is worth showing before the reply it announces.
                for receipt in service.receipts.takeAll() {
                    guard let sender, let id = receipt.messageID else { continue }
                    group.addTask {
                        if let error = await sender.markRead(ReadReceiptRequest(messageID: id, typing: receipt.typing), on: receipt.contact.number) {
                            logger.debug("read receipt not sent", metadata: ["id": "\(id)", "error": "\(error)"])
                        }
                    }
                }
                if stopping == nil, Task.isShuttingDownGracefully {
                    stopping = .now
                    handOff.beginStopping()
                }
                let starting = stopping.map { ContinuousClock.now - $0 < Self.drainWindow } ?? true
                if !starting { handOff.stopAccepting() }
                // Queued taken by events that committed: their slots are theirs already.
                let handed = handOff.takeHanded()
                start(handed)
                // The queue is read only when it may hold due deliveries nobody handed over.
                let asked = service.signals.senderLookAsked.exchange(false, ordering: .sequentiallyConsistent)
                let look = handOff.takeQueueMayHaveDue() || asked || timedOut || stopping != nil || ContinuousClock.now - lastLook >= Self.lookInterval
                var taken: [Delivery] = []
                let room = look && starting ? handOff.reserveAll() : 0
                if look { lastLook = .now }
                // However many attempts finished since the last turn, one call records them
                // all; plain acceptances are left to the next event unless something waits
                // on them. A take records them in any case (`RuntimeService.event`).
                let recordAll = handOff.newsWaiting || stopping != nil || timedOut || signals.waitingForIdleSender
                let outcomes = recordAll ? handOff.takeOutcomes() : []
                // No room: the queue is read once an attempt ends and frees some.
                if look, room == 0, starting { handOff.noteQueueMayHaveDue() }
                if room > 0 || !outcomes.isEmpty {
                    taken = await service.settle(outcomes, thenTake: room, untriedOnly: stopping != nil)
                    if room > 0, taken.count == room { handOff.noteQueueMayHaveDue() }  // a full take: more may wait
                    start(taken)
                }
                handOff.release(room - taken.count)
                let idle = handOff.isIdle && handed.isEmpty && taken.isEmpty
                // In a graceful shutdown, stop once nothing is in flight and nothing more was taken.
                if Task.isShuttingDownGracefully, idle { return }
                if idle { progress.update { $0.senderIdleTurn = turn } }
                timedOut = await !wake.wait(timeout: Self.lookInterval)
            }
        }
    }

    private func attempt(_ delivery: Delivery) async -> DeliveryOutcome {
        guard let sender else { return .accepted(id: delivery.id, wamid: "wamid.sandbox.\(delivery.id)") }
        let dispatch = delivery.dispatch
        let request: MessageRequest
        do {
            request = try MessageRequest(to: dispatch.to, message: dispatch.message, template: dispatch.template, callbackData: dispatch.id,
                                         marketingEndpoint: service.settings.cloudAPI.marketingMessages)
        } catch {
            let invalid = GraphAPIError(code: 131009, title: "Parameter value is not valid", message: error.detail)
            return .failed(delivery, invalid, retryAt: nil)
        }
        switch await sender.send(request, idempotencyKey: dispatch.id, attempt: delivery.attempts) {
        case .accepted(let wamid, let held):
            service.senderProblem.withLock { $0 = nil }
            return .accepted(id: delivery.id, wamid: wamid, held: held)
        case .failed(let error, let retryAfter) where error.isAuthentication:
            let problem = "the Graph API refused the access token (code \(error.code ?? 0)): set a valid PARLEY_ACCESS_TOKEN and restart; messages wait meanwhile"
            let first = service.senderProblem.withLock { current in
                defer { current = problem }
                return current == nil
            }
            if first { logger.error("\(problem)", metadata: ["error": "\(error)"]) }
            let retryAt = retryAfter.map { SystemClock().now + Span(milliseconds: Int64($0.components.seconds * 1000)) }
            return .failed(delivery, error, retryAt: retryAt)
        case .failed(let error, let retryAfter):
            logger.info("delivery attempt failed", metadata: ["id": "\(delivery.id)", "attempt": "\(delivery.attempts)", "error": "\(error)"])
            let retryAt = retryAfter.map { SystemClock().now + Span(milliseconds: Int64($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000)) }
            return .failed(delivery, error, retryAt: retryAt)
        }
    }
}

/// Deletes records past the retention, every `period`, one batch at a time so events are
/// never kept waiting long.
struct RetentionWorker: Service {
    let service: RuntimeService
    let logger: Logger
    var period: Duration = .seconds(3600)

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var removed = 0
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let batch = await service.pruneRecords()
                if batch == 0 { break }
                removed += batch
            }
            if removed > 0 { logger.info("retention: deleted old records", metadata: ["rows": "\(removed)"]) }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: period) }
        }
    }
}

/// Syncs the template catalog from the Graph API at start, then every `period`.
struct TemplateSyncWorker: Service {
    let service: RuntimeService
    let sync: TemplateSync
    let logger: Logger
    var period: Duration = .seconds(6 * 3600)

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let result = try await sync.fetchAll()
                for problem in result.problems { logger.warning("template sync: \(problem)") }
                try await service.applySync(result.templates)
            } catch {
                logger.error("template sync failed; keeping the catalog as it is: \(error)")
            }
            service.signals.progress.update { $0.templateSyncs += 1 }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: period) }
        }
    }
}
