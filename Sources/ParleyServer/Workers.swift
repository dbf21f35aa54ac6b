import AsyncHTTPClient
import Foundation
import Logging
import ParleyCloudAPI
import ParleyPolicy
import ParleyStorage
import ServiceLifecycle

/// Processes the webhook inbox whenever a body arrives (and, to be safe, every second).
struct InboxWorker: Service {
    let service: RuntimeService

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            while await service.processInbox() > 0 {}
            await service.signals.inbox.wait(timeout: .seconds(1))
        }
        await service.processInbox(limit: .max)  // drain what arrived before the shutdown
    }
}

/// Runs the agenda: timers, paced messages, window-closing hooks, automations, each as it
/// falls due.
struct AgendaWorker: Service {
    let service: RuntimeService

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let next = await service.tick()
            let wait = next.map { max(Span.milliseconds(5), min($0 - SystemClock().now, .seconds(1))) } ?? .seconds(1)
            await service.signals.agenda.wait(timeout: .milliseconds(wait.milliseconds))
        }
    }
}

/// Sends queued deliveries: to the Graph API when live, to nowhere in the sandbox (where
/// each is accepted at once with a made-up wamid).
struct DeliveryWorker: Service {
    let service: RuntimeService
    let sender: CloudAPISender?
    let logger: Logger
    var concurrency = 16

    func run() async throws {
        while !Task.isCancelled {
            let batch = await service.takeDeliveries(limit: concurrency)
            if batch.isEmpty {
                if Task.isShuttingDownGracefully { return }
                await service.signals.deliveries.wait(timeout: .milliseconds(500))
                continue
            }
            await withTaskGroup(of: Void.self) { group in
                for delivery in batch {
                    group.addTask { await send(delivery) }
                }
            }
        }
    }

    private func send(_ delivery: Delivery) async {
        guard let sender else {
            await service.delivered(delivery.id, wamid: "wamid.sandbox.\(delivery.id)")
            return
        }
        switch await sender.send(delivery) {
        case .accepted(let wamid):
            await service.delivered(delivery.id, wamid: wamid)
        case .failed(let error, let retryAfter):
            let retryAt = retryAfter.map { SystemClock().now + Span(milliseconds: Int64($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000)) }
            logger.info("delivery attempt failed", metadata: ["id": "\(delivery.id)", "attempt": "\(delivery.attempts)", "error": "\(error)"])
            await service.deliveryFailed(delivery, error: error, retryAt: retryAt)
            if retryAt != nil { service.signals.deliveries.signal() }
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
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: period) }
        }
    }
}
