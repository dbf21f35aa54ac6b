import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

/// `mark_read(msg, {typing = true})` (docs/scripts.md §6): not a message, so never refused;
/// written down, and handed to the channel.
@Suite("mark_read")
struct ReadReceiptTests {
    @Test("a bot marks the message read with the typing indicator, then answers; the transcript shows both in order")
    func readThenReply() throws {
        let world = try World(scripts: ["b.lua": bot(#"""
            mark_read(msg, { typing = true })
            send(conv, "On it.")
            """#)])
        world.handle(.inbound(Inbound(id: "wamid.in.1", from: ContactID(alice)!, content: .text("where is my order?"))))
        let read = try #require(world.of("read").first)
        #expect(read["to"] == .string(alice))
        #expect(read["id"] == "wamid.in.1")
        #expect(read["typing"] == true)
        #expect(read["by"] == "bot:test")
        let types = world.records.map(\.type).filter { $0 == "read" || $0 == "sent" }
        #expect(types == ["read", "sent"])
        let channel = try #require(world.runtime.channel as? RecordingChannel)
        #expect(channel.receipts == [ReadReceipt(contact: ContactID(alice)!, messageID: "wamid.in.1", typing: true)])
    }

    @Test("outside the window too: a read receipt is not a message, and nothing refuses it")
    func noPolicy() throws {
        let world = try World(scripts: ["b.lua": bot(#"mark_read(msg.id or "wamid.x")"#)])
        world.inbound(alice, "hello")
        #expect(world.of("read").count == 1)
        #expect(world.of("read").first?["typing"] == nil)
        #expect(world.blocked.isEmpty)
    }

    @Test("misuse is a script error that names it: an unknown option, a wrong value, no conversation")
    func misuse() throws {
        let world = try World(scripts: [
            "b.lua": bot(#"mark_read(msg, { typnig = true })"#),
            "a.lua": #"return automation { name = "sweep", every = "1h", run = function() mark_read("wamid.1") end }"#,
        ])
        world.inbound(alice, "hello")
        #expect(world.of("script_error").first?["error"]?.stringValue?.contains(#"unknown option "typnig""#) == true)
        world.advance("1h")
        #expect(world.of("script_error").last?["error"]?.stringValue?.contains("has no conversation here") == true)
    }
}
