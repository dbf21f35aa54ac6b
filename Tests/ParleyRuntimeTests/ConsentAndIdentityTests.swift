import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

@Suite("Consent and identity")
struct ConsentAndIdentityTests {
    let marketing = OutboundMessage.template(TemplateRequest(name: "spring_sale", body: .positional(["Ana"])))
    let utility = OutboundMessage.template(TemplateRequest(name: "order_update", body: .positional(["A1", "late"])))

    @Test("STOP stops every business-initiated message and marketing in the window, is confirmed, never reaches the bot; START restores it")
    func stopThenStart() throws {
        let world = try World(scripts: ["b.lua": bot(#"send(conv, "bot saw " .. msg.text)"#)])
        world.handle(.optIn(ContactID(carla)!))
        world.inbound(carla, "  stop ")
        #expect(world.of("opted_out").first?["scope"] == "all")
        #expect(world.sentTexts.last == world.runtime.config.texts.optedOut)
        #expect(!world.sentTexts.contains { $0.hasPrefix("bot saw") })
        // Inside the window the contact opened: a reply still goes, marketing does not.
        world.handle(.agentReply(.text("Sorry to see you go."), to: carla))
        #expect(world.sentTexts.last == "Sorry to see you go.")
        world.handle(.agentReply(marketing, to: carla))
        #expect(world.blocked.last?["reason"] == "opted_out")
        // Outside it, nothing business-initiated: utility templates neither.
        world.advance("25h")
        world.handle(.agentReply(utility, to: carla))
        #expect(world.blocked.last?["reason"] == "opted_out")
        #expect(world.blocked.last?["code"] == nil)
        #expect(try world.runtime.summary(of: ContactID(carla)!)["opted_out"] == true)
        world.inbound(carla, "START")
        #expect(world.of("resumed").first?["scope"] == "all")
        #expect(world.sentTexts.last == world.runtime.config.texts.optedIn)
        world.advance("25h")
        world.handle(.agentReply(utility, to: carla))
        #expect(world.sent.last?["template"] == "order_update")   // the opt-in from before STOP stands again
        world.handle(.agentReply(marketing, to: carla))
        #expect(world.sent.last?["template"] == "spring_sale")
    }

    @Test("START is not an opt-in: a contact who never opted in is told no_opt_in, and the transcript says resumed, not opted_in")
    func startIsNotOptIn() throws {
        let world = try World(scripts: ["b.lua": bot("")])
        world.inbound(alice, "STOP")
        world.inbound(alice, "START")
        #expect(world.of("opted_in").isEmpty)
        #expect(world.of("resumed").count == 1)
        world.advance("25h")
        world.handle(.agentReply(utility, to: alice))
        #expect(world.blocked.last?["reason"] == "no_opt_in")
    }

    @Test("the platform's stop promotions stops marketing only, is its own state, and START does not lift it")
    func promotionsControl() throws {
        let world = try World(scripts: ["b.lua": bot("")])
        let contact = ContactID(carla)!
        world.handle(.optIn(contact))
        world.handle(.marketingStopped(contact))
        #expect(world.of("opted_out").first?["scope"] == "marketing")
        world.handle(.agentReply(marketing, to: carla))
        #expect(world.blocked.last?["reason"] == "marketing_opted_out")
        #expect(world.blocked.last?["code"] == 131050)
        world.handle(.agentReply(utility, to: carla))
        #expect(world.sent.last?["template"] == "order_update")
        world.inbound(carla, "START")   // restores what STOP stopped: nothing here
        world.advance("25h")
        world.handle(.agentReply(marketing, to: carla))
        #expect(world.blocked.last?["reason"] == "marketing_opted_out")
        world.handle(.marketingResumed(contact))
        world.handle(.agentReply(marketing, to: carla))
        #expect(world.sent.last?["template"] == "spring_sale")
        let summary = try world.runtime.summary(of: contact)
        #expect(summary["opted_out"] == false)
        #expect(summary["marketing_opted_out"] == false)
    }

    @Test("a timer that would start a conversation after STOP is refused; a recorded opt-in lifts both stops")
    func timersAfterStop() throws {
        let world = try World(scripts: ["b.lua": bot(#"if msg.text == "remind me" then schedule(conv, "2d", "nudge") end"#, extra: """
            on_timer = function(conv) send(conv, { template = "order_update", params = { "A1", "late" } }) end,
            """)])
        let contact = ContactID(alice)!
        world.handle(.optIn(contact))
        world.inbound(alice, "remind me")
        world.inbound(alice, "STOP")
        world.advance("3d")
        #expect(world.blocked.last?["reason"] == "opted_out")
        world.handle(.optIn(contact))
        #expect(try world.runtime.summary(of: contact)["opted_out"] == false)
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
        #expect(world.logs == ["[bot:test] order_update\tpt_BR\t2\tYELLOW", "[bot:test] nil\topted_out"])
    }
}
