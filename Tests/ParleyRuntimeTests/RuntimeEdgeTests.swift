import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

/// Edges where two rules meet: pacing and the limit, ownership and picking, hand-offs and
/// hooks, restrictions and time.
@Suite("Runtime edges")
struct RuntimeEdgeTests {
    let template = OutboundMessage.template(TemplateRequest(name: "order_update", body: .positional(["A1", "late"])))

    @Test("a status is remembered by the platform's id, whether or not it was tied to one of ours")
    func statusSightingKey() throws {
        let world = try World(scripts: ["b.lua": bot("")])
        let tied = DeliveryStatus(id: "out-1", platformID: "wamid.A", status: "failed", contact: ContactID(alice))
        #expect(world.handle(.deliveryStatus(tied)) == .done)
        let untied = DeliveryStatus(id: "wamid.A", status: "failed", contact: ContactID(alice))
        #expect(world.handle(.deliveryStatus(untied)) == .duplicate, "a retry before the wamid was known is the same status")
        #expect(try !world.runtime.store.firstSighting(ofInbound: "status:failed:wamid.A", at: world.now), "the key an upgrade must still find")
    }

    @Test("a template asked for inside the window that goes out after it takes a limit slot then")
    func limitAtDispatch() throws {
        let world = try World(scripts: ["b.lua": bot("")])
        world.handle(.tier(.limited(1)))
        world.handle(.optIn(ContactID(alice)!))
        world.handle(.optIn(ContactID(bob)!))
        world.inbound(alice, "hi")
        world.advance(to: World.start + .hours(24) - .seconds(3))
        // 46 templates: 45 go at once inside the window; the 46th is paced past its end.
        for _ in 0..<46 { world.handle(.agentReply(template, to: alice)) }
        world.advance("10s")
        #expect(world.sent.filter { $0["to"] == .string(alice) }.count == 46)
        // Alice now fills the limit of 1, so Bob, who never wrote, cannot be reached.
        world.handle(.agentReply(template, to: bob))
        #expect(world.blocked.last?["reason"] == "messaging_limit")
    }

    @Test("pick_template judges for the script that asks: a macro may pick on a conversation a person owns")
    func pickForMacro() throws {
        let world = try World(scripts: [
            "b.lua": bot("send(conv, 'hi')"),
            "m.lua": #"return macro { name = "m", run = function(conv) local t, why = pick_template { name = "order_update", to = conv }; log(t and t.name or why) end }"#,
        ])
        world.inbound(alice, "agent")
        try world.macro("m", alice)
        #expect(world.logs.last == "[macro:m] order_update")
    }

    @Test("a macro missing a declared param does not run: the transcript names what is missing, and nothing is sent")
    func macroParams() throws {
        let world = try World(scripts: [
            "b.lua": bot("send(conv, 'hi')"),
            "m.lua": #"return macro { name = "ship", params = { "order_id", "eta" }, run = function(conv, args) send(conv, "Order " .. args.order_id) end }"#,
        ])
        world.inbound(alice, "hello")
        let refused = try #require(try world.macro("ship", alice, ["order_id": "A1", "eta": .null]))
        #expect(refused.missingParams == ["eta"])
        #expect(!refused.ok)
        #expect(world.of("macro_refused").first?["missing"] == ["eta"])
        #expect(world.sentTexts == ["hi"])
        let ran = try #require(try world.macro("ship", alice, ["order_id": "A1", "eta": "today"]))
        #expect(ran.ok)
        #expect(ran.sends.count == 1)
        #expect(world.sentTexts.last == "Order A1")
    }

    @Test("conversations{} is for automations only")
    func conversationsForAutomations() throws {
        let world = try World(scripts: ["b.lua": bot("conversations{}")])
        world.inbound(alice, "hi")
        #expect(world.of("script_error").first?["error"]?.stringValue?.contains("conversations{...} is for automations") == true)
    }

    @Test("on_window_closing fires once per window, even after a hand-off and a release")
    func closingOnce() throws {
        let world = try World(scripts: ["b.lua": bot("", extra: """
        on_window_closing = function(conv, left) send(conv, "closing") end,
        """)])
        world.inbound(alice, "hi")
        world.inbound(alice, "agent")
        world.release(alice)
        world.advance("24h")
        #expect(world.sentTexts.filter { $0 == "closing" }.count == 1)
    }

    @Test("a router that hands off itself keeps the hand-off")
    func routerEscalation() throws {
        let world = try World(scripts: [
            "b.lua": bot(#"send(conv, "bot answered")"#),
            "r.lua": #"return router { name = "r", route = function(conv) escalate_to_human(conv, { queue = "vip" }); return "bot:test" end }"#,
        ], queues: ["vip"])
        world.inbound(alice, "hello")
        world.inbound(alice, "still there?")
        #expect(try world.runtime.store.conversation(ContactID(alice)!)?.owner == .human(queue: "vip"))
        #expect(!world.sentTexts.contains("bot answered"))
        #expect(world.of("routed").isEmpty)
    }

    @Test("a restriction on business-initiated messaging lifts itself when it ends")
    func restrictionExpires() throws {
        let world = try World(scripts: ["b.lua": bot("")])
        world.handle(.optIn(ContactID(bob)!))
        world.handle(.businessInitiatedRestriction(true, until: World.start + .hours(1)))
        world.handle(.agentReply(template, to: bob))
        #expect(world.blocked.last?["reason"] == "number_restricted")
        world.advance("2h")
        world.handle(.agentReply(template, to: bob))
        #expect(world.sent.last?["template"] == "order_update")
    }

    @Test("START lifts a marketing opt-out but is not an opt-in to business-initiated templates")
    func startIsNotConsent() throws {
        let world = try World(scripts: ["b.lua": bot("")])
        world.inbound(alice, "STOP")
        world.inbound(alice, "START")
        world.advance("25h")
        world.handle(.agentReply(template, to: alice))
        #expect(world.blocked.last?["reason"] == "no_opt_in")
    }

    @Test("in_window never reports an open window with 0 seconds left")
    func lastSecond() throws {
        let world = try World(scripts: ["b.lua": bot("")])
        world.inbound(alice, "hi")
        world.advance(to: World.start + .hours(24) - .milliseconds(500))
        #expect(try world.runtime.window(of: ContactID(alice)!).open)
        #expect(try world.runtime.window(of: ContactID(alice)!).secondsLeft == 1)
    }
}
