import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

/// Sessions (docs/rules.md §6.9): a conversation's owner holds it for one thread of work,
/// and the next thread is routed afresh.
@Suite("Sessions")
struct SessionTests {
    /// A pharmacy: refills and deliveries, and a router that picks by the words.
    static let scripts = [
        "refill.lua": bot(#"""
            conv.state.refills = (conv.state.refills or 0) + 1
            if msg.text == "thanks" then send(conv, "Glad to help."); return conv:done("refill confirmed") end
            if msg.text == "huh" then return conv:not_understood() end
            send(conv, "Refill bot here.")
            """#, name: "refill"),
        "delivery.lua": bot(#"send(conv, "Delivery bot here.")"#, name: "delivery"),
        "router.lua": #"""
            return router { name = "main", route = function(conv, msg)
              if msg.text and msg.text:find("deliver") then return "bot:delivery" end
              return "bot:refill"
            end }
            """#,
    ]

    @Test("a contact is routed afresh once the session went idle: 30 days later, a delivery question reaches the delivery bot")
    func idleThenRoutedAfresh() throws {
        let world = try World(scripts: Self.scripts)
        world.inbound(alice, "I need a refill")
        #expect(world.sentTexts.last == "Refill bot here.")
        world.advance("30d")
        world.inbound(alice, "where is my delivery?")
        #expect(world.sentTexts.last == "Delivery bot here.")
        let ended = try #require(world.of("session_ended").first)
        #expect(ended["reason"] == "idle")
        #expect(ended["session"] == 1)
        #expect(ended["idle_since"] == "2026-01-06T10:00:00Z")
        #expect(world.of("session_started").map { $0["session"] } == [1, 2])
        #expect(try world.runtime.summary(of: ContactID(alice)!)["state"]?["refills"] == 1)   // conv.state is the contact's memory
    }

    @Test("conv:done ends the session when the call returns; the next message is routed afresh")
    func done() throws {
        let world = try World(scripts: Self.scripts)
        world.inbound(alice, "refill please")
        world.inbound(alice, "thanks")
        #expect(world.sentTexts.last == "Glad to help.")   // sent before the session ended
        let ended = try #require(world.of("session_ended").first)
        #expect(ended["reason"] == "done")
        #expect(ended["by"] == "bot:refill")
        #expect(ended["note"] == "refill confirmed")
        #expect(try world.runtime.summary(of: ContactID(alice)!)["owner"] == "nobody")
        world.inbound(alice, "and a delivery?")
        #expect(world.sentTexts.last == "Delivery bot here.")
    }

    @Test("only the owning bot may call conv:done, in any of its handlers")
    func doneByOwnerOnly() throws {
        let world = try World(scripts: [
            "b.lua": bot(#"schedule(conv, "1h", "wrap up"); send(conv, "hi")"#, extra: #"on_timer = function(conv) conv:done("timed out") end,"#),
            "m.lua": #"return macro { name = "m", run = function(conv) conv:done() end }"#,
        ])
        world.inbound(alice, "go")
        try world.macro("m", alice)
        #expect(world.of("script_error").first?["error"]?.stringValue?.contains("conv:done: only the bot that owns the conversation ends its session") == true)
        #expect(world.of("session_ended").isEmpty)
        world.advance("1h")
        #expect(world.of("session_ended").first?["note"] == "timed out")
    }

    @Test("an agent resolves a conversation: the session ends, the next message is routed to a bot again")
    func resolve() throws {
        let world = try World(scripts: Self.scripts)
        world.inbound(alice, "agent")
        #expect(try world.runtime.summary(of: ContactID(alice)!)["owner"] == "human:support")
        world.advance("5d")
        world.inbound(alice, "still there?")   // a person holds it: it does not go idle
        #expect(world.of("session_ended").isEmpty)
        world.handle(.resolve(ContactID(alice)!, agent: "dana", note: "refund issued"))
        let ended = try #require(world.of("session_ended").first)
        #expect(ended["reason"] == "resolved")
        #expect(ended["by"] == "dana")
        world.inbound(alice, "I need a refill")
        #expect(world.sentTexts.last == "Refill bot here.")
        #expect(throws: RuntimeError.self) { try world.runtime.handle(.resolve(ContactID(bob)!, agent: nil, note: nil)) }
    }

    @Test("the not-understood count lives in a session: one unclear message, ten days of silence, then hello goes to the bot")
    func notUnderstoodResets() throws {
        let world = try World(scripts: Self.scripts)
        world.inbound(alice, "huh")
        world.advance("10d")
        world.inbound(alice, "huh")
        #expect(world.escalated.isEmpty)
        world.inbound(alice, "huh")
        #expect(world.escalated.first?["reason"] == "not_understood")
    }

    @Test("conv.session keeps what a script puts in it for the session; the next session starts empty; a router's data seeds it")
    func sessionTable() throws {
        let world = try World(scripts: [
            "b.lua": bot(#"""
                conv.session.turns = (conv.session.turns or 0) + 1
                conv.state.total = (conv.state.total or 0) + 1
                send(conv, "turn " .. conv.session.turns .. " of this session, order " .. tostring(conv.session.order) .. ", " .. conv.state.total .. " in all")
                if msg.text == "bye" then conv:done() end
                """#, name: "b"),
            "router.lua": #"return router { name = "main", route = function(conv, msg) return "bot:b", { order = "A7" } end }"#,
        ])
        world.inbound(alice, "hi")
        world.inbound(alice, "bye")
        #expect(world.sentTexts == ["turn 1 of this session, order A7, 1 in all", "turn 2 of this session, order A7, 2 in all"])
        world.inbound(alice, "hello again")
        #expect(world.sentTexts.last == "turn 1 of this session, order A7, 3 in all")
        #expect(try world.runtime.summary(of: ContactID(alice)!)["session"]?["number"] == 2)
    }

    @Test("session_idle sets how long a session lasts without a message")
    func idleSetting() throws {
        var config = RuntimeConfig()
        config.sessionIdle = .hours(2)
        let world = try World(scripts: Self.scripts, config: config)
        world.inbound(alice, "refill")
        world.advance("3h")
        world.inbound(alice, "delivery status")
        #expect(world.sentTexts.last == "Delivery bot here.")
    }
}

/// Agents by name (docs/rules.md §6.7): who said what, and a bot that never talks over a person.
@Suite("Agents by name")
struct AgentNameTests {
    @Test("an agent writing into a conversation a bot holds claims it first, by name; the bot does not answer the next message")
    func replyClaims() throws {
        let world = try World(scripts: ["b.lua": bot(#"send(conv, "bot: " .. msg.text)"#)])
        world.inbound(alice, "hello")
        world.handle(.agentReply(.text("Hi, this is Dana."), to: alice, agent: "dana"))
        let claimed = try #require(world.of("claimed").first)
        #expect(claimed["agent"] == "dana")
        #expect(claimed["implicitly"] == "by replying")
        #expect(world.sent.last?["by"] == "agent:dana")
        #expect(!world.sentTexts.contains { $0.hasPrefix("Connecting you") })   // the agent is there: no "someone will reply"
        world.inbound(alice, "thanks Dana")
        #expect(world.sentTexts.last == "Hi, this is Dana.")
        #expect(try world.runtime.audit(ofContact: ContactID(alice)!).last?["by"] == "agent:dana")
        #expect(throws: ClaimConflict.self) { try world.runtime.handle(.agentReply(.text("Eve here"), to: alice, agent: "eve")) }
        world.handle(.release(ContactID(alice)!, note: nil, agent: "dana"))
        #expect(world.of("released").first?["agent"] == "dana")
    }

    @Test("a macro an agent runs says who ran it")
    func macroByAgent() throws {
        let world = try World(scripts: [
            "b.lua": bot("send(conv, 'hi')"),
            "m.lua": #"return macro { name = "m", run = function(conv) end }"#,
        ])
        world.inbound(alice, "hi")
        world.handle(.macro("m", on: ContactID(alice)!, arguments: [:], agent: "dana"))
        #expect(world.of("macro_run").first?["agent"] == "dana")
    }
}
