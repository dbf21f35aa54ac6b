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
    }

    private func insert(_ conversation: Conversation, into db: Database) throws {
        try ConversationRow(conversation).insert(db, onConflict: .replace)
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
            try LimitCountRow.filter(Column("counted_at") > start.millisecondsSinceEpoch).order(Column("counted_at")).fetchAll(db)
        }
        return rows.compactMap { row in ContactID(row.contact).map { ($0, Instant(millisecondsSinceEpoch: row.countedAt)) } }
    }

    public func addLimitCount(_ contact: ContactID, at instant: Instant) throws {
        try write { db in try LimitCountRow(contact: contact.value, countedAt: instant.millisecondsSinceEpoch).insert(db, onConflict: .replace) }
    }

    public func removeLimitCount(_ contact: ContactID, at instant: Instant) throws {
        try write { db in
            _ = try LimitCountRow.filter(Column("contact") == contact.value && Column("counted_at") == instant.millisecondsSinceEpoch).deleteAll(db)
        }
    }

    public func prune(limitCountsBefore cutoff: Instant, seenBefore: Instant) throws {
        try write { db in
            _ = try LimitCountRow.filter(Column("counted_at") <= cutoff.millisecondsSinceEpoch).deleteAll(db)
            _ = try SeenRow.filter(Column("seen_at") < seenBefore.millisecondsSinceEpoch).deleteAll(db)
        }
    }

    // MARK: Spend

    public func spend(of scope: String, in period: String) throws -> SpendTally {
        let row = try read { db in try SpendRow.fetchOne(db, key: ["scope": scope, "period": period]) }
        return row.map { SpendTally(spent: Money(micros: $0.micros), warned: $0.warned) } ?? SpendTally()
    }

    public func save(_ tally: SpendTally, of scope: String, in period: String) throws {
        try write { db in
            try SpendRow(scope: scope, period: period, micros: tally.spent.micros, warned: tally.warned).insert(db, onConflict: .replace)
        }
    }

    // MARK: Inbound ids

    public func firstSighting(ofInbound id: String, at now: Instant) throws -> Bool {
        try write { db in
            try SeenRow(id: id, seenAt: now.millisecondsSinceEpoch).insert(db, onConflict: .ignore)
            return db.changesCount == 1
        }
    }

    // MARK: The audit trail

    public func appendAudit(_ decision: Decision) throws {
        var row = AuditRow(messageID: decision.request.id, contact: decision.request.recipient?.value, at: decision.at.millisecondsSinceEpoch,
                           json: decision.auditRecord.unordered.objectValue ?? [:])
        try write { db in try row.insert(db) }
    }

    public func audit(ofMessage id: String) throws -> [JSONValue] {
        try read { db in try AuditRow.filter(Column("message_id") == id).order(Column("seq")).fetchAll(db).map { .object($0.json) } }
    }

    public func audit(ofContact contact: ContactID) throws -> [JSONValue] {
        try read { db in try AuditRow.filter(Column("contact") == contact.description).order(Column("seq")).fetchAll(db).map { .object($0.json) } }
    }

    // MARK: The agenda and counters

    public func addAgendaItem(_ work: DueWork, at: Instant) throws -> Int64 {
        var row = AgendaRow(at: at.millisecondsSinceEpoch, json: work)
        try write { db in try row.insert(db) }
        guard let key = row.key else { throw StoreError("the agenda item was kept without a key") }
        return key
    }

    public func removeAgendaItem(_ key: Int64) throws {
        try write { db in _ = try AgendaRow.deleteOne(db, key: key) }
    }

    public func agendaItems() throws -> [AgendaItem] {
        try read { db in
            try AgendaRow.order(Column("key")).fetchAll(db).map { AgendaItem(key: $0.key ?? 0, at: Instant(millisecondsSinceEpoch: $0.at), work: $0.json) }
        }
    }

    /// The last webhook-inbox id whose effects this store holds. Set it in the transaction
    /// that applies the body, so a crash can neither lose nor repeat it.
    public func inboxProcessed() throws -> Int64 {
        try read { db in try CounterRow.fetchOne(db, key: "inbox_processed")?.value ?? 0 }
    }

    public func setInboxProcessed(_ id: Int64) throws {
        try write { db in try CounterRow(name: "inbox_processed", value: id).insert(db, onConflict: .replace) }
    }

    public func nextNumber(_ counter: String) throws -> Int64 {
        try write { db in
            var row = try CounterRow.fetchOne(db, key: counter) ?? CounterRow(name: counter, value: 0)
            row.value += 1
            try row.insert(db, onConflict: .replace)
            return row.value
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
