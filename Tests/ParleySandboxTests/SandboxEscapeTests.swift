import Testing
@testable import ParleySandbox
import ParleyJSON
import ParleyPolicy

/// Scripts that try to leave the sandbox, tamper with what other calls see, or hand the
/// host values it cannot take. Each is refused with an error that says why, and the
/// script answers the next call.
@Suite("Hostile scripts: escapes and tampering")
struct SandboxEscapeTests {
    static let budget = HostileScriptTests.budget
    let attack = Attack(limits: SandboxEscapeTests.budget)

    // MARK: Escapes

    // Named directly, these fail the load ("'io' is not defined"); reached through _G, at run time.
    @Test func noIo() throws { try attack.expectError("_G['io'].open('/etc/passwd')", containing: "undeclared global 'io'") }
    @Test func noOsExecute() throws { try attack.expectError("os.execute('true')", containing: "'os.execute' is not available") }
    @Test func noDebug() throws { try attack.expectError("_G['debug'].getinfo(1)", containing: "undeclared global 'debug'") }
    @Test func noDofile() throws { try attack.expectError("_G['dofile']('/etc/passwd')", containing: "undeclared global 'dofile'") }
    @Test func noStringDump() throws { try attack.expectError("local f = string.dump(function() end)", containing: "dump") }

    @Test func noBytecodeThroughLoad() throws {
        try attack.expectError(#"assert(load("\27Lua\84\0"))()"#, containing: "binary chunks are not allowed")
    }

    @Test func loadOfTextStillWorksInAStrictEnvironment() throws {
        let host = RecordingHost()
        let script = try loadScript(bot(#"local f = load("return 1 + 2"); send(conv, tostring(f()))"#), host: host, limits: SandboxEscapeTests.budget)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(host.sent.first?.message == .text("3"))
    }

    @Test func requireOfAFilePath() throws {
        try attack.expectError("require('../../etc/passwd')", containing: "paths are not allowed")
    }

    @Test func requireOfAMissingModule() throws {
        try attack.expectError("require('nothing.here')", containing: "no such module")
    }

    @Test func noCollectgarbage() throws {
        // Even collectgarbage("count") would tell one call how much garbage the last one left.
        try attack.expectError("_G['collectgarbage']('count')", containing: "undeclared global 'collectgarbage'")
    }

    @Test func finalizersAreRefused() throws {
        try attack.expectError("setmetatable({}, { __gc = function() while true do end end })", containing: "__gc")
    }

    // MARK: Tampering

    @Test func setmetatableOnGlobals() throws {
        try attack.expectError("setmetatable(_G, {})", containing: "protected metatable")
    }

    @Test func replacingGlobalsTableIsRefused() throws {
        try attack.expectError("_G = {}", containing: "assignment to global '_G' after the script loaded")
    }

    @Test func declaredGlobalsCannotCarryDataBetweenConversations() throws {
        let host = RecordingHost()
        let script = try loadScript("""
        last = "nobody"
        return bot {
          name = "test", escalation = { queue = "q" },
          on_message = function(conv, msg) send(conv, "previous: " .. last); last = msg.text end,
        }
        """, host: host, limits: SandboxEscapeTests.budget)
        #expect(throws: ScriptFailure.self) {
            try script.call("on_message", conversation: aConversation, arguments: [["text": "my secret address"]])
        }
        #expect(host.sent.map(\.message) == [.text("previous: nobody")])
    }

    @Test func hostCallsFromACoroutineUseTheCoroutinesStack() throws {
        let host = RecordingHost()
        let script = try loadScript(bot("""
        local seconds = coroutine.wrap(function() return now() end)()
        local upper = coroutine.wrap(function(x) return text.upper("abc") end)("zzz")
        send(conv, type(seconds) .. " " .. upper)
        """), host: host, limits: SandboxEscapeTests.budget)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(host.sent.first?.message == .text("number ABC"))
    }

    @Test func manyHostCallsInACoroutineDoNotOverflowAnything() throws {
        let failure = try attack.outcome( "coroutine.wrap(function() for i = 1, 1100000 do pcall(now) end end)()")
        // Stopped by a budget, not a crash; which budget comes first depends on the machine's load.
        #expect(failure?.killReason == .instructions || failure?.killReason == .wallTime)
    }

    @Test func numbersThatWouldOverflowAreRefusedNotTrapped() throws {
        try attack.expectError("os.date('%Y', 0/0)", containing: "os.date")
        try attack.expectError("schedule(conv, 1e300, 'x')", containing: "delay")
        try attack.expectError("os.time{year = 1 << 62, month = 1, day = 1}", containing: "os.time")
        try attack.expectError("local t = os.date('*t', 1e300)", containing: "os.date")
    }

    @Test func longPatternsAndSetsCountInTheirCost() throws {
        try attack.expectError("local s = ('a'):rep(200000); s:find(('a'):rep(20000) .. '%d')", containing: "too costly")
        try attack.expectError("local s = ('a'):rep(200000); s:find('[' .. ('b'):rep(50000) .. ']')", containing: "too costly")
    }

    @Test func repeatedSlowLibraryCallsStopAtTheWallTime() throws {
        var limits = SandboxEscapeTests.budget
        limits.wallMilliseconds = 200
        let script = try loadScript(bot("local s = ('a'):rep(5000); for i = 1, 1000 do s:find('.-b') end"), host: RecordingHost(), limits: limits)
        #expect {
            try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        } throws: { ($0 as? ScriptFailure)?.killReason == .wallTime }
    }

    @Test func nextAndTostringAreTheSameEveryRun() throws {
        let host = RecordingHost()
        let script = try loadScript(bot("""
        local t = { apple = 1, banana = 2, cherry = 3, date = 4, elder = 5 }
        local keys, k = {}, nil
        repeat k = next(t, k); if k then keys[#keys + 1] = k end until not k
        log(table.concat(keys, ","), tostring({}), tostring(print))
        """), host: host, limits: SandboxEscapeTests.budget)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(host.logs == ["apple,banana,cherry,date,elder\ttable: 0x00000001\tfunction: 0x00000002"])
    }

    @Test func textHelpersRefuseHugeInputs() throws {
        try attack.expectError("text.split(('x '):rep(600000))", containing: "bad argument #1 to 'text.split' (s: the text is 1.1 MiB, more than the 1 MiB taken here")
    }

    @Test func dataCrossingIntoTheHostIsBounded() throws {
        // 150 strings of 8 MB never reach the host: the script's memory budget stops it first.
        try attack.expectKilled("local s = ('x'):rep(8000000); for i = 1, 150 do conv.state['k' .. i] = s .. i end", .memory)
    }

    @Test func redefiningAPrimitiveAtTopLevel() throws {
        #expect {
            try loadScript("send = function() end\n" + bot(""), host: RecordingHost(), limits: SandboxEscapeTests.budget)
        } throws: { error in "\(error)".contains("cannot redefine built-in 'send'") }
    }

    @Test func redefiningAPrimitiveInAHandler() throws {
        try attack.expectError("send = function() end", containing: "assignment to undeclared global 'send'")
    }

    @Test func newGlobalsAfterLoadingAreRefused() throws {
        try attack.expectError("leak = conv.contact", containing: "assignment to undeclared global 'leak'")
    }

    @Test func stringMetatableIsHidden() throws {
        try attack.expectError("getmetatable('').__index = {}", containing: "index a boolean")
    }

    @Test func libraryTablesAreReadOnly() throws {
        try attack.expectError("string.find = function() return 1 end", containing: "read-only")
    }

    @Test func rawsetOnLibraryTables() throws {
        try attack.expectError("rawset(string, 'leak', 1)", containing: "protected table")
    }

    // MARK: Values that fight conversion

    @Test func cyclicState() throws {
        let failure = try attack.outcome( "local t = {}; t.self = t; conv.state.loop = t")
        #expect(failure == .conversion("conv.state.loop.self contains itself (a cycle)"))
    }

    // MARK: The same every run

    @Test func formatPrintsNoAddresses() throws {
        try attack.expectError("string.format('%p', {})", containing: "%p prints an address")
        let host = RecordingHost()
        let script = try loadScript(bot("""
        local t = {}
        log(string.format("%s %s %s", t, t, setmetatable({}, { __name = "Cart" })), tostring(setmetatable({}, { __name = "Cart" })))
        """), host: host, limits: SandboxEscapeTests.budget)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(host.logs == ["table: 0x00000001 table: 0x00000001 Cart: 0x00000002\tCart: 0x00000003"])
    }

    @Test func pairsRefusesTwoTablesAsKeys() throws {
        try attack.expectError("local t = { [{}] = 1, [{}] = 2 }; for k in pairs(t) do end", containing: "no order that is the same every run")
        #expect(try attack.outcome("local t = { [{}] = 1, a = 2 }; for k in pairs(t) do end") == nil)
    }

    @Test func aTableOfSmallTablesCountsTheirStorage() throws {
        // 16,000 one-element tables are 64 KiB of JSON, and some twenty times that in the host.
        let failure = try attack.outcome("local t = {}; for i = 1, 8000 do t[i] = {0} end; conv.state.t = t")
        guard case .conversion(let message)? = failure else { Issue.record("got \(String(describing: failure))"); return }
        #expect(message.contains("more than 64 KiB, the most"))
    }

    @Test func aHugeErrorMessageIsCut() throws {
        let failure = try attack.outcome("error(('x'):rep(3000000))")
        guard case .error(let message)? = failure else { Issue.record("got \(String(describing: failure))"); return }
        #expect(message.utf8.count < 4200)
        #expect(message.hasSuffix("more bytes cut)"))
    }

    @Test func hugeState() throws {
        let failure = try attack.outcome( "local t = {}; for i = 1, 101000 do t[i] = true end; conv.state.many = t")
        guard case .conversion(let message)? = failure else { Issue.record("got \(String(describing: failure))"); return }
        #expect(message.contains("more than 64 KiB, the most"), "conv.state is bounded by dataBytes, as every crossing is")
    }

    @Test func globalsTableAsStateReadsRawAndEmpty() throws {
        let host = RecordingHost()
        let script = try loadScript(bot("conv.state.g = _G"), host: host, limits: SandboxEscapeTests.budget)
        let result = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(result?.conversation?.state["g"] == .object([:]))
    }

    @Test func raisingIndexIsNeverCalledByTheHost() throws {
        let host = RecordingHost()
        let script = try loadScript(bot("""
        conv.state.trap = setmetatable({ real = 1 }, { __index = function() error("boom") end })
        """), host: host, limits: SandboxEscapeTests.budget)
        let result = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(result?.conversation?.state["trap"] == ["real": 1])
    }

    @Test func mixedAndSparseTables() throws {
        let mixed = try attack.outcome( "conv.state.t = { 1, 2, x = 3 }")
        #expect(mixed == .conversion("conv.state.t mixes array items and named keys; use one or the other"))
        let sparse = try attack.outcome( "conv.state.t = { [1] = 1, [5] = 5 }")
        guard case .conversion(let message)? = sparse else { Issue.record("got \(String(describing: sparse))"); return }
        #expect(message.contains("sparse"))
    }

    @Test func aConversationKeptInAFileLocalIsGoneInTheNextCall() throws {
        let host = RecordingHost()
        let script = try loadScript("""
        local captured_send, saved = send, nil
        return bot {
          name = "test", escalation = { queue = "q" },
          on_message = function(conv, msg)
            if saved then captured_send(saved, "to an earlier conversation") end
            log(saved == nil and "nothing kept" or "kept")
            saved = conv
          end,
        }
        """, host: host, limits: SandboxEscapeTests.budget)
        let first = try script.call("on_message", conversation: aConversation, arguments: [["text": "1"]])
        #expect(first?.restoredLocals == 1 && first?.firstRestored == "saved")
        var other = aConversation
        other.contact = "+14155550199"
        other.state = ["secret": "bob's"]
        let second = try script.call("on_message", conversation: other, arguments: [["text": "2"]])
        #expect(host.sent.isEmpty)
        #expect(host.logs == ["nothing kept", "nothing kept"])
        #expect(second?.firstRestored == nil, "each name is reported once")
    }

    @Test func primitivesRefuseToRunWhileTheFileLoads() throws {
        #expect {
            try loadScript(#"send("+14155550100", "hi")"# + "\n" + bot(""), host: RecordingHost(), limits: SandboxEscapeTests.budget)
        } throws: { error in "\(error)".contains("cannot run while the script file loads") }
    }

}
