import Foundation
import GRDB
import ParleyPolicy
import Synchronization

/// Group commit for the webhook inbox: bodies that arrive while a commit is running wait for
/// the next one, and share it. Each body is still committed before its caller hears its id
/// (and before the platform hears its 200); what is saved is a transaction per body when
/// many arrive at once, and the writer's thread is woken once per batch, not per body.
///
/// A body that finds no commit running is committed on its caller's thread, as the runtime's
/// own store commits: no hop to the writer's thread and back, which at a steady rate is most
/// bodies. Only that one caller's thread waits on the file at a time: bodies that arrive
/// meanwhile wait suspended, and the writer's thread commits them.
extension WebhookInbox {
    struct Arrival {
        let body: [UInt8]
        let at: Instant
        let done: CheckedContinuation<Int64, any Error>
    }

    /// Bodies waiting for a commit, and whether the writer is committing.
    struct Arrivals {
        var waiting: [Arrival] = []
        var committing = false
    }

    /// Keeps a body; returns its place in the inbox once it is committed.
    public func accept(_ body: [UInt8], at now: Instant) async throws -> Int64 {
        let first = arrivals.withLock { state in
            defer { state.committing = true }
            return !state.committing
        }
        guard first else {
            return try await withCheckedThrowingContinuation { done in
                let late = arrivals.withLock { state in
                    // The commit running may have ended meanwhile: then this body starts the next.
                    defer { state.committing = true }
                    state.waiting.append(Arrival(body: body, at: now, done: done))
                    return !state.committing
                }
                if late { commitOnWriter() }
            }
        }
        let id = keep([body], at: now)[0]
        let others = arrivals.withLock { state in
            if state.waiting.isEmpty { state.committing = false }
            return !state.waiting.isEmpty
        }
        if others { commitOnWriter() }
        return try id.get()
    }

    private func commitOnWriter() {
        queue.asyncWriteWithoutTransaction { db in self.commitArrivals(db) }
    }

    /// On the writer: commits the bodies waiting, batch after batch, until none wait.
    private func commitArrivals(_ db: Database) {
        while true {
            let batch = arrivals.withLock { state in
                defer { state.waiting.removeAll(keepingCapacity: true) }
                if state.waiting.isEmpty { state.committing = false }
                return state.waiting
            }
            if batch.isEmpty { return }
            let ids = keep(batch.map { ($0.body, $0.at) }, in: db)
            for (arrival, id) in zip(batch, ids) { arrival.done.resume(with: id) }
        }
    }

    /// Keeps `bodies` in one transaction. Should it fail, each is tried in a transaction of
    /// its own, so that a body that cannot be kept fails alone and the others are kept.
    /// What was kept is remembered for `pending`.
    func keep(_ bodies: [(body: [UInt8], at: Instant)], in db: Database) -> [Result<Int64, any Error>] {
        let ids = commit(bodies, in: db)
        remember(bodies.map(\.body), ids)
        return ids
    }

    private func commit(_ bodies: [(body: [UInt8], at: Instant)], in db: Database) -> [Result<Int64, any Error>] {
        do {
            var ids: [Int64] = []
            try db.inTransaction {
                ids = try bodies.map { try insert($0.body, at: $0.at, db) }
                return .commit
            }
            return ids.map { .success($0) }
        } catch where bodies.count > 1 {
            return bodies.map { body in
                Result {
                    var id: Int64 = 0
                    try db.inTransaction {
                        id = try insert(body.body, at: body.at, db)
                        return .commit
                    }
                    return id
                }
            }
        } catch {
            return [.failure(error)]
        }
    }

    /// Bodies committed, for the runtime to take from memory. Called on the writer's
    /// connection, before the next commit may start, so ids arrive in order.
    private func remember(_ bodies: [[UInt8]], _ ids: [Result<Int64, any Error>]) {
        let committed = zip(ids, bodies).compactMap { id, body in (try? id.get()).map { (id: $0, body: body) } }
        recent.withLock { $0.kept(committed) }
    }

    private func insert(_ body: [UInt8], at now: Instant, _ db: Database) throws -> Int64 {
        try db.executeCached(sql: "INSERT INTO inbox (received_at, body) VALUES (?, ?)", arguments: [now.millisecondsSinceEpoch, Data(body)])
        return db.lastInsertedRowID
    }

    /// Keeps `bodies` in one transaction on the caller's thread.
    func keep(_ bodies: [[UInt8]], at now: Instant) -> [Result<Int64, any Error>] {
        queue.writeWithoutTransaction { db in keep(bodies.map { ($0, now) }, in: db) }
    }
}
