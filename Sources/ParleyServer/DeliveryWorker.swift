import Foundation
import Logging
import ParleyCloudAPI
import ParleyGraphAPI
import ParleyPolicy
import ParleyRuntime
import ParleyStorage
import ServiceLifecycle
import Synchronization

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
            // An attempt needs no task: its request leaves from this thread, and its outcome
            // comes back on the HTTP client's event loop.
            func start(_ deliveries: [Delivery]) {
                for delivery in deliveries {
                    attempt(delivery) { outcome in
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

    /// Starts one attempt; `finish` hears its outcome, on the HTTP client's event loop.
    private func attempt(_ delivery: Delivery, then done: @escaping @Sendable (DeliveryOutcome) -> Void) {
        let metrics = service.metrics
        let finish: @Sendable (DeliveryOutcome) -> Void = { outcome in
            metrics.observe(outcome)
            done(outcome)
        }
        guard let sender else { return finish(.accepted(id: delivery.id, wamid: "wamid.sandbox.\(delivery.id)")) }
        let dispatch = delivery.dispatch
        let request: MessageRequest
        do {
            request = try MessageRequest(to: dispatch.to, message: dispatch.message, template: dispatch.template, callbackData: dispatch.id,
                                         marketingEndpoint: service.settings.cloudAPI.marketingMessages)
        } catch {
            let invalid = GraphAPIError(code: 131009, title: "Parameter value is not valid", message: error.detail)
            return finish(.failed(delivery, invalid, retryAt: nil))
        }
        sender.send(request, idempotencyKey: dispatch.id, attempt: delivery.attempts) { sent in
            finish(outcome(of: sent, for: delivery))
        }
    }

    private func outcome(of sent: MessageSender.Outcome, for delivery: Delivery) -> DeliveryOutcome {
        switch sent {
        case .accepted(let wamid, let held):
            service.senderProblem.withLock { if $0 != nil { $0 = nil } }
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
