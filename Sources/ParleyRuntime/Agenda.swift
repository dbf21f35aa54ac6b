import ParleyPolicy

/// The runtime's agenda: what falls due when, in memory for speed and in the store so it
/// survives a restart (but for automations' runs, which the scripts define anew at each
/// start). The heap is an index of the store's rows; `Runtime.transaction` puts it back
/// when the store rolls back.
final class Agenda {
    private unowned let store: any Store
    /// The heap: a value, so a transaction can keep a copy.
    var heap = Scheduler()

    init(store: any Store) throws {
        self.store = store
        for item in try store.agendaItems() { heap.add(item.work, at: item.at, key: item.key) }
    }

    /// Puts work on the agenda.
    func add(_ work: DueWork, at instant: Instant) throws {
        var key: Int64 = 0
        if case .automation = work {} else { key = try store.addAgendaItem(work, at: instant) }
        heap.add(work, at: instant, key: key)
    }

    /// The earliest item due at or before `limit`, taken off the agenda.
    func next(dueBy limit: Instant) throws -> (at: Instant, work: DueWork)? {
        guard let item = heap.next(dueBy: limit) else { return nil }
        if item.key != 0 { try store.removeAgendaItem(item.key) }
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
