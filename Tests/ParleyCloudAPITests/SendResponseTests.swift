import Foundation
import ParleyCloudAPI
import ParleyJSON
import Testing

@Suite("Send response")
struct SendResponseTests {
    /// `{"success": true}`: the answer to mark-as-read and typing indicators, not to a send.
    static let notSends: Set<String> = [
        "meta_openapi__send_typing_indicator_and_read_receipt.json",
        "rubysdk__messages_send_typing_indicator_with_success_response.json",
    ]
    static let sends = SenderFixtures.names(in: "responses").filter { !notSends.contains($0) }

    @Test("every send response in the corpus gives a wamid and a wa_id", arguments: sends)
    func decodes(_ name: String) throws {
        let response = try SendResponse(body: try SenderFixtures.text("responses", name))
        #expect(response.messageID.hasPrefix("wamid."))
        #expect(response.waID?.isEmpty == false)
        #expect(response.waID == response.waID?.trimmingCharacters(in: .whitespaces))
    }

    @Test("the live response: ids as sent, and the template's message_status")
    func recorded() throws {
        let r = try SendResponse(body: try SenderFixtures.text("responses", "rubysdk__messages_send_template_with_success_response_by_passing_components_json.json"))
        #expect(r == SendResponse(
            messageID: "wamid.HBgLMTM0Mzc3NzI5MTAVAgARGBI2REE3M0I0NEYzQjM1NkI2MDcA", waID: "13437772910", input: "13437772910",
            messageStatus: "accepted"))
    }

    @Test("a trailing space in wa_id is trimmed")
    func trimmed() throws {
        #expect(try SendResponse(body: try SenderFixtures.text("responses", "bindambc__send_message_success.json")).waID == "48XXXXXXXXX")
    }

    @Test("a send to a business-scoped user id: user_id and no wa_id")
    func bsuid() throws {
        let r = try SendResponse(body: #"{"messaging_product":"whatsapp","contacts":[{"input":"US.13491208655302741918","user_id":"US.13491208655302741918"}],"messages":[{"id":"wamid.X"}]}"#)
        #expect(r.userID == "US.13491208655302741918" && r.waID == nil)
    }

    @Test("a body without messages[0].id is reported, never taken for a send", arguments: [
        #"{"success": true}"#, #"{"messages": []}"#, #"{"messages": [{"id": ""}]}"#, "[]", "not json",
    ])
    func unexpected(_ body: String) {
        #expect(throws: UnexpectedResponse.self) { try SendResponse(body: body) }
    }

    @Test("the two non-send responses in the corpus are the {success: true} kind")
    func nonSends() throws {
        for name in Self.notSends { #expect(try SenderFixtures.json("responses", name) == ["success": true]) }
    }
}
