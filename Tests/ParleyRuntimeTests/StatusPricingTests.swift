import Foundation
import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import ParleySimulation
import Testing

/// docs/rules.md §16.5: the `pricing` of a status webhook is the platform's word on what a
/// message cost; the `status` record keeps it beside Parley's estimate, and says where they
/// disagree.
@Suite("Status pricing against the estimate")
struct StatusPricingTests {
    let marketing = OutboundMessage.template(TemplateRequest(name: "spring_sale", body: .positional(["Ana"])))

    /// A status body from the corpus, as text, with its placeholders replaced.
    func webhook(_ name: String, replacing: [(String, String)] = []) throws -> JSONValue {
        var text = try String(contentsOf: repositoryRoot.appendingPathComponent("Tests/Fixtures/cloud-api/webhooks/\(name)"), encoding: .utf8)
        for (old, new) in replacing { text = text.replacingOccurrences(of: old, with: new) }
        return try JSONValue.parse(text)
    }

    func world() throws -> World {
        let world = try World(scripts: ["b.lua": bot(#"send(conv, "Welcome!")"#)], config: pricedConfig())
        world.handle(.optIn(ContactID(carla)!))
        return world
    }

    @Test("the platform's billing is written beside the estimate; when they agree, that is all")
    func agreeing() throws {
        let world = try world()
        world.handle(.agentReply(marketing, to: carla))
        #expect(world.sent.last?["id"] == "out-1")
        world.simulation.apply(.webhook(try webhook("madefortest__message_status__per_message_pricing.json")))
        let status = try #require(world.of("status").last)
        #expect(status["pricing"] == ["billable": true, "category": "marketing", "type": "regular", "pricing_model": "PMP"])
        #expect(status["estimated"] == ["category": "marketing", "type": "regular", "cost": "0.0529", "currency": "USD", "market": "44"])
        #expect(status["pricing_mismatch"] == nil)
    }

    @Test("the platform billed a message Parley estimated free: the record says so")
    func billedWhatWasFree() throws {
        let world = try world()
        world.handle(fromAd(carla, "I saw your ad"))
        #expect(world.sent.last?["pricing_type"] == "free_entry_point")
        world.simulation.apply(.webhook(try webhook("madefortest__message_status__per_message_pricing.json", replacing: [("\"marketing\"", "\"service\"")])))
        #expect(world.of("status").last?["pricing_mismatch"] == "the platform billed a message Parley estimated free (free_entry_point)")
    }

    @Test("the platform left free what Parley priced, and named another category: both are said")
    func freeWhatWasPriced() throws {
        let world = try world()
        world.handle(.agentReply(marketing, to: carla))
        world.simulation.apply(.webhook(try webhook("madefortest__message_status__per_message_pricing.json",
                                                    replacing: [("\"regular\"", "\"free_customer_service\""), ("\"marketing\"", "\"utility\"")])))
        #expect(world.of("status").last?["pricing_mismatch"] == """
            the platform did not bill (free_customer_service) a message Parley estimated at USD 0.0529 (regular); \
            the platform's category is utility, Parley estimated marketing
            """)
    }

    @Test("a status from before per-message pricing is kept as the platform sent it, without a verdict")
    func conversationPricing() throws {
        let world = try world()
        world.handle(.agentReply(marketing, to: carla))
        world.simulation.apply(.webhook(try webhook("pywa__message_status__sent.json", replacing: [("wamid.xyzxyz", "out-1")])))
        let status = try #require(world.of("status").last)
        #expect(status["pricing"] == ["billable": true, "category": "service", "pricing_model": "CBP"])
        #expect(status["estimated"]?["category"] == "marketing")
        #expect(status["pricing_mismatch"] == nil)
    }

    @Test("a scenario's status event may carry the platform's pricing")
    func scenarioStatus() throws {
        let world = try world()
        world.handle(.agentReply(marketing, to: carla))
        let scenario = try Scenario(parsing: #"{"type": "status", "id": "out-1", "status": "delivered", "pricing": {"category": "marketing", "type": "free_entry_point"}}"#)
        for step in scenario.steps { world.simulation.apply(step.event) }
        #expect(world.of("status").last?["pricing_mismatch"] == "the platform did not bill (free_entry_point) a message Parley estimated at USD 0.0529 (regular)")
    }
}
