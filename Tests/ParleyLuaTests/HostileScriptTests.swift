import Testing
@testable import ParleyLua
import ParleyJSON
import ParleyPolicy

/// Scripts that try to escape, exhaust or confuse the host, after Redis's
/// `tests/unit/scripting.tcl`. Each one must be stopped within its budget, reported as a
/// failure of that call only, and leave the script usable for the next call.
@Suite("Hostile scripts")
struct HostileScriptTests {
    /// Small budgets keep the suite fast; the mechanisms are the same at any size.
    static let budget = Budget(instructions: 2_000_000, memoryBytes: 8 << 20, wallMilliseconds: 2000)

    /// Runs `body` as a bot's on_message and returns how it failed (nil if it did not).
    func failure(of body: String, host: RecordingHost = RecordingHost()) throws -> ScriptFailure? {
        let script = try loadScript(bot(body), host: host, limits: Self.budget)
        defer { expectStillWorks(script, host) }
        do {
            _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
            return nil
        } catch {
            return error
        }
    }

    /// After a hostile call, the script is rebuilt and answers normally.
    func expectStillWorks(_ script: Script, _ host: RecordingHost) {
        let healthy = try? loadScript(bot(#"send(conv, "still here")"#), host: host, limits: Self.budget)
        #expect(healthy != nil)
        #expect(script.definition.name == "test")
    }

    func expectKilled(_ body: String, _ reason: KillReason, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let failure = try failure(of: body)
        #expect(failure == .killed(reason), sourceLocation: sourceLocation)
    }

    func expectError(_ body: String, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let failure = try failure(of: body)
        guard case .error(let message)? = failure else {
            Issue.record("expected an error containing \"\(text)\", got \(String(describing: failure))", sourceLocation: sourceLocation)
            return
        }
        #expect(message.contains(text), "\(message)", sourceLocation: sourceLocation)
    }

    // MARK: CPU

    @Test func endlessLoop() throws { try expectKilled("while true do end", .instructions) }

    @Test func endlessLoopInsidePcall() throws {
        try expectKilled("while true do pcall(function() while true do end end) end", .instructions)
    }

    @Test func pcallCannotSwallowTheKill() throws {
        try expectKilled("""
        for i = 1, 100 do
          local ok = pcall(function() while true do end end)
          if not ok then send(conv, "I survived " .. i) end
        end
        """, .instructions)
    }

    @Test func loopInsideXpcallMessageHandler() throws {
        try expectKilled("xpcall(function() error('x') end, function() while true do end end)", .instructions)
    }

    @Test func xpcallHandlerForTheKillItself() throws {
        try expectKilled("xpcall(function() while true do end end, function(e) while true do end end)", .instructions)
    }

    @Test func spinningCoroutine() throws {
        try expectKilled("local co = coroutine.wrap(function() while true do end end); co()", .instructions)
    }

    @Test func resumingASpinningCoroutineForever() throws {
        try expectKilled("""
        local co = coroutine.create(function() while true do end end)
        while true do coroutine.resume(co) end
        """, .instructions)
    }

    @Test func deepRecursionIsAnErrorNotACrash() throws {
        let failure = try failure(of: "local function f(n) return 1 + f(n + 1) end; f(1)")
        #expect(failure != nil)
    }

    // MARK: Memory

    @Test func memoryBombThroughStringRep() throws {
        try expectKilled("local t = {}; for i = 1, 1e6 do t[i] = string.rep('x', 1000) .. i end", .memory)
    }

    @Test func memoryBombThroughTableGrowth() throws {
        try expectKilled("local t = {}; local i = 0; while true do i = i + 1; t[i] = {i, i, i, i} end", .memory)
    }

    @Test func memoryBombInsidePcall() throws {
        try expectKilled("while true do pcall(function() local t = {} while true do t[#t + 1] = {} end end) end", .memory)
    }

    // MARK: Long single library calls

    @Test func emptyStringRepeatedABillionTimes() throws {
        try expectError("string.rep('', 1e9)", containing: "string.rep")
    }

    @Test func hugeStringRep() throws {
        try expectError("local s = ('x'):rep(1e9)", containing: "exceed the limit")
    }

    @Test func hugeTableMove() throws {
        try expectError("table.move({}, 1, 1e8, 2)", containing: "table.move")
    }

    @Test func pathologicalPatternOnALongSubject() throws {
        try expectError("string.find(string.rep('a', 4000), '.-.-b')", containing: "too costly")
    }

    @Test func pathologicalGmatch() throws {
        try expectError("for w in string.rep('a', 4000):gmatch('a*a*a*b') do end", containing: "too costly")
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
        try expectError("local t = {}; table.unpack(t, 1, 1e7)", containing: "too many results")
    }

    @Test func unpackOfThousandsIntoAHostFunction() throws {
        let host = RecordingHost()
        let script = try loadScript(bot("local t = {}; for i = 1, 5000 do t[i] = 'x' end; send(conv, table.unpack(t))"), host: host, limits: Self.budget)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(host.sent.first?.message == .text("x"))
    }

    // MARK: Escapes

    @Test func noIo() throws { try expectError("io.open('/etc/passwd')", containing: "undeclared global 'io'") }
    @Test func noOsExecute() throws { try expectError("os.execute('true')", containing: "'os.execute' is not available") }
    @Test func noDebug() throws { try expectError("debug.getinfo(1)", containing: "undeclared global 'debug'") }
    @Test func noDofile() throws { try expectError("dofile('/etc/passwd')", containing: "undeclared global 'dofile'") }
    @Test func noStringDump() throws { try expectError("local f = string.dump(function() end)", containing: "dump") }

    @Test func noBytecodeThroughLoad() throws {
        try expectError(#"assert(load("\27Lua\84\0"))()"#, containing: "binary chunks are not allowed")
    }

    @Test func loadOfTextStillWorksInAStrictEnvironment() throws {
        let host = RecordingHost()
        let script = try loadScript(bot(#"local f = load("return 1 + 2"); send(conv, tostring(f()))"#), host: host, limits: Self.budget)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(host.sent.first?.message == .text("3"))
    }

    @Test func requireOfAFilePath() throws {
        try expectError("require('../../etc/passwd')", containing: "paths are not allowed")
    }

    @Test func requireOfAMissingModule() throws {
        try expectError("require('nothing.here')", containing: "no such module")
    }

    @Test func collectgarbageIsLimitedToCount() throws {
        try expectError("collectgarbage('stop')", containing: "not allowed")
    }

    @Test func finalizersAreRefused() throws {
        try expectError("setmetatable({}, { __gc = function() while true do end end })", containing: "__gc")
    }

    // MARK: Tampering

    @Test func setmetatableOnGlobals() throws {
        try expectError("setmetatable(_G, {})", containing: "protected metatable")
    }

    @Test func replacingGlobalsTableIsRefused() throws {
        try expectError("_G = {}", containing: "assignment to global '_G' after the script loaded")
    }

    @Test func declaredGlobalsCannotCarryDataBetweenConversations() throws {
        let host = RecordingHost()
        let script = try loadScript("""
        last = "nobody"
        return bot {
          name = "test", escalation = { queue = "q" },
          on_message = function(conv, msg) send(conv, "previous: " .. last); last = msg.text end,
        }
        """, host: host, limits: Self.budget)
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
        """), host: host, limits: Self.budget)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(host.sent.first?.message == .text("number ABC"))
    }

    @Test func manyHostCallsInACoroutineDoNotOverflowAnything() throws {
        let failure = try failure(of: "coroutine.wrap(function() for i = 1, 1100000 do pcall(now) end end)()")
        // Stopped by a budget, not a crash; which budget comes first depends on the machine's load.
        #expect(failure == .killed(.instructions) || failure == .killed(.wallTime))
    }

    @Test func numbersThatWouldOverflowAreRefusedNotTrapped() throws {
        try expectError("os.date('%Y', 0/0)", containing: "os.date")
        try expectError("schedule(conv, 1e300, 'x')", containing: "delay")
        try expectError("os.time{year = 1 << 62, month = 1, day = 1}", containing: "os.time")
        try expectError("local t = os.date('*t', 1e300)", containing: "os.date")
    }

    @Test func longPatternsAndSetsCountInTheirCost() throws {
        try expectError("local s = ('a'):rep(200000); s:find(('a'):rep(20000) .. '%d')", containing: "too costly")
        try expectError("local s = ('a'):rep(200000); s:find('[' .. ('b'):rep(50000) .. ']')", containing: "too costly")
    }

    @Test func repeatedSlowLibraryCallsStopAtTheWallTime() throws {
        var limits = Self.budget
        limits.wallMilliseconds = 200
        let script = try loadScript(bot("local s = ('a'):rep(5000); for i = 1, 1000 do s:find('.-b') end"), host: RecordingHost(), limits: limits)
        #expect(throws: ScriptFailure.killed(.wallTime)) {
            try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        }
    }

    @Test func nextAndTostringAreTheSameEveryRun() throws {
        let host = RecordingHost()
        let script = try loadScript(bot("""
        local t = { apple = 1, banana = 2, cherry = 3, date = 4, elder = 5 }
        local keys, k = {}, nil
        repeat k = next(t, k); if k then keys[#keys + 1] = k end until not k
        log(table.concat(keys, ","), tostring({}), tostring(print))
        """), host: host, limits: Self.budget)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(host.logs == ["apple,banana,cherry,date,elder\ttable: 0x00000001\tfunction: 0x00000002"])
    }

    @Test func textHelpersRefuseHugeInputs() throws {
        try expectError("text.split(('x '):rep(600000))", containing: "bad argument #1 to 'text.split' (s: the text is 1.1 MiB, more than the 1 MiB taken here")
    }

    @Test func dataCrossingIntoTheHostIsBounded() throws {
        let failure = try failure(of: "local s = ('x'):rep(8000000); for i = 1, 150 do conv.state['k' .. i] = s .. i end")
        #expect(failure != nil)
    }

    @Test func redefiningAPrimitiveAtTopLevel() throws {
        #expect {
            try loadScript("send = function() end\n" + bot(""), host: RecordingHost(), limits: Self.budget)
        } throws: { error in "\(error)".contains("cannot redefine built-in 'send'") }
    }

    @Test func redefiningAPrimitiveInAHandler() throws {
        try expectError("send = function() end", containing: "assignment to undeclared global 'send'")
    }

    @Test func newGlobalsAfterLoadingAreRefused() throws {
        try expectError("leak = conv.contact", containing: "assignment to undeclared global 'leak'")
    }

    @Test func stringMetatableIsHidden() throws {
        try expectError("getmetatable('').__index = {}", containing: "index a boolean")
    }

    @Test func libraryTablesAreReadOnly() throws {
        try expectError("string.find = function() return 1 end", containing: "read-only")
    }

    @Test func rawsetOnLibraryTables() throws {
        try expectError("rawset(string, 'leak', 1)", containing: "protected table")
    }

    // MARK: Values that fight conversion

    @Test func cyclicState() throws {
        let failure = try failure(of: "local t = {}; t.self = t; conv.state.loop = t")
        #expect(failure == .conversion("conv.state.loop.self contains itself (a cycle)"))
    }

    @Test func hugeState() throws {
        let failure = try failure(of: "local t = {}; for i = 1, 101000 do t[i] = true end; conv.state.many = t")
        guard case .conversion(let message)? = failure else { Issue.record("got \(String(describing: failure))"); return }
        #expect(message.contains("more than 100000 values"))
    }

    @Test func globalsTableAsStateReadsRawAndEmpty() throws {
        let host = RecordingHost()
        let script = try loadScript(bot("conv.state.g = _G"), host: host, limits: Self.budget)
        let result = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(result?.conversation?.state["g"] == .object([:]))
    }

    @Test func raisingIndexIsNeverCalledByTheHost() throws {
        let host = RecordingHost()
        let script = try loadScript(bot("""
        conv.state.trap = setmetatable({ real = 1 }, { __index = function() error("boom") end })
        """), host: host, limits: Self.budget)
        let result = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(result?.conversation?.state["trap"] == ["real": 1])
    }

    @Test func mixedAndSparseTables() throws {
        let mixed = try failure(of: "conv.state.t = { 1, 2, x = 3 }")
        #expect(mixed == .conversion("conv.state.t mixes array items and named keys; use one or the other"))
        let sparse = try failure(of: "conv.state.t = { [1] = 1, [5] = 5 }")
        guard case .conversion(let message)? = sparse else { Issue.record("got \(String(describing: sparse))"); return }
        #expect(message.contains("sparse"))
    }

    @Test func objectsCapturedAtLoadTimeAndUsedLater() throws {
        let host = RecordingHost()
        let script = try loadScript("""
        local captured_send, saved = send, nil
        return bot {
          name = "test", escalation = { queue = "q" },
          on_message = function(conv, msg)
            if saved then captured_send(saved, "to an earlier conversation") end
            saved = conv
          end,
        }
        """, host: host, limits: Self.budget)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "1"]])
        var other = aConversation
        other.contact = "+14155550199"
        _ = try script.call("on_message", conversation: other, arguments: [["text": "2"]])
        // The send reaches the host (and its policy) like any other: nothing bypasses it.
        #expect(host.sent.map(\.to) == ["+14155550100"])
    }

    @Test func aCapturedConversationCannotReadAnotherCallsState() throws {
        let host = RecordingHost()
        let script = try loadScript("""
        local saved
        return bot {
          name = "test", escalation = { queue = "q" },
          on_message = function(conv, msg)
            if saved then log(saved.state.secret) end
            saved = conv
          end,
        }
        """, host: host, limits: Self.budget)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "1"]])
        var other = aConversation
        other.state = ["secret": "bob's"]
        #expect(throws: ScriptFailure.self) {
            try script.call("on_message", conversation: other, arguments: [["text": "2"]])
        }
        #expect(host.logs.isEmpty)
    }

    @Test func primitivesRefuseToRunWhileTheFileLoads() throws {
        #expect {
            try loadScript(#"send("+14155550100", "hi")"# + "\n" + bot(""), host: RecordingHost(), limits: Self.budget)
        } throws: { error in "\(error)".contains("cannot run while the script file loads") }
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
                #expect(error == .killed(.memory))
                failures += 1
            }
        }
        #expect(failures > 10)
        script.sandbox?.failAllocation(after: nil)
        let result = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        #expect(result?.conversation?.state["words"] == ["THE", "QUICK", "BROWN", "FOX"])
    }
}
