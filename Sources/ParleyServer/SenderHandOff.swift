import ParleyStorage
import Synchronization

/// What the runtime and the sender share: the sender's room (attempts in flight, up to
/// `capacity`), the deliveries the runtime handed it, and whether the queue may hold due
/// deliveries nobody handed it.
///
/// A delivery the runtime queues while the sender has room is queued already taken for its
/// first attempt and handed over when its transaction commits: the sender starts it without
/// a transaction of its own to take it. Without room it is queued as `pending`, and the
/// sender takes it from the queue when it has room again.
final class SenderHandOff: Sendable {
    let capacity: Int

    private struct State {
        /// Attempts in flight, handed over and not started, or reserved by a transaction
        /// not yet ended: never more than `capacity`.
        var busy = 0
        var handed: [Delivery] = []
        /// The queue may hold deliveries due now that nobody handed over: queued without
        /// room, left by the last process, or retries whose time came. Only the sender clears it.
        var queueMayHaveDue = true
        /// False once a stopping sender starts no more first attempts.
        var accepting = true
        /// Outcomes of attempts that ended, not yet recorded.
        var outcomes: [DeliveryOutcome] = []
        /// The sender is stopping: every outcome wakes it, so it stops as soon as it may.
        var stopping = false
    }

    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    /// Takes one slot for a delivery being queued in a transaction; false when there is none.
    func reserve() -> Bool {
        state.withLock { state in
            guard state.accepting, state.busy < capacity else { return false }
            state.busy += 1
            return true
        }
    }

    /// Takes every free slot, for the sender's own take from the queue; returns how many.
    func reserveAll() -> Int {
        state.withLock { state in
            let free = max(capacity - state.busy, 0)
            state.busy += free
            return free
        }
    }

    /// Gives back slots: an attempt finished, a reservation rolled back or went unused.
    func release(_ count: Int) {
        guard count > 0 else { return }
        state.withLock { $0.busy -= count }
    }

    /// An attempt ended: its slot is free, and its outcome waits to be recorded. Returns
    /// whether to wake the sender for it: news for the runtime (a failure, a hold) is
    /// recorded at once, and a freed slot may let the sender take what waits in the queue.
    /// A plain acceptance waits for the next event, which records it in its own transaction
    /// (`takeAcceptances`), so it costs no commit of its own; the sender records what no
    /// event took when it next wakes (at the latest, after `DeliveryWorker.lookInterval`).
    func finish(_ outcome: DeliveryOutcome) -> Bool {
        state.withLock { state in
            state.outcomes.append(outcome)
            state.busy -= 1
            return state.stopping || state.queueMayHaveDue || !outcome.isPlainAcceptance
        }
    }

    /// The plain acceptances waiting: for an event to record in its transaction.
    func takeAcceptances() -> [DeliveryOutcome] {
        state.withLock { state in
            guard state.outcomes.contains(where: \.isPlainAcceptance) else { return [] }
            let plain = state.outcomes.filter(\.isPlainAcceptance)
            state.outcomes.removeAll(where: \.isPlainAcceptance)
            return plain
        }
    }

    /// Every outcome waiting: for the sender to record.
    func takeOutcomes() -> [DeliveryOutcome] {
        state.withLock { state in
            defer { state.outcomes.removeAll() }
            return state.outcomes
        }
    }

    /// Outcomes taken by an event that rolled back: the next records them.
    func putBack(_ outcomes: [DeliveryOutcome]) {
        guard !outcomes.isEmpty else { return }
        state.withLock { $0.outcomes = outcomes + $0.outcomes }
    }

    /// Outcomes wait that are news for the runtime, not plain acceptances.
    var newsWaiting: Bool { state.withLock { $0.outcomes.contains { !$0.isPlainAcceptance } } }

    /// The deliveries a committed transaction queued taken; their slots are reserved.
    func hand(_ deliveries: [Delivery]) {
        state.withLock { $0.handed += deliveries }
    }

    func takeHanded() -> [Delivery] {
        state.withLock { state in
            defer { state.handed.removeAll() }
            return state.handed
        }
    }

    /// A delivery was queued `pending`, or a retry may have come due: the sender looks in the queue.
    func noteQueueMayHaveDue() {
        state.withLock { $0.queueMayHaveDue = true }
    }

    /// Whether the sender should look in the queue, clearing the mark: what is queued after
    /// this call marks it again.
    func takeQueueMayHaveDue() -> Bool {
        state.withLock { state in
            defer { state.queueMayHaveDue = false }
            return state.queueMayHaveDue
        }
    }

    /// The sender is stopping: it hears of every outcome.
    func beginStopping() {
        state.withLock { $0.stopping = true }
    }

    /// A stopping sender starts no more first attempts: nothing more is handed to it.
    func stopAccepting() {
        state.withLock { $0.accepting = false }
    }

    /// Nothing in flight, handed or reserved, and no outcome left to record.
    var isIdle: Bool { state.withLock { $0.busy == 0 && $0.outcomes.isEmpty } }
}
