import Testing
import ParleyJSON
import ParleyScripting
import ParleyPolicy

@Suite("Loading scripts")
struct ScriptLoadingTests {
    @Test("a bot loads, and its handler sends through the host")
    func botSends() throws {
        let host = RecordingHost()
        let script = try loadScript(bot(#"send(conv, "Hello " .. msg.text)"#), host: host)
        #expect(script.definition.kind == .bot)
        #expect(script.definition.escalation?.queue == "support")
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "world"]])
        #expect(host.sent.count == 1)
        #expect(host.sent.first?.message == .text("Hello world"))
        #expect(host.sent.first?.to == "+14155550100")
        #expect(host.sent.first?.by == ScriptIdentity(kind: .bot, name: "test"))
    }

    @Test("a bot without an escalation path does not load, and the message names file, field and fix")
    func botWithoutEscalation() throws {
        let host = RecordingHost()
        let source = """
        return bot {
          name = "orders",
          on_message = function(conv, msg) end,
        }
        """
        #expect {
            try loadScript(source, host: host, path: "Scripts/orders.lua")
        } throws: { error in
            let text = "\(error)"
            return text.contains("Scripts/orders.lua:1:") && text.contains("escalation") && text.contains("queue")
        }
    }

    @Test("an unknown field gets a did-you-mean hint")
    func unknownField() throws {
        let source = """
        return bot { name = "x", escalation = { queue = "q" }, on_mesage = function() end }
        """
        #expect {
            try loadScript(source, host: RecordingHost())
        } throws: { error in "\(error)".contains("did you mean 'on_message'") }
    }

    @Test("conv.state written by a handler comes back to the host")
    func stateRoundTrip() throws {
        let script = try loadScript(bot("conv.state.count = (conv.state.count or 0) + 1; conv.state.items = {1, 2}"), host: RecordingHost())
        let result = try #require(try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]]))
        #expect(result.conversation?.state == ["count": 1, "items": [1, 2]])
    }

    @Test("conv.state is the conversation's, read lazily; a call that touches neither state nor language leaves nothing to write")
    func lazyState() throws {
        let host = RecordingHost()
        let script = try loadScript(bot(#"if msg.text == "read" then log(conv.state.count) end"#), host: host)
        var conversation = aConversation
        conversation.state = ["count": 3]
        let untouched = try #require(try script.call("on_message", conversation: conversation, arguments: [["text": "hi"]]))
        #expect(untouched.conversation == nil)
        let read = try #require(try script.call("on_message", conversation: conversation, arguments: [["text": "read"]]))
        #expect(host.logs == ["3"])
        #expect(read.conversation?.state == ["count": 3])
    }

    @Test("a call that changes only conv.language reports the conversation")
    func languageOnly() throws {
        let script = try loadScript(bot(#"conv.language = "pt_BR""#), host: RecordingHost())
        let result = try #require(try script.call("on_message", conversation: aConversation, arguments: [["text": "oi"]]))
        #expect(result.conversation?.language == "pt_BR")
    }

    @Test("a function in conv.state is refused with the path that holds it")
    func functionInState() throws {
        let script = try loadScript(bot("conv.state.callback = function() end"), host: RecordingHost())
        #expect {
            try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        } throws: { error in "\(error)".contains("conv.state.callback is a function") }
    }

    @Test("require loads Stdlib modules")
    func requireStdlib() throws {
        let host = RecordingHost()
        let script = try loadScript("""
        local replies = require "parley.replies"
        \(bot(#"send(conv, replies.menu("Pick one", { "Track order", "Talk to a person" }))"#))
        """, host: host)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(host.sent.first?.message == .buttons(Interactive(body: "Pick one"), [
            ReplyButton(id: "track_order", title: "Track order"), ReplyButton(id: "talk_to_a_person", title: "Talk to a person"),
        ]))
    }

    @Test("print and log go to the host's log")
    func printGoesToLog() throws {
        let host = RecordingHost()
        let script = try loadScript(bot(#"print("a", 1, true, nil); log({x = 1})"#), host: host)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(host.logs == ["a\t1\ttrue\tnil", #"{"x":1}"#])
    }

    @Test("os.time and os.date read the injected clock")
    func clock() throws {
        let host = RecordingHost()
        let script = try loadScript(bot(#"log(os.time(), os.date("!%Y-%m-%d %H:%M", os.time()), now())"#), host: host)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(host.logs == ["1767225600\t2026-01-01 00:00\t1767225600"])
    }

    @Test("pairs visits keys in a fixed order")
    func orderedPairs() throws {
        let host = RecordingHost()
        let script = try loadScript(bot("""
        local t = { zeta = 1, alpha = 2, [3] = "c", [1] = "a", mid = 3 }
        local keys = {}
        for k in pairs(t) do keys[#keys + 1] = tostring(k) end
        log(table.concat(keys, ","))
        """), host: host)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(host.logs == ["1,3,alpha,mid,zeta"])
    }
}
