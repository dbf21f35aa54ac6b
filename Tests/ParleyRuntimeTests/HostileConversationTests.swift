import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

/// A hostile script costs its own conversation an escalation, never the host: each attack
/// runs in one conversation, and a well-behaved conversation in the same run is answered.
@Suite("Hostile scripts in a running world")
struct HostileConversationTests {
    static let attacks: [String] = [
        "while true do end",
        "while true do pcall(function() while true do end end) end",
        "xpcall(function() error('x') end, function() while true do end end)",
        "local t = {} while true do t[#t + 1] = string.rep('x', 4096) end",
        "local t = {} local i = 0 while true do i = i + 1 t[i] = {i} end",
        "string.rep('', 1e9)",
        "table.move({}, 1, 1e8, 2)",
        "string.find(string.rep('a', 4000), '.-.-b')",
        "table.unpack({}, 1, 1e7)",
        "local function f() return 1 + f() end f()",
        "coroutine.wrap(function() while true do end end)()",
        "_G['io'].open('/etc/passwd')",
        "os.execute('rm -rf /')",
        "_G['debug'].sethook()",
        "load(string.dump(function() end))",
        "require('../../../etc/passwd')",
        "setmetatable(_G, { __index = function() return 1 end })",
        "getmetatable('').__index.upper = nil",
        "setmetatable({}, { __gc = function() while true do end end })",
        "local t = {} t.t = t conv.state.loop = t",
        "conv.state.f = print",
    ]

    @Test("the attack escalates its own conversation; another is still answered", arguments: attacks)
    func contained(_ attack: String) throws {
        var config = RuntimeConfig()
        config.budget = .init(instructions: 2_000_000, memoryBytes: 16 << 20, wallMilliseconds: 2000)
        let world = try World(scripts: ["b.lua": bot("""
        if msg.text == "attack" then
          \(attack)
        end
        send(conv, "fine, " .. conv.contact)
        """)], config: config)
        world.inbound(alice, "attack")
        world.inbound(bob, "hello")
        #expect(world.of("script_error").count == 1)
        #expect(world.escalated.map { $0["to"] } == [JSONValue.string(alice)])
        #expect(world.escalated.first?["reason"] == "bot_error")
        #expect(world.sentTexts.contains("fine, \(bob)"))
        // Alice was told a person takes over.
        #expect(world.sent.contains { $0["to"] == .string(alice) && $0["by"] == "core" })
    }

    @Test("a loop of sends stops at 100 to one contact, so refusals cannot flood the audit trail")
    func sendLoop() throws {
        let world = try World(scripts: ["b.lua": bot("for i = 1, 100000 do send(conv, 'spam ' .. i) end")])
        var decisions = 0
        world.runtime.onDecision = { _ in decisions += 1 }
        world.inbound(alice, "go")
        let error = world.of("script_error").first?["error"]?.stringValue ?? ""
        #expect(error.contains("send: one call may send 100 messages to one contact at most"))
        #expect(decisions < 110)
    }

    @Test("a loop of logs stops at 64 KiB a call, with a note that the rest was dropped")
    func logLoop() throws {
        let world = try World(scripts: ["b.lua": bot("for i = 1, 100000 do log(string.rep('L', 1000)) end")])
        world.inbound(alice, "go")
        #expect(world.logs.count < 70)
        #expect(world.logs.last?.contains("the rest of its lines are dropped") == true)
    }
}
