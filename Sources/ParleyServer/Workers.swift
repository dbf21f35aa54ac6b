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
