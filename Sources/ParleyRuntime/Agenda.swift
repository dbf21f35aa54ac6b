import ParleyPolicy

/// The runtime's agenda: what falls due when, in memory for speed and in the store so it
/// survives a restart. Automations' runs are the exception: the scripts define them anew at
/// each start, so they are kept here only, in `automations` as well as in the heap.
///
/// The heap is an index of the store's rows: when a transaction fails, `rebuild` reads it
/// again from the store, rather than every transaction keeping a copy of it.
final class Agenda {
    private unowned(unsafe) let store: any Store
    private(set) var heap = Scheduler()
    /// When each automation runs next.
    private(set) var automations: [String: Instant] = [:]

    init(store: any Store) throws {
        self.store = store
        try rebuild(automations: [:])
    }

    /// The heap from the store's rows, and `automations`, which no store holds.
    func rebuild(automations: [String: Instant]) throws {
        var heap = Scheduler()
        for item in try store.agendaItems() { heap.add(item.work, at: item.at, key: item.key) }
        for (name, at) in automations.sorted(by: { $0.key < $1.key }) { heap.add(.automation(name: name), at: at, key: 0) }
        self.heap = heap
        self.automations = automations
    }

    /// Puts work on the agenda.
    func add(_ work: DueWork, at instant: Instant) throws {
        var key: Int64 = 0
        if case .automation(let name) = work {
            automations[name] = instant
        } else {
            key = try store.addAgendaItem(work, at: instant)
        }
        heap.add(work, at: instant, key: key)
    }

    /// The earliest item due at or before `limit`, taken off the agenda.
    func next(dueBy limit: Instant) throws -> (at: Instant, work: DueWork)? {
        guard let item = heap.next(dueBy: limit) else { return nil }
        if item.key != 0 { try store.removeAgendaItem(item.key) }
        if case .automation(let name) = item.work { automations[name] = nil }
        return (item.at, item.work)
    }

    /// Takes every timer of bot `script` for `contact` off the agenda.
    func removeTimers(of script: String, for contact: ContactID) throws {
        for key in heap.removeTimers(of: script, for: contact) where key != 0 { try store.removeAgendaItem(key) }
    }

    /// Paced messages waiting for each contact, from the store's agenda.
    var waitingDispatches: [ContactID: Int] {
        var waiting: [ContactID: Int] = [:]
        for work in heap.works { if case .dispatch(let entry) = work { waiting[entry.contact, default: 0] += 1 } }
        return waiting
    }

    func timers(for contact: ContactID) -> Int { heap.timers(for: contact) }
    var count: Int { heap.count }
    var nextDue: Instant? { heap.nextDue }
}
