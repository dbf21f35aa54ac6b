import Foundation
import GRDB
import ParleyPolicy
import Synchronization

/// Webhook bodies as they arrived, kept before the platform is answered: a body in the
/// inbox is never lost, whatever happens to the process after. It is a file of its own,
/// so that accepting a delivery never waits for the runtime's transaction.
///
/// Processed bodies are not deleted one by one: the runtime records the last id it
/// processed in its own store, in the same transaction as the body's effects
/// (`SQLiteStore.inboxProcessed`), so each body takes effect exactly once, and the inbox
/// is trimmed behind that mark in bulk.
///
/// Thread-safe: the server accepts bodies from many connections at once. In WAL mode the
/// runtime's reads never wait for those writes.
public final class WebhookInbox: Sendable {
    let queue: DatabasePool
    /// Bodies waiting for a commit (see `accept`, in InboxArrivals.swift).
    let arrivals = Mutex(Arrivals())
    /// Bodies committed and not yet taken, for `pending` to take without reading the file.
    let recent: Mutex<RecentBodies>

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        queue = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.executeCached(sql: """
                CREATE TABLE inbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    received_at INTEGER NOT NULL,
                    body BLOB NOT NULL
                )
                """)
        }
        migrator.registerMigration("v2 attempts and quarantine") { db in
            // A body whose processing kills the process would kill every restart after it:
            // attempts after a restart are counted, and a body that used up its attempts is
            // set aside here, for an operator, instead of being tried forever.
            try db.execute(sql: """
                CREATE TABLE attempt (id INTEGER PRIMARY KEY, count INTEGER NOT NULL);
                CREATE TABLE quarantine (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, quarantined_at INTEGER NOT NULL, body BLOB NOT NULL);
                """)
        }
        try migrator.migrate(queue)
        recent = Mutex(RecentBodies(lastID: try queue.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM inbox") ?? 0 }))
    }

    /// The newest body's id (0 for none): where the backlog a restart found ends.
    public func lastID() throws -> Int64 {
        try queue.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM inbox") ?? 0 }
    }

    /// Counts one more attempt at body `id`, durably, before it is made; returns the count.
    public func noteAttempt(_ id: Int64) throws -> Int {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO attempt (id, count) VALUES (?, 1) ON CONFLICT(id) DO UPDATE SET count = count + 1", arguments: [id])
            return try Int.fetchOne(db, sql: "SELECT count FROM attempt WHERE id = ?", arguments: [id]) ?? 1
        }
    }

    /// Forgets the attempts: the backlog a restart found has been worked through.
    public func clearAttempts() throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM attempt") }
    }

    /// Marks bodies `ids` as suspects: each counts as having ended the process `attempts`
    /// times already, so after a restart it is tried alone, and one more failure sets it
    /// aside. For a batch a stuck script call held, when which body of it was the culprit is
    /// not known.
    public func markSuspect(_ ids: ClosedRange<Int64>, attempts: Int) throws {
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO attempt (id, count) SELECT id, ? FROM inbox WHERE id BETWEEN ? AND ?
                ON CONFLICT(id) DO UPDATE SET count = MAX(count, excluded.count)
                """, arguments: [attempts, ids.lowerBound, ids.upperBound])
        }
    }

    /// Whether body `id` was set aside.
    public func isQuarantined(_ id: Int64) throws -> Bool {
        try queue.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM quarantine WHERE id = ?)", arguments: [id]) ?? false }
    }

    /// Sets body `id` aside: it stays readable in the `quarantine` table.
    public func quarantine(_ id: Int64, at now: Instant) throws {
        try queue.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO quarantine (id, received_at, quarantined_at, body)
                SELECT id, received_at, ?, body FROM inbox WHERE id = ?
                """, arguments: [now.millisecondsSinceEpoch, id])
        }
    }

    /// How many bodies were set aside.
    public func quarantined() -> Int {
        ((try? queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM quarantine") }) ?? nil) ?? 0
    }

    /// The oldest bodies after `processed`, the last id already processed: at most `limit`
    /// of them, and no more once they hold `maxBytes` (always at least one), so a run of
    /// large bodies is never all in memory at once.
    /// Bodies this process committed come from memory (`RecentBodies`); the file is read
    /// only for the others (a backlog a restart found, a burst past what memory keeps).
    public func pending(after processed: Int64, limit: Int, maxBytes: Int = .max) throws -> [(id: Int64, body: [UInt8])] {
        if let kept = recent.withLock({ $0.take(after: processed, limit: limit, maxBytes: maxBytes) }) { return kept }
        return try queue.read { db in
            var bodies: [(id: Int64, body: [UInt8])] = []
            var bytes = 0
            let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT id, body FROM inbox WHERE id > ? ORDER BY id LIMIT ?"),
                                           arguments: [processed, limit])
            while bytes < maxBytes, let row = try rows.next() {
                let data: Data = row["body"]
                bytes += data.count
                bodies.append((row["id"], [UInt8](data)))
            }
            return bodies
        }
    }

    /// Deletes the bodies up to and including `processed`.
    public func trim(through processed: Int64) async throws {
        try await queue.write { db in try db.executeCached(sql: "DELETE FROM inbox WHERE id <= ?", arguments: [processed]) }
    }

    /// How many bodies are kept after `processed`: the backlog.
    public func count(after processed: Int64 = 0) -> Int {
        ((try? queue.read { db in try Int.fetchOneCached(db, sql: "SELECT COUNT(*) FROM inbox WHERE id > ?", arguments: [processed]) }) ?? nil) ?? 0
    }
}
