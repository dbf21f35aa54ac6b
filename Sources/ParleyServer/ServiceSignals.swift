import Synchronization

/// Wake-up calls between the parts of a running server, and the progress they make: a
/// worker waits on its wake-up, or a timeout, whichever comes first; whoever needs to know
/// how far the work has got (a test, so far) waits on `progress`.
public final class ServiceSignals: Sendable {
    public let inbox = WakeUp()
    public let deliveries = WakeUp()
    public let agenda = WakeUp()
    /// How far the workers have got. Reported by the workers as they go.
    public let progress = Watched(ServiceProgress())
    /// Someone waits for the sender to be idle: its next turn reads the delivery queue,
    /// whether or not anything marked it as holding due deliveries (a retry whose time came).
    let senderLookAsked = Atomic<Bool>(false)
    /// Waits for an idle sender now running: while there are any, the sender records every
    /// outcome as it comes, rather than leaving plain acceptances to the next event.
    private let idleSenderWaits = Atomic<Int>(0)
    var waitingForIdleSender: Bool { idleSenderWaits.load(ordering: .sequentiallyConsistent) > 0 }

    public init() {}

    /// Every inbox body up to `id` has taken effect (or been set aside).
    public func noteInboxProcessed(through id: Int64) {
        progress.update { $0.inboxProcessed = max($0.inboxProcessed, id) }
    }

    /// Waits until every inbox body up to `id` has taken effect (or been set aside); throws
    /// `ProgressTimeout` when that has not happened within `limit`.
    public func waitUntilInboxProcessed(through id: Int64, within limit: Duration = .seconds(60)) async throws {
        try await reach("the inbox processed through \(id)", within: limit) { $0.inboxProcessed >= id }
    }

    /// Waits until the sender, in a turn that began after this call, found nothing in flight
    /// and nothing due: every delivery queued before the call has been tried, and the outcome
    /// recorded (a retry set for later does not count as due). Throws `ProgressTimeout` after
    /// `limit`.
    public func waitUntilSenderIdle(within limit: Duration = .seconds(60)) async throws {
        idleSenderWaits.add(1, ordering: .sequentiallyConsistent)
        defer { idleSenderWaits.subtract(1, ordering: .sequentiallyConsistent) }
        let begun = progress.value.senderTurns
        senderLookAsked.store(true, ordering: .sequentiallyConsistent)  // that turn reads the queue for what came due
        deliveries.signal()  // a turn now, not at the sender's next poll
        try await reach("the sender idle", within: limit) { $0.senderIdleTurn > begun }
    }

    /// Waits until `count` template syncs have finished, successfully or not.
    public func waitUntilTemplateSyncs(_ count: Int, within limit: Duration = .seconds(60)) async throws {
        try await reach("\(count) template sync(s) finished", within: limit) { $0.templateSyncs >= count }
    }

    private func reach(_ mark: String, within limit: Duration, _ condition: @escaping @Sendable (ServiceProgress) -> Bool) async throws {
        guard await progress.wait(until: condition, timeout: limit) == nil else { return }
        throw ProgressTimeout(mark: mark, limit: limit, progress: progress.value)
    }
}

/// How far the workers have got.
public struct ServiceProgress: Sendable, Equatable {
    /// The inbox id through which every body has taken effect (or been set aside).
    public var inboxProcessed: Int64 = 0
    /// Sender turns begun so far, and the last of them that ended with nothing in flight
    /// and nothing due.
    public var senderTurns = 0
    public var senderIdleTurn = 0
    /// Template syncs finished, successfully or not.
    public var templateSyncs = 0

    public init() {}
}

/// A progress mark that was not reached in time: says which, and how far things had got.
public struct ProgressTimeout: Error, CustomStringConvertible {
    public let mark: String
    public let limit: Duration
    public let progress: ServiceProgress

    public var description: String { "\(mark) was not reached within \(limit); progress: \(progress)" }
}

/// Wakes one worker: `signal()` says there is work, and `wait(timeout:)` returns at the next
/// signal, at once when one came since the last wait returned, or after `timeout`. Signals
/// that come while the worker is busy make one wake-up, as its next turn sees all their work.
///
/// It cannot lose a wake-up: signals are counted, and a wait returns once the count passes
/// what the previous successful wait saw. Registering a wait, a signal, a timeout and a
/// cancellation each take the one lock, and the first of them to find the waiter removes
/// and resumes it, so a wait ends exactly once.
///
/// Timeouts are a safety net that almost never fires under load, so a wait does not start
/// a timer of its own (a task and a clock entry per wait, thousands a second): one timer
/// task sleeps until the earliest deadline it knows of and, when it wakes, ends the wait if
/// it is overdue or sleeps on until the deadline of the wait now registered.
public final class WakeUp: Sendable {
    private struct Waiter {
        let continuation: CheckedContinuation<Bool, Never>
        let deadline: ContinuousClock.Instant  // wall-clock ok: a timeout
    }

    private struct State {
        /// Signals sent so far; only grows.
        var sent: UInt64 = 0
        /// The count the last successful wait saw.
        var seen: UInt64 = 0
        var waiter: Waiter?
        /// When the earliest timer task wakes, if one is sleeping.
        var timerUntil: ContinuousClock.Instant?  // wall-clock ok
    }

    private let state = Mutex(State())

    public init() {}

    public func signal() {
        let woken = state.withLock { state -> Waiter? in
            state.sent &+= 1
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            state.seen = state.sent
            return waiter
        }
        woken?.continuation.resume(returning: true)
    }

    /// True when woken by a signal; false after `timeout`, or when the task is cancelled.
    /// For one waiter at a time (each worker has its own).
    @discardableResult
    public func wait(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout  // wall-clock ok
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                register(Waiter(continuation: continuation, deadline: deadline))
            }
        } onCancel: {
            end(ifDueBy: nil)
        }
    }

    private func register(_ waiter: Waiter) {
        enum Registered { case signalled, over, waiting(timerUntil: ContinuousClock.Instant?) }  // wall-clock ok
        let registered = state.withLock { state -> Registered in
            if state.sent > state.seen {
                state.seen = state.sent
                return .signalled
            }
            if Task.isCancelled || waiter.deadline <= .now { return .over }  // wall-clock ok
            state.waiter = waiter
            guard state.timerUntil.map({ waiter.deadline < $0 }) ?? true else { return .waiting(timerUntil: nil) }
            state.timerUntil = waiter.deadline
            return .waiting(timerUntil: waiter.deadline)
        }
        switch registered {
        case .signalled: waiter.continuation.resume(returning: true)
        case .over: waiter.continuation.resume(returning: false)
        case .waiting(let timerUntil): if let timerUntil { startTimer(until: timerUntil) }
        }
    }

    /// Ends the wait registered, if any, when its deadline is at or before `now` (always,
    /// for nil: a cancellation).
    private func end(ifDueBy now: ContinuousClock.Instant?) {  // wall-clock ok
        let ended = state.withLock { state -> Waiter? in
            guard let waiter = state.waiter, now.map({ waiter.deadline <= $0 }) ?? true else { return nil }
            state.waiter = nil
            return waiter
        }
        ended?.continuation.resume(returning: false)
    }

    private func startTimer(until first: ContinuousClock.Instant) {  // wall-clock ok
        Task { [weak self] in
            var until = first
            while true {
                try? await Task.sleep(until: until, clock: .continuous)
                guard let self, let next = self.timerWoke(sleptUntil: until) else { return }
                until = next
            }
        }
    }

    /// A timer woke: ends the wait if it is overdue, and says until when to sleep next, or
    /// nil when no wait needs this timer.
    private func timerWoke(sleptUntil: ContinuousClock.Instant) -> ContinuousClock.Instant? {  // wall-clock ok
        let now = ContinuousClock.now  // wall-clock ok
        end(ifDueBy: now)
        return state.withLock { state in
            if state.timerUntil == sleptUntil { state.timerUntil = nil }
            guard let deadline = state.waiter?.deadline, state.timerUntil.map({ deadline < $0 }) ?? true else { return nil }
            state.timerUntil = deadline
            return deadline
        }
    }
}

/// A value tasks can wait on, until it meets a condition or a timeout passes.
///
/// Why a wait cannot miss a change: checking the condition, suspending, and every way a wait
/// ends (a change that meets the condition, the timeout, the task's cancellation) each happen
/// under the one lock that changes take, and a wait ends in exactly one of them: the first to
/// take the lock removes the waiter and resumes it, the others find it gone. So a change made
/// as a wait times out is in the value for the next wait to see, and a timeout that fires as
/// the condition is met neither resumes a waiter twice nor leaves one that nothing resumes.
/// (The `Signal` this replaces raced a sleep against a wait in two child tasks, and when the
/// sleep won before the wait had suspended, the wait suspended afterwards and outlived its
/// timeout until the next signal.)
public final class Watched<Value: Sendable>: Sendable {
    private enum Phase {
        /// Registered, not yet suspended.
        case starting
        case suspended(CheckedContinuation<Value?, Never>)
        /// Ended before it suspended: the value that met the condition, or nil for a timeout.
        case ended(Value?)
    }

    private struct Waiter {
        let condition: @Sendable (Value) -> Bool
        var phase: Phase
    }

    private struct State {
        var value: Value
        var waiters: [UInt64: Waiter] = [:]
        var lastID: UInt64 = 0
    }

    private let state: Mutex<State>

    public init(_ value: Value) {
        state = Mutex(State(value: value))
    }

    public var value: Value { state.withLock { $0.value } }

    /// Changes the value, and wakes every wait whose condition it now meets.
    @discardableResult
    public func update<Result>(_ change: (inout Value) -> Result) -> Result {
        let (result, woken) = state.withLock { state -> (Result, [(CheckedContinuation<Value?, Never>, Value)]) in
            let result = change(&state.value)
            var woken: [(CheckedContinuation<Value?, Never>, Value)] = []
            for (id, waiter) in state.waiters where waiter.condition(state.value) {
                switch waiter.phase {
                case .starting: state.waiters[id]?.phase = .ended(state.value)
                case .suspended(let continuation):
                    state.waiters[id] = nil
                    woken.append((continuation, state.value))
                case .ended: continue
                }
            }
            return (result, woken)
        }
        for (continuation, value) in woken { continuation.resume(returning: value) }
        return result
    }

    /// Waits until the value meets `condition`, and returns that value; nil when `timeout`
    /// passes first, or the task is cancelled.
    public func wait(until condition: @escaping @Sendable (Value) -> Bool, timeout: Duration) async -> Value? {
        let registered = state.withLock { state -> (met: Value?, id: UInt64) in
            if condition(state.value) { return (state.value, 0) }
            state.lastID += 1
            state.waiters[state.lastID] = Waiter(condition: condition, phase: .starting)
            return (nil, state.lastID)
        }
        if let met = registered.met { return met }
        return await withTaskGroup(of: Void.self) { group in
            // Cancelling the waiting task cancels this child too: its sleep ends at once.
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.end(registered.id)
            }
            let outcome = await suspend(registered.id)
            group.cancelAll()
            return outcome
        }
    }

    private func suspend(_ id: UInt64) async -> Value? {
        await withCheckedContinuation { continuation in
            let ended = state.withLock { state -> Value?? in
                guard case .ended(let outcome)? = state.waiters[id]?.phase else {
                    state.waiters[id]?.phase = .suspended(continuation)
                    return .none
                }
                state.waiters[id] = nil
                return .some(outcome)
            }
            if case .some(let outcome) = ended { continuation.resume(returning: outcome) }
        }
    }

    /// The timeout, or the task's cancellation: ends the wait unless it has ended already.
    private func end(_ id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Value?, Never>? in
            guard let waiter = state.waiters[id] else { return nil }
            switch waiter.phase {
            case .starting:
                state.waiters[id]?.phase = .ended(nil)
                return nil
            case .suspended(let continuation):
                state.waiters[id] = nil
                return continuation
            case .ended:
                return nil
            }
        }
        continuation?.resume(returning: nil)
    }
}
