import Foundation
import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

/// A price table with UK rates and defaults for everyone else (an example, not Meta's
/// rates), no budgets.
func pricedConfig() -> RuntimeConfig {
    var config = RuntimeConfig()
    config.policy.pricing.rates = [
        .marketing: RateCard(["44": Money(0.0529)!], default: Money(0.04)!),
        .utility: RateCard(["44": Money(0.022)!], default: Money(0.008)!),
        .authentication: RateCard(["44": Money(0.0358)!], default: Money(0.0135)!),
        .service: RateCard(["44": Money(0.022)!], default: Money(0.004)!),
    ]
    return config
}

/// An inbound message from `from` that came from a Click-to-WhatsApp ad.
func fromAd(_ from: String, _ text: String) -> RuntimeEvent {
    .inbound(Inbound(from: ContactID(from)!, content: .text(text), referral: Inbound.Referral(sourceType: "ad", sourceID: "120208")))
}

/// docs/rules.md §16: every message is priced as it goes, the free entry point window is
/// state the runtime keeps, and scripts can read both.
@Suite("Prices in the runtime")
struct PricingRuntimeTests {
    let marketing = OutboundMessage.template(TemplateRequest(name: "spring_sale", body: .positional(["Ana"])))

    /// A bot that answers every message, and keeps what `in_window` said before answering.
    func world(_ config: RuntimeConfig = pricedConfig()) throws -> World {
        let world = try World(scripts: ["b.lua": bot(#"""
            local open, left, free = in_window(conv)
            conv.state.window = { open = open, left = left, free = free }
            send(conv, "Thanks for writing!")
            """#)], config: config)
        world.handle(.optIn(ContactID(carla)!))
        return world
    }

    @Test("each sent record carries its price: the contact's country, the category, regular outside any free window")
    func sentRecords() throws {
        let world = try world()
        world.inbound(carla, "hi")
        let reply = try #require(world.sent.last)
        #expect(reply["pricing_type"] == "regular")
        #expect(reply["cost"] == "0.022")
        #expect(reply["currency"] == "USD")
        world.advance("25h")
        world.handle(.agentReply(marketing, to: carla))
        #expect(world.sent.last?["cost"] == "0.0529")
        let id = try #require(world.sent.last?["id"]?.stringValue)
        let audit = try #require(try world.runtime.audit(ofMessage: id).first)
        #expect(audit["pricing"] == ["category": "marketing", "type": "regular", "cost": "0.0529", "currency": "USD", "market": "44"])
    }

    @Test("without a price table the transcript is as it was: no cost, no pricing type; the audit still names category and type")
    func noTable() throws {
        let world = try world(RuntimeConfig())
        world.inbound(carla, "hi")
        let reply = try #require(world.sent.last)
        #expect(reply["cost"] == nil)
        #expect(reply["pricing_type"] == nil)
        let audit = try #require(try world.runtime.audit(ofMessage: reply["id"]!.stringValue!).first)
        #expect(audit["pricing"] == ["category": "service", "type": "regular"])
    }

    @Test("a contact from an ad, answered within 24 h, gets 72 h of free messages from the reply, marketing too; then regular prices again")
    func freeEntryPoint() throws {
        let world = try world()
        world.handle(fromAd(carla, "I saw your ad"))
        #expect(world.of("inbound").last?["referral"] == ["source_type": "ad", "source_id": "120208"])
        let reply = try #require(world.sent.last)
        #expect(reply["pricing_type"] == "free_entry_point")
        #expect(reply["cost"] == "0.00")
        let opened = world.now
        #expect(try world.runtime.summary(of: ContactID(carla)!)["free_entry_point_until"] == .string((opened + .hours(72)).iso8601))

        world.advance("30h")  // the customer service window has closed; the free entry point has not
        world.handle(.agentReply(marketing, to: carla))
        #expect(world.sent.last?["pricing_type"] == "free_entry_point")

        world.advance(to: opened + .hours(72))
        world.handle(.agentReply(marketing, to: carla))
        #expect(world.sent.last?["pricing_type"] == "regular")
        #expect(world.sent.last?["cost"] == "0.0529")
    }

    @Test("in_window's third value is the free entry point's seconds left: 0 before the reply opens it")
    func inWindowThirdValue() throws {
        let world = try world()
        world.handle(fromAd(carla, "I saw your ad"))
        #expect(try world.runtime.summary(of: ContactID(carla)!)["state"]?["window"]?["free"] == 0)
        world.advance("1h")
        world.inbound(carla, "still there?")
        #expect(try world.runtime.summary(of: ContactID(carla)!)["state"]?["window"] == ["open": true, "left": 86_400, "free": 255_600])
    }

    @Test("a referral answered only after 24 h opens nothing: the reply is priced as any other")
    func lateReply() throws {
        let world = try World(scripts: ["b.lua": bot(#"if msg.text ~= "quiet" then send(conv, "Hello again") end"#)], config: pricedConfig())
        world.handle(fromAd(carla, "quiet"))
        world.advance("24h")
        world.inbound(carla, "anyone?")
        #expect(world.sent.last?["pricing_type"] == "regular")
        #expect(try world.runtime.summary(of: ContactID(carla)!)["free_entry_point_until"] == nil)
    }

    @Test("a referral from the platform's own webhook marks the conversation: the corpus's ad referral")
    func referralWebhook() throws {
        let world = try world()
        let body = try JSONValue.parse(String(contentsOf: repositoryRoot.appendingPathComponent("Tests/Fixtures/cloud-api/webhooks/pywa__message__referral.json"),
                                              encoding: .utf8))
        world.simulation.apply(.webhook(body))
        let inbound = try #require(world.of("inbound").last)
        #expect(inbound["referral"]?["source_type"] == "ad or post")
        #expect(inbound["referral"]?["ctwa_clid"] == "CTWA_CLID")
        #expect(world.sent.last?["pricing_type"] == "free_entry_point")
    }

    @Test("pick_template says what the template would cost the contact now")
    func pickTemplate() throws {
        let macro = #"""
            return macro { name = "price", run = function(conv, args)
              local t = pick_template { name = "spring_sale", to = conv }
              conv.state.picked = { cost = t.cost, type = t.pricing_type, currency = t.currency }
            end }
            """#
        let priced = try World(scripts: ["price.lua": macro], config: pricedConfig())
        priced.handle(.optIn(ContactID(carla)!))
        try priced.macro("price", carla)
        #expect(try priced.runtime.summary(of: ContactID(carla)!)["state"]?["picked"] == ["cost": 0.0529, "type": "regular", "currency": "USD"])

        let unpriced = try World(scripts: ["price.lua": macro])
        unpriced.handle(.optIn(ContactID(carla)!))
        try unpriced.macro("price", carla)
        #expect(try unpriced.runtime.summary(of: ContactID(carla)!)["state"]?["picked"] == ["type": "regular"], "no rates: no cost")
    }
}
