import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

@Suite("Consent and identity")
struct ConsentAndIdentityTests {
    let marketing = OutboundMessage.template(TemplateRequest(name: "spring_sale", body: .positional(["Ana"])))
    let utility = OutboundMessage.template(TemplateRequest(name: "order_update", body: .positional(["A1", "late"])))

    @Test("STOP opts out of marketing, is confirmed, and never reaches the bot; START reverses it")
    func stopThenStart() throws {
        let world = try World(scripts: ["b.lua": bot(#"send(conv, "bot saw " .. msg.text)"#)])
        world.handle(.optIn(ContactID(alice)!))
        world.inbound(alice, "  stop ")
        #expect(world.of("opted_out").count == 1)
        #expect(world.sentTexts.last == world.runtime.config.texts.optedOut)
        #expect(!world.sentTexts.contains { $0.hasPrefix("bot saw") })
        world.advance("25h")
        world.handle(.agentReply(marketing, to: alice))
        #expect(world.blocked.last?["reason"] == "marketing_opted_out")
        #expect(world.blocked.last?["code"] == 131050)
        world.handle(.agentReply(utility, to: alice))
        #expect(world.sent.last?["template"] == "order_update")
        world.inbound(alice, "START")
        world.handle(.agentReply(marketing, to: alice))
        #expect(world.sent.last?["template"] == "spring_sale")
    }

    @Test("a business-initiated template needs an opt-in; a reply inside the window does not")
    func optIn() throws {
        let world = try World(scripts: ["b.lua": bot("")])
        world.handle(.agentReply(utility, to: alice))
        #expect(world.blocked.last?["reason"] == "no_opt_in")
        world.inbound(alice, "hi")
        world.handle(.agentReply(utility, to: alice))
        #expect(world.sent.last?["template"] == "order_update")
    }

    @Test("an identity change refuses sends until acknowledged")
    func identity() throws {
        let world = try World(scripts: ["b.lua": bot(#"send(conv, "hi")"#)])
        world.handle(.identityChanged(ContactID(alice)!))
        world.inbound(alice, "hello")
        #expect(world.blocked.last?["reason"] == "identity_changed")
        #expect(world.blocked.last?["code"] == 137000)
        world.handle(.identityAcknowledged(ContactID(alice)!))
        world.inbound(alice, "hello again")
        #expect(world.sentTexts.last == "hi")
    }

    @Test("a restricted number refuses business-initiated templates but still answers inside the window")
    func restricted() throws {
        let world = try World(scripts: ["b.lua": bot(#"send(conv, "hi")"#)])
        world.handle(.numberStatus(.restricted))
        world.handle(.optIn(ContactID(bob)!))
        world.handle(.agentReply(utility, to: bob))
        #expect(world.blocked.last?["reason"] == "number_restricted")
        world.inbound(alice, "hello")
        #expect(world.sentTexts.last == "hi")
    }

    @Test("pick_template returns only what send would accept, in the conversation's language")
    func pickTemplate() throws {
        let templates = World.templates + [
            Template(name: "order_update", language: "pt_BR", category: .utility, status: .approved, quality: .yellow,
                     body: "Pedido {{1}}: {{2}}."),
        ]
        let world = try World(scripts: ["b.lua": bot("""
        conv.language = "pt_BR"
        local t, why = pick_template { category = "UTILITY", to = conv }
        log(t.name, t.language, t.params, t.quality)
        local none, reason = pick_template { category = "MARKETING", to = conv }
        log(tostring(none), reason)
        """)], templates: templates)
        world.handle(.optOut(ContactID(alice)!))
        world.inbound(alice, "oi")
        #expect(world.logs == ["[bot:test] order_update\tpt_BR\t2\tYELLOW", "[bot:test] nil\tmarketing_opted_out"])
    }
}
