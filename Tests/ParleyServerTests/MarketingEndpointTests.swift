import Foundation
import ParleyJSON
import ParleyStorage
import Testing

/// The Marketing Messages API and the platform's holds, through `parley serve` to a fake
/// Graph API (docs/rules.md §9).
@Suite("Marketing Messages API and held sends", .serialized)
struct MarketingEndpointTests {
    static let templates = #"""
        {"data":[
          {"name":"order_update","language":"en_US","status":"APPROVED","category":"UTILITY","components":[{"type":"BODY","text":"Order {{1}} is {{2}}."}]},
          {"name":"spring_sale","language":"en_US","status":"APPROVED","category":"MARKETING","components":[{"type":"BODY","text":"Hi {{1}}, our sale starts today."}]}
        ]}
        """#

    @Test("marketing templates go to /marketing_messages, the rest to /messages; a held send waits for its status, which ends the hold")
    func routedAndHeld() async throws {
        let graph = FakeGraphAPI()
        await graph.holdNext(1)
        let graphURL = try await graph.start()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-mm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.templates.write(to: folder.appendingPathComponent("templates.json"), atomically: true, encoding: .utf8)
        let deployment = try TestDeployment(scripts: ["echo.lua": echoBot], toml: "marketing_messages = true\n", live: graphURL,
                                            folder: folder, templates: "templates.json")
        try await deployment.withRoutes { routes in
            let contact = "+447700900103"
            _ = try await routes.agent("conversations/\(contact)/opt_in", body: "{}")
            let sale = try await routes.agent("conversations/\(contact)/reply", body: #"{"template":"spring_sale","params":["Ana"]}"#)
            #expect(sale.body.contains(#""ok":true"#))
            try await graph.waitUntil("the sale received") { await $0.delivered == 1 }
            let update = try await routes.agent("conversations/\(contact)/reply", body: #"{"template":"order_update","params":["A1","late"]}"#)
            #expect(update.body.contains(#""ok":true"#))
            try await graph.waitUntil("the update received") { await $0.delivered == 2 }
            // Each message once, whatever a slow machine made the sender try again.
            var keys = Set<String?>()
            let received = await graph.received.filter { keys.insert($0.idempotencyKey).inserted }
            #expect(received.map(\.path) == ["/v23.0/1234/marketing_messages", "/v23.0/1234/messages"])
            #expect(received[0].body["template"]?["name"] == "spring_sale")

            let service = routes.service
            #expect(try await eventually { try await service.deliveryCounts()[.held] == 1 })
            #expect(await service.transcript().contains { $0.contains(#""status":"held_for_quality_assessment""#) })

            let delivered = #"{"object":"whatsapp_business_account","entry":[{"id":"5678","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"1234"},"statuses":[{"id":"wamid.fake.1","status":"delivered","timestamp":"1767603600","recipient_id":"447700900103"}]}}]}]}"#
            #expect(try await routes.webhook(delivered).status == 200)
            #expect(try await eventually { try await service.deliveryCounts()[.held] == nil })
        }
    }
}
