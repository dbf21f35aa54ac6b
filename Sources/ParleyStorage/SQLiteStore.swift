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
    /// Conversations recently read or written, up to `cacheLimit`: memory follows the
    /// contacts in play, not every contact ever seen.
    private var cache: [ContactID: Conversation] = [:]
    private let cacheLimit: Int
    /// Conversations changed in the open transaction: written once, when it commits, however
    /// often the event changed them.
    private var unsaved: Set<ContactID> = []
    /// The named counters (message numbers, the inbox mark) as last read or set: numbering a
    /// message reads nothing. A counter moved in a transaction is written when it commits.
    private var counters: [String: Int64] = [:]
    private var unsavedCounters: Set<String> = []
    /// Dispatches this process queued and the sender has not taken yet, up to
    /// `queuedDispatchLimit`: taking one then decodes no document. Others are read back.
    var queuedDispatches: [String: Dispatch] = [:]
    let queuedDispatchLimit = 10_000

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
        let settings = (catalog, account)
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
            // The copies in memory go back to what the file holds, with no I/O: the disk may be
            // what failed.
            cache.removeAll()
            unsaved.removeAll()
            counters.removeAll()
            unsavedCounters.removeAll()
            queuedDispatches.removeAll()
            (catalog, account) = settings
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

    private static func setting<T: Codable>(_ db: Database, _ name: String, as type: T.Type) throws -> T? {
        try SettingRow<T>.fetchOne(db, key: name)?.json
    }

    // MARK: Conversations

    public func conversation(_ contact: ContactID) throws -> Conversation? {
        if let cached = cache[contact] { return cached }
        guard let c = try read({ db in try ConversationRow.fetchOne(db, key: contact.description)?.json }) else { return nil }
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

    /// Deletes the conversation kept under `contact` (`rekey` saves it under its new key).
    func forget(_ contact: ContactID) throws {
        cache[contact] = nil
        unsaved.remove(contact)
        try write { db in _ = try ConversationRow.deleteOne(db, key: contact.description) }
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
        for name in unsavedCounters { if let value = counters[name] { try write(counter: name, value, into: current) } }
        unsavedCounters.removeAll()
    }

    /// An upsert rather than a replace: the row is changed in place, and its indexes only
    /// where their columns changed.
    private func insert(_ conversation: Conversation, into db: Database) throws {
        try db.executeCached(sql: """
            INSERT INTO conversation (contact, owner, last_inbound, json) VALUES (?, ?, ?, ?)
            ON CONFLICT(contact) DO UPDATE SET owner = excluded.owner, last_inbound = excluded.last_inbound, json = excluded.json
            """, arguments: [conversation.contact.description, conversation.owner.description,
                             conversation.lastInbound?.millisecondsSinceEpoch, try DocumentEncoder.text(conversation)])
    }

    /// From the owner and last-inbound columns and their indexes.
    public func conversations(matching query: ConversationQuery) throws -> [Conversation] {
        try writeUnsaved()
        var request = ConversationRow.order(Column("contact"))
        if let owner = query.owner { request = request.filter(Column("owner") == owner.description) }
        let last = Column("last_inbound")
        if let after = query.lastInboundAfter { request = request.filter(last > after.millisecondsSinceEpoch) }
        if let until = query.lastInboundAtOrBefore {
            request = request.filter(query.orNever ? (last <= until.millisecondsSinceEpoch || last == nil) : last <= until.millisecondsSinceEpoch)
        } else if !query.orNever {
            request = request.filter(last != nil)
        }
        let rows = try read { db in try request.fetchAll(db) }
        return rows.map { cache[$0.json.contact] ?? $0.json }.filter(query.includes)
    }

    /// Conversations a person owns, by queue: the hand-off queue agents work from.
    public func humanOwnedConversations() throws -> [Conversation] {
        try writeUnsaved()
        return try read { db in
            try ConversationRow.filter(Column("owner").like("human:%")).order(Column("contact")).fetchAll(db).map(\.json)
        }
    }

    // MARK: Catalog and account

    public private(set) var catalog: TemplateCatalog
    public private(set) var account: AccountStanding

    public func save(_ catalog: TemplateCatalog) throws {
        try write { db in try SettingRow(name: "catalog", json: TemplateCatalogDocument(catalog: catalog)).insert(db, onConflict: .replace) }
        self.catalog = catalog
    }

    public func save(_ account: AccountStanding) throws {
        try write { db in try SettingRow(name: "account", json: account).insert(db, onConflict: .replace) }
        self.account = account
    }

    // MARK: The messaging limit

    public func limitCounts(after start: Instant) throws -> [(contact: ContactID, at: Instant)] {
        let rows = try read { db in
            try Row.fetchAllCached(db, sql: "SELECT contact, counted_at FROM limit_ledger WHERE counted_at > ? ORDER BY counted_at",
                                   arguments: [start.millisecondsSinceEpoch])
        }
        return rows.compactMap { row in ContactID(row[0]).map { ($0, Instant(millisecondsSinceEpoch: row[1])) } }
    }

    public func addLimitCount(_ contact: ContactID, at instant: Instant) throws {
        try write { db in
            try db.executeCached(sql: "INSERT OR REPLACE INTO limit_ledger (contact, counted_at) VALUES (?, ?)",
                                 arguments: [contact.value, instant.millisecondsSinceEpoch])
        }
    }

    public func removeLimitCount(_ contact: ContactID, at instant: Instant) throws {
        try write { db in
            try db.executeCached(sql: "DELETE FROM limit_ledger WHERE contact = ? AND counted_at = ?", arguments: [contact.value, instant.millisecondsSinceEpoch])
        }
    }

    public func prune(limitCountsBefore cutoff: Instant, seenBefore: Instant) throws {
        try write { db in
            try db.executeCached(sql: "DELETE FROM limit_ledger WHERE counted_at <= ?", arguments: [cutoff.millisecondsSinceEpoch])
            try db.executeCached(sql: "DELETE FROM inbound_seen WHERE seen_at < ?", arguments: [seenBefore.millisecondsSinceEpoch])
        }
    }

    // MARK: Spend

    public func spend(of scope: String, in period: String) throws -> SpendTally {
        let row = try read { db in
            try Row.fetchOneCached(db, sql: "SELECT micros, warned FROM spend WHERE scope = ? AND period = ?", arguments: [scope, period])
        }
        return row.map { SpendTally(spent: Money(micros: $0[0]), warned: $0[1]) } ?? SpendTally()
    }

    public func save(_ tally: SpendTally, of scope: String, in period: String) throws {
        try write { db in
            try db.executeCached(sql: "INSERT OR REPLACE INTO spend (scope, period, micros, warned) VALUES (?, ?, ?, ?)",
                                 arguments: [scope, period, tally.spent.micros, tally.warned])
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

    /// The record in the order people read it (`at`, `id`, `stage` first), by ParleyJSON.
    public func appendAudit(_ decision: Decision) throws {
        let json = decision.auditRecord.encoded()
        try write { db in
            try db.executeCached(sql: "INSERT INTO audit (message_id, contact, at, json) VALUES (?, ?, ?, ?)",
                                 arguments: [decision.request.id, decision.request.recipient?.value, decision.at.millisecondsSinceEpoch, json])
        }
    }

    public func audit(ofMessage id: String) throws -> [JSONValue] {
        try auditRecords(where: "message_id", is: id)
    }

    public func audit(ofContact contact: ContactID) throws -> [JSONValue] {
        try auditRecords(where: "contact", is: contact.description)
    }

    private func auditRecords(where column: String, is value: String) throws -> [JSONValue] {
        let texts = try read { db in
            try String.fetchAllCached(db, sql: "SELECT json FROM audit WHERE \(column) = ? ORDER BY seq", arguments: [value])
        }
        return try texts.map { try JSONValue.parse($0) }
    }

    // MARK: The agenda and counters

    public func addAgendaItem(_ work: DueWork, at: Instant) throws -> Int64 {
        let json = try DocumentEncoder.text(work)
        return try write { db in
            try db.executeCached(sql: "INSERT INTO agenda (at, json) VALUES (?, ?)", arguments: [at.millisecondsSinceEpoch, json])
            return db.lastInsertedRowID
        }
    }

    public func removeAgendaItem(_ key: Int64) throws {
        try write { db in try db.executeCached(sql: "DELETE FROM agenda WHERE key = ?", arguments: [key]) }
    }

    public func agendaItems() throws -> [AgendaItem] {
        try read { db in
            try AgendaRow.order(Column("key")).fetchAll(db).map { AgendaItem(key: $0.key ?? 0, at: Instant(millisecondsSinceEpoch: $0.at), work: $0.json) }
        }
    }

    /// The last webhook-inbox id whose effects this store holds. Set it in the transaction
    /// that applies the body, so a crash can neither lose nor repeat it.
    public func inboxProcessed() throws -> Int64 {
        try counter("inbox_processed")
    }

    public func setInboxProcessed(_ id: Int64) throws {
        try set(counter: "inbox_processed", id)
    }

    public func nextNumber(_ counter: String) throws -> Int64 {
        let next = try self.counter(counter) + 1
        try set(counter: counter, next)
        return next
    }

    private func counter(_ name: String) throws -> Int64 {
        if let value = counters[name] { return value }
        let value = try read { db in try Int64.fetchOneCached(db, sql: "SELECT value FROM counter WHERE name = ?", arguments: [name]) } ?? 0
        counters[name] = value
        return value
    }

    /// In a transaction, the counter is written once, when it commits; outside, at once.
    private func set(counter name: String, _ value: Int64) throws {
        if current == nil { try queue.write { db in try write(counter: name, value, into: db) } } else { unsavedCounters.insert(name) }
        counters[name] = value
    }

    private func write(counter name: String, _ value: Int64, into db: Database) throws {
        try db.executeCached(sql: "INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                             arguments: [name, value])
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
