import ParleyJSON
import ParleySandbox
import ParleyPolicy
import ParleyRuntime
import Testing

/// The issue-8 reproducers in a running world: what a script hands the host is bounded by
/// what it becomes, and a refusal costs the conversation, never the server or its store.
@Suite("Crossings in a running world")
struct CrossingTests {
    static func world(_ body: String) throws -> World {
        var config = RuntimeConfig()
        config.budget = Budget(instructions: 1_000_000_000, memoryBytes: 64 << 20, wallMilliseconds: 120_000)
        return try World(scripts: ["b.lua": bot("""
        if msg.text ~= "go" then return send(conv, "fine") end
        \(body)
        """)], config: config, queues: ["billing"])
    }

    static let thousandReferences = "local s = ('x'):rep(1 << 20); local t = {}; for i = 1, 1000 do t[i] = s end"

    @Test("1,000 references to one 1 MiB string in conv.state are refused as the gigabyte of JSON they become; the state stays as it was")
    func stateOfSharedStrings() throws {
        let world = try Self.world("""
        if conv.state.kept then \(Self.thousandReferences); conv.state.t = t else conv.state.kept = "yes" end
        send(conv, "stored")
        """)
        world.inbound(alice, "go")
        world.inbound(alice, "go")
        world.inbound(bob, "hello")
        let error = world.of("script_error").first?["error"]?.stringValue ?? ""
        #expect(error.contains("conv.state.t["), "\(error)")
        #expect(error.contains("makes the data more than 64 KiB, the most"), "\(error)")
        #expect(try world.runtime.store.conversation(ContactID(alice)!)?.state == ["kept": "yes"])
        #expect(world.escalated.map { $0["to"] } == [.string(alice)])
        #expect(world.sentTexts.contains("fine"))
    }

    @Test("log(t) of the same table writes at most 64 KiB, and the call goes on")
    func logOfSharedStrings() throws {
        let world = try Self.world("\(Self.thousandReferences); log(t); log('after', #t); send(conv, 'logged')")
        world.inbound(alice, "go")
        #expect(world.sentTexts.contains("logged"))
        #expect(world.logs.count == 2)
        #expect(world.logs.allSatisfy { $0.utf8.count <= (64 << 10) + 16 })
        #expect(world.logs.first?.hasSuffix("…[cut: one log line shows at most 64 KiB]") == true)
        #expect(world.logs.last == "[bot:test] after\t1000")
    }

    @Test("a 15 MB escalation note still hands the conversation to a person, with the note cut and marked")
    func hugeNote() throws {
        let world = try Self.world(#"escalate_to_human(conv, { queue = "billing", reason = "refund", note = ("n"):rep(15000000) })"#)
        world.inbound(alice, "go")
        #expect(world.of("script_error").isEmpty)
        #expect(world.escalated.first?["queue"] == "billing")
        let note = try world.runtime.store.conversation(ContactID(alice)!)?.handoff?.note ?? ""
        #expect(world.escalated.first?["reason"] == "refund")
        #expect(note.hasPrefix("nnnn"))
        #expect(note.hasSuffix(" …[cut: 14.3 MiB in all]"))
        #expect(note.utf8.count <= 4096 + 16)  // the note, cut to 4 KiB, and its marker
    }

    @Test("state keys that are not UTF-8 are refused by name instead of merging into one")
    func invalidStateKeys() throws {
        let world = try Self.world(#"conv.state["\xff"] = 1; conv.state["\xfe"] = 2"#)
        world.inbound(alice, "go")
        let error = world.of("script_error").first?["error"]?.stringValue ?? ""
        #expect(error.contains("conv.state has a key that is not UTF-8 text"), "\(error)")
        #expect(try world.runtime.store.conversation(ContactID(alice)!)?.state == [:])
    }
}
