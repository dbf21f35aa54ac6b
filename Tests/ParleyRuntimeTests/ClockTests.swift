import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

/// The simulated clock: advancing it fires everything due, in time order, each at its own
/// instant, without sleeping.
@Suite("Simulated clock")
struct ClockTests {
    @Test("a manual clock moves only when told")
    func manualClock() {
        let clock = ManualClock(World.start)
        #expect(clock.now == World.start)
        clock.set(World.start + .hours(25))
        #expect(clock.now == World.start + .hours(25))
    }

    @Test("timers fire in time order, each with now() at its own instant")
    func timersInOrder() throws {
        let world = try World(scripts: ["b.lua": bot("""
        schedule(conv, "3h", "third"); schedule(conv, "1h", "first"); schedule(conv, 7200, "second")
        """, extra: #"on_timer = function(conv, name) log(name, os.date("!%H:%M", now())) end,"#)])
        world.inbound(alice, "go")
        world.advance("1d")
        #expect(world.logs == ["[bot:test] first\t11:00", "[bot:test] second\t12:00", "[bot:test] third\t13:00"])
        #expect(world.now == World.start + .days(1))
    }

    @Test("timers due at the same instant run in the order they were set")
    func ties() throws {
        let world = try World(scripts: ["b.lua": bot("""
        for i = 1, 5 do schedule(conv, "1h", "t" .. i) end
        """, extra: #"on_timer = function(conv, name) log(name) end,"#)])
        world.inbound(alice, "go")
        world.advance("1h")
        #expect(world.logs == (1...5).map { "[bot:test] t\($0)" })
    }

    @Test("a timer's data comes back as it was given")
    func timerData() throws {
        let world = try World(scripts: ["b.lua": bot(#"schedule(conv, "10m", "t", { order = "A1", tries = 2, tags = { "x", "y" } })"#,
                                                     extra: #"on_timer = function(conv, name, data) log(data.order, data.tries, data.tags[2]) end,"#)])
        world.inbound(alice, "go")
        world.advance("10m")
        #expect(world.logs == ["[bot:test] A1\t2\ty"])
    }

    @Test("on_window_closing fires the bot's lead time before the window ends, once per window")
    func windowClosing() throws {
        let world = try World(scripts: ["b.lua": bot("", extra: """
        window_closing = "2h",
        on_window_closing = function(conv, seconds_left) send(conv, "closing in " .. seconds_left) end,
        """)])
        world.inbound(alice, "hi")
        world.advance("20h")
        world.inbound(alice, "again")  // a new window: the first hook is stale
        world.advance("30h")
        let closing = world.sent.filter { $0["text"]?.stringValue?.hasPrefix("closing") == true }
        #expect(closing.count == 1)
        #expect(closing.first?["at"] == .string((World.start + .hours(20) + .hours(22)).iso8601))
        #expect(closing.first?["text"] == "closing in 7200")
    }

    @Test("automations run every period, on the clock")
    func automations() throws {
        let world = try World(scripts: [
            "b.lua": bot("send(conv, 'hi')"),
            "tick.lua": #"return automation { name = "tick", every = "6h", run = function() log(os.date("!%d %H:%M", now())) end }"#,
        ])
        world.advance("1d")
        #expect(world.logs == ["[automation:tick] 05 16:00", "[automation:tick] 05 22:00", "[automation:tick] 06 04:00", "[automation:tick] 06 10:00"])
    }

    @Test("a month of daily conversations runs to its end")
    func aMonth() throws {
        let world = try World(scripts: ["b.lua": bot(#"send(conv, "ok"); schedule(conv, "23h", "followup")"#,
                                                     extra: #"on_timer = function(conv) send(conv, "following up") end,"#)])
        for _ in 0..<30 {
            world.inbound(alice, "daily question")
            world.advance("1d")
        }
        #expect(world.sentTexts.filter { $0 == "ok" }.count == 30)
        #expect(world.sentTexts.filter { $0 == "following up" }.count == 30)
        #expect(world.now == World.start + .days(30))
    }

    @Test("now(), os.time and os.clock read the simulated clock")
    func scriptTime() throws {
        let world = try World(scripts: ["b.lua": bot(#"log(now(), os.time(), os.date("!%Y-%m-%dT%H:%M:%SZ"))"#)])
        world.advance("90m")
        world.inbound(alice, "hi")
        let seconds = (World.start + .minutes(90)).millisecondsSinceEpoch / 1000
        #expect(world.logs == ["[bot:test] \(seconds)\t\(seconds)\t2026-01-05T11:30:00Z"])
    }

    @Test("20,000 timers due at one instant fire in one loop, not a stack 20,000 calls deep")
    func manyTimersAtOnce() throws {
        var config = RuntimeConfig()
        config.allowance.timersPerCall = 20_000
        config.allowance.timersPerConversation = 20_000
        // The wall budget is a bound here, not a measure: a loaded machine must not stop the loop.
        config.budget.wallMilliseconds = 30_000
        let world = try World(scripts: ["b.lua": bot(#"for i = 1, 20000 do schedule(conv, "1h", "tick") end"#, extra: """
        on_timer = function(conv) conv.state.ticks = (conv.state.ticks or 0) + 1 end,
        """)], config: config)
        world.inbound(alice, "go")
        world.advance("1h")
        #expect(try world.runtime.store.conversation(ContactID(alice)!)?.state["ticks"] == 20_000)
        #expect(world.of("script_error").isEmpty)
    }

    @Test("a timer of less than a second is refused: it could fire forever without time moving")
    func shortestTimer() throws {
        let world = try World(scripts: ["b.lua": bot(#"schedule(conv, "0s", "again")"#, extra: "on_timer = function(conv) end,")])
        world.inbound(alice, "go")
        let error = world.of("script_error").first?["error"]?.stringValue ?? ""
        #expect(error.contains("schedule: the delay must be at least 1s"))
        #expect(world.runtime.pendingWork == 0)
    }

    @Test("an automation at 08:00 on weekdays in New York runs at 08:00 local through the change to daylight saving")
    func localAutomation() throws {
        let automation = #"return automation { name = "morning", at = "08:00", days = "Mon-Fri", tz = "America/New_York", run = function() log(os.date("!%a %H:%M", now())) end }"#
        let world = try World(scripts: ["morning.lua": automation], start: Instant(iso8601: "2026-03-05T00:00:00Z")!)
        world.advance("7d")
        #expect(world.logs == ["[automation:morning] Thu 13:00", "[automation:morning] Fri 13:00", "[automation:morning] Mon 12:00", "[automation:morning] Tue 12:00", "[automation:morning] Wed 12:00"])
    }

    @Test("an automation's schedule that does not parse fails the load at the script's line")
    func badSchedule() throws {
        for (source, message) in [
            (#"return automation { name = "a", at = "8am", run = function() end }"#, #"a.lua:1: automation 'a': at "8am" is not a time of day"#),
            (#"return automation { name = "a", every = "1h", at = "08:00", run = function() end }"#, "a.lua:1: automation 'a': has both every and at"),
            (#"return automation { name = "a", every = "1h", tz = "UTC", run = function() end }"#, "a.lua:1: automation 'a': days and tz go with at"),
            (#"return automation { name = "a", run = function() end }"#, "a.lua:1: automation 'a': say when it runs"),
        ] {
            #expect { _ = try World(scripts: ["a.lua": source]) } throws: { "\($0)".contains(message) }
        }
    }
}
