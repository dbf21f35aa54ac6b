import ParleyConfig
import ParleyPolicy
import ParleyRuntime
import ParleySimulation
import Testing

/// One table of delays, good and bad, run through every place Parley reads one: the parser
/// itself, parley.toml, a scenario's `advance`, a script's `every` and `window_closing`
/// (the Lua constructor, then the host), and `schedule`'s argument. Each reads a good one
/// as the same span, and refuses a bad one with the same message, so they cannot disagree
/// again.
@Suite("Delays, read the same everywhere")
struct DelayEntryPointTests {
    /// A delay as written, the same in Lua, TOML and JSON, and the span it reads as (`nil`:
    /// it is no delay).
    struct Case: Sendable, CustomTestStringConvertible {
        enum Written: Sendable { case text(String), whole(Int64), number(Double), table, boolean }
        let written: Written
        let span: Span?

        var literal: String {
            switch written {
            case .text(let text): return "\"\(text)\""
            case .whole(let n): return String(n)
            case .number(let d): return String(d)
            case .table: return "{}"
            case .boolean: return "true"
            }
        }

        var testDescription: String { literal }

        /// What the parser says of it: the one reading every entry point must agree with.
        var reading: Result<Span, DelayError> {
            switch written {
            case .text(let text): return Result { () throws(DelayError) in try Span(delay: text) }
            case .whole(let n): return Result { () throws(DelayError) in try Span(delaySeconds: n) }
            case .number(let d): return Result { () throws(DelayError) in try Span(delaySeconds: d) }
            case .table: return .failure(DelayError(given: "a table"))
            case .boolean: return .failure(DelayError(given: "a boolean"))
            }
        }

        var message: String {
            guard case .failure(let error) = reading else { return "" }
            return error.message
        }
    }

    static let goodTexts: [(String, Span)] = [
        ("23h", .hours(23)), ("90m", .minutes(90)), ("30s", .seconds(30)), ("2d", .days(2)), ("250ms", .milliseconds(250)),
        ("1h30m", .minutes(90)), (" 10M ", .minutes(10)), ("2H", .hours(2)), ("1.5h", .minutes(90)), ("45", .seconds(45)),
        ("0.25", .milliseconds(250)), ("0s", .zero), ("3650d", .days(3650)), ("1d1ms", .days(1) + .milliseconds(1)),
    ]

    static let good: [Case] = goodTexts.map { Case(written: .text($0.0), span: $0.1) } + [
        Case(written: .whole(90), span: .seconds(90)), Case(written: .whole(0), span: .zero),
        Case(written: .whole(315_360_000), span: .days(3650)), Case(written: .number(1.5), span: .milliseconds(1500)),
        Case(written: .number(0.25), span: .milliseconds(250)),
    ]

    static let badTexts = [
        "1hours", "", "h", "-5", "-5m", "5x", "1m30", "5 m", "1.2.3h", "inf", "nan", "1e3", "0x10", "3651d", "3650d1ms", "0s5",
        "99999999999999999999d", String(repeating: "9", count: 70) + "d",
    ]

    static let bad: [Case] = badTexts.map { Case(written: .text($0), span: nil) } + [
        Case(written: .whole(-1), span: nil), Case(written: .whole(315_360_001), span: nil), Case(written: .number(-0.5), span: nil),
        Case(written: .number(1e300), span: nil), Case(written: .table, span: nil), Case(written: .boolean, span: nil),
    ]

    @Test("the parser", arguments: good + bad)
    func parser(_ delay: Case) {
        switch delay.reading {
        case .success(let span): #expect(span == delay.span)
        case .failure(let error):
            #expect(delay.span == nil, "\(error)")
            #expect(error.message.contains(" is not a delay: write a number and a unit, such as \"90s\", \"15m\", \"23h\" or \"2d\", up to 3650d"))
        }
    }

    @Test("parley.toml", arguments: good + bad)
    func configFile(_ delay: Case) throws {
        let window = Result { () throws(ConfigError) in try ConfigFile.parse("[policy]\nwindow = \(delay.literal)") }
        let pauses = Result { () throws(ConfigError) in try ConfigFile.parse("[policy]\ntemplate_pauses = [\(delay.literal)]") }
        switch delay.span {
        case let span? where span > .zero: #expect(try window.get().policy.windowLength == span)
        case _?: #expect(window.problem == "parley.toml: policy.window: must be more than 0s, such as \"1h\"")
        case nil: #expect(window.problem == "parley.toml: policy.window: \(delay.message)")
        }
        if let span = delay.span {
            #expect(try pauses.get().policy.templatePauses == [span])
        } else {
            #expect(pauses.problem == "parley.toml: policy.template_pauses: \(delay.message)")
        }
    }

    @Test("a scenario's advance", arguments: good + bad)
    func scenario(_ delay: Case) throws {
        let read = Result { () throws(ScenarioError) in try Scenario(parsing: #"{"type":"advance","by":\#(delay.literal)}"#) }
        if let span = delay.span {
            #expect(try read.get().steps.map(\.at) == [Scenario.defaultStart + span])
        } else {
            #expect(read.problem == "scenario.jsonl:1: advance: \"by\": \(delay.message)")
        }
    }

    @Test("an automation's every", arguments: good + bad)
    func every(_ delay: Case) throws {
        let loaded = Result { try World(scripts: ["a.lua": "return automation { name = \"a\", every = \(delay.literal), run = function() end }"]) }
        switch delay.span {
        case let span? where span >= .seconds(1): #expect(try loaded.get().runtime.scripts.automations.first?.definition.schedule == .every(span))
        case _?: #expect(loaded.problem?.contains("automation 'a': field 'every' must be at least 1s") == true)
        case nil: #expect(loaded.problem?.contains("a.lua:1: automation 'a': field 'every': \(delay.message)") == true, "\(loaded.problem ?? "")")
        }
    }

    @Test("a bot's window_closing", arguments: good + bad)
    func windowClosing(_ delay: Case) throws {
        let loaded = Result { try World(scripts: ["b.lua": bot("", extra: "window_closing = \(delay.literal),")]) }
        switch delay.span {
        case let span? where span > .zero: #expect(try loaded.get().runtime.scripts.bots["test"]?.definition.windowClosingLead == span)
        case _?: #expect(loaded.problem?.contains("bot 'test': field 'window_closing' must be more than 0s") == true)
        case nil: #expect(loaded.problem?.contains("bot 'test': field 'window_closing': \(delay.message)") == true, "\(loaded.problem ?? "")")
        }
    }

    @Test("schedule's delay", arguments: good + bad)
    func schedule(_ delay: Case) throws {
        let world = try World(scripts: ["b.lua": bot("schedule(conv, \(delay.literal), \"later\")",
                                                     extra: "on_timer = function(conv) log(\"fired\") end,")])
        world.inbound(alice, "go")
        let error = world.of("script_error").first?["error"]?.stringValue
        switch delay.span {
        case let span? where span >= .seconds(1):
            #expect(error == nil)
            world.advance(to: World.start + span - .milliseconds(1))
            #expect(!world.logs.contains { $0.hasSuffix("fired") })
            world.advance(to: World.start + span)
            #expect(world.logs.contains { $0.hasSuffix("fired") })
        case _?: #expect(error?.contains("schedule: the delay must be at least 1s") == true, "\(error ?? "")")
        case nil: #expect(error?.contains("(delay: \(delay.message))") == true, "\(error ?? "")")
        }
    }
}

extension Result {
    /// The error's text, or `nil` when it succeeded.
    var problem: String? {
        guard case .failure(let error) = self else { return nil }
        return "\(error)"
    }
}
