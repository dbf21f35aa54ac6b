import Foundation
import ParleyCloudAPI
import ParleyGraphAPI
import ParleyJSON
import Testing

/// `parley templates submit`'s client against the fake Graph API: the request as the
/// platform takes it, the id and status it answers, and a refusal in words with its code.
@Suite("Template submission")
struct TemplateSubmitTests {
    static let draft: JSONValue = try! JSONValue.parse(#"""
        {"name": "order_delayed", "language": "en_US", "category": "UTILITY",
         "components": [{"type": "BODY", "text": "Hi {{1}}, your order {{2}} will arrive a day late. Reply to this message if you need help.",
                         "example": {"body_text": [["Ana", "10234"]]}}]}
        """#)

    func submission(_ graphURL: String) -> AccountTemplates {
        var settings = CloudAPISettings()
        settings.baseURL = graphURL
        settings.accessToken = "graph-token"
        settings.wabaID = "5678"
        return AccountTemplates(settings: settings)
    }

    @Test("a draft is posted to the account's message_templates with the token; its id and status come back")
    func created() async throws {
        let graph = FakeGraphAPI()
        let outcome = try await submission(try await graph.start()).submit(Self.draft)
        #expect(outcome == .created(id: "594000000000001", status: "PENDING", category: "UTILITY"))
        let sent = try #require(await graph.submittedTemplates.first)
        #expect(sent.path == "/v23.0/5678/message_templates")
        #expect(sent.authorization == "Bearer graph-token")
        #expect(sent.body == Self.draft)
    }

    @Test("a refusal keeps the platform's code and its words")
    func refused() async throws {
        let graph = FakeGraphAPI()
        await graph.failNext(1, status: 400, body: #"""
            {"error":{"message":"Invalid parameter","type":"OAuthException","code":100,"error_subcode":2388023,
             "error_user_title":"Message template language is being deleted","error_user_msg":"New English content can't be added while the existing English content is being deleted. Try again in 4 weeks."}}
            """#)
        let outcome = try await submission(try await graph.start()).submit(Self.draft)
        guard case .refused(let error) = outcome else {
            Issue.record("expected a refusal, got \(outcome)")
            return
        }
        #expect(error.code == 100)
        #expect(error.subcode == 2388023)
        #expect(error.description.contains("Try again in 4 weeks"))
    }

    @Test("without a token or an account, nothing is sent and the error says what to set")
    func unconfigured() async throws {
        await #expect { try await AccountTemplates(settings: CloudAPISettings()).submit(Self.draft) } throws: { error in
            "\(error)".contains("PARLEY_ACCESS_TOKEN")
        }
    }
}
