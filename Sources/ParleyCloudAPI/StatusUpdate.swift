import ParleyJSON
import ParleyPolicy

/// What became of a message the business sent. The platform may batch, repeat and reorder
/// these: key on `id` and `state`.
public struct MessageStatus: Sendable, Equatable {
    public enum State: Hashable, Sendable, CustomStringConvertible {
        case sent, delivered, read, failed, played, deleted
        /// Any other platform status (`warning`, `pending`...), lower-cased.
        case other(String)

        public init(_ raw: String) {
            switch raw.lowercased() {
            case "sent": self = .sent
            case "delivered": self = .delivered
            case "read": self = .read
            case "failed": self = .failed
            case "played": self = .played
            case "deleted": self = .deleted
            case let other: self = .other(other)
            }
        }

        public var description: String {
            switch self {
            case .sent: return "sent"
            case .delivered: return "delivered"
            case .read: return "read"
            case .failed: return "failed"
            case .played: return "played"
            case .deleted: return "deleted"
            case .other(let s): return s
            }
        }
    }

    public struct Conversation: Sendable, Equatable {
        public var id: String?
        /// `business_initiated`, `user_initiated`, `service`, `marketing`, `utility`, `authentication`...
        public var originType: String?
        public var expiration: Instant?
        public init(id: String?, originType: String? = nil, expiration: Instant? = nil) {
            self.id = id
            self.originType = originType
            self.expiration = expiration
        }
    }

    public struct Pricing: Sendable, Equatable {
        public var billable: Bool?
        public var category: String?
        public var pricingModel: String?
        public var type: String?
        public init(billable: Bool? = nil, category: String? = nil, pricingModel: String? = nil, type: String? = nil) {
            self.billable = billable
            self.category = category
            self.pricingModel = pricingModel
            self.type = type
        }
    }

    /// The id the send returned (`wamid.…`).
    public var id: String
    public var state: State
    /// `nil` when `recipientID` is neither a phone number nor a user id (a group, say).
    public var recipient: ContactID?
    public var recipientID: String?
    public var timestamp: Instant?
    /// Why a `failed` status failed: 131047 (outside the window), 131049, 131026...
    public var errors: [PlatformError]
    public var conversation: Conversation?
    public var pricing: Pricing?
    /// The `biz_opaque_callback_data` given at send time, handed back.
    public var callbackData: String?
    public var phoneNumberID: String?
    public var displayPhoneNumber: String?
    /// The recipient's business-scoped user id, and the parent id of an enterprise's
    /// (`….ENT.…`) user id, when the platform names them.
    public var recipientUserID: String?
    public var recipientParentUserID: String?

    public init(
        id: String, state: State, recipient: ContactID? = nil, recipientID: String? = nil, timestamp: Instant? = nil,
        errors: [PlatformError] = [], conversation: Conversation? = nil, pricing: Pricing? = nil,
        callbackData: String? = nil, phoneNumberID: String? = nil, displayPhoneNumber: String? = nil
    ) {
        self.id = id
        self.state = state
        self.recipient = recipient
        self.recipientID = recipientID
        self.timestamp = timestamp
        self.errors = errors
        self.conversation = conversation
        self.pricing = pricing
        self.callbackData = callbackData
        self.phoneNumberID = phoneNumberID
        self.displayPhoneNumber = displayPhoneNumber
    }
}

extension MessageStatus {
    init?(_ json: JSONValue, metadata: Metadata, notes: inout Notes, at place: String) {
        guard let id = json.text("id") else {
            notes.add(place, "status without an \"id\"; skipped")
            return nil
        }
        guard let raw = json.text("status") else {
            notes.add(place, "status of \(id) without a \"status\" value; skipped")
            return nil
        }
        let recipientID = json.text("recipient_id")
        self.init(
            id: id, state: State(raw),
            recipient: Payload.contact([recipientID, json.text("recipient_user_id")]),
            recipientID: recipientID, timestamp: json.instant("timestamp"),
            errors: PlatformError.list(json["errors"], notes: &notes, at: place),
            conversation: json.object("conversation").map {
                Conversation(
                    id: $0.text("id"), originType: $0["origin"]?.text("type"),
                    expiration: $0.instant("expiration_timestamp"))
            },
            pricing: json.object("pricing").map {
                Pricing(
                    billable: $0.flag("billable"), category: $0.text("category"),
                    pricingModel: $0.text("pricing_model"), type: $0.text("type"))
            },
            callbackData: json.text("biz_opaque_callback_data"),
            phoneNumberID: metadata.phoneNumberID, displayPhoneNumber: metadata.displayPhoneNumber)
        recipientUserID = json.text("recipient_user_id")
        // Both spellings are in the platform's pages and payloads of 2026.
        recipientParentUserID = json.text("parent_recipient_user_id") ?? json.text("recipient_parent_user_id")
    }
}

extension PlatformError {
    /// The errors of an `errors` array. One without a numeric code is dropped with a note:
    /// logic keys on the code, so an error without one cannot drive anything.
    static func list(_ json: JSONValue?, notes: inout Notes, at place: String) -> [PlatformError] {
        guard let json else { return [] }
        guard let items = json.arrayValue else {
            notes.add(place, "\"errors\" is \(Payload.show(json)), not an array; ignored")
            return []
        }
        return items.compactMap { item in
            guard let code = item.integer("code") else {
                notes.add(place, "error without a numeric \"code\" (\(Payload.show(item["code"]))); ignored")
                return nil
            }
            return PlatformError(
                code: code, title: item.text("title"), message: item.text("message"),
                details: item["error_data"]?.text("details") ?? item.text("details"))
        }
    }
}
