import ParleyJSON
import ParleyPolicy

/// Turns Cloud API webhook POST bodies into `WebhookEvent`s.
///
/// It never throws on content and never traps: whatever it cannot use becomes a note in
/// `WebhookBatch.skipped`, so one odd change never costs the rest of the batch (the platform
/// would retry a failed delivery for days).
public struct WebhookDecoder: Sendable {
    public init() {}

    /// Decodes the raw body; throws only when it is not JSON at all.
    public func decode(_ text: String) throws(JSONParseError) -> WebhookBatch {
        decode(try JSONValue.parse(text))
    }

    public func decode(_ body: JSONValue) -> WebhookBatch {
        var batch = decodeBody(body)
        // Every body accounts for itself: an empty result says so rather than vanishing.
        if batch.events.isEmpty && batch.skipped.isEmpty {
            batch.skipped.append("body: held no events (empty \"entry\", \"changes\" or lists)")
        }
        return batch
    }

    private func decodeBody(_ body: JSONValue) -> WebhookBatch {
        var out = Output()
        guard body.objectValue != nil else {
            out.notes.add("body", "is \(Payload.show(body)), not an object; nothing decoded")
            return out.batch
        }
        if let object = body["object"], object.stringValue != "whatsapp_business_account" {
            out.notes.add("body", "\"object\" is \(Payload.show(object)), not \"whatsapp_business_account\"; nothing decoded")
            return out.batch
        }
        guard let entries = body["entry"]?.arrayValue else {
            out.notes.add("body", "\"entry\" is \(Payload.show(body["entry"])), not an array; nothing decoded")
            return out.batch
        }
        for (i, entry) in entries.enumerated() {
            let place = "entry[\(i)]"
            guard entry.objectValue != nil else {
                out.notes.add(place, "is \(Payload.show(entry)), not an object; skipped")
                continue
            }
            guard let changes = entry["changes"]?.arrayValue else {
                out.notes.add(place, "\"changes\" is \(Payload.show(entry["changes"])), not an array; skipped")
                continue
            }
            let account = Account(id: entry.text("id"), time: entry.instant("time"))
            for (j, change) in changes.enumerated() {
                decode(change: change, account: account, at: "\(place).changes[\(j)]", into: &out)
            }
        }
        return out.batch
    }

    private func decode(change: JSONValue, account: Account, at place: String, into out: inout Output) {
        guard let field = change.text("field") else {
            out.notes.add(place, "\"field\" is \(Payload.show(change["field"])); skipped")
            return
        }
        let place = "\(place) (\(field))"
        guard let value = change.object("value") else {
            out.notes.add(place, "\"value\" is \(Payload.show(change["value"])), not an object; skipped")
            return
        }
        let metadata = Metadata(value)
        switch field {
        case "messages": MessageDecoding.messagesChange(value, metadata, at: place, into: &out)
        case "smb_message_echoes": MessageDecoding.echoesChange(value, metadata, at: place, into: &out)
        case "calls": CallDecoding.callsChange(value, metadata, at: place, into: &out)
        case "user_preferences": PreferenceDecoding.preferencesChange(value, metadata, at: place, into: &out)
        case "message_template_status_update", "message_template_quality_update", "template_category_update",
            "message_template_components_update":
            TemplateEventDecoding.change(field, value, account, at: place, into: &out)
        case "phone_number_quality_update", "phone_number_name_update", "account_update", "account_review_update",
            "business_capability_update":
            AccountEventDecoding.change(field, value, account, at: place, into: &out)
        default:
            out.notes.add(place, "unknown field \"\(field)\"; skipped")
        }
    }
}

/// Events and notes as they accumulate, in payload order.
struct Output {
    var events: [WebhookEvent] = []
    var notes = Notes()
    var batch: WebhookBatch { WebhookBatch(events: events, skipped: notes.lines) }
}

struct Notes {
    private(set) var lines: [String] = []
    mutating func add(_ place: String, _ text: String) { lines.append("\(place): \(text)") }
}

/// The business account an entry is about, and when the platform stamped it.
struct Account {
    var id: String?
    var time: Instant?
}

/// What a change's `value` says about the business number and the contacts in it.
struct Metadata {
    var phoneNumberID: String?
    var displayPhoneNumber: String?
    /// The `contacts` block: profiles of the users the change is about.
    var contacts: [JSONValue]

    init(_ value: JSONValue) {
        let metadata = value.object("metadata")
        phoneNumberID = metadata?.text("phone_number_id")
        displayPhoneNumber = metadata?.text("display_phone_number")
        contacts = value.list("contacts").filter { $0.objectValue != nil }
    }

    /// The `contacts` entry for a sender: the one whose `wa_id` or `user_id` matches, else
    /// the only one there is.
    func profile(phone: String?, userID: String?) -> JSONValue? {
        let phoneID = phone.flatMap(ContactID.init)
        let match = contacts.first { c in
            if let phoneID, let other = c.text("wa_id").flatMap(ContactID.init), other == phoneID { return true }
            if let userID, c.text("user_id") == userID { return true }
            return false
        }
        return match ?? (contacts.count == 1 ? contacts[0] : nil)
    }
}

extension JSONValue {
    /// The elements under `key`. A missing key gives `nil`; a present one of another kind
    /// gives a note and no elements.
    func elements(_ key: String, notes: inout Notes, at place: String) -> [JSONValue]? {
        guard let value = self[key] else { return nil }
        guard let items = value.arrayValue else {
            notes.add(place, "\"\(key)\" is \(Payload.show(value)), not an array; skipped")
            return []
        }
        return items
    }
}
