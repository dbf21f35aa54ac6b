import Testing
@testable import ParleyLua
import ParleyJSON
import ParleyPolicy

/// What crosses between a script and the host is bounded by what it produces, checked
/// before it is copied, and valid UTF-8 when it is data; numbers a script passes never
/// trap Swift.
@Suite("Host crossings")
struct HostCrossingTests {
    /// The default memory, whose figure some messages name; wall time and instructions no
    /// test comes near, so a busy machine cannot stop a call.
    static let budget = Budget(instructions: 1_000_000_000, memoryBytes: Budget.default.memoryBytes, wallMilliseconds: 120_000)

    /// Runs `body` as a bot's on_message; returns the host and how the call failed (nil
    /// if it did not).
    func run(_ body: String, limits: Budget = HostCrossingTests.budget, state: JSONValue = [:]) throws -> (RecordingHost, ScriptFailure?) {
        let host = RecordingHost()
        let script = try loadScript(bot(body), host: host, limits: limits)
        var conversation = aConversation
        conversation.state = state
        do {
            _ = try script.call("on_message", conversation: conversation, arguments: [["text": "hi"]])
            return (host, nil)
        } catch {
            return (host, error)
        }
    }

    func expectError(_ body: String, containing text: String, limits: Budget = HostCrossingTests.budget, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (_, failure) = try run(body, limits: limits)
        guard let failure else {
            Issue.record("expected an error containing \"\(text)\"; the call succeeded", sourceLocation: sourceLocation)
            return
        }
        #expect(failure.description.contains(text), "\(failure.description)", sourceLocation: sourceLocation)
    }

    /// Makes a host function `take(v)` whose `v` may bring `maxBytes` into the host, runs
    /// `take(<lua>)`, and returns what arrived.
    func take(_ lua: String, maxBytes: Int) throws -> Result<JSONValue, ScriptFailure> {
        let sandbox = try LuaSandbox(limits: Self.budget)
        var received: JSONValue = .null
        sandbox.define(HostFunction("take", [.init("v", .value, maxBytes: maxBytes)], returns: "nothing") { args in
            received = args[0]
            return []
        })
        do {
            try sandbox.runTrusted("take(\(lua))", chunkName: "=test")
            return .success(received)
        } catch {
            return .failure(error)
        }
    }

    // MARK: Numbers that used to trap

    @Test("os.time refuses extreme fields with a Lua error instead of trapping on abs(Int64.min)",
          arguments: ["year", "month", "day", "hour", "min", "sec"])
    func osTimeExtremes(_ field: String) throws {
        for extreme in ["math.mininteger", "math.maxinteger", "-(1 << 62)", "1 << 62"] {
            try expectError("os.time{year = 2026, month = 1, day = 1, \(field) = \(extreme)}", containing: "os.time: field '\(field)' is")
        }
        try expectError("os.time{year = 2026, month = 1, day = 1, \(field) = 2^63}", containing: "os.time: field '\(field)' is not an integer")
    }

    @Test("a customer's text through tonumber() reaches os.time as an error the script can catch")
    func osTimeFromCustomerText() throws {
        let (host, failure) = try run("""
        local ok, err = pcall(os.time, { year = tonumber("-9223372036854775808"), month = 1, day = 1 })
        send(conv, tostring(ok) .. " " .. err)
        """)
        #expect(failure == nil)
        guard case .text(let reply)? = host.sent.first?.message else { Issue.record("nothing sent"); return }
        #expect(reply.hasPrefix("false "))
        #expect(reply.contains("field 'year' is -9223372036854775808, out of range; it takes -999999 to 999999"))
    }

    @Test("os.time still computes dates, including overflowing fields, at the ends of its range")
    func osTimeStillWorks() throws {
        let (host, failure) = try run("""
        send(conv, table.concat({
          os.time{year = 2026, month = 1, day = 1, hour = 0},
          os.time{year = 2025, month = 13, day = 1, hour = 0},
          os.time{year = 2026, month = 1, day = 0, hour = 24},
          math.type(os.time{year = 999999, month = 999999999, day = 999999999, hour = 999999999, min = 999999999, sec = 999999999}),
          math.type(os.time{year = -999999, month = -999999999, day = -999999999, hour = -999999999, min = -999999999, sec = -999999999}),
        }, " "))
        """)
        #expect(failure == nil)
        #expect(host.sent.first?.message == .text("1767225600 1767225600 1767225600 integer integer"))
    }

    @Test("os.date takes a format of at most 1 KiB, so its text is at most 14 times that")
    func osDateFormatCap() throws {
        try expectError(#"os.date(("%c"):rep(5 << 20))"#, containing: "bad argument #1 to 'os.date' (format: the text is 10 MiB, more than the 1 KiB taken here")
        let (host, failure) = try run(#"send(conv, tostring(#os.date(("%c"):rep(512), -1e13 + 1)))"#)
        #expect(failure == nil)
        guard case .text(let length)? = host.sent.first?.message, let n = Int(length) else { Issue.record("nothing sent"); return }
        #expect(n > 512 * 24 && n <= 14 * 1024)
    }

    @Test("spans and delays from scripts are refused, not overflowed")
    func extremeDelays() throws {
        try expectError(#"schedule(conv, "99999999999999999999d", "x")"#, containing: "is not a delay")
        try expectError(#"schedule(conv, ("9"):rep(70) .. "d", "x")"#, containing: #"(delay: "999999999999999999999999…" is not a delay"#)
        try expectError("schedule(conv, math.mininteger, 'x')", containing: "-9223372036854775808 is not a delay")
        try expectError("schedule(conv, 0/0, 'x')", containing: "nan is not a delay")
    }

    // MARK: Sizes, counted as the JSON a value becomes

    @Test("the limit on a table argument is the exact size it crosses as: its JSON, and each table's and entry's storage", arguments: [
        #""plain""#,
        #""quote\" back\\ nl\n tab\t bell\7 nul\0""#,
        #""héllo → 😀""#,
        "{1, 2.5, -3, true, false, math.mininteger, 1e308, -0.0, 0.1}",
        #"{a = {b = {c = "d"}}, ["key with space"] = math.maxinteger, ["\""] = {}}"#,
        "{{}, {{}}, {1, {2, {3}}}}",
        #"(function() local s = ("x"):rep(100) return {s, s, s, k = nil} end)()"#,
        #"(function() local t = {a = "b", [""] = "c"} return {t, t, t} end)()"#,
    ])
    func exactJSONLength(_ lua: String) throws {
        let whole = try take(lua, maxBytes: 1 << 20).get()
        let length = LuaValues.crossingSize(of: whole)
        #expect(try take(lua, maxBytes: length).get() == whole)
        guard case .failure(let failure) = try take(lua, maxBytes: length - 1) else {
            Issue.record("\(lua) crossed under a limit of \(length - 1) bytes, one less than its size")
            return
        }
        #expect(failure.description.contains("makes the data more than \(TextBytes.size(length - 1)), the most"))
    }

    static let thousandReferences = "local s = ('x'):rep(1 << 20); local t = {}; for i = 1, 1000 do t[i] = s end"

    @Test("a table of 1,000 references to one 1 MiB string is 1 GB of JSON, and is refused as such")
    func sharedStringsCountEachTime() throws {
        try expectError("\(Self.thousandReferences); send(conv, { text = 'x', params = t })",
                        containing: "bad argument #2 to 'send' (message: message.params[1] makes the data more than 64 KiB, the most")
        try expectError("\(Self.thousandReferences); schedule(conv, '1h', 'x', t)", containing: "data[1] makes the data more than 64 KiB")
        try expectError("\(Self.thousandReferences); conv.state.t = t", containing: "makes the data more than 64 KiB, the most")
    }

    @Test("a shared table counts once per reference too")
    func sharedTablesCountEachTime() throws {
        try expectError("local leaf = { text = ('y'):rep(40000) }; schedule(conv, '1h', 'x', { leaf, leaf })",
                        containing: "data[2].text makes the data more than 64 KiB")
    }

    @Test("the data limit is the budget's dataBytes")
    func dataBytesFromTheBudget() throws {
        var limits = Self.budget
        limits.dataBytes = 1000
        try expectError("send(conv, { text = ('x'):rep(1000) })", containing: "more than 1000 bytes, the most", limits: limits)
        let (host, failure) = try run("send(conv, { text = ('x'):rep(900) })", limits: limits)
        #expect(failure == nil)
        #expect(host.sent.count == 1)
    }

    @Test("string parameters are refused by length before they are copied, naming the cap")
    func stringParameterCaps() throws {
        try expectError("schedule(conv, '1h', ('n'):rep(10 << 20))", containing: "(name: the text is 10 MiB, more than the 256 bytes taken here")
        try expectError("send(('1'):rep(300), 'hi')", containing: "(to: the text is 300 bytes, more than the 256 bytes taken here")
        try expectError("in_window({ contact = ('1'):rep(1 << 20) })", containing: "(to: the text is 1 MiB, more than the 256 bytes taken here")
        try expectError("text.upper(('x'):rep((1 << 20) + 1))", containing: "(s: the text is 1.0 MiB, more than the 1 MiB taken here")
    }

    @Test("log and print show at most 64 KiB a call, with a marker where the line was cut")
    func logIsBoundedByWhatItShows() throws {
        let (host, failure) = try run("""
        \(Self.thousandReferences)
        log(t)
        print("before", t, "after")
        log(('y'):rep(100000))
        log(("\\xff"):rep(60000))
        log("short", 1, 2.5, true, nil, { a = 1 })
        """)
        #expect(failure == nil)
        #expect(host.logs.count == 5)
        for line in host.logs.prefix(4) {
            #expect(line.utf8.count <= 64 << 10)
            #expect(line.hasSuffix(" …[cut: one log line shows at most 64 KiB]"))
        }
        #expect(host.logs[1].hasPrefix("before\t"))
        #expect(host.logs[2].hasPrefix("yyyy"))
        #expect(host.logs[3].hasPrefix("\u{FFFD}\u{FFFD}"))
        #expect(host.logs[4] == "short\t1\t2.5\ttrue\tnil\t{\"a\":1}")
    }

    @Test("results larger than the memory the script has left are refused before they are pushed")
    func oversizedResults() throws {
        var limits = Self.budget
        limits.memoryBytes = 8 << 20
        try expectError("local parts = text.split(('a,'):rep(500000), ',')", containing: "text.split: its result needs more memory than the", limits: limits)
        let (_, failure) = try run("local x = conv.state.big", limits: limits, state: ["big": .string(String(repeating: "z", count: 10 << 20))])
        #expect(failure?.description.contains("conv.state: its result needs more memory than the") == true)
        let (host, fine) = try run("send(conv, tostring(#text.split(('a,'):rep(1000), ',')))", limits: limits)
        #expect(fine == nil)
        #expect(host.sent.first?.message == .text("1001"))
    }

    // MARK: UTF-8

    @Test("keys that are not UTF-8 are refused: \\xff and \\xfe would both decode to U+FFFD and one value would be lost")
    func invalidKeys() throws {
        let (_, failure) = try run(#"conv.state["\xff"] = 1; conv.state["\xfe"] = 2"#)
        let message = failure?.description ?? ""
        #expect(message.hasPrefix(#"conv.state has a key that is not UTF-8 text: "\xF"#), "\(message)")
        #expect(message.hasSuffix(#""; JSON holds text only, so use text keys"#), "\(message)")
        try expectError(#"conv.state.items = { { ["ok\xc3"] = 1 } }"#, containing: #"conv.state.items[1] has a key that is not UTF-8 text: "ok\xC3""#)
    }

    @Test("values that are not UTF-8 are refused, naming where they are")
    func invalidValues() throws {
        try expectError(#"conv.state.name = "caf\xe9""#, containing: #"conv.state.name is not UTF-8 text: "caf\xE9"; JSON holds text only"#)
        try expectError(#"send(conv, "\xff")"#, containing: "bad argument #2 to 'send' (message: message is not UTF-8 text")
        try expectError(#"send(conv, { text = "ok", buttons = { { id = "\xc0\x80", title = "overlong" } } })"#, containing: "message.buttons[1].id is not UTF-8 text")
        try expectError(#"text.lower("\xed\xa0\x80")"#, containing: "bad argument #1 to 'text.lower' (s: not UTF-8 text")
        try expectError(#"schedule(conv, "1h", "\xff")"#, containing: "(name: not UTF-8 text")
    }

    @Test("two keys that are one text in different Unicode forms are refused, not merged")
    func canonicallyEquivalentKeys() throws {
        try expectError(#"conv.state["\u{e9}"] = 1; conv.state["e\u{301}"] = 2"#,
                        containing: "conv.state has two keys that are the same text in different Unicode forms")
    }

    @Test("valid UTF-8 of every length crosses unchanged")
    func validTextCrosses() throws {
        let (host, failure) = try run(#"conv.state.t = "aé→😀\0"; send(conv, conv.state.t)"#)
        #expect(failure == nil)
        #expect(host.sent.first?.message == .text("aé→😀\u{0}"))
    }

    // MARK: Escalation notes

    @Test("a 15 MB note is cut with a marker, and the hand-off still happens")
    func hugeNoteIsCut() throws {
        let (host, failure) = try run("""
        local r = escalate_to_human(conv, { note = ("n"):rep(15000000), reason = ("r"):rep(1000000), queue = "billing" })
        send(conv, r.queue)
        """)
        #expect(failure == nil)
        #expect(host.sent.first?.message == .text("billing"))
        let request = host.escalations.first?.1
        #expect(request?.note?.utf8.count ?? .max <= Primitives.noteBytes)
        #expect(request?.note?.hasPrefix("nnnn") == true)
        #expect(request?.note?.hasSuffix(" …[cut: 14.3 MiB in all]") == true)
        #expect(request?.reason?.utf8.count ?? .max <= Primitives.reasonBytes)
        #expect(request?.reason?.hasSuffix(" …[cut: 976.5 KiB in all]") == true)
    }

    @Test("a short note and reason pass unchanged; a queue name is an identifier, and too long is refused")
    func escalationFields() throws {
        let (host, failure) = try run(#"escalate_to_human(conv, { note = "wants a refund", reason = "refund", queue = "billing" })"#)
        #expect(failure == nil)
        #expect(host.escalations.first?.1 == EscalationRequest(queue: "billing", reason: "refund", note: "wants a refund"))
        try expectError("escalate_to_human(conv, { queue = ('q'):rep(200) })", containing: "queue names have at most 128 bytes")
    }
}
