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
        "io.open('/etc/passwd')",
        "os.execute('rm -rf /')",
        "debug.sethook()",
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
}
