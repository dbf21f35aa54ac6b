import ParleyCloudAPI
import ParleyJSON
import Testing

/// `mark_read`'s request body, held to the corpus: Meta's OpenAPI example and two clients'.
@Suite("Read receipts and the typing indicator")
struct ReadReceiptRequestTests {
    @Test("with the typing indicator, the body is Meta's own example")
    func typing() throws {
        let fixture = try SenderFixtures.json("requests", "meta_openapi__send_typing_indicator_and_read_receipt.json")
        let id = try #require(fixture["message_id"]?.stringValue)
        #expect(ReadReceiptRequest(messageID: id, typing: true).body == fixture)
    }

    @Test("a read receipt alone is the clients' mark-as-read", arguments: [
        "rubysdk__messages_read_message_with_a_valid_response.json", "bindambc__expectedmessage17.json",
    ])
    func readOnly(name: String) throws {
        let fixture = try SenderFixtures.json("requests", name)
        let id = try #require(fixture["message_id"]?.stringValue)
        #expect(ReadReceiptRequest(messageID: id, typing: false).body == fixture)
    }

    @Test("the Ruby client's typing body differs only in recipient_type, which the platform does not need here")
    func rubyTyping() throws {
        var fixture = try SenderFixtures.json("requests", "rubysdk__messages_send_typing_indicator_with_success_response.json")
        let id = try #require(fixture["message_id"]?.stringValue)
        if case .object(var fields) = fixture {
            fields["recipient_type"] = nil
            fixture = .object(fields)
        }
        #expect(ReadReceiptRequest(messageID: id, typing: true).body == fixture)
    }
}
