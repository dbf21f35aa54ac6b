import Foundation
import ParleyJSON
import Testing

/// Issue 8, "The wall holds": a bot that attacks the runtime when a contact writes "attack"
/// and answers anything else. For each attack, in a real `parley serve` (a hang or a crash
/// must not take the test runner with it): the attacking conversation escalates with reason
/// `bot_error` (or, for an attack a fix defuses without an error, is answered within its
/// budget), a conversation that writes after it is still answered, `/health` tells
/// the truth, and SIGTERM stops the process cleanly.
@Suite("Serve under attack", .serialized)
struct ServeUnderAttackTests {
    struct Attack: Sendable, CustomTestStringConvertible {
        let name: String
        /// Lua run in `on_message` with `conv` in scope.
        let lua: String
        /// Lua run in `on_timer`, for attacks that go on there.
        var onTimer = ""
        /// Whether the call may also end harmlessly, within its budget, the bot answering:
        /// for attacks a fix defuses without an error (a log cut to its limit, a linear search).
        var mayBeHarmless = false

        var testDescription: String { name }
    }

    static let attacks: [Attack] = [
        Attack(name: "an endless loop", lua: "while true do end"),
        Attack(name: "table.remove on a table whose __len is math.maxinteger",
               lua: "table.remove(setmetatable({}, {__len = function() return math.maxinteger end}), 1)"),
        Attack(name: "os.time with the smallest integer year", lua: "os.time{year = math.mininteger, month = 1, day = 1}"),
        Attack(name: "log of a table holding a thousand 1 MiB strings",
               lua: "local s = (\"x\"):rep(1 << 20) local t = {} for i = 1, 1000 do t[i] = s end log(t)", mayBeHarmless: true),
        Attack(name: "text.contains with a quadratic plain search",
               lua: "text.contains((\"a\"):rep(1 << 17), (\"a\"):rep(1 << 16) .. \"b\", true)", mayBeHarmless: true),
        Attack(name: "a timer storm: each timer schedules two",
               lua: "schedule(conv, \"1s\", \"storm\", {})",
               onTimer: "schedule(conv, \"1s\", \"storm\", {}) schedule(conv, \"1s\", \"storm\", {})"),
        Attack(name: "table.unpack through an __index chain 1,990 tables deep",
               lua: "local deep = setmetatable({}, {__index = table.concat}) for i = 1, 1990 do deep = setmetatable({}, {__index = deep}) end table.unpack(deep, 1, 900000)"),
        Attack(name: "a loop comparing two 8 MiB strings",
               lua: "local a, b = (\"x\"):rep(1 << 23), (\"x\"):rep(1 << 23) for i = 1, 1e9 do local _ = a < b end"),
        Attack(name: "a weak table, whose collection is quadratic", lua: "setmetatable({}, {__mode = \"k\"})"),
        Attack(name: "a table made at load time, written to carry one contact's text to the next",
               lua: "shared.last = msg.text"),
        Attack(name: "memory without end", lua: "local t = {} for i = 1, 1e9 do t[i] = (\"x\"):rep(1000) .. i end"),
        Attack(name: "a coroutine that wraps itself", lua: "local function f() return coroutine.wrap(f)() end f()"),
        Attack(name: "string.rep of a terabyte", lua: "local s = (\"x\"):rep(1 << 40)"),
        Attack(name: "a backtracking pattern", lua: "(\"a\"):rep(1 << 16):find((\"a?\"):rep(1 << 10) .. (\"a\"):rep(1 << 10))"),
        Attack(name: "table.concat past the memory budget",
               lua: "local t = {} for i = 1, 1e6 do t[i] = (\"x\"):rep(100) end table.concat(t)"),
        Attack(name: "an error that is a table with a __tostring that errors",
               lua: "error(setmetatable({}, {__tostring = function() error(\"again\") end}))"),
    ]

    static func bot(_ attack: Attack) -> String {
        """
        shared = {}
        return bot {
          name = "attacker",
          escalation = { queue = "support" },
          on_message = function(conv, msg)
            if msg.text == "attack" then
              \(attack.lua)
            end
            send(conv, "answer: " .. (msg.text or msg.type))
          end,
          on_timer = function(conv, name, data)
            \(attack.onTimer)
          end,
        }
        """
    }

    @Test("the attack escalates, others are answered, /health is truthful, SIGTERM stops it", arguments: attacks)
    func attack(_ attack: Attack) async throws {
        try await withstand(attack)
    }

    private func withstand(_ attack: Attack) async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        let folder = try deploymentFolder("attack", scripts: ["attacker.lua": Self.bot(attack)],
                                          toml: "[budget]\nwall_ms = 300\n" + liveConfig(graphURL))
        defer { try? FileManager.default.removeItem(at: folder) }
        let serve = try await ServeProcess.launch(folder, environment: liveEnvironment)
        defer { if serve.process.isRunning { kill(serve.process.processIdentifier, SIGKILL) } }
        let attacker = "14155550101"
        let bystander = "14155550102"

        #expect(try await Client.webhook(url: serve.url, textWebhook(from: attacker, text: "attack", id: "wamid.attack")).status == 200)
        var conversation: JSONValue = .null
        let contained = await eventually(20) {
            if !serve.process.isRunning { return true }
            if attack.mayBeHarmless, await graph.received.contains(where: { $0.body["text"]?["body"] == "answer: attack" }) { return true }
            let answer = try? await Client.get(serve.url + "/agent/conversations/+\(attacker)", headers: Client.agent)
            conversation = answer.flatMap { try? JSONValue.parse($0.body) } ?? .null
            return conversation["handoff"]?["reason"] == "bot_error"
        }
        try #require(serve.process.isRunning, "parley serve exited (\(serve.process.terminationStatus)):\n\(serve.errors.suffix(3000))")
        #expect(contained, "the attacker was neither escalated\(attack.mayBeHarmless ? " nor answered" : ""): \(conversation)")
        if conversation["handoff"] != nil { #expect(conversation["owner"] == "human:support") }

        #expect(try await Client.webhook(url: serve.url, textWebhook(from: bystander, text: "hello", id: "wamid.bystander")).status == 200)
        let answered = (try? await graph.waitUntil("the bystander answered") { graph in
            await graph.received.contains { $0.body["to"] == .string(bystander) && $0.body["text"]?["body"] == "answer: hello" }
        }) != nil
        let healthNow = await serve.health() ?? .null
        #expect(answered, "the bystander was not answered; /health: \(healthNow)")

        // Truthful: nothing is stuck and nothing waits, so ok, and not busy.
        var health: JSONValue = .null
        #expect(await eventually(15) {
            health = await serve.health() ?? .null
            return health["inbox_backlog"] == 0 && health["runtime_busy"] == nil
        })
        #expect(health["ok"] == true, "\(health)")

        let status = await serve.terminate()
        #expect(status == 0, "exit status \(status):\n\(serve.errors.suffix(3000))")
    }
}
