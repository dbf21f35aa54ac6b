import Foundation
import Testing
@testable import ParleySandbox
@testable import ParleyScripting
import ParleyJSON
import ParleyPolicy

/// What a script may keep between calls: nothing one conversation can change for the
/// next. What the file's top level made is constant once it has loaded: its tables are
/// read-only, its locals are put back after every call, and a `conv` dies with its call.
@Suite("Isolation between calls")
struct IsolationTests {
    let alice = aConversation
    var bob: ConversationView {
        var bob = aConversation
        bob.contact = "+14155550199"
        return bob
    }

    /// A script in a scripts folder of its own, with `modules` (name → source) beside it.
    func load(_ source: String, modules: [String: String] = [:], host: RecordingHost) throws -> Script {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("isolation-\(UUID().uuidString)")
        for (name, text) in modules {
            let file = folder.appendingPathComponent(name.replacingOccurrences(of: ".", with: "/") + ".lua")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        let library = ModuleLibrary(stdlib: repositoryRoot.appendingPathComponent("Stdlib"), scripts: folder)
        return try Script(path: "test.lua", source: source, setup: ScriptSetup(modules: library, limits: HostileScriptTests.budget, host: host))
    }

    func message(_ script: Script, _ conv: ConversationView, _ text: String) throws -> Script.Result? {
        try script.call("on_message", conversation: conv, arguments: [["text": .string(text)]])
    }

    func expectRefused(_ script: Script, _ conv: ConversationView, _ text: String, containing expected: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try message(script, conv, text)
            Issue.record("expected an error containing \"\(expected)\"", sourceLocation: sourceLocation)
        } catch {
            #expect("\(error)".contains(expected), "\(error)", sourceLocation: sourceLocation)
        }
    }

    static let readOnly = "this table is read-only"

    // MARK: Tables made at load time

    @Test func aDeclaredGlobalTableIsReadOnly() throws {
        let host = RecordingHost()
        let script = try load("""
        cache = {}
        \(bot("send(conv, 'last: ' .. tostring(cache.last)); cache.last = msg.text"))
        """, host: host)
        expectRefused(script, alice, "alice's address", containing: Self.readOnly)
        expectRefused(script, bob, "hi", containing: Self.readOnly)
        #expect(host.sent.map(\.message) == [.text("last: nil"), .text("last: nil")])
    }

    @Test func aFileLocalTableIsReadOnlyEvenDeepInside() throws {
        let host = RecordingHost()
        let script = try load("""
        local seen = { by_contact = {} }
        \(bot("table.insert(seen.by_contact, msg.text)"))
        """, host: host)
        expectRefused(script, alice, "alice's address", containing: Self.readOnly)
    }

    @Test func aModuleRequiredAtLoadIsReadOnly() throws {
        let host = RecordingHost()
        let script = try load("local store = require 'lib.store'\n" + bot("store.last = msg.text"),
                              modules: ["lib.store": "return { last = nil }"], host: host)
        expectRefused(script, alice, "alice's address", containing: Self.readOnly)
    }

    @Test func aModuleFirstRequiredInACallIsThatCallsOnly() throws {
        let host = RecordingHost()
        let script = try load(bot(#"local store = require "lib.store"; send(conv, tostring(store.last)); store.last = msg.text"#),
                              modules: ["lib.store": "return { last = nil }"], host: host)
        _ = try message(script, alice, "alice's address")
        _ = try message(script, bob, "hi")
        #expect(host.sent.map(\.message) == [.text("nil"), .text("nil")])
    }

    /// A module's top level runs in the call that first requires it, and can yield there
    /// through a coroutine to take that call's data; it is that call's only.
    @Test func aModuleCannotCarryACallsDataToTheNext() throws {
        let host = RecordingHost()
        let script = try load(bot("""
        local co = coroutine.create(function() return require("lib.box") end)
        coroutine.resume(co)
        local _, box = coroutine.resume(co, msg.text == "attack" and "secret of " .. conv.contact or "nothing")
        send(conv, tostring(box.get()))
        """), modules: ["lib.box": "local secret = coroutine.yield('ready')\nreturn { get = function() return secret end }"], host: host)
        _ = try message(script, alice, "attack")
        _ = try message(script, bob, "hi")
        #expect(host.sent.map(\.message) == [.text("secret of \(aConversation.contact)"), .text("nothing")])
    }

    @Test func readOnlyTablesReadAsBefore() throws {
        let host = RecordingHost()
        let script = try load("""
        local menu = { "Track an order", "Talk to us", extra = { "x", "y" } }
        \(bot("""
        local keys = {}
        for k in pairs(menu) do keys[#keys + 1] = tostring(k) end
        local items = {}
        for i, item in ipairs(menu) do items[i] = item end
        send(conv, table.concat(items, "|") .. " #" .. #menu .. " " .. table.concat(keys, ",") .. " "
          .. rawget(menu, 1) .. " " .. rawlen(menu.extra) .. " " .. select("#", table.unpack(menu)) .. " " .. next(menu.extra))
        """))
        """, host: host)
        _ = try message(script, alice, "menu")
        #expect(host.sent.map(\.message) == [.text("Track an order|Talk to us #2 1,2,extra Track an order 2 2 1")])
    }

    @Test func classesStillWork() throws {
        let host = RecordingHost()
        let script = try load("""
        local Account = {}
        Account.__index = Account
        function Account.new(balance) return setmetatable({ balance = balance }, Account) end
        function Account:deposit(n) self.balance = self.balance + n; return self.balance end
        \(bot("""
        local a = Account.new(10)
        send(conv, tostring(a:deposit(5)) .. " " .. tostring(getmetatable(a) == Account))
        if msg.text == "tamper" then Account.deposit = nil end
        if msg.text == "rewire" then Account.__index = { deposit = function() return "leaked" end } end
        """))
        """, host: host)
        _ = try message(script, alice, "hi")
        expectRefused(script, alice, "tamper", containing: Self.readOnly)
        _ = try message(script, alice, "rewire")
        _ = try message(script, bob, "hi")
        #expect(host.sent.map(\.message).last == .text("15 true"), "a metamethod field a call changed is put back after it")
    }

    @Test func readOnlyTablesRefuseEveryWayToWrite() throws {
        for write in ["rawset(shared, 'k', 1)", "table.insert(shared, 1)", "table.sort(shared)", "setmetatable(shared, {})",
                      "table.move({1}, 1, 1, 5, shared)"] {
            let host = RecordingHost()
            let script = try load("local shared = { 3, 1, 2 }\n" + bot(write), host: host)
            expectRefused(script, alice, "hi", containing: write.hasPrefix("rawset") ? "protected table" :
                          write.hasPrefix("setmetatable") ? "protected metatable" : Self.readOnly)
        }
    }

    @Test func aMetatableUsedAtLoadHasItsFieldsPutBack() throws {
        let host = RecordingHost()
        let script = try load("""
        local Class = { __secret = "none" }; Class.__index = Class
        local object = setmetatable({}, Class)
        \(bot("if msg.text == 'attack' then Class.__secret = 'secret of ' .. conv.contact end; send(conv, Class.__secret)"))
        """, host: host)
        _ = try message(script, alice, "attack")
        _ = try message(script, bob, "hi")
        #expect(host.sent.map(\.message) == [.text("secret of \(aConversation.contact)"), .text("none")])
    }

    @Test func aGmatchIteratorMadeAtLoadIsRefused() throws {
        #expect {
            try load("local next_a = ('a'):rep(10):gmatch('a')\n" + bot("next_a()"), host: RecordingHost())
        } throws: { error in "\(error)".contains("keeps state in C (a string.gmatch iterator, say)") }
    }

    @Test func theStdlibModulesAreReadOnly() throws {
        let host = RecordingHost()
        let script = try load(bot(#"require("parley.script").leak = msg.text"#), host: host)
        expectRefused(script, alice, "alice's address", containing: Self.readOnly)
    }

    @Test func loadTimeDataPastTheBudgetOnceReadOnlyIsRefusedAtLoad() throws {
        #expect {
            try load("local T = {} for i = 1, 60000 do T[i] = {} end\n" + bot("send(conv, #T)"), host: RecordingHost())
        } throws: { error in "\(error)".contains("while making the file's data read-only") }
    }

    // MARK: Locals and conversations

    @Test func aFileLocalAssignedInACallIsPutBack() throws {
        let host = RecordingHost()
        let script = try load("local last = 'nobody'\n" + bot("send(conv, 'previous: ' .. last); last = msg.text"), host: host)
        let first = try message(script, alice, "alice's secret")
        _ = try message(script, bob, "hi")
        #expect(host.sent.map(\.message) == [.text("previous: nobody"), .text("previous: nobody")])
        #expect(first?.firstRestored == "last")
    }

    @Test func aCoroutineMadeAtLoadTimeIsRefused() throws {
        #expect {
            try load("local co = coroutine.wrap(function(x) while true do x = coroutine.yield(x) end end)\n" + bot("co(msg.text)"),
                     host: RecordingHost())
        } throws: { error in "\(error)".contains("a coroutine made while the file loaded would carry data") }
    }

    @Test func aFinishedCoroutineAtLoadTimeIsFine() throws {
        let script = try load("local co = coroutine.create(function() end); coroutine.resume(co)\n" + bot(""), host: RecordingHost())
        #expect(script.definition.name == "test")
    }

    // MARK: Randomness

    @Test func oneCallsSeedDoesNotReachTheNext() throws {
        func bobsNumber(afterAliceSeeds seed: Int) throws -> JSONValue? {
            let host = RecordingHost()
            let script = try load(bot("""
            if msg.text == "seed" then math.randomseed(\(seed)) end
            send(conv, tostring(math.random(1, 1000000)))
            """), host: host)
            _ = try message(script, alice, "seed")
            _ = try message(script, bob, "hi")
            return host.sent.last.map { .string("\($0.message)") }
        }
        #expect(try bobsNumber(afterAliceSeeds: 1) == bobsNumber(afterAliceSeeds: 2))
    }

    @Test func randomseedWithoutArgumentsIsTheSameEveryRun() throws {
        func numbers() throws -> [OutboundMessage] {
            let host = RecordingHost()
            let script = try load(bot("math.randomseed(); send(conv, tostring(math.random()))"), host: host)
            _ = try message(script, alice, "a")
            _ = try message(script, bob, "b")
            return host.sent.map(\.message)
        }
        let first = try numbers()
        #expect(first == (try numbers()))
        #expect(first[0] != first[1], "each conversation gets numbers of its own")
    }

    @Test func tostringNumbersStartAgainInEachCall() throws {
        let host = RecordingHost()
        let script = try load(bot("log(tostring({}))"), host: host)
        _ = try message(script, alice, "a")
        _ = try message(script, bob, "b")
        #expect(host.logs == ["table: 0x00000001", "table: 0x00000001"])
    }
}
