import HeapModule
import ParleyJSON
import ParleyPolicy

/// Work that falls due at an instant.
enum DueWork: Sendable, Equatable {
    /// Send an outbox message whose pacing slot has come.
    case dispatch(sequence: Int)
    /// A script's `schedule(conv, delay, name, data)`.
    case timer(script: String, contact: ContactID, name: String, data: JSONValue)
    /// Tell the owning bot the window is about to close.
    case windowClosing(contact: ContactID, generation: Int)
    case automation(name: String)
}

/// The runtime's agenda: a priority queue of due work. Items run in time order, and
/// items due at the same instant in the order they were added, so a run is deterministic.
struct Scheduler {
    private struct Item: Comparable {
        let at: Instant
        let sequence: Int
        let work: DueWork

        static func < (a: Item, b: Item) -> Bool { (a.at, a.sequence) < (b.at, b.sequence) }
        static func == (a: Item, b: Item) -> Bool { a.at == b.at && a.sequence == b.sequence }
    }

    private var heap = Heap<Item>()
    private var sequence = 0

    mutating func add(_ work: DueWork, at instant: Instant) {
        sequence += 1
        heap.insert(Item(at: instant, sequence: sequence, work: work))
    }

    /// The earliest item due at or before `limit`, removed from the agenda.
    mutating func next(dueBy limit: Instant) -> (at: Instant, work: DueWork)? {
        guard let top = heap.min, top.at <= limit else { return nil }
        _ = heap.removeMin()
        return (top.at, top.work)
    }

    var count: Int { heap.count }
}
