import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import Testing

/// Business-scoped user ids in the payloads of 2026 (made for the test, in the shapes of
/// Meta's BSUID and system-message references; the corpus has the older ones).
@Suite("User ids in webhooks")
struct UserIDTests {
    static func messages(_ message: JSONValue, contacts: [JSONValue] = []) -> JSONValue {
        ["object": "whatsapp_business_account", "entry": [["id": "1", "changes": [["field": "messages", "value": [
            "messaging_product": "whatsapp", "metadata": ["display_phone_number": "15550001111", "phone_number_id": "1234"],
            "contacts": .array(contacts), "messages": [message],
        ]]]]]]
    }

    @Test("user_changed_user_id: from the sender's old id to the new one")
    func userIDChanged() {
        let body = Self.messages([
            "from_user_id": "GB.111", "id": "wamid.sys", "timestamp": "1767603600", "type": "system",
            "system": ["body": "User A changed their user id", "user_id": "GB.222", "type": "user_changed_user_id"],
        ])
        guard case .system(let notice)? = WebhookDecoder().decode(body).only else { Issue.record("no notice"); return }
        #expect(notice.change == .userIDChanged(from: ContactID("GB.111")!, to: ContactID("GB.222")!))
    }

    @Test("a user id change without a usable new id is a note")
    func userIDChangedUnreadable() {
        let body = Self.messages(["from_user_id": "GB.111", "id": "wamid.sys", "type": "system", "system": ["type": "user_changed_user_id"]])
        let batch = WebhookDecoder().decode(body)
        #expect(batch.events.isEmpty)
        #expect(batch.skipped.count == 1)
    }

    @Test("a message naming both the number and the user id keeps both")
    func both() {
        let body = Self.messages(
            ["from": "447700900150", "from_user_id": "GB.111", "id": "wamid.1", "timestamp": "1767603600", "type": "text", "text": ["body": "hi"]],
            contacts: [["wa_id": "447700900150", "user_id": "GB.111", "profile": ["name": "Ana"]]])
        guard case .message(let m)? = WebhookDecoder().decode(body).only else { Issue.record("no message"); return }
        #expect(m.from == ContactID("+447700900150"))
        #expect(m.userID == "GB.111")
    }

    @Test("statuses name the parent user id in either spelling", arguments: ["parent_recipient_user_id", "recipient_parent_user_id"])
    func parentSpellings(field: String) {
        var status: [String: JSONValue] = ["id": "wamid.9", "status": "delivered", "timestamp": "1767603600", "recipient_user_id": "GB.ENT.111"]
        status[field] = "GB.ENT.1"
        let body: JSONValue = ["entry": [["changes": [["field": "messages", "value": [
            "metadata": ["phone_number_id": "1234"], "statuses": [.object(status)],
        ]]]]]]
        guard case .status(let s)? = WebhookDecoder().decode(body).only else { Issue.record("no status"); return }
        #expect(s.recipient == ContactID("GB.ENT.111"))
        #expect(s.recipientUserID == "GB.ENT.111")
        #expect(s.recipientParentUserID == "GB.ENT.1")
    }
}
