import ParleyPolicy

/// What lets a store in memory answer `conversations{...}` without reading every
/// conversation: who owns which, and when each last wrote, in time order.
struct ConversationIndex {
    /// Built at the first query; kept up from then on.
    var isBuilt = false
    var byOwner: [Owner: Set<ContactID>] = [:]
    /// Each conversation's last inbound as it was set, in time order. An entry is current
    /// while the conversation's last inbound is still that instant; stale ones are dropped
    /// when they outnumber the current.
    var byLastInbound: [(at: Instant, contact: ContactID)] = []
    var inTimeOrder = true
    var current = 0

    mutating func changed(_ contact: ContactID, owner: (old: Owner?, new: Owner), lastInbound: (old: Instant?, new: Instant?)) {
        if owner.old != owner.new {
            if let old = owner.old { byOwner[old]?.remove(contact) }
            byOwner[owner.new, default: []].insert(contact)
        }
        if lastInbound.old != lastInbound.new, let at = lastInbound.new {
            if let last = byLastInbound.last, at < last.at { inTimeOrder = false }
            byLastInbound.append((at, contact))
            if lastInbound.old == nil { current += 1 }
        }
    }
}

extension InMemoryStore {
    /// Answers from the smaller of the owner's set and the range of last inbound times the
    /// query asks for, so the cost follows the answer, not the number of contacts.
    public func conversations(matching query: ConversationQuery) -> [Conversation] {
        buildIndex()
        // The owner's set is only copied out when it is the smaller: it may hold every contact.
        let owned = query.owner.map { index.byOwner[$0] ?? [] }
        var candidates: [ContactID]?
        if let after = query.lastInboundAfter, !query.orNever {
            let recent = contactsWriting(after: after, atOrBefore: query.lastInboundAtOrBefore)
            if owned == nil || recent.count < owned!.count { candidates = recent }
        }
        if candidates == nil, let owned { candidates = Array(owned) }
        let found: [Conversation]
        if let candidates {
            found = candidates.compactMap { conversation($0) }.filter(query.includes)
        } else {
            found = allConversations.filter(query.includes)
        }
        return found.sorted { $0.contact < $1.contact }
    }

    /// Contacts whose last inbound is later than `after` (and at or before `atOrBefore`),
    /// each once: an hourly `closing_within` reads one hour's writers, not a day's.
    private func contactsWriting(after: Instant, atOrBefore: Instant?) -> [ContactID] {
        compactIndex()
        let log = index.byLastInbound
        let first = firstEntry(in: log, laterThan: after)
        let end = atOrBefore.map { firstEntry(in: log, laterThan: $0) } ?? log.count
        guard first < end else { return [] }
        var seen = Set<ContactID>()
        return log[first..<end].compactMap { entry in
            conversation(entry.contact)?.lastInbound == entry.at && seen.insert(entry.contact).inserted ? entry.contact : nil
        }
    }

    /// The index of the first entry of the time-ordered `log` later than `instant`.
    private func firstEntry(in log: [(at: Instant, contact: ContactID)], laterThan instant: Instant) -> Int {
        var low = 0, high = log.count
        while low < high {
            let mid = (low + high) / 2
            if log[mid].at <= instant { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
