import ParleyPolicy

/// What the runtime keeps in memory beside the store: the agenda's heap and the limit
/// ledger, both indexes of what the store holds, and the pacer's slots, which no store
/// holds (they only matter for the next minutes, and start empty after a restart).
///
/// One value of values, so `Runtime.transaction` can keep a copy and put it back.
struct RuntimeMemory {
    var agenda = Scheduler()
    var pacer: Pacer
    var ledger: MessagingLimitLedger
    /// Paced messages waiting, per contact: what the pacer's per-contact bound counts.
    var waiting: [ContactID: Int] = [:]
    /// Limit counts added since the store last forgot old ones.
    var countsSincePrune = 0

    /// Built from `store`: its agenda, and its limit counts that still count at `now`.
    init(from store: any Store, config: RuntimeConfig, at now: Instant) throws {
        pacer = Pacer(config.policy.pacing)
        ledger = MessagingLimitLedger(window: config.policy.limitWindow)
        for item in try store.agendaItems() {
            agenda.add(item.work, at: item.at, key: item.key)
            if case .dispatch(let entry) = item.work { waiting[entry.contact, default: 0] += 1 }
        }
        for count in try store.limitCounts(after: now - ledger.window) {
            _ = ledger.reserve(count.contact, limit: nil, at: count.at)
        }
    }
}
