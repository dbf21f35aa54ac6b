import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

/// One bot hands a conversation to another (docs/rules.md §6.10).
@Suite("Hand-offs between bots")
struct BotHandOffTests {
    static let delivery = bot(#"send(conv, "Delivery bot: " .. msg.text)"#, name: "delivery", extra: """
        on_handoff = function(conv, h)
          send(conv, "Delivery bot took over from " .. h.from .. " for order " .. tostring(h.data and h.data.order) ..
            " (" .. tostring(h.note) .. "): " .. tostring(h.msg and h.msg.text))
        end,
        """)

    @Test("a bot hands off with a note and data; the new owner hears who, why and the message, and owns the next one")
    func handOff() throws {
        let world = try World(scripts: [
            "refill.lua": bot(#"""
                if msg.text:find("deliver") then
                  local r = hand_off(conv, "bot:delivery", { note = "asked about delivery", data = { order = "10234" } })
                  return log(r.owner)
                end
                send(conv, "Refill bot here.")
                """#, name: "refill"),
            "delivery.lua": Self.delivery,
        ], config: { var c = RuntimeConfig(); c.defaultRoute = .bot("refill"); return c }())
        world.inbound(alice, "refill please")
        world.inbound(alice, "and my delivery?")
        #expect(world.logs == ["[bot:refill] bot:delivery"])
        let record = try #require(world.of("handed_off").first)
        #expect(record["from"] == "bot:refill")
        #expect(record["owner"] == "bot:delivery")
        #expect(record["note"] == "asked about delivery")
        #expect(world.sentTexts.last == "Delivery bot took over from bot:refill for order 10234 (asked about delivery): and my delivery?")
        world.inbound(alice, "thanks")
        #expect(world.sentTexts.last == "Delivery bot: thanks")
    }

    @Test("a bot without on_handoff takes the current message through on_message")
    func withoutHook() throws {
        let world = try World(scripts: [
            "a.lua": bot(#"hand_off(conv, "bot:b")"#, name: "a"),
            "b.lua": bot(#"send(conv, "b answers " .. msg.text)"#, name: "b"),
        ], config: { var c = RuntimeConfig(); c.defaultRoute = .bot("a"); return c }())
        world.inbound(alice, "hello")
        #expect(world.sentTexts == ["b answers hello"])
    }

    @Test("writing conv.owner is an error that names hand_off")
    func ownerIsNotWritable() throws {
        let world = try World(scripts: ["b.lua": bot(#"conv.owner = "bot:delivery""#)])
        world.inbound(alice, "hi")
        #expect(world.of("script_error").first?["error"]?.stringValue?.contains("conv.owner cannot be set") == true)
        #expect(world.of("script_error").first?["error"]?.stringValue?.contains("hand_off(conv, \"bot:delivery\")") == true)
        #expect(world.escalated.first?["reason"] == "bot_error")
    }

    @Test("hand_off refuses a target that is not a bot, and a bot that does not own the conversation", arguments: [
        (#"hand_off(conv, "bot:nobody")"#, #""bot:nobody" is not a bot of this scripts folder; write "bot:<name>", one of: bot:test"#),
        (#"hand_off(conv, "human:support")"#, "hands a conversation to another bot; hand it to a person with escalate_to_human"),
        (#"hand_off(conv, "bot:test")"#, "owns the conversation already"),
    ])
    func refusals(call: String, message: String) throws {
        let world = try World(scripts: ["b.lua": bot(call)])
        world.inbound(alice, "hi")
        #expect(world.of("script_error").first?["error"]?.stringValue?.contains(message) == true, "\(world.transcript)")
    }

    @Test("two bots handing a conversation back and forth stop after a few hand-offs, and the contact gets a person")
    func pingPong() throws {
        let world = try World(scripts: [
            "a.lua": bot(#"hand_off(conv, "bot:b")"#, name: "a"),
            "b.lua": bot(#"hand_off(conv, "bot:a")"#, name: "b"),
        ], config: { var c = RuntimeConfig(); c.defaultRoute = .bot("a"); return c }())
        world.inbound(alice, "hello")
        #expect(world.of("handed_off").count == 5)
        #expect(world.of("script_error").last?["error"]?.stringValue?.contains("handed off 5 times for one message") == true)
        #expect(world.escalated.first?["reason"] == "bot_error")
    }

    @Test("a macro hands a person's conversation to a bot: the hand-off closes and the bot answers from then on")
    func macroHandOff() throws {
        let world = try World(scripts: [
            "b.lua": bot(#"send(conv, "bot " .. msg.text)"#),
            "delivery.lua": Self.delivery,
            "m.lua": #"return macro { name = "to_delivery", run = function(conv) hand_off(conv, "bot:delivery", { note = "agent" }) end }"#,
        ])
        world.inbound(alice, "agent")
        try world.macro("to_delivery", alice)
        #expect(try world.runtime.summary(of: ContactID(alice)!)["owner"] == "bot:delivery")
        #expect(try world.runtime.summary(of: ContactID(alice)!)["handoff"] == nil)
        world.inbound(alice, "where is it?")
        #expect(world.sentTexts.last == "Delivery bot: where is it?")
    }

    @Test("a router may return a bot and data: the bot hears it as a hand-off from the router")
    func routerData() throws {
        let world = try World(scripts: [
            "delivery.lua": Self.delivery,
            "router.lua": #"return router { name = "main", route = function(conv, msg) return "bot:delivery", { order = msg.text:match("%d+") } end }"#,
        ])
        world.inbound(alice, "where is 10234")
        #expect(world.sentTexts.last == "Delivery bot took over from router:main for order 10234 (nil): where is 10234")
    }
}
