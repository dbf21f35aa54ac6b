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
}

/// The runtime's agenda: a priority queue of due work. Items run in time order, and
/// items due at the same instant in the order they were added, so a run is deterministic.
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

    mutating func add(_ work: DueWork, at instant: Instant, key: Int64) {
        sequence += 1
        heap.insert(Item(at: instant, sequence: sequence, key: key, work: work))
    }

    /// The earliest item due at or before `limit`, removed from the agenda.
    mutating func next(dueBy limit: Instant) -> (at: Instant, key: Int64, work: DueWork)? {
        guard let top = heap.min, top.at <= limit else { return nil }
        _ = heap.removeMin()
        return (top.at, top.key, top.work)
    }

    var count: Int { heap.count }

    /// When the next item falls due, if any.
    var nextDue: Instant? { heap.min?.at }
}
