import ParleyPolicy
import ParleyRuntime
import ParleyStorage

/// The live channel: an allowed message enters the durable delivery queue, in the same
/// transaction as the decision that let it go. The sender takes it from there.
final class DeliveryChannel: Channel {
    unowned let store: SQLiteStore
    let clock: any Clock
    /// Called after a delivery is queued, to wake the sender.
    var onQueued: () -> Void = {}

    init(store: SQLiteStore, clock: any Clock) {
        self.store = store
        self.clock = clock
    }

    func deliver(_ dispatch: Dispatch) throws {
        try store.enqueueDelivery(dispatch, at: clock.now)
        onQueued()
    }
}
