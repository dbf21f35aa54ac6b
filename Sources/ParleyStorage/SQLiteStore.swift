import Foundation
import GRDB
import ParleyJSON
import ParleyPolicy
import ParleyRuntime

/// A `Store` in an SQLite file (WAL), so that a runtime's state survives a crash.
///
/// Concurrency: like the runtime it serves, a store is one serial context. Wrap each event
/// in `transaction(_:)`: everything the event changed commits together or not at all, so a
/// crash in the middle leaves the state as it was before the event, and the event can run
/// again. Reads are served from memory where the store keeps a copy (recent conversations,
/// the catalog, the account, the limit ledger); every write goes to the file within the
/// open transaction.
public final class SQLiteStore: Store {
    public let path: String
    let queue: DatabaseQueue
    /// The open transaction's connection, while `transaction(_:)` runs.
    private var current: Database?
    /// The first error inside the open transaction: it rolls the transaction back.
    private var failure: Error?
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
    private var ledger: MessagingLimitLedger
    private var writesSincePrune = 0

    /// Opens (creating and migrating when needed) the database at `path`. `now` is when it
    /// opens, to load the part of the limit ledger that still counts.
    public init(path: String, limitWindow: Span = .hours(24), now: Instant, cachedConversations: Int = 10_000) throws {
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
        ledger = MessagingLimitLedger(window: limitWindow)
        let cutoff = (now - limitWindow).millisecondsSinceEpoch
        let rows = try queue.read { db in
            try Row.fetchAllCached(db, sql: "SELECT contact, counted_at FROM limit_ledger WHERE counted_at > ? ORDER BY counted_at", arguments: [cutoff])
        }
        for row in rows {
            guard let contact = ContactID(row["contact"] as String) else { continue }
            _ = ledger.reserve(contact, limit: nil, at: Instant(millisecondsSinceEpoch: row["counted_at"]))
        }
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
                failure = nil
                defer { current = nil }
                result = try body()
                writeUnsaved()
                if let failure { throw failure }
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
    private func write<T>(_ fallback: T, _ operation: (Database) throws -> T) -> T {
        do {
            if let current { return try operation(current) }
            return try queue.write(operation)
        } catch {
            if failure == nil { failure = error }
            return fallback
        }
    }

    private func read<T>(_ fallback: T, _ operation: (Database) throws -> T) -> T {
        do {
            if let current { return try operation(current) }
            return try queue.read(operation)
        } catch {
            if failure == nil { failure = error }
            return fallback
        }
    }

    /// A database operation for the store's other tables (deliveries...), in the open
    /// transaction or one of its own; `nil` (and the transaction spoilt) on failure.
    @discardableResult
    func run<T>(_ operation: (Database) throws -> T) -> T? {
        write(nil) { db in try operation(db) }
    }

    func json<T: Encodable>(_ value: T) -> String {
        (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
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

    public func conversation(_ contact: ContactID) -> Conversation? {
        if let cached = cache[contact] { return cached }
        let text: String? = read(nil) { db in
            try String.fetchOneCached(db, sql: "SELECT json FROM conversation WHERE contact = ?", arguments: [contact.value])
        }
        guard let text, let c = try? decoder.decode(Conversation.self, from: Data(text.utf8)) else { return nil }
        cache[contact] = c
        return c
    }

    public func save(_ conversation: Conversation) {
        cache[conversation.contact] = conversation
        if current != nil {
            unsaved.insert(conversation.contact)
        } else {
            write(()) { db in insert(conversation, into: db) }
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
    private func writeUnsaved() {
        guard let current else { return }
        for contact in unsaved { if let c = cache[contact] { insert(c, into: current) } }
        unsaved.removeAll()
    }

    private func insert(_ conversation: Conversation, into db: Database) {
        let text = json(conversation)
        do {
            try db.executeCached(
                sql: "INSERT OR REPLACE INTO conversation (contact, owner, last_inbound, json) VALUES (?, ?, ?, ?)",
                arguments: [conversation.contact.value, conversation.owner.description, conversation.lastInbound?.millisecondsSinceEpoch, text])
        } catch {
            if failure == nil { failure = error }
        }
    }

    public func update<T>(_ contact: ContactID, _ change: (inout Conversation) -> T) -> T {
        var c = conversation(contact) ?? Conversation(contact: contact)
        let result = change(&c)
        save(c)
        return result
    }

    public func conversations(where include: (Conversation) -> Bool) -> [Conversation] {
        writeUnsaved()
        let texts: [String] = read([]) { db in try String.fetchAllCached(db, sql: "SELECT json FROM conversation ORDER BY contact") }
        return texts.compactMap { text in
            let c = try? decoder.decode(Conversation.self, from: Data(text.utf8))
            return c.map { cache[$0.contact] ?? $0 }
        }.filter(include)
    }

    /// Conversations a person owns, by queue: the hand-off queue agents work from.
    public func humanOwnedConversations() -> [Conversation] {
        writeUnsaved()
        let texts: [String] = read([]) { db in
            try String.fetchAllCached(db, sql: "SELECT json FROM conversation WHERE owner LIKE 'human:%' ORDER BY contact")
        }
        return texts.compactMap { try? decoder.decode(Conversation.self, from: Data($0.utf8)) }
    }

    // MARK: Catalog and account

    public var catalog: TemplateCatalog {
        didSet { let text = json(TemplateCatalogDocument(catalog: catalog)); putSetting("catalog", text) }
    }

    public var account: AccountStanding {
        didSet { let text = json(account); putSetting("account", text) }
    }

    private func putSetting(_ name: String, _ text: String) {
        write(()) { db in try db.executeCached(sql: "INSERT OR REPLACE INTO setting (name, json) VALUES (?, ?)", arguments: [name, text]) }
    }

    // MARK: The messaging limit

    public func limitStanding(of contact: ContactID, limit: Int?, at now: Instant) -> LimitStanding {
        ledger.standing(of: contact, limit: limit, at: now)
    }

    public func reserveLimit(for contact: ContactID, limit: Int?, at now: Instant) -> Bool {
        let counted = ledger.standing(of: contact, limit: limit, at: now).alreadyCounted
        guard ledger.reserve(contact, limit: limit, at: now) else { return false }
        if !counted {
            write(()) { db in
                try db.executeCached(sql: "INSERT OR REPLACE INTO limit_ledger (contact, counted_at) VALUES (?, ?)",
                               arguments: [contact.value, now.millisecondsSinceEpoch])
            }
            pruneLedger(now)
        }
        return true
    }

    public func releaseLimit(for contact: ContactID, reservedAt: Instant) {
        ledger.release(contact, reservedAt: reservedAt)
        write(()) { db in
            try db.executeCached(sql: "DELETE FROM limit_ledger WHERE contact = ? AND counted_at = ?",
                           arguments: [contact.value, reservedAt.millisecondsSinceEpoch])
        }
    }

    /// Now and then, rows that no longer count go, and inbound ids older than the
    /// platform's 7 days of retries.
    private func pruneLedger(_ now: Instant) {
        writesSincePrune += 1
        guard writesSincePrune >= 1000 else { return }
        writesSincePrune = 0
        write(()) { db in
            try db.executeCached(sql: "DELETE FROM limit_ledger WHERE counted_at <= ?", arguments: [(now - ledger.window).millisecondsSinceEpoch])
            try db.executeCached(sql: "DELETE FROM inbound_seen WHERE seen_at <= ?", arguments: [(now - .days(8)).millisecondsSinceEpoch])
        }
    }

    // MARK: Inbound ids

    public func firstSighting(ofInbound id: String, at now: Instant) -> Bool {
        write(false) { db in
            try db.executeCached(sql: "INSERT OR IGNORE INTO inbound_seen (id, seen_at) VALUES (?, ?)", arguments: [id, now.millisecondsSinceEpoch])
            return db.changesCount == 1
        }
    }

    // MARK: The audit trail

    public func appendAudit(_ decision: Decision) {
        let record = decision.auditRecord.encoded()
        write(()) { db in
            try db.executeCached(sql: "INSERT INTO audit (message_id, contact, at, json) VALUES (?, ?, ?, ?)",
                           arguments: [decision.request.id, decision.request.recipient?.value, decision.at.millisecondsSinceEpoch, record])
        }
    }

    public func audit(ofMessage id: String) -> [JSONValue] {
        let texts: [String] = read([]) { db in try String.fetchAllCached(db, sql: "SELECT json FROM audit WHERE message_id = ? ORDER BY seq", arguments: [id]) }
        return texts.compactMap { try? JSONValue.parse($0) }
    }

    public func audit(ofContact contact: ContactID) -> [JSONValue] {
        let texts: [String] = read([]) { db in
            try String.fetchAllCached(db, sql: "SELECT json FROM audit WHERE contact = ? ORDER BY seq", arguments: [contact.value])
        }
        return texts.compactMap { try? JSONValue.parse($0) }
    }

    // MARK: The agenda and counters

    public func addAgendaItem(_ work: DueWork, at: Instant) -> Int64 {
        let text = json(work)
        return write(0) { db in
            try db.executeCached(sql: "INSERT INTO agenda (at, json) VALUES (?, ?)", arguments: [at.millisecondsSinceEpoch, text])
            return db.lastInsertedRowID
        }
    }

    public func removeAgendaItem(_ key: Int64) {
        write(()) { db in try db.executeCached(sql: "DELETE FROM agenda WHERE key = ?", arguments: [key]) }
    }

    public func agendaItems() -> [(key: Int64, at: Instant, work: DueWork)] {
        let rows: [Row] = read([]) { db in try Row.fetchAllCached(db, sql: "SELECT key, at, json FROM agenda ORDER BY key") }
        return rows.compactMap { row in
            let text: String = row["json"]
            guard let work = try? decoder.decode(DueWork.self, from: Data(text.utf8)) else { return nil }
            return (row["key"], Instant(millisecondsSinceEpoch: row["at"]), work)
        }
    }

    /// The last webhook-inbox id whose effects this store holds. Set it in the transaction
    /// that applies the body, so a crash can neither lose nor repeat it.
    public var inboxProcessed: Int64 {
        get { read(0) { db in try Int64.fetchOneCached(db, sql: "SELECT value FROM counter WHERE name = 'inbox_processed'") ?? 0 } }
        set {
            write(()) { db in
                try db.executeCached(sql: "INSERT OR REPLACE INTO counter (name, value) VALUES ('inbox_processed', ?)", arguments: [newValue])
            }
        }
    }

    public func nextNumber(_ counter: String) -> Int64 {
        write(0) { db in
            try db.executeCached(sql: "INSERT INTO counter (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
                           arguments: [counter])
            return try Int64.fetchOneCached(db, sql: "SELECT value FROM counter WHERE name = ?", arguments: [counter]) ?? 0
        }
    }
}

/// The catalog as one JSON document.
struct TemplateCatalogDocument: Codable {
    var templates: [Template]
    init(catalog: TemplateCatalog) { templates = catalog.templates }
    var catalog: TemplateCatalog { TemplateCatalog(templates) }
}
