import ParleyPolicy
import Synchronization
import ParleyRuntime
import ParleyStorage

/// The live channel: an allowed message enters the durable delivery queue, in the same
/// transaction as the decision that let it go. The sender takes it from there.
final class DeliveryChannel: Channel {
    unowned let store: SQLiteStore
    let clock: any Clock
    let receipts: ReadReceipts
    /// Called after a delivery is queued, to wake the sender.
    var onQueued: () -> Void = {}

    init(store: SQLiteStore, clock: any Clock, receipts: ReadReceipts) {
        self.store = store
        self.clock = clock
        self.receipts = receipts
    }

    func deliver(_ dispatch: Dispatch) throws {
        try store.enqueueDelivery(dispatch, at: clock.now)
        onQueued()
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
