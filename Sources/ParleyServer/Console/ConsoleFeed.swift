import Foundation
import ParleyRuntime
import Synchronization

/// What the console shows live: the transcript records the runtime keeps, by contact, and
/// the open live-update streams to tell of each new one. Fed by `RuntimeService.keep`, so it
/// holds only what happened since this process started (the audit trail, in the database,
/// holds every decision from before); bounded per contact and in contacts.
final class ConsoleFeed: Sendable {
    /// A record arrived about `contact` (nil when it is about no one contact: a template's
    /// status): a page showing it, or the queue, should refresh.
    struct Change: Sendable, Equatable {
        let contact: String?
        let type: String
    }

    private struct State {
        var records: [String: [TranscriptRecord]] = [:]
        /// Contacts in the order first seen, to drop the stalest when there are too many.
        var order: [String] = []
        var streams: [UUID: AsyncStream<Change>.Continuation] = [:]
    }

    private let state = Mutex(State())
    let perContact: Int
    let maxContacts: Int

    init(perContact: Int = 300, maxContacts: Int = 5_000) {
        self.perContact = perContact
        self.maxContacts = maxContacts
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
                if state.records[contact] == nil {
                    if state.records.count >= maxContacts {
                        // Too many: the half first seen longest ago go.
                        let stale = state.order.prefix(maxContacts / 2)
                        for name in stale { state.records[name] = nil }
                        state.order.removeFirst(stale.count)
                    }
                    state.order.append(contact)
                }
                state.records[contact, default: []].append(record)
                if state.records[contact]!.count > 2 * perContact { state.records[contact]!.removeFirst(perContact) }
            }
            return Array(state.streams.values)
        }
        for stream in streams { stream.yield(Change(contact: contact, type: record.type)) }
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

    /// A stream of changes from now on, with a heartbeat every `every`; nil when `maxStreams`
    /// are open already. The reader ends it (`end()`), or it ends when the reader goes.
    func subscribe(maxStreams: Int, heartbeat every: Duration = .seconds(15)) -> Subscription? {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Change>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let admitted = state.withLock { state in
            guard state.streams.count < maxStreams else { return false }
            state.streams[id] = continuation
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
