import Foundation
import ParleyRuntime
import Synchronization

/// What the console shows live: the transcript records the runtime keeps, by contact, and
/// the open live-update streams to tell of each new one. Fed by `RuntimeService.keep`, so it
/// holds only what happened since this process started (the audit trail, in the database,
/// holds every decision from before); bounded per contact, in contacts and in records all
/// told, so a flood of new numbers cannot grow it without end.
final class ConsoleFeed: Sendable {
    /// A record arrived about `contact` (nil when it is about no one contact: a template's
    /// status): a page showing it, or the queue, should refresh.
    struct Change: Sendable, Equatable {
        let contact: String?
        let type: String
    }

    private struct State {
        var records: [String: [TranscriptRecord]] = [:]
        /// Records held, all contacts together.
        var total = 0
        var streams: [UUID: (owner: String, continuation: AsyncStream<Change>.Continuation)] = [:]
    }

    private let state = Mutex(State())
    let perContact: Int
    let maxContacts: Int
    let maxRecords: Int

    init(perContact: Int = 300, maxContacts: Int = 5_000, maxRecords: Int = 50_000) {
        self.perContact = perContact
        self.maxContacts = maxContacts
        self.maxRecords = maxRecords
    }

    /// The contact a record is about: who wrote (`from`), who was written to (`to`), or whose
    /// consent changed (`contact`).
    static func contact(of record: TranscriptRecord) -> String? {
        for key in ["from", "to", "contact"] {
            if let value = record[key]?.stringValue { return value }
        }
        return nil
    }

    func add(_ record: TranscriptRecord) {
        let contact = Self.contact(of: record)
        let streams: [AsyncStream<Change>.Continuation] = state.withLock { state in
            if let contact {
                state.records[contact, default: []].append(record)
                state.total += 1
                // Trimmed a quarter past the bound: one shift per perContact/4 records.
                if let count = state.records[contact]?.count, count > perContact + perContact / 4 {
                    state.records[contact]!.removeFirst(count - perContact)
                    state.total -= count - perContact
                }
                if state.records.count > maxContacts || state.total > maxRecords { evict(&state) }
            }
            return state.streams.values.map(\.continuation)
        }
        for stream in streams { stream.yield(Change(contact: contact, type: record.type)) }
    }

    /// Drops contacts until half of each bound is free: those with a person last, and of the
    /// rest those quiet longest first. A conversation waiting for an agent is quiet too, and
    /// is the one an agent opens. A sort now and then, instead of bookkeeping on every record.
    private func evict(_ state: inout State) {
        let order = state.records.map { (contact: $0.key, person: Self.withPerson($0.value), last: $0.value.last?.at.millisecondsSinceEpoch ?? 0) }
            .sorted { ($0.person ? 1 : 0, $0.last) < ($1.person ? 1 : 0, $1.last) }
        for (contact, _, _) in order {
            guard state.records.count > maxContacts / 2 || state.total > maxRecords / 2 else { break }
            state.total -= state.records.removeValue(forKey: contact)?.count ?? 0
        }
    }

    /// Whether the conversation was last handed to a person (escalated or claimed, and not
    /// released or ended since).
    static func withPerson(_ records: [TranscriptRecord]) -> Bool {
        for record in records.reversed() {
            switch record.type {
            case "escalated", "claimed": return true
            case "released", "session_ended", "handed_off": return false
            default: continue
            }
        }
        return false
    }

    /// The records about `contact` (under any of the names given) since this process started,
    /// oldest first, at most `perContact` of them.
    func records(of contacts: [String]) -> [TranscriptRecord] {
        state.withLock { state in
            contacts.flatMap { state.records[$0] ?? [] }.sorted { $0.at < $1.at }.suffix(perContact).map { $0 }
        }
    }

    /// The `type` of the change a subscription's heartbeat yields: no record, a write that
    /// finds out whether the reader is still there.
    static let heartbeat = "heartbeat"

    /// One open stream: the changes, and how to end it.
    struct Subscription: Sendable {
        let stream: AsyncStream<Change>
        let continuation: AsyncStream<Change>.Continuation
        let pulse: Task<Void, Never>

        func end() {
            continuation.finish()
            pulse.cancel()
        }
    }

    /// How many streams one session may hold open: a page per tab, not the whole allowance.
    static let streamsPerOwner = 4

    /// A stream of changes from now on, with a heartbeat every `every`, for `owner` (a
    /// session); nil when `maxStreams` are open already, or `streamsPerOwner` of the owner's.
    /// The reader ends it (`end()`), or it ends when the reader goes.
    func subscribe(maxStreams: Int, owner: String, heartbeat every: Duration = .seconds(15)) -> Subscription? {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Change>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let admitted = state.withLock { state in
            guard state.streams.count < maxStreams, state.streams.values.filter({ $0.owner == owner }).count < Self.streamsPerOwner else { return false }
            state.streams[id] = (owner, continuation)
            return true
        }
        guard admitted else { return nil }
        let pulse = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: every)
                continuation.yield(Change(contact: nil, type: Self.heartbeat))
            }
        }
        continuation.onTermination = { [weak self] _ in
            pulse.cancel()
            self?.state.withLock { _ = $0.streams.removeValue(forKey: id) }
        }
        return Subscription(stream: stream, continuation: continuation, pulse: pulse)
    }

    var openStreams: Int { state.withLock { $0.streams.count } }
}
