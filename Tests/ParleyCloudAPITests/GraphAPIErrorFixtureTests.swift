import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import Testing

/// Every body in `errors/`, with what it must mean. The HTTP status given is the one the
/// platform answers with (400 for nearly all); classification must not depend on it.
@Suite("Graph API error fixtures")
struct GraphAPIErrorFixtureTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        let file: String
        let code: Int
        var subcode: Int? = nil
        var reason: Reason? = nil
        var retry: RetryAdvice = .never
        var isAuthentication = false
        var testDescription: String { file }
    }

    static let expectations: [Expectation] = [
        // 100/33: the phone number id does not exist or the token cannot see it: configuration.
        .init(file: "bindambc__phonenumbernotfounderror.json", code: 100, subcode: 33),
        .init(file: "bindambc__requestcodeerror.json", code: 136024, subcode: 2_388_091),
        .init(file: "bindambc__send_rate_limit_130429.json", code: 130429, subcode: 2_494_055, reason: .throughputLimit, retry: .transient),
        .init(file: "bindambc__verifycodeerror.json", code: 136025, subcode: 2_388_093),
        .init(file: "issue__neurotech_hq_heyoo_94__recipient_not_allowed_131030.json", code: 131030, reason: .invalidRecipient),
        .init(file: "issue__tawn33y_whatsapp_cloud_api_57__template_not_found_132001.json", code: 132001, reason: .templateNotFound),
        .init(file: "netflie__invalid_oauth_token_190.json", code: 190, isAuthentication: true),
        // Logged by pywa without the {"error": ...} wrapper.
        .init(file: "pywa__expiredaccesstoken_190.json", code: 190, subcode: 463, isAuthentication: true),
        // Webhook-style error objects: code, title, message, error_data.details.
        .init(file: "pywa__mediauploaderror_131053.json", code: 131053),
        .init(file: "pywa__reengagementmessage_131047.json", code: 131047, reason: .outsideWindow),
        .init(file: "rubysdk__business_account_details_handles_error_response.json", code: 100, subcode: 33),
        .init(file: "rubysdk__medias_delete_media_handles_error_response.json", code: 100, reason: .invalidMessage),
        .init(file: "rubysdk__medias_media_handles_error_response.json", code: 100, subcode: 33),
        .init(file: "rubysdk__messages_read_message_with_a_valid_response.json", code: 100, reason: .invalidMessage),
        .init(file: "rubysdk__messages_read_message_with_an_invalid_response.json", code: 100, reason: .invalidMessage),
        .init(file: "rubysdk__messages_send_text_handles_error_response.json", code: 100, subcode: 33),
        // A template-management error: its subcode says it is about an object, not a message.
        .init(file: "rubysdk__templates_delete_template_with_error_response.json", code: 100, subcode: 2_593_002),
        .init(file: "rubysdk__templates_template_analytics_with_error_response.json", code: 100, reason: .invalidMessage),
    ]

    @Test("every error fixture has an expectation")
    func allCovered() {
        #expect(Set(Self.expectations.map(\.file)) == Set(SenderFixtures.names(in: "errors")))
    }

    @Test("decodes and classifies", arguments: expectations)
    func classifies(_ e: Expectation) throws {
        let error = GraphAPIError(body: try SenderFixtures.text("errors", e.file), httpStatus: 400)
        #expect(error.code == e.code)
        #expect(error.subcode == e.subcode)
        #expect(error.reason == e.reason)
        #expect(error.retry == e.retry)
        #expect(error.isAuthentication == e.isAuthentication)
        #expect(error.message?.isEmpty == false)
    }

    @Test("the fields a person needs: title, message, details and the trace id")
    func fields() throws {
        let rate = GraphAPIError(body: try SenderFixtures.text("errors", "bindambc__send_rate_limit_130429.json"), httpStatus: 400)
        #expect(rate.message == "(#130429) Rate limit hit")
        #expect(rate.details?.hasPrefix("Message failed to send because there were too many messages") == true)
        #expect(rate.type == "OAuthException")
        #expect(rate.traceID == "Az8or2yhqkZfEZ-_4Qn_Bam")

        let window = GraphAPIError(body: try SenderFixtures.text("errors", "pywa__reengagementmessage_131047.json"), httpStatus: nil)
        #expect(window.title == "Re-engagement message")
        #expect(window.details?.contains("more than 24 hours") == true)

        let template = GraphAPIError(body: try SenderFixtures.text("errors", "rubysdk__templates_delete_template_with_error_response.json"), httpStatus: 400)
        #expect(template.title == "Message Template Not Found")
        #expect(template.details == "The message template fake name wasn't found for this account.")
    }
}
