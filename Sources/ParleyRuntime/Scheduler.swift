import HeapModule
import ParleyJSON
import ParleyPolicy

/// Work that falls due at an instant. Kept in the store (but for automations, which the
/// scripts define anew at each start), so it survives a restart.
public enum DueWork: Codable, Sendable, Equatable {
    /// Send an outbox message whose pacing slot has come.
    case dispatch(OutboxEntry)
    /// A script's `schedule(conv, delay, name, data)`.
    case timer(script: String, contact: ContactID, name: String, data: JSONValue)
    /// Tell the owning bot the window is about to close.
    case windowClosing(contact: ContactID, generation: Int)
    case automation(name: String)
    /// A restriction on business-initiated messaging comes to its end.
    case liftRestriction
    /// Automations' `on_account` hear of an event (a budget warning), once the call that
    /// caused it has returned.
    case tellAccount(event: JSONValue)
}

/// The agenda's heap: a priority queue of due work. Items run in time order, and items
/// due at the same instant in the order they were added, so a run is deterministic.
struct Scheduler {
    private struct Item: Comparable {
        let at: Instant
        let sequence: Int
        /// The store's key for the item; 0 for items not kept.
        let key: Int64
        let work: DueWork

        static func < (a: Item, b: Item) -> Bool { (a.at, a.sequence) < (b.at, b.sequence) }
        static func == (a: Item, b: Item) -> Bool { a.at == b.at && a.sequence == b.sequence }
    }

    private var heap = Heap<Item>()
    private var sequence = 0
    /// Timers waiting, per conversation: what bounds a conversation's timers.
    private var timersWaiting: [ContactID: Int] = [:]

    mutating func add(_ work: DueWork, at instant: Instant, key: Int64) {
        sequence += 1
        heap.insert(Item(at: instant, sequence: sequence, key: key, work: work))
        if case .timer(_, let contact, _, _) = work { timersWaiting[contact, default: 0] += 1 }
    }

    /// The earliest item due at or before `limit`, removed from the agenda.
    mutating func next(dueBy limit: Instant) -> (at: Instant, key: Int64, work: DueWork)? {
        guard let top = heap.min, top.at <= limit else { return nil }
        _ = heap.removeMin()
        if case .timer(_, let contact, _, _) = top.work {
            let left = (timersWaiting[contact] ?? 1) - 1
            timersWaiting[contact] = left > 0 ? left : nil
        }
        return (top.at, top.key, top.work)
    }

    /// Takes every timer of bot `script` for `contact` off the agenda; returns their store
    /// keys. Linear in the agenda: it runs only when a bot has failed.
    mutating func removeTimers(of script: String, for contact: ContactID) -> [Int64] {
        guard timers(for: contact) > 0 else { return [] }
        var kept: [Item] = []
        var removed: [Int64] = []
        for item in heap.unordered {
            if case .timer(script, contact, _, _) = item.work {
                removed.append(item.key)
            } else {
                kept.append(item)
            }
        }
        heap = Heap(kept)
        let left = timers(for: contact) - removed.count
        timersWaiting[contact] = left > 0 ? left : nil
        return removed
    }

    /// How many timers wait for `contact`.
    func timers(for contact: ContactID) -> Int { timersWaiting[contact] ?? 0 }

    var count: Int { heap.count }

    /// Every item's work, in no order.
    var works: [DueWork] { heap.unordered.map(\.work) }

    /// When the next item falls due, if any.
    var nextDue: Instant? { heap.min?.at }
}
