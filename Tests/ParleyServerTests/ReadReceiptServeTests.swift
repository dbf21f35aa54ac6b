import Foundation
import ParleyJSON
import Testing

/// `mark_read` through `parley serve`: the receipt reaches the Graph API as Meta's body.
@Suite("Read receipts in serve", .serialized)
struct ReadReceiptServeTests {
    static let bot = """
        return bot {
          name = "polite",
          escalation = { queue = "support" },
          on_message = function(conv, msg)
            mark_read(msg, { typing = true })
            send(conv, "On it.")
          end,
        }
        """

    @Test("a bot's mark_read posts status read with the typing indicator, beside its reply")
    func receiptReachesGraph() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        try await TestDeployment(scripts: ["polite.lua": Self.bot], live: graphURL).withRoutes { routes in
            #expect(try await routes.webhook(textWebhook(from: "14155550101", text: "hi", id: "wamid.in.7")).status == 200)
            try await graph.waitUntil("the receipt and the reply") { await $0.received.count == 2 }
            let bodies = await graph.received.map(\.body)
            let receipt = try #require(bodies.first { $0["status"] == "read" })
            #expect(receipt == ["messaging_product": "whatsapp", "status": "read", "message_id": "wamid.in.7", "typing_indicator": ["type": "text"]])
            #expect(bodies.contains { $0["text"]?["body"] == "On it." })
        }
    }
}
