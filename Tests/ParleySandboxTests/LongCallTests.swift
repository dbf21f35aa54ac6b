import Testing
@testable import ParleySandbox
import ParleyJSON
import ParleyPolicy

/// Work that runs in C, where the count hook never fires: library loops over a length a
/// script controls, reads through __index chains 2,000 tables deep, loops of C calls
/// between two hook steps, and the collector. Each must end within the call's budget
/// (here, a wall time of 300 ms), as a kill or an error, never hang.
@Suite("Hostile scripts: long calls in C")
struct LongCallTests {
    static let budget = Budget(instructions: 50_000_000, memoryBytes: 64 << 20, wallMilliseconds: 300)
    let attack = Attack(limits: LongCallTests.budget)

    /// A table whose length is whatever `n` says, with nothing in it.
    static func claimedLength(_ n: String) -> String {
        "setmetatable({}, { __len = function() return \(n) end })"
    }

    /// `deep` is a table behind an __index chain of 1,990 tables, ending in one that
    /// answers every index with "x" (a C function, which no hook sees either).
    static let deepChain = """
    local deep = setmetatable({}, { __index = table.concat })
    for i = 1, 1990 do deep = setmetatable({}, { __index = deep }) end

    """

    // MARK: Loops over a length the script controls

    @Test func removeFromATableClaimingMaxIntegerElements() throws {
        try attack.expectKilled("table.remove(\(Self.claimedLength("math.maxinteger")), 1)", .wallTime)
    }

    @Test func insertAtTheFrontOfATableClaimingMaxIntegerElements() throws {
        try attack.expectKilled("table.insert(\(Self.claimedLength("math.maxinteger - 1")), 1, 'x')", .wallTime)
    }

    @Test func concatOverAnEndlessRangeOfEmptyStrings() throws {
        try attack.expectKilled("table.concat(setmetatable({}, { __index = table.concat }), '', 1, math.maxinteger)", .wallTime)
    }

    @Test func sortOfATableClaimingBillionsOfElements() throws {
        try attack.expectStopped("""
        table.sort(setmetatable({}, { __len = function() return 2^31 - 2 end, __index = rawlen, __newindex = rawequal }))
        """, by: [.wallTime, .memory])
    }

    @Test func moveRefusesMillionsOfElementsUpFront() throws {
        try attack.expectError("table.move({}, 1, 1e8, 2)", containing: "table.move: 100000000 elements exceed the limit")
    }

    @Test func backReferencesCountAsRepetitions() throws {
        try attack.expectError("local s = ('a'):rep(1000000); s:match('^(a*)%1b')", containing: "too costly")
    }

    @Test func plainPatternsInMatchCostAsPatterns() throws {
        // Only find searches plain text with a fast byte search; match walks it character by character.
        try attack.expectError("local s = ('a'):rep(1000000); s:match(('a'):rep(999) .. 'b')", containing: "too costly")
        #expect(try attack.outcome("local s = ('a'):rep(1000000); s:find(('a'):rep(999) .. 'b')") == nil)
    }

    // MARK: The parser

    /// Each use of a name deep in nested functions scans every local in scope: half a
    /// megabyte of such source kept the parser busy for 13 s, in C.
    static let slowSource = """
    local names = {} for i = 1, 190 do names[i] = "a" .. i end
    local decl = "local " .. table.concat(names, ",") .. " "
    local parts = {}
    for l = 1, 190 do parts[#parts + 1] = "local function f" .. l .. "() " .. decl end
    parts[#parts + 1] = string.rep("x=x ", 100000)
    for l = 1, 190 do parts[#parts + 1] = " end" end
    local source = table.concat(parts)

    """

    @Test func loadOfSourceThatIsSlowToParse() throws {
        try attack.expectKilled(Self.slowSource + "load(source)", .wallTime)
    }

    @Test func loadOfSourceGivenInPartsThatIsSlowToParse() throws {
        try attack.expectKilled(Self.slowSource + "local given = false; load(function() if given then return nil end given = true return source end)", .wallTime)
    }

    @Test func aScriptFileThatIsSlowToParseIsRefused() throws {
        var source = "return bot { name = 'test', escalation = { queue = 'q' }, on_message = function() "
        source += (1...190).map { "local function f\($0)() local " + (1...190).map { "a\($0)" }.joined(separator: ",") + " " }.joined()
        source += String(repeating: "x=x ", count: 100_000) + String(repeating: " end", count: 190) + " end }"
        #expect {
            try loadScript(source, host: RecordingHost(), limits: LongCallTests.budget)
        } throws: { error in "\(error)".contains("wall-time budget exceeded while compiling") }
    }

    // MARK: Unwinding after a kill

    /// After a kill every pending __close handler runs, and each must stop at its first
    /// instruction: one that compares long strings for a step of its own made 1,000 frames
    /// take 15 s.
    @Test func closeHandlersAfterAKill() throws {
        try attack.expectStopped("""
        local big1, big2 = ('x'):rep(1 << 22), ('x'):rep((1 << 22) - 1) .. 'y'
        local closer = setmetatable({}, { __close = function() for i = 1, 60 do local _ = big1 < big2 end end })
        local function dive(n) local x <close> = closer; if n > 0 then dive(n - 1) else while true do end end end
        dive(1000)
        """, by: [.instructions, .wallTime])
    }

    // MARK: Reads through deep __index chains

    @Test func unpackThroughADeepChain() throws {
        try attack.expectKilled(Self.deepChain + "table.unpack(deep, 1, 900000)", .wallTime)
    }

    @Test func concatThroughADeepChain() throws {
        try attack.expectKilled(Self.deepChain + "table.concat(deep, '', 1, 1e9)", .wallTime)
    }

    @Test func sortThroughADeepChain() throws {
        try attack.expectStopped(Self.deepChain + """
        local t = setmetatable({}, { __index = deep, __len = function() return 100000 end })
        table.sort(t)
        """, by: [.wallTime, .memory])
    }

    @Test func gsubWithAReplacementTableBehindADeepChain() throws {
        try attack.expectError(Self.deepChain + "string.gsub(('a'):rep(100000), 'a', deep)", containing: "string.gsub: a replacement table")
    }

    // MARK: Loops of C calls between two hook steps

    @Test func loopOfSlowPacksizeCalls() throws {
        try attack.expectKilled("local f = ('i'):rep(1 << 22); for i = 1, 1e9 do string.packsize(f) end", .wallTime)
    }

    @Test func loopOfComparisonsOfLongStrings() throws {
        try attack.expectKilled("""
        local a, b = ('x'):rep(1 << 24), ('x'):rep(1 << 24)
        for i = 1, 1e9 do local _ = a < b end
        """, .wallTime)
    }

    @Test func sortOfOneLongStringManyTimes() throws {
        try attack.expectKilled("local s = ('x'):rep(1 << 24); local t = {}; for i = 1, 100000 do t[i] = s end; table.sort(t)", .wallTime)
    }

    @Test func loopOfPairsOverALargeTable() throws {
        try attack.expectKilled("""
        local t = {}; for i = 1, 200000 do t['k' .. i] = i end
        while true do for k in pairs(t) do break end end
        """, .wallTime)
    }

    @Test func loopOfHostCalls() throws {
        try attack.expectStopped("while true do text.upper(('x'):rep(1 << 20)) end", by: [.wallTime, .instructions])
    }

    // MARK: The collector

    @Test func weakTablesAreRefused() throws {
        try attack.expectError("setmetatable({}, { __mode = 'k' })", containing: "weak tables (__mode) are not allowed")
    }

    @Test func weakModeCannotBeAddedToAMetatableInUse() throws {
        try attack.expectError("local mt = {}; setmetatable({}, mt); mt.__mode = 'k'", containing: "cannot set '__mode': this table is read-only")
    }

    @Test func finalizersCannotBeAddedToAMetatableInUse() throws {
        try attack.expectError("local mt = {}; setmetatable({}, mt); mt.__gc = print", containing: "cannot set '__gc'")
    }

    /// Traversal snapshots are kept per call in a plain table, not a weak one whose entries
    /// could chain: this chain would take the collector minutes if they could. The wall
    /// budget is a generous bound, not a measure: a loaded machine must not fail it.
    @Test func chainedTraversalsDoNotSlowTheCollector() throws {
        let patient = Attack(limits: Budget(instructions: Self.budget.instructions, memoryBytes: Self.budget.memoryBytes, wallMilliseconds: 20_000))
        let failure = try patient.outcome("""
        local tables = {}
        for i = 1, 20000 do tables[i] = {} end
        for i = 1, 19999 do tables[i][tables[i + 1]] = true end
        for i = 1, 20000 do next(tables[i]) end
        local garbage = {}
        for i = 1, 200000 do garbage[i % 100 + 1] = { i } end
        """)
        #expect(failure == nil)
    }
}
