import Foundation
import GRDB
import ParleyPolicy
import ParleyRuntime

/// A dispatched message on its way to the Cloud API.
public struct Delivery: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        /// Waiting for its first attempt, or for a retry.
        case pending
        /// An attempt started and its outcome is not known: after a crash it is tried again
        /// under the same idempotency key.
        case sending
        /// The platform accepted it (`wamid`); delivery news comes as status webhooks.
        case accepted
        /// The platform accepted it but holds it for a quality assessment (template pacing):
        /// neither sent nor failed, and not tried again, until its status webhook arrives.
        case held
        /// Given up: refused by the platform, or out of attempts.
        case failed
    }

    public let dispatch: Dispatch
    public var state: State
    public var attempts: Int
    public var wamid: String?
    public var error: String?

    public var id: String { dispatch.id }
}

/// The outbound queue, kept with the rest of the state: a message enters it in the same
/// transaction as the decision that let it go, so it is never lost and never doubled by a
/// crash between the two.
extension SQLiteStore {
    public func enqueueDelivery(_ dispatch: Dispatch, at now: Instant) throws {
        let queued = try insertDelivery(dispatch, state: "pending", attempts: 0, nextAttempt: now, at: now)
        if queued, queuedDispatches.count < queuedDispatchLimit { queuedDispatches[dispatch.id] = dispatch }
    }

    /// Queues `dispatch` already taken for its first attempt, leased until `now + lease`, as
    /// `takeDueDeliveries` would take it: for a sender with room, which is handed it once the
    /// transaction commits, so taking it costs no transaction of its own. Returns the
    /// delivery to hand over; nil when this id was queued before (it is not sent twice).
    public func enqueueTakenDelivery(_ dispatch: Dispatch, at now: Instant, lease: Span) throws -> Delivery? {
        guard try insertDelivery(dispatch, state: "sending", attempts: 1, nextAttempt: now + lease, at: now) else { return nil }
        return Delivery(dispatch: dispatch, state: .sending, attempts: 1)
    }

    /// Inserts a delivery row unless its id is there already; returns whether it did.
    private func insertDelivery(_ dispatch: Dispatch, state: String, attempts: Int, nextAttempt: Instant, at now: Instant) throws -> Bool {
        let at = now.millisecondsSinceEpoch
        let json = try DocumentEncoder.text(dispatch)
        return try write { db in
            try db.executeCached(sql: """
                INSERT OR IGNORE INTO delivery (id, contact, json, state, attempts, next_attempt_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [dispatch.id, dispatch.to.description, json, state, attempts, nextAttempt.millisecondsSinceEpoch, at, at])
            return db.changesCount == 1
        }
    }

    /// Up to `limit` deliveries due by `now`, oldest first, each marked `sending` with one
    /// more attempt and leased until `now + lease`: an attempt in flight is not taken again
    /// unless its outcome never comes (the process died), and then only once the lease ends.
    /// `untriedOnly` leaves out retries: what a server stopping takes, so that it ends soon.
    public func takeDueDeliveries(at now: Instant, limit: Int, lease: Span, untriedOnly: Bool = false) throws -> [Delivery] {
        try write { db in
            // In the partial index's order (`delivery_waiting`), so the backlog is never sorted.
            let due = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, json, attempts, wamid, error FROM delivery
                WHERE state IN ('pending', 'sending') AND next_attempt_at <= ?\(untriedOnly ? " AND attempts = 0" : "")
                ORDER BY next_attempt_at, created_at LIMIT ?
                """), arguments: [now.millisecondsSinceEpoch, limit])
            var taken: [Delivery] = []
            for row in due {
                let id: String = row[0]
                guard let dispatch = queuedDispatches.removeValue(forKey: id) ?? (try? DocumentDecoder.decode(Dispatch.self, from: row[1])) else {
                    // A row this version cannot read is given up, not retried: one bad row must
                    // not fail every batch of outcomes it is taken with.
                    try db.executeCached(sql: "UPDATE delivery SET state = 'failed', error = ?, updated_at = ? WHERE id = ?",
                                         arguments: ["the stored message cannot be read by this version", now.millisecondsSinceEpoch, id])
                    continue
                }
                try db.executeCached(sql: """
                    UPDATE delivery SET state = 'sending', attempts = attempts + 1, next_attempt_at = ?, updated_at = ? WHERE id = ?
                    """, arguments: [(now + lease).millisecondsSinceEpoch, now.millisecondsSinceEpoch, id])
                taken.append(Delivery(dispatch: dispatch, state: .sending, attempts: row[2] + 1, wamid: row[3], error: row[4]))
            }
            return taken
        }
    }

    /// Makes the attempts a previous process left in flight due at once: their outcome will
    /// never come. Call at start, before any sending.
    public func resumeInterruptedDeliveries(at now: Instant) throws {
        try write { db in
            try db.executeCached(sql: "UPDATE delivery SET next_attempt_at = ? WHERE state = 'sending'", arguments: [now.millisecondsSinceEpoch])
        }
    }

    public func deliveryAccepted(_ id: String, wamid: String, held: Bool = false, at now: Instant) throws {
        try write { db in
            try db.executeCached(sql: "UPDATE delivery SET state = ?, wamid = ?, error = NULL, updated_at = ? WHERE id = ?",
                           arguments: [held ? Delivery.State.held.rawValue : Delivery.State.accepted.rawValue, wamid, now.millisecondsSinceEpoch, id])
        }
    }

    /// A status arrived for a held delivery: the hold is over, and it was sent (`failed`:
    /// it was not). A delivery that is not held is left as it is.
    public func heldDeliveryResolved(wamid: String, failed: Bool, at now: Instant) throws {
        try write { db in
            try db.executeCached(sql: "UPDATE delivery SET state = ?, updated_at = ? WHERE wamid = ? AND state = 'held'",
                           arguments: [failed ? Delivery.State.failed.rawValue : Delivery.State.accepted.rawValue, now.millisecondsSinceEpoch, wamid])
        }
    }

    /// Puts a delivery back for another attempt at `retryAt`, or gives it up when `retryAt`
    /// is nil.
    /// `counting: false` gives the attempt back: a failure that was not the message's (a
    /// refused access token) must not bring it closer to being given up.
    public func deliveryFailed(_ id: String, error: String, retryAt: Instant?, at now: Instant, counting: Bool = true) throws {
        try write { db in
            if let retryAt {
                try db.executeCached(sql: """
                    UPDATE delivery SET state = 'pending', error = ?, next_attempt_at = ?, updated_at = ?, attempts = attempts - ? WHERE id = ?
                    """, arguments: [error, retryAt.millisecondsSinceEpoch, now.millisecondsSinceEpoch, counting ? 0 : 1, id])
            } else {
                try db.executeCached(sql: "UPDATE delivery SET state = 'failed', error = ?, updated_at = ? WHERE id = ?",
                               arguments: [error, now.millisecondsSinceEpoch, id])
            }
        }
    }

    public func delivery(_ id: String) throws -> Delivery? {
        try read { db in try DeliveryRow.fetchOne(db, key: id)?.delivery }
    }

    /// The delivery the platform knows as `wamid`: status webhooks name messages so.
    public func delivery(wamid: String) throws -> Delivery? {
        try read { db in try DeliveryRow.filter(Column("wamid") == wamid).fetchOne(db)?.delivery }
    }

    /// Deliveries not yet accepted nor given up: the sender's backlog.
    public func deliveriesWaiting() throws -> Int {
        try read { db in try Int.fetchOneCached(db, sql: "SELECT COUNT(*) FROM delivery WHERE state IN ('pending', 'sending')") ?? 0 }
    }

    /// How many deliveries are in each state.
    public func deliveryCounts() throws -> [Delivery.State: Int] {
        let rows = try read { db in try Row.fetchAllCached(db, sql: "SELECT state, COUNT(*) AS n FROM delivery GROUP BY state") }
        var counts: [Delivery.State: Int] = [:]
        for row in rows { if let state = Delivery.State(rawValue: row["state"]) { counts[state] = row["n"] } }
        return counts
    }
}
