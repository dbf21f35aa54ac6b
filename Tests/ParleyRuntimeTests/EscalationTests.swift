import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

/// docs/rules.md §6: every bot has a working path to a human, whatever it does.
@Suite("Mandatory escalation")
struct EscalationTests {
    @Test("an escalation keyword hands off before the bot sees the message")
    func keywordBeforeBot() throws {
        let world = try World(scripts: ["echo.lua": bot(#"send(conv, "echo: " .. msg.text)"#)])
        world.inbound(alice, "hello")
        world.inbound(alice, "I want a human please")
        #expect(world.sentTexts.contains("echo: hello"))
        #expect(!world.sentTexts.contains { $0.contains("human please") })
        #expect(world.escalated.first?["reason"] == "keyword")
        #expect(world.escalated.first?["queue"] == "support")
        #expect(try world.runtime.store.conversation(ContactID(alice)!)?.owner == .human(queue: "support"))
    }

    @Test("a keyword on a conversation nobody owns is routed first, then escalates to that bot's queue")
    func keywordRoutedFirst() throws {
        let world = try World(scripts: [
            "sales.lua": bot(#"send(conv, "sales here")"#, name: "sales", queue: "sales-team"),
            "help.lua": bot(#"send(conv, "help here")"#, name: "help", queue: "help-team"),
            "router.lua": #"return router { name = "main", route = function(conv, msg) return "bot:sales" end }"#,
        ], queues: ["sales-team", "help-team"])
        world.inbound(alice, "agent")
        #expect(world.of("routed").first?["owner"] == "bot:sales")
        #expect(world.escalated.first?["queue"] == "sales-team")
        #expect(!world.sentTexts.contains("sales here"))
    }

    @Test("two turns in a row not understood escalate; an understood turn resets the count")
    func notUnderstood() throws {
        let world = try World(scripts: ["b.lua": bot("""
        if msg.text == "ok" then send(conv, "fine") else conv:not_understood(); send(conv, "what?") end
        """)])
        world.inbound(alice, "gibberish")
        world.inbound(alice, "ok")
        world.inbound(alice, "gibberish")
        #expect(world.escalated.isEmpty)
        world.inbound(alice, "more gibberish")
        #expect(world.escalated.count == 1)
        #expect(world.escalated.first?["reason"] == "not_understood")
        // The bot's own answer goes out before the hand-off notice.
        #expect(world.sentTexts.suffix(2) == ["what?", world.runtime.config.texts.handoff])
    }

    @Test("a bot error escalates with bot_error, and the contact is told")
    func botError() throws {
        let world = try World(scripts: ["b.lua": bot(#"local t = nil; send(conv, t.x)"#)])
        world.inbound(alice, "hello")
        #expect(world.of("script_error").count == 1)
        #expect(world.escalated.first?["reason"] == "bot_error")
        let notice = try #require(world.sentTexts.last)
        #expect(notice.hasPrefix(world.runtime.config.texts.botError))
        #expect(world.sent.last?["by"] == "core")
    }

    @Test("a budget overrun escalates with bot_error, and the next conversation is answered")
    func budgetOverrun() throws {
        var config = RuntimeConfig()
        config.budget = .init(instructions: 1_000_000, memoryBytes: 8 << 20, wallMilliseconds: 2000)
        let world = try World(scripts: ["b.lua": bot(#"if msg.text == "boom" then while true do end end; send(conv, "hi " .. conv.contact)"#)],
                              config: config)
        world.inbound(alice, "boom")
        world.inbound(bob, "hello")
        // The kill names the line that was running: the loop, on the file's line 5.
        let error = world.of("script_error").first?["error"]?.stringValue ?? ""
        #expect(error.hasPrefix("script stopped: instruction budget exceeded (at "))
        #expect(error.hasSuffix("b.lua:5)"), "\(error)")
        #expect(world.escalated.map { $0["to"] } == [JSONValue.string(alice)])
        #expect(world.sentTexts.contains("hi \(bob)"))
    }

    @Test("while a human owns the conversation, the bot is muted and does not see messages")
    func humanMutesBot() throws {
        let world = try World(scripts: ["b.lua": bot("""
        send(conv, "bot: " .. msg.text)
        if msg.text == "later" then schedule(conv, "1h", "ping") end
        """, extra: #"on_timer = function(conv, name) send(conv, "timer " .. name) end,"#)])
        world.inbound(alice, "later")
        world.inbound(alice, "agent")
        world.inbound(alice, "are you there?")
        world.advance("2h")
        #expect(!world.sentTexts.contains("bot: are you there?"))
        #expect(world.blocked.last?["reason"] == "human_owns_conversation")
        #expect(world.blocked.last?["by"] == "bot:test")
    }

    @Test("release hands the conversation back through on_return")
    func release() throws {
        let world = try World(scripts: ["b.lua": bot(#"send(conv, "bot: " .. msg.text)"#,
                                                     extra: #"on_return = function(conv, note) send(conv, "back: " .. (note or "")) end,"#)])
        world.inbound(alice, "agent")
        world.release(alice, note: "address fixed")
        world.inbound(alice, "thanks")
        #expect(world.of("released").first?["owner"] == "bot:test")
        #expect(world.sentTexts.suffix(2) == ["back: address fixed", "bot: thanks"])
    }

    @Test("out of hours, the escalation answers with the contact route")
    func outOfHours() throws {
        var config = RuntimeConfig()
        config.queues["night-shift"] = .never
        let world = try World(scripts: ["b.lua": bot("send(conv, 'hi')", queue: "night-shift", contact: "Call +1 415 555 0100")], config: config)
        world.inbound(alice, "human")
        #expect(world.sentTexts.last == "\(config.texts.outOfHours) Call +1 415 555 0100")
        #expect(try world.runtime.store.conversation(ContactID(alice)!)?.owner == .human(queue: "night-shift"))
    }

    @Test("opening hours follow the configured week")
    func openingHours() throws {
        var config = RuntimeConfig()
        config.queues["orders"] = try QueueHours(parsing: "Mon-Fri 09:00-17:00")
        let world = try World(scripts: ["b.lua": bot("send(conv, 'hi')", queue: "orders", contact: "Write to help@example.com")],
                              config: config, start: Instant(iso8601: "2026-01-10T12:00:00Z")!)  // a Saturday
        world.inbound(alice, "agent")
        #expect(world.sentTexts.last?.contains("help@example.com") == true)
        world.release(alice)
        world.advance(to: Instant(iso8601: "2026-01-12T09:00:00Z")!)  // Monday
        world.inbound(alice, "agent")
        #expect(world.sentTexts.last == config.texts.handoff)
    }

    @Test("a bot with only a contact route keeps the conversation and gives the route")
    func contactOnly() throws {
        let world = try World(scripts: ["b.lua": bot("send(conv, 'bot here')", queue: nil, contact: "Write to help@example.com")])
        world.inbound(alice, "operator")
        #expect(world.sentTexts.last == "Write to help@example.com")
        #expect(world.escalated.first?["route"] == "contact")
        world.inbound(alice, "hello")
        #expect(world.sentTexts.last == "bot here")
    }

    @Test("an undeclared global at run time names the script's line")
    func undeclaredGlobalLine() throws {
        let world = try World(scripts: ["b.lua": bot("local name = 'sendd'; _G[name](conv, 'x')")])
        world.inbound(alice, "hi")
        let error = world.of("script_error").first?["error"]?.stringValue ?? ""
        #expect(error.hasSuffix("b.lua:5: undeclared global 'sendd'"), "\(error)")
    }

    @Test("a misspelt primitive fails the load, with its line and the name meant")
    func misspeltPrimitive() throws {
        #expect {
            _ = try World(scripts: ["b.lua": bot("sendd(conv, 'x')\n    local t = pick_templat { name = 'x' }")])
        } throws: { error in
            let text = "\(error)"
            return text.contains("b.lua:5: 'sendd' is not defined: no global, local or parameter has that name; did you mean 'send'?")
                && text.contains("b.lua:6: 'pick_templat' is not defined: no global, local or parameter has that name; did you mean 'pick_template'?")
        }
    }

    @Test("escalate_to_human from a script hands off to the bot's queue, or the one asked for")
    func scriptEscalation() throws {
        let world = try World(scripts: ["b.lua": bot(#"local h = escalate_to_human(conv, { queue = "vip", note = msg.text }); log(h.queue, h.handoff_id)"#)], queues: ["vip"])
        world.inbound(alice, "I'm a VIP")
        #expect(world.escalated.first?["reason"] == "script")
        #expect(world.escalated.first?["queue"] == "vip")
        #expect(world.logs.contains("[bot:test] vip\thandoff-1"))
    }

    @Test("a script's reason is the record's reason, and its note stays the note")
    func scriptReason() throws {
        let world = try World(scripts: ["b.lua": bot(#"escalate_to_human(conv, { reason = "medical", note = msg.text })"#)])
        world.inbound(alice, "my chest hurts")
        #expect(world.escalated.first?["reason"] == "medical")
        #expect(try world.runtime.store.conversation(ContactID(alice)!)?.handoff?.reason == "medical")
        #expect(try world.runtime.store.conversation(ContactID(alice)!)?.handoff?.note == "my chest hurts")
    }

    @Test("a reason that is the core's own, or not an identifier, is recorded as script, with a log that says why", arguments: [
        ("keyword", "one of the core's own"), ("asked from the menu", "is not a short identifier"), ("Medical", "is not a short identifier"),
    ])
    func unusableReason(reason: String, problem: String) throws {
        let world = try World(scripts: ["b.lua": bot("escalate_to_human(conv, { reason = \"\(reason)\" })")])
        world.inbound(alice, "help")
        #expect(world.escalated.first?["reason"] == "script")
        #expect(world.logs.contains { $0.contains("escalate_to_human: reason") && $0.contains(problem) })
        #expect(world.sentTexts.last == RuntimeConfig().texts.handoff)   // the hand-off happened all the same
    }

    @Test("a route to human:<queue> records its own reason, routed")
    func routedReason() throws {
        let world = try World(scripts: [
            "b.lua": bot("send(conv, 'bot')"),
            "router.lua": #"return router { name = "main", route = function(conv, msg) return "human:billing" end }"#,
        ], queues: ["billing"])
        world.inbound(alice, "my invoice")
        #expect(world.escalated.first?["reason"] == "routed")
        #expect(world.escalated.first?["queue"] == "billing")
    }

    @Test("a failing router costs the conversation an escalation to the default queue")
    func failingRouter() throws {
        let world = try World(scripts: [
            "a.lua": bot("send(conv, 'a')", name: "a"), "b.lua": bot("send(conv, 'b')", name: "b"),
            "router.lua": #"return router { name = "r", route = function() error("no route") end }"#,
        ])
        world.inbound(alice, "hello")
        #expect(world.of("script_error").first?["script"] == "router:r")
        #expect(world.escalated.first?["reason"] == "bot_error")
        #expect(world.escalated.first?["queue"] == "support")
    }
}
