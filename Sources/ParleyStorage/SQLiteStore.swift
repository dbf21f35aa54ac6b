import Foundation
import GRDB
import ParleyJSON
import ParleyPolicy
import ParleyRuntime

/// A `Store` in an SQLite file (WAL), so that a runtime's state survives a crash.
///
/// Concurrency: like the runtime it serves, a store is one serial context. Wrap each event
/// in `transaction(_:)` (the runtime's, which wraps this one): everything the event
/// changed commits together or not at all, so a crash in the middle leaves the state as it
/// was before the event, and the event can run again. Reads are served from memory where
/// the store keeps a copy (recent conversations, the catalog, the account), and a rollback
/// drops those copies; every write goes to the file within the open transaction. Every
/// failure is thrown.
public final class SQLiteStore: Store {
    public let path: String
    let queue: DatabaseQueue
    /// The open transaction's connection, while `transaction(_:)` runs.
    private var current: Database?
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()
    let decoder = JSONDecoder()

    /// Conversations recently read or written, up to `cacheLimit`: memory follows the
    /// contacts in play, not every contact ever seen.
    private var cache: [ContactID: Conversation] = [:]
    private let cacheLimit: Int
    /// Conversations changed in the open transaction: written once, when it commits, however
    /// often the event changed them.
    private var unsaved: Set<ContactID> = []

    /// Opens (creating and migrating when needed) the database at `path`.
    public init(path: String, cachedConversations: Int = 10_000) throws {
        self.path = path
        cacheLimit = max(cachedConversations, 1)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            // NORMAL in WAL mode loses nothing on a process crash; only a power loss can take
            // the last commits. FULL would sync every commit.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try Schema.migrator.migrate(queue)
        catalog = try queue.read { db in try Self.setting(db, "catalog", as: TemplateCatalogDocument.self)?.catalog } ?? TemplateCatalog()
        account = try queue.read { db in try Self.setting(db, "account", as: AccountStanding.self) } ?? AccountStanding()
    }

    // MARK: Transactions

    /// Runs `body` in one transaction. If `body` throws, or any write inside it fails, the
    /// transaction rolls back and the error is thrown; the in-memory copies are reloaded
    /// from the file so they never hold what was not committed.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        precondition(current == nil, "SQLiteStore transactions do not nest")
        var result: T?
        do {
            try queue.inTransaction { db in
                current = db
                defer { current = nil }
                result = try body()
                try writeUnsaved()
                return .commit
            }
        } catch {
            cache.removeAll()
            unsaved.removeAll()
            reloadSettings()
            throw error
        }
        trimCache()
        return result!
    }

    /// Runs a database operation in the open transaction, or in one of its own.
    @discardableResult
    func write<T>(_ operation: (Database) throws -> T) throws -> T {
        if let current { return try operation(current) }
        return try queue.write(operation)
    }

    func read<T>(_ operation: (Database) throws -> T) throws -> T {
        if let current { return try operation(current) }
        return try queue.read(operation)
    }

    func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func setting<T: Decodable>(_ db: Database, _ name: String, as type: T.Type) throws -> T? {
        guard let text = try String.fetchOneCached(db, sql: "SELECT json FROM setting WHERE name = ?", arguments: [name]) else { return nil }
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    private func reloadSettings() {
        if let c = try? queue.read({ db in try Self.setting(db, "catalog", as: TemplateCatalogDocument.self) }) { catalog = c.catalog }
        if let a = try? queue.read({ db in try Self.setting(db, "account", as: AccountStanding.self) }) { account = a }
    }

    // MARK: Conversations

    public func conversation(_ contact: ContactID) throws -> Conversation? {
        if let cached = cache[contact] { return cached }
        let text = try read { db in
            try String.fetchOneCached(db, sql: "SELECT json FROM conversation WHERE contact = ?", arguments: [contact.value])
        }
        guard let text else { return nil }
        let c = try decoder.decode(Conversation.self, from: Data(text.utf8))
        cache[contact] = c
        return c
    }

    public func save(_ conversation: Conversation) throws {
        if current != nil {
            cache[conversation.contact] = conversation
            unsaved.insert(conversation.contact)
        } else {
            try write { db in try insert(conversation, into: db) }
            cache[conversation.contact] = conversation
            trimCache()
        }
    }

    /// Forgets a quarter of the cached conversations once there are more than the limit:
    /// they are all in the file, so any of them can go; which ones is the dictionary's order.
    private func trimCache() {
        guard cache.count > cacheLimit else { return }
        for contact in Array(cache.keys.prefix(cache.count - cacheLimit * 3 / 4)) { cache.removeValue(forKey: contact) }
    }

    /// Writes the conversations changed in the open transaction; queries over the table
    /// call it first, so they see those changes.
    private func writeUnsaved() throws {
        guard let current else { return }
        for contact in unsaved { if let c = cache[contact] { try insert(c, into: current) } }
        unsaved.removeAll()
    }

    private func insert(_ conversation: Conversation, into db: Database) throws {
        try db.executeCached(
            sql: "INSERT OR REPLACE INTO conversation (contact, owner, last_inbound, json) VALUES (?, ?, ?, ?)",
            arguments: [conversation.contact.value, conversation.owner.description, conversation.lastInbound?.millisecondsSinceEpoch,
                        try json(conversation)])
    }

    public func conversations(where include: (Conversation) -> Bool) throws -> [Conversation] {
        try writeUnsaved()
        let texts = try read { db in try String.fetchAllCached(db, sql: "SELECT json FROM conversation ORDER BY contact") }
        return try texts.map { text in
            let c = try decoder.decode(Conversation.self, from: Data(text.utf8))
            return cache[c.contact] ?? c
        }.filter(include)
    }

    /// Conversations a person owns, by queue: the hand-off queue agents work from.
    public func humanOwnedConversations() throws -> [Conversation] {
        try writeUnsaved()
        let texts = try read { db in
            try String.fetchAllCached(db, sql: "SELECT json FROM conversation WHERE owner LIKE 'human:%' ORDER BY contact")
        }
        return try texts.map { try decoder.decode(Conversation.self, from: Data($0.utf8)) }
    }

    // MARK: Catalog and account

    public private(set) var catalog: TemplateCatalog
    public private(set) var account: AccountStanding

    public func save(_ catalog: TemplateCatalog) throws {
        try putSetting("catalog", try json(TemplateCatalogDocument(catalog: catalog)))
        self.catalog = catalog
    }

    public func save(_ account: AccountStanding) throws {
        try putSetting("account", try json(account))
        self.account = account
    }

    private func putSetting(_ name: String, _ text: String) throws {
        try write { db in try db.executeCached(sql: "INSERT OR REPLACE INTO setting (name, json) VALUES (?, ?)", arguments: [name, text]) }
    }

    // MARK: The messaging limit

    public func limitCounts(after start: Instant) throws -> [(contact: ContactID, at: Instant)] {
        let rows = try read { db in
            try Row.fetchAllCached(db, sql: "SELECT contact, counted_at FROM limit_ledger WHERE counted_at > ? ORDER BY counted_at",
                                   arguments: [start.millisecondsSinceEpoch])
        }
        return rows.compactMap { row in
            ContactID(row["contact"] as String).map { ($0, Instant(millisecondsSinceEpoch: row["counted_at"])) }
        }
    }

    public func addLimitCount(_ contact: ContactID, at instant: Instant) throws {
        try write { db in
            try db.executeCached(sql: "INSERT OR REPLACE INTO limit_ledger (contact, counted_at) VALUES (?, ?)",
                                 arguments: [contact.value, instant.millisecondsSinceEpoch])
        }
    }

    public func removeLimitCount(_ contact: ContactID, at instant: Instant) throws {
        try write { db in
            try db.executeCached(sql: "DELETE FROM limit_ledger WHERE contact = ? AND counted_at = ?",
                                 arguments: [contact.value, instant.millisecondsSinceEpoch])
        }
    }

    public func prune(limitCountsBefore cutoff: Instant, seenBefore: Instant) throws {
        try write { db in
            try db.executeCached(sql: "DELETE FROM limit_ledger WHERE counted_at <= ?", arguments: [cutoff.millisecondsSinceEpoch])
            try db.executeCached(sql: "DELETE FROM inbound_seen WHERE seen_at < ?", arguments: [seenBefore.millisecondsSinceEpoch])
        }
    }

    // MARK: Inbound ids

    public func firstSighting(ofInbound id: String, at now: Instant) throws -> Bool {
        try write { db in
            try db.executeCached(sql: "INSERT OR IGNORE INTO inbound_seen (id, seen_at) VALUES (?, ?)", arguments: [id, now.millisecondsSinceEpoch])
            return db.changesCount == 1
        }
    }

    // MARK: The audit trail

    public func appendAudit(_ decision: Decision) throws {
        let record = decision.auditRecord.encoded()
        try write { db in
            try db.executeCached(sql: "INSERT INTO audit (message_id, contact, at, json) VALUES (?, ?, ?, ?)",
                                 arguments: [decision.request.id, decision.request.recipient?.value, decision.at.millisecondsSinceEpoch, record])
        }
    }

    public func audit(ofMessage id: String) throws -> [JSONValue] {
        let texts = try read { db in try String.fetchAllCached(db, sql: "SELECT json FROM audit WHERE message_id = ? ORDER BY seq", arguments: [id]) }
        return try texts.map { try JSONValue.parse($0) }
    }

    public func audit(ofContact contact: ContactID) throws -> [JSONValue] {
        let texts = try read { db in
            try String.fetchAllCached(db, sql: "SELECT json FROM audit WHERE contact = ? ORDER BY seq", arguments: [contact.value])
        }
        return try texts.map { try JSONValue.parse($0) }
    }

    // MARK: The agenda and counters

    public func addAgendaItem(_ work: DueWork, at: Instant) throws -> Int64 {
        let text = try json(work)
        return try write { db in
            try db.executeCached(sql: "INSERT INTO agenda (at, json) VALUES (?, ?)", arguments: [at.millisecondsSinceEpoch, text])
            return db.lastInsertedRowID
        }
    }

    public func removeAgendaItem(_ key: Int64) throws {
        try write { db in try db.executeCached(sql: "DELETE FROM agenda WHERE key = ?", arguments: [key]) }
    }

    public func agendaItems() throws -> [AgendaItem] {
        let rows = try read { db in try Row.fetchAllCached(db, sql: "SELECT key, at, json FROM agenda ORDER BY key") }
        return try rows.map { row in
            let text: String = row["json"]
            return AgendaItem(key: row["key"], at: Instant(millisecondsSinceEpoch: row["at"]), work: try decoder.decode(DueWork.self, from: Data(text.utf8)))
        }
    }

    /// The last webhook-inbox id whose effects this store holds. Set it in the transaction
    /// that applies the body, so a crash can neither lose nor repeat it.
    public func inboxProcessed() throws -> Int64 {
        try read { db in try Int64.fetchOneCached(db, sql: "SELECT value FROM counter WHERE name = 'inbox_processed'") ?? 0 }
    }

    public func setInboxProcessed(_ id: Int64) throws {
        try write { db in
            try db.executeCached(sql: "INSERT OR REPLACE INTO counter (name, value) VALUES ('inbox_processed', ?)", arguments: [id])
        }
    }

    public func nextNumber(_ counter: String) throws -> Int64 {
        try write { db in
            try db.executeCached(sql: "INSERT INTO counter (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
                                 arguments: [counter])
            guard let value = try Int64.fetchOneCached(db, sql: "SELECT value FROM counter WHERE name = ?", arguments: [counter]) else {
                throw StoreError("counter \(counter) did not count")
            }
            return value
        }
    }
}

/// A store that cannot do what it was asked, and why.
public struct StoreError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The catalog as one JSON document.
struct TemplateCatalogDocument: Codable {
    var templates: [Template]
    init(catalog: TemplateCatalog) { templates = catalog.templates }
    var catalog: TemplateCatalog { TemplateCatalog(templates) }
}
