import GRDB
import ParleyJSON
import ParleyPolicy
import ParleyRuntime

// Rows read back whole, as GRDB records, by their columns' names: a document column (a
// conversation, an agenda item, a dispatch) is a Codable value stored as JSON text. Rows are
// written with cached statements, their documents by `DocumentEncoder`: Codable records cost
// too much on the path every message takes. Instants are stored as milliseconds since the
// epoch, so SQL can compare them.

struct ConversationRow: Decodable, FetchableRecord, TableRecord {
    static let databaseTableName = "conversation"
    var contact: String
    /// Beside the document, for the agents' queue (`owner LIKE 'human:%'`).
    var owner: String
    var lastInbound: Int64?
    var json: Conversation

    enum CodingKeys: String, CodingKey { case contact, owner, lastInbound = "last_inbound", json }
}

/// One named document: the template catalog, the account's standing.
struct SettingRow<Document: Codable>: Codable, FetchableRecord, PersistableRecord {
    static var databaseTableName: String { "setting" }
    var name: String
    var json: Document
}

struct AgendaRow: Decodable, FetchableRecord, TableRecord {
    static let databaseTableName = "agenda"
    /// Given by SQLite (AUTOINCREMENT: a key is never handed out twice).
    var key: Int64?
    var at: Int64
    var json: DueWork
}

struct DeliveryRow: Decodable, FetchableRecord, TableRecord {
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
