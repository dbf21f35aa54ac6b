import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

/// The outbox: the core paces rather than drops, and decides again at dispatch.
@Suite("Outbox and dispatch")
struct DispatchTests {
    @Test("a burst over the pair rate is paced: 45 at once, then one every 6 s")
    func pairRatePacing() throws {
        let world = try World(scripts: ["b.lua": bot(#"for i = 1, 48 do local r = send(conv, "m" .. i); if i == 48 then log(tostring(r.queued)) end end"#)])
        world.inbound(alice, "go")
        #expect(world.sent.count == 45)
        #expect(world.logs == ["[bot:test] true"])
        world.advance("20s")
        let times = world.sent.suffix(3).compactMap { $0["at"]?.stringValue }
        #expect(times == ["2026-01-05T10:00:06Z", "2026-01-05T10:00:12Z", "2026-01-05T10:00:18Z"])
    }

    @Test("messages queued for the pair rate after the window closes are refused at dispatch")
    func dispatchRefusal() throws {
        let world = try World(scripts: ["b.lua": bot(#"schedule(conv, "86395s", "burst")"#,
                                                     extra: #"on_timer = function(conv) for i = 1, 47 do send(conv, "m" .. i) end end,"#)])
        world.inbound(alice, "go")
        world.advance("2d")
        // 45 go at 23:59:55; the 46th is due at 24:00:01, after the window closed at 24:00:00.
        #expect(world.sent.count == 45)
        #expect(world.blocked.count == 2)
        #expect(world.blocked.first?["reason"] == "outside_window")
        #expect(world.blocked.first?["stage"] == "dispatch")
        #expect(world.blocked.first?["code"] == 131047)
    }

    @Test("the 250th new contact gets a template; the 251st is refused with messaging_limit")
    func messagingLimit() throws {
        let world = try World(scripts: ["b.lua": bot("send(conv, 'hi')")])
        for i in 0..<251 {
            let contact = "+1415555\(String(format: "%04d", i))"
            world.handle(.optIn(ContactID(contact)!))
            world.handle(.agentReply(.template(TemplateRequest(name: "order_update", body: .positional(["A\(i)", "late"]))), to: contact))
        }
        world.advance("5s")  // 80 go at once, the rest at 80 a second
        #expect(world.sent.count == 250)
        #expect(world.blocked.map { $0["reason"] } == ["messaging_limit"])
        // The same contact again adds nothing; a day later, the count has rolled over.
        world.handle(.agentReply(.template(TemplateRequest(name: "order_update", body: .positional(["B", "late"]))), to: "+14155550000"))
        world.advance("1s")
        #expect(world.sent.count == 251)
        world.advance("24h")
        world.handle(.agentReply(.template(TemplateRequest(name: "order_update", body: .positional(["C", "late"]))), to: "+14155550250"))
        world.advance("1s")
        #expect(world.sent.count == 252)
    }

    @Test("a template paused for 3 h refuses with template_paused, then sends again")
    func pausedTemplate() throws {
        let world = try World(scripts: ["b.lua": bot("send(conv, 'hi')")])
        world.handle(.optIn(ContactID(alice)!))
        let key = TemplateKey(name: "order_update", language: "en_US")
        world.handle(.templateStatus(key, .paused))
        let request = OutboundMessage.template(TemplateRequest(name: "order_update", body: .positional(["A1", "late"])))
        world.handle(.agentReply(request, to: alice))
        #expect(world.blocked.last?["reason"] == "template_paused")
        #expect(world.blocked.last?["code"] == 132015)
        world.advance("3h")
        world.handle(.agentReply(request, to: alice))
        #expect(world.sent.last?["template"] == "order_update")
    }

    @Test("a template PAUSED in the loaded catalog, or in a sync, is timed as its next pause, and comes back")
    func pausedInCatalog() throws {
        var templates = World.templates
        templates[0].status = .paused
        let world = try World(scripts: ["b.lua": bot("send(conv, 'hi')")], templates: templates)
        world.handle(.optIn(ContactID(alice)!))
        let request = OutboundMessage.template(TemplateRequest(name: "order_update", body: .positional(["A1", "late"])))
        world.handle(.agentReply(request, to: alice))
        #expect(world.blocked.last?["detail"]?.stringValue?.contains("pause 1 of 2") == true)
        world.advance("3h")
        world.handle(.agentReply(request, to: alice))
        #expect(world.sent.last?["template"] == "order_update")

        // A sync that reports it PAUSED again: the second pause, 6 h from the sync.
        world.handle(.templatesSynced(templates))
        world.handle(.agentReply(request, to: alice))
        #expect(world.blocked.last?["detail"]?.stringValue?.contains("pause 2 of 2") == true)
        world.advance("6h")
        world.handle(.agentReply(request, to: alice))
        #expect(world.sent.filter { $0["template"] == "order_update" }.count == 2)
    }

    @Test("every refusal and every send has its decision in the audit trail")
    func auditTrail() throws {
        let world = try World(scripts: ["b.lua": bot("send(conv, 'hi')")])
        let outcome = world.handle(.agentReply(.text("hello?"), to: bob)).sendOutcome!
        let decisions = try world.runtime.audit(ofMessage: outcome.id)
        #expect(decisions.count == 1)
        #expect(decisions.first?["reason"] == "outside_window")
        #expect(decisions.first?["inputs"]?["window_end"] == .null)
        world.inbound(alice, "hi")
        // Sent at once: the decision at request is the decision at dispatch.
        let sentID = try #require(world.sent.last?["id"]?.stringValue)
        let once = try world.runtime.audit(ofMessage: sentID)
        #expect(once.map { $0["stage"] } == ["request"])
        #expect(once.first?["outcome"] == "allowed")
        #expect(once.first?["inputs"]?["window_end"] == .string((World.start + .hours(24)).iso8601))
        // Paced: decided when asked, and again when its slot came.
        for _ in 0..<46 { world.handle(.agentReply(.text("again"), to: alice)) }
        world.advance("10s")
        let pacedID = try #require(world.sent.last?["id"]?.stringValue)
        let both = try world.runtime.audit(ofMessage: pacedID)
        #expect(both.map { $0["stage"] } == ["request", "dispatch"])
        #expect(both.allSatisfy { $0["outcome"] == "allowed" })
    }

    @Test("an invalid recipient is refused with invalid_recipient and 131009")
    func invalidRecipient() throws {
        let world = try World(scripts: ["b.lua": bot(#"local r = send("not a number", "hi"); log(r.reason, r.code)"#)])
        world.inbound(alice, "hi")
        #expect(world.logs == ["[bot:test] invalid_recipient\t131009"])
    }
}
