import ParleyPolicy
import Synchronization
import ParleyRuntime
import ParleyStorage

/// The live channel: an allowed message enters the durable delivery queue, in the same
/// transaction as the decision that let it go. The sender takes it from there.
///
/// Inside an event (`RuntimeService.event`), a message the sender has room for is queued
/// already taken, and handed to the sender when the event commits: no transaction of the
/// sender's own takes it. A rolled-back event hands nothing over, and frees its slots.
final class DeliveryChannel: Channel {
    unowned let store: SQLiteStore
    let clock: any Clock
    let receipts: ReadReceipts
    let handOff: SenderHandOff
    /// How long an attempt is leased: as long as the sender's own takes lease one.
    let lease: Span
    /// Called after a delivery is queued or handed over, to wake the sender.
    var onQueued: () -> Void = {}
    /// Hears each delivery an event queues, before it commits: the metrics' reply latency.
    var onDeliver: (String) -> Void = { _ in }
    /// The deliveries the event now running queued taken; nil outside an event.
    private var handing: [Delivery]?

    init(store: SQLiteStore, clock: any Clock, receipts: ReadReceipts, handOff: SenderHandOff, lease: Span) {
        self.store = store
        self.clock = clock
        self.receipts = receipts
        self.handOff = handOff
        self.lease = lease
    }

    func deliver(_ dispatch: Dispatch) throws {
        onDeliver(dispatch.id)
        if handing != nil, handOff.reserve() {
            let taken: Delivery?
            do {
                taken = try store.enqueueTakenDelivery(dispatch, at: clock.now, lease: lease)
            } catch {
                handOff.release(1)
                throw error
            }
            if let taken { handing!.append(taken) } else { handOff.release(1) }
            return
        }
        try store.enqueueDelivery(dispatch, at: clock.now)
        handOff.noteQueueMayHaveDue()
        onQueued()
    }

    /// An event starts: what it queues may be handed over when it commits.
    func eventStarted() { handing = [] }

    /// The event ended: committed, its deliveries go to the sender; rolled back, their
    /// rows are gone and their slots are given back.
    func eventEnded(committed: Bool) {
        guard let handed = handing else { return }
        handing = nil
        if !committed {
            handOff.release(handed.count)
        } else if !handed.isEmpty {
            handOff.hand(handed)
            onQueued()
        }
    }

    func markRead(_ receipt: ReadReceipt) {
        guard receipt.messageID != nil else { return }
        receipts.add(receipt)
        onQueued()
    }
}

/// Read receipts waiting for the sender, in memory: a receipt is best effort, and not worth
/// a row. The sender posts them before the deliveries it takes in the same turn.
final class ReadReceipts: Sendable {
    private let waiting = Mutex<[ReadReceipt]>([])

    func add(_ receipt: ReadReceipt) { waiting.withLock { $0.append(receipt) } }

    func takeAll() -> [ReadReceipt] {
        waiting.withLock { taken in
            defer { taken.removeAll() }
            return taken
        }
    }
}
