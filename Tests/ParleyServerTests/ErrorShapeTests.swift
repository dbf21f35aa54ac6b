import Foundation
import HTTPTypes
import ParleyJSON
import Testing

/// Every error the server answers has one shape, `{"error": "...", "fix": "..."}`, whoever
/// raised it: a route, the agent API's guard, or Hummingbird itself.
@Suite("Error answers")
struct ErrorShapeTests {
    @Test("every error answer is JSON with an error and a fix, and nothing else")
    func oneShape() async throws {
        let macro = #"return macro { name = "thanks", run = function(conv, args) end }"#
        try await TestDeployment(scripts: ["echo.lua": echoBot, "thanks.lua": macro]).withRoutes { routes in
            let webhook = textWebhook(from: "14155550101", text: "hi", id: "wamid.shape.1")
            _ = try await routes.agent("conversations/+14155550101/claim", body: #"{"agent":"dana"}"#)
            let answers: [(String, Routes.Answer)] = [
                ("no such route", try await routes.get("/nowhere")),
                ("handshake without a challenge", try await routes.get("/webhook")),
                ("handshake with a wrong token", try await routes.get("/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1")),
                ("webhook unsigned", try await routes.post("/webhook", body: webhook)),
                ("webhook as a form", try await routes.post("/webhook", body: "a=b", contentType: "application/x-www-form-urlencoded")),
                ("webhook not JSON", try await routes.webhook("{not json")),
                ("webhook too large", try await routes.webhook(String(repeating: " ", count: 70 * 1024) + webhook)),
                ("agent API without a token", try await routes.get("/agent/queue")),
                ("contact not a number", try await routes.agent("conversations/hello")),
                ("body not JSON", try await routes.agent("conversations/+14155550101/release", body: "{oops")),
                ("body too large", try await routes.agent("conversations/+14155550101/release", body: String(repeating: " ", count: 70 * 1024))),
                ("claim without an agent", try await routes.agent("conversations/+14155550101/claim", body: "{}", as: nil)),
                ("claim held by another", try await routes.agent("conversations/+14155550101/claim", body: #"{"agent":"eve"}"#)),
                ("reply not a message", try await routes.agent("conversations/+14155550101/reply", body: #"{"nothing":1}"#)),
                ("unknown macro", try await routes.agent("conversations/+14155550101/macros/nope", body: "{}")),
                ("unknown message", try await routes.agent("messages/out-999/audit")),
                ("sandbox without a sender", try await routes.post("/sandbox/inbound", body: #"{"text":"hi"}"#)),
            ]
            for (what, answer) in answers {
                #expect(answer.status >= 400, "\(what): \(answer.status)")
                #expect(answer.headers[.contentType] == "application/json", "\(what)")
                let fields = answer.json.objectValue ?? [:]
                #expect(Set(fields.keys) == ["error", "fix"], "\(what): \(answer.body)")
                #expect(fields["error"]?.stringValue?.isEmpty == false, "\(what): \(answer.body)")
                #expect(fields["fix"]?.stringValue?.isEmpty == false, "\(what): \(answer.body)")
            }
        }
    }
}
