import Foundation
import GRDB
import ParleyPolicy

/// Webhook bodies as they arrived, kept before the platform is answered: a body in the
/// inbox is never lost, whatever happens to the process after. It is a file of its own,
/// so that accepting a delivery never waits for the runtime's transaction; processing it
/// twice is harmless, because the runtime skips message ids it has seen.
///
/// Thread-safe: the server accepts bodies from many connections at once.
public final class WebhookInbox: Sendable {
    private let queue: DatabaseQueue

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE inbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    received_at INTEGER NOT NULL,
                    body BLOB NOT NULL
                )
                """)
        }
        try migrator.migrate(queue)
    }

    /// Keeps a body; returns its place in the inbox.
    public func accept(_ body: [UInt8], at now: Instant) throws -> Int64 {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO inbox (received_at, body) VALUES (?, ?)", arguments: [now.millisecondsSinceEpoch, Data(body)])
            return db.lastInsertedRowID
        }
    }

    /// The oldest bodies not yet processed.
    public func pending(limit: Int) throws -> [(id: Int64, body: [UInt8])] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body FROM inbox ORDER BY id LIMIT ?", arguments: [limit]).map { row in
                let data: Data = row["body"]
                return (row["id"], [UInt8](data))
            }
        }
    }

    public func remove(_ id: Int64) throws {
        _ = try queue.write { db in try db.execute(sql: "DELETE FROM inbox WHERE id = ?", arguments: [id]) }
    }

    public var count: Int {
        ((try? queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox") }) ?? nil) ?? 0
    }
}
