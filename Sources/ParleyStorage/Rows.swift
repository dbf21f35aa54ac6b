import GRDB
import ParleyJSON
import ParleyPolicy
import ParleyRuntime

// The tables' rows as GRDB records: one Codable type per table, written and read by its
// columns' names. A document column (a conversation, an agenda item, a dispatch, an audit
// record) is a Codable value that GRDB stores as JSON text: storage has that one JSON stack,
// Codable through GRDB, and ParleyJSON's parser and encoder stay with transcripts and scripts.
// Instants are stored as milliseconds since the epoch, so SQL can compare them.

struct ConversationRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "conversation"
    var contact: String
    /// Beside the document, for the agents' queue (`owner LIKE 'human:%'`).
    var owner: String
    var lastInbound: Int64?
    var json: Conversation

    enum CodingKeys: String, CodingKey { case contact, owner, lastInbound = "last_inbound", json }

    init(_ conversation: Conversation) {
        contact = conversation.contact.description
        owner = conversation.owner.description
        lastInbound = conversation.lastInbound?.millisecondsSinceEpoch
        json = conversation
    }
}

/// One named document: the template catalog, the account's standing.
struct SettingRow<Document: Codable>: Codable, FetchableRecord, PersistableRecord {
    static var databaseTableName: String { "setting" }
    var name: String
    var json: Document
}

struct LimitCountRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "limit_ledger"
    var contact: String
    var countedAt: Int64

    enum CodingKeys: String, CodingKey { case contact, countedAt = "counted_at" }
}

struct SeenRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "inbound_seen"
    var id: String
    var seenAt: Int64

    enum CodingKeys: String, CodingKey { case id, seenAt = "seen_at" }
}

struct AgendaRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "agenda"
    /// Given by SQLite (AUTOINCREMENT: a key is never handed out twice).
    var key: Int64?
    var at: Int64
    var json: DueWork

    mutating func didInsert(_ inserted: InsertionSuccess) { key = inserted.rowID }
}

struct CounterRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "counter"
    var name: String
    var value: Int64
}

struct AuditRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "audit"
    var seq: Int64?
    var messageID: String
    var contact: String?
    var at: Int64
    /// `Decision.auditRecord`: an object, typed as one so it is read back as a document.
    var json: [String: JSONValue]

    enum CodingKeys: String, CodingKey { case seq, messageID = "message_id", contact, at, json }
}

struct DeliveryRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "delivery"
    var id: String
    var contact: String
    var json: Dispatch
    var state: String
    var attempts: Int
    var nextAttemptAt: Int64
    var wamid: String?
    var error: String?
    var createdAt: Int64
    var updatedAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, contact, json, state, attempts, wamid, error
        case nextAttemptAt = "next_attempt_at", createdAt = "created_at", updatedAt = "updated_at"
    }

    var delivery: Delivery {
        Delivery(dispatch: json, state: Delivery.State(rawValue: state) ?? .pending, attempts: attempts, wamid: wamid, error: error)
    }
}

struct SpendRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "spend"
    var scope: String
    var period: String
    var micros: Int64
    var warned: Bool
}
