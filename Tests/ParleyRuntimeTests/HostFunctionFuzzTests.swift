import ParleyJSON
import ParleySandbox
import ParleyPolicy
import ParleyRuntime
import Testing

/// Every host function, called by a real script in a running world with extreme integers,
/// non-finite and huge floats, strings past every limit, invalid UTF-8, and values of
/// every odd type: each call returns or raises an error the script catches, and nothing
/// traps. Seeded, so every run makes the same calls. A trap would end the test process.
@Suite("Host function fuzz")
struct HostFunctionFuzzTests {
    /// Budgets no fuzz batch comes near: a batch must end by its own outcome, never by a
    /// budget, however slow the machine.
    static func config() -> RuntimeConfig {
        var config = RuntimeConfig()
        config.budget = Budget(instructions: 2_000_000_000, memoryBytes: 512 << 20, wallMilliseconds: 600_000)
        return config
    }

    static func world() throws -> World {
        try World(scripts: ["fuzz.lua": FuzzScripts.bot, "fuzz_sweep.lua": FuzzScripts.automation, "lib/fuzz.lua": FuzzScripts.module],
                  config: config())
    }

    /// Script errors other than the one a fuzzed queue name earns: escalate_to_human hands
    /// over to the bot's queue, and says the queue it was given is not declared.
    static func unexpectedErrors(_ world: World) -> [TranscriptRecord] {
        world.of("script_error").filter { $0["error"]?.stringValue?.contains("is not declared in parley.toml") != true }
    }

    static func state(_ world: World, _ contact: String) -> JSONValue {
        ((try? world.runtime.store.conversation(ContactID(contact)!)) ?? nil)?.state ?? .null
    }

    @Test("each host function returns or raises a catchable error on every extreme value, in every position")
    func everyHostFunction() throws {
        let world = try Self.world()
        world.inbound("+14155550100", "targets")
        let targets = Self.state(world, "+14155550100")["targets"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(targets.count == 61)
        var calls = 0
        for (i, target) in targets.enumerated() {
            // A contact each: a batch may escalate its conversation, which mutes the bot there.
            let contact = "+1415555\(2000 + i)"
            world.inbound(contact, String(i + 1))
            let result = Self.state(world, contact)["fuzz"]
            #expect((result?["calls"]?.integerValue ?? 0) > 0, "\(target) did not finish: \(world.of("script_error").map(\.line))")
            #expect(result?["odd"] == 0, "\(target): an error that is not a message")
            calls += Int(result?["calls"]?.integerValue ?? 0)
        }
        #expect(calls > 8000)
        #expect(Self.unexpectedErrors(world).isEmpty, "\(Self.unexpectedErrors(world).map(\.line))")

        // The same from an automation, where conversations{...} answers.
        world.advance("1h")
        let sweep = world.logs.filter { $0.hasPrefix("[automation:fuzz_sweep] sweep ") }
        #expect(sweep.count == 4)
        #expect(sweep.allSatisfy { $0.hasSuffix(", 0 odd") }, "\(sweep)")

        // Timers, queued messages and window hooks set by the fuzz run on, and the bot answers.
        world.advance("30d")
        world.inbound(bob, "hello")
        #expect(world.sent.contains { $0["to"] == .string(bob) && $0["text"] == "fine" })
        #expect(Self.unexpectedErrors(world).isEmpty, "\(Self.unexpectedErrors(world).map(\.line))")
    }

    @Test("the same targets run twice give the same outcome: the fuzz is deterministic")
    func deterministic() throws {
        func outcomes() throws -> [JSONValue] {
            let world = try Self.world()
            return [2, 30, 50].map { target in
                let contact = "+1415555\(3000 + target)"
                world.inbound(contact, String(target))
                return Self.state(world, contact)["fuzz"] ?? .null
            }
        }
        #expect(try outcomes() == outcomes())
    }

    @Test("a customer's number through tonumber() into os.time costs the conversation an escalation, not the server", arguments: [
        "-9223372036854775808", "9223372036854775807", "-1e400", "0x7fffffffffffffff",
    ])
    func customerTextIntoOsTime(_ text: String) throws {
        let world = try World(scripts: ["b.lua": bot("send(conv, tostring(os.time{ year = tonumber(msg.text), month = 1, day = 1 }))")],
                              config: Self.config())
        world.inbound(alice, text)
        world.inbound(bob, "2026")
        let error = world.of("script_error").first?["error"]?.stringValue ?? ""
        #expect(error.contains("os.time") && error.contains("year"), "\(error)")
        #expect(world.escalated.map { $0["to"] } == [.string(alice)])
        #expect(world.sentTexts.contains("1767268800"))
    }

    @Test("script fields with extreme delays load, or are refused naming the field; time runs on either way", arguments: [
        "window_closing = 1e12", "window_closing = 1e12 + 1", "window_closing = math.maxinteger", "window_closing = -0.0",
        "window_closing = '99999999999999999999d'", "window_closing = '999999999d999999999d'", "window_closing = ('9'):rep(60) .. 'd'",
        "window_closing = 2^63", "window_closing = '1e400'",
    ])
    func extremeBotFields(_ field: String) throws {
        let source = bot("send(conv, 'fine')", extra: "\(field),\n  on_window_closing = function(conv, left) send(conv, 'closing in ' .. left) end,")
        try expectLoadsOrNames("window_closing", ["b.lua": source])
    }

    @Test("automations with extreme periods load, or are refused naming the field", arguments: [
        "1e12", "math.maxinteger", "math.mininteger", "-1", "0/0", "-0.0", "'99999999999999999999d'", "'1d'",
    ])
    func extremeAutomationPeriods(_ every: String) throws {
        let automation = "return automation { name = \"a\", every = \(every), run = function() log('ran') end }"
        try expectLoadsOrNames("every", ["b.lua": bot("send(conv, 'fine')"), "a.lua": automation])
    }

    func expectLoadsOrNames(_ field: String, _ scripts: [String: String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let world: World
        do {
            world = try World(scripts: scripts, config: Self.config())
        } catch {
            #expect("\(error)".contains(field), "\(error)", sourceLocation: sourceLocation)
            return
        }
        world.inbound(alice, "hi")
        world.advance("2d")
        world.inbound(alice, "hi")
        #expect(world.sentTexts.filter { $0 == "fine" }.count == 2, sourceLocation: sourceLocation)
        #expect(world.of("script_error").isEmpty, "\(world.of("script_error").map(\.line))", sourceLocation: sourceLocation)
    }
}
