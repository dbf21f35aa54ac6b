import Foundation
import ParleyJSON
import Testing

/// Several numbers in one `parley serve`: webhooks routed by `metadata.phone_number_id`, and
/// each reply posted from the number the contact wrote to (docs/rules.md §11).
@Suite("Several numbers through parley serve", .serialized)
struct SeveralNumbersServeTests {
    /// A text webhook to the number whose id is `number`.
    func text(from: String, to number: String, _ text: String, id: String) -> String {
        textWebhook(from: from, text: text, id: id).replacingOccurrences(of: #""phone_number_id":"1234""#, with: #""phone_number_id":"\#(number)""#)
    }

    @Test("each number's events reach its conversations and are answered from it; an unknown number's are skipped")
    func routedAndAnsweredFromTheirNumber() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        let numbers = "[numbers.sales]\nphone_number_id = \"2222\"\n"
        try await TestDeployment(scripts: ["echo.lua": echoBot], toml: numbers, live: graphURL).withRoutes { routes in
            #expect(try await routes.webhook(text(from: "447700900123", to: "1234", "hi main", id: "wamid.in.1")).status == 200)
            try await graph.waitUntil("the reply from main") { await $0.received.count == 1 }
            #expect(try await routes.webhook(text(from: "447700900123", to: "2222", "hi sales", id: "wamid.in.2")).status == 200)
            try await graph.waitUntil("the reply from sales") { await $0.received.count == 2 }
            #expect(try await routes.webhook(text(from: "447700900123", to: "9999", "hi other", id: "wamid.in.3")).status == 200)
            try await routes.settled()

            let received = await graph.received
            #expect(received.map(\.path) == ["/v23.0/1234/messages", "/v23.0/2222/messages"])
            #expect(received.map { $0.body["text"]?["body"] } == ["echo: hi main", "echo: hi sales"])
            #expect(received.allSatisfy { $0.body["to"] == "447700900123" })
            let transcript = await routes.service.transcript()
            #expect(transcript.contains { $0.contains(#""from":"+447700900123@sales""#) })
            #expect(!transcript.contains { $0.contains("hi other") })

            // An agent answers the sales conversation by its name, from the sales number.
            let reply = try await routes.agent("conversations/+447700900123@sales/reply", body: #"{"text":"from sales"}"#)
            #expect(reply.body.contains(#""ok":true"#))
            try await graph.waitUntil("the agent's reply") { await $0.received.count == 3 }
            #expect(await graph.received.last?.path == "/v23.0/2222/messages")
        }
    }
}
