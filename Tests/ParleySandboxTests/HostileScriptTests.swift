import Testing
@testable import ParleySandbox
@testable import ParleyScripting
import ParleyJSON
import ParleyPolicy

/// Scripts that try to exhaust the host, after Redis's `tests/unit/scripting.tcl`. Each
/// one must be stopped within its budget, reported as a failure of that call only, and
/// leave the script usable for the next call (`Attack` calls it again).
@Suite("Hostile scripts: CPU and memory")
struct HostileScriptTests {
    /// Small budgets keep the suite fast; the mechanisms are the same at any size.
    static let budget = Budget(instructions: 2_000_000, memoryBytes: 8 << 20, wallMilliseconds: 2000)

    let attack = Attack(limits: HostileScriptTests.budget)

    // MARK: CPU

    @Test func endlessLoop() throws { try attack.expectKilled("while true do end", .instructions) }

    @Test func endlessLoopInsidePcall() throws {
        try attack.expectKilled("while true do pcall(function() while true do end end) end", .instructions)
    }

    @Test func pcallCannotSwallowTheKill() throws {
        try attack.expectKilled("""
        for i = 1, 100 do
          local ok = pcall(function() while true do end end)
          if not ok then send(conv, "I survived " .. i) end
        end
        """, .instructions)
    }

    @Test func loopInsideXpcallMessageHandler() throws {
        try attack.expectKilled("xpcall(function() error('x') end, function() while true do end end)", .instructions)
    }

    @Test func xpcallHandlerForTheKillItself() throws {
        try attack.expectKilled("xpcall(function() while true do end end, function(e) while true do end end)", .instructions)
    }

    @Test func spinningCoroutine() throws {
        try attack.expectKilled("local co = coroutine.wrap(function() while true do end end); co()", .instructions)
    }

    @Test func resumingASpinningCoroutineForever() throws {
        try attack.expectKilled("""
        local co = coroutine.create(function() while true do end end)
        while true do coroutine.resume(co) end
        """, .instructions)
    }

    @Test func deepRecursionIsAnErrorNotACrash() throws {
        // Each frame is Lua stack, which is memory: the budget stops it long before C's stack.
        try attack.expectKilled("local function f(n) return 1 + f(n + 1) end; f(1)", .memory)
    }

    // MARK: Memory

    @Test func memoryBombThroughStringRep() throws {
        try attack.expectKilled("local t = {}; for i = 1, 1e6 do t[i] = string.rep('x', 1000) .. i end", .memory)
    }

    @Test func memoryBombThroughTableGrowth() throws {
        try attack.expectKilled("local t = {}; local i = 0; while true do i = i + 1; t[i] = {i, i, i, i} end", .memory)
    }

    @Test func memoryBombInsidePcall() throws {
        try attack.expectKilled("while true do pcall(function() local t = {} while true do t[#t + 1] = {} end end) end", .memory)
    }

    // MARK: Long single library calls

    @Test func emptyStringRepeatedABillionTimes() throws {
        try attack.expectError("string.rep('', 1e9)", containing: "string.rep")
    }

    @Test func hugeStringRep() throws {
        try attack.expectError("local s = ('x'):rep(1e9)", containing: "exceed the limit")
    }

    @Test func hugeTableMove() throws {
        try attack.expectError("table.move({}, 1, 1e8, 2)", containing: "table.move")
    }

    @Test func pathologicalPatternOnALongSubject() throws {
        try attack.expectError("string.find(string.rep('a', 4000), '.-.-b')", containing: "too costly")
    }

    @Test func pathologicalGmatch() throws {
        try attack.expectError("for w in string.rep('a', 4000):gmatch('a*a*a*b') do end", containing: "too costly")
    }

    @Test func ordinaryPatternsStillWork() throws {
        let host = RecordingHost()
        let script = try loadScript(bot("""
        local order = msg.text:match("order%s*#?(%d+)")
        local trimmed = ("  hi  "):match("^%s*(.-)%s*$")
        send(conv, order .. "/" .. trimmed .. "/" .. select(2, ("a,b,c"):gsub(",", ";")))
        """), host: host, limits: Self.budget)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "where is order #12345?"]])
        #expect(host.sent.first?.message == .text("12345/hi/2"))
    }

    @Test func unpackOfMillionsOfValues() throws {
        try attack.expectError("local t = {}; table.unpack(t, 1, 1e7)", containing: "too many results")
    }

    @Test func unpackOfThousandsIntoAHostFunction() throws {
        let host = RecordingHost()
        let script = try loadScript(bot("local t = {}; for i = 1, 5000 do t[i] = 'x' end; send(conv, table.unpack(t))"), host: host, limits: Self.budget)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(host.sent.first?.message == .text("x"))
    }

    // MARK: Allocation failure at every step

    /// Lua's own technique: make the 1st, 2nd, 3rd... allocation of a call fail, and check
    /// that every time the call fails cleanly as a memory kill and the next call works.
    @Test func allocationFailureAtEveryStep() throws {
        let host = RecordingHost()
        let script = try loadScript(bot("""
        local words = {}
        for w in ("the quick brown fox"):gmatch("%a+") do words[#words + 1] = w:upper() end
        conv.state.words = words
        send(conv, { text = table.concat(words, " "), buttons = { { id = "a", title = "A" } } })
        """), host: host, limits: Self.budget)
        var failures = 0
        for n in 0..<60 {
            script.sandbox?.failAllocation(after: n)
            do {
                _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
            } catch {
                #expect(error.killReason == .memory)
                failures += 1
            }
        }
        #expect(failures > 10)
        script.sandbox?.failAllocation(after: nil)
        let result = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(result?.conversation?.state["words"] == ["THE", "QUICK", "BROWN", "FOX"])
    }
}
