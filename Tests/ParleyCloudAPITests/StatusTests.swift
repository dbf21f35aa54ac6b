import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import Testing

@Suite("Message statuses")
struct StatusTests {
    func status(_ name: String) throws -> MessageStatus? {
        let batch = try Fixtures.batch(name)
        guard case .status(let status)? = batch.only else {
            Issue.record("\(name) did not give exactly one status: \(batch)")
            return nil
        }
        return status
    }

    @Test("sent: conversation with expiry and origin, pricing, business number")
    func sent() throws {
        let s = try #require(try status("pywa__message_status__sent.json"))
        #expect(s.id == "wamid.xyzxyz")
        #expect(s.state == .sent)
        #expect(s.recipient == contact("+972987654321"))
        #expect(s.timestamp == Instant(secondsSinceEpoch: 1_698_266_945))
        #expect(
            s.conversation
                == .init(id: "7270432eae37498234f4444b35ffc5", originType: "service", expiration: Instant(secondsSinceEpoch: 1_698_339_900)))
        #expect(s.pricing == .init(billable: true, category: "service", pricingModel: "CBP"))
        #expect(s.phoneNumberID == "1122334455667")
        #expect(s.errors.isEmpty)
    }

    @Test("per-message pricing (made for this test: the corpus predates it): model PMP, a type, the template's category")
    func perMessagePricing() throws {
        let s = try #require(try status("madefortest__message_status__per_message_pricing.json"))
        #expect(s.pricing == .init(billable: true, category: "marketing", pricingModel: "PMP", type: "regular"))
        #expect(s.conversation == nil)
        #expect(s.callbackData == "out-1")
        #expect(s.recipient == contact("+447700900103"))
    }

    @Test("delivered, read and played", arguments: [
        ("bindambc__textmessagestatusdelivered.json", MessageStatus.State.delivered),
        ("pywa__message_status__read.json", .read),
        ("pywa__message_status__played.json", .played),
    ])
    func laterStates(name: String, state: MessageStatus.State) throws {
        #expect(try status(name)?.state == state)
    }

    @Test("failed outside the window: code 131047 with its details")
    func reEngagement() throws {
        let s = try #require(try status("bindambc__reengagementmessageerror.json"))
        #expect(s.state == .failed)
        #expect(s.recipient == contact("+5511111111111"))
        #expect(s.errors.count == 1)
        #expect(s.errors[0].code == 131047)
        #expect(s.errors[0].title == "Re-engagement message")
        #expect(s.errors[0].details?.hasPrefix("Message failed to send because more than 24 hours") == true)
    }

    @Test("failed with a bare error: the code alone is enough")
    func bareError() throws {
        let s = try #require(try status("netflie__status_notification_with_errors.json"))
        #expect(s.errors == [PlatformError(code: 131053, title: "ERROR_TITLE")])
        #expect(s.recipient == nil)
        #expect(s.recipientID == "CUSTOMER_PHONE_NUMBER")
    }

    @Test("the callback data given at send time comes back")
    func callbackData() throws {
        #expect(try status("pywa__message_status__with_tracker.json")?.callbackData == "some data")
    }

    @Test("an expiry sent as a JSON number is read like a string one")
    func numericExpiry() throws {
        let s = try #require(try status("netflie__status_conversation_initiated_notification.json"))
        #expect(s.conversation?.expiration == Instant(secondsSinceEpoch: 1_669_233_778))
        #expect(s.conversation?.originType == "user_initiated")
    }

    @Test("a group status keeps the raw recipient but no contact")
    func groupStatus() throws {
        let s = try #require(try status("pywa__message_status__group.json"))
        #expect(s.recipient == nil)
        #expect(s.recipientID == "fowefinoewcnw")
    }

    @Test("an error without a numeric code is dropped with a note; the status stays")
    func codelessError() {
        let body: JSONValue = [
            "entry": [[
                "changes": [[
                    "field": "messages",
                    "value": [
                        "statuses": [[
                            "id": "wamid.S", "status": "FAILED", "recipient_id": "16315551234",
                            "errors": [["code": "abc"], ["code": "131049"]],
                        ]]
                    ],
                ]]
            ]]
        ]
        let batch = WebhookDecoder().decode(body)
        #expect(batch.statuses.first?.state == .failed)
        #expect(batch.statuses.first?.errors.map(\.code) == [131049])
        #expect(batch.skipped == [
            "entry[0].changes[0] (messages).statuses[0]: error without a numeric \"code\" (\"abc\"); ignored"
        ])
    }
}
