import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

/// Queues are declared with the hours they are staffed, on a local clock: daylight saving,
/// overnight shifts and holidays (docs/rules.md §6.6).
@Suite("Queue hours on a local clock")
struct QueueHoursTests {
    func at(_ text: String) -> Instant { Instant(iso8601: text)! }

    @Test("hours in America/New_York follow daylight saving: 08:00 is 13:00Z in January and 12:00Z in July")
    func daylightSaving() throws {
        let hours = try QueueHours(parsing: "Mon-Fri 08:00-17:00", tz: "America/New_York")
        #expect(!hours.isOpen(at: at("2026-01-05T12:59:00Z")))
        #expect(hours.isOpen(at: at("2026-01-05T13:00:00Z")))
        #expect(hours.isOpen(at: at("2026-07-06T12:00:00Z")))
        #expect(!hours.isOpen(at: at("2026-07-06T11:59:00Z")))
        // The Monday after the change (8 March 2026): already an hour earlier in UTC.
        #expect(hours.isOpen(at: at("2026-03-09T12:00:00Z")))
        #expect(!hours.isOpen(at: at("2026-03-06T12:30:00Z")))   // the Friday before: still 07:30 there
    }

    @Test("a range that closes before it opens runs overnight into the next day")
    func overnight() throws {
        let hours = try QueueHours(parsing: "Fri 22:00-02:00", tz: "UTC")
        #expect(!hours.isOpen(at: at("2026-01-09T21:59:00Z")))   // Friday
        #expect(hours.isOpen(at: at("2026-01-09T22:00:00Z")))
        #expect(hours.isOpen(at: at("2026-01-10T01:59:00Z")))    // Saturday, the same shift
        #expect(!hours.isOpen(at: at("2026-01-10T02:00:00Z")))
        #expect(!hours.isOpen(at: at("2026-01-10T22:30:00Z")))   // Saturday night: no shift starts then
        #expect(!hours.isOpen(at: at("2026-01-09T01:00:00Z")))   // Friday early: Thursday has no shift
        let late = try QueueHours(parsing: "Mon-Fri 17:00-24:00", tz: "UTC")
        #expect(late.isOpen(at: at("2026-01-05T23:59:00Z")))
        #expect(!late.isOpen(at: at("2026-01-06T00:00:00Z")))
    }

    @Test("a holiday closes the queue all day, in its own time zone, and no shift starts on it")
    func holidays() throws {
        let hours = try QueueHours(parsing: "always", tz: "America/New_York", holidays: ["2026-12-25"])
        #expect(hours.isOpen(at: at("2026-12-25T04:59:00Z")))    // 23:59 on the 24th in New York
        #expect(!hours.isOpen(at: at("2026-12-25T05:00:00Z")))   // midnight there
        #expect(!hours.isOpen(at: at("2026-12-26T04:59:00Z")))
        #expect(hours.isOpen(at: at("2026-12-26T05:00:00Z")))
        let nights = try QueueHours(parsing: "Thu-Fri 22:00-02:00", tz: "UTC", holidays: ["2026-12-24"])
        #expect(!nights.isOpen(at: at("2026-12-25T01:00:00Z")))  // the shift would have begun on the holiday
        #expect(nights.isOpen(at: at("2026-12-26T01:00:00Z")))
    }

    @Test("without a [queues] table one queue is declared, support, always staffed; an undeclared queue is never open")
    func defaults() {
        let config = RuntimeConfig()
        #expect(config.queues == ["support": .always])
        #expect(config.isOpen(queue: "support", at: at("2026-01-11T03:00:00Z")))
        #expect(!config.isOpen(queue: "nobody", at: at("2026-01-05T12:00:00Z")))
    }
}

/// Every queue named is declared: at load, and when a script computes one at run time.
@Suite("Declared queues")
struct DeclaredQueueTests {
    @Test("a bot whose escalation queue is not declared does not load, and the error names the file, line and declared queues")
    func undeclaredAtLoad() {
        #expect {
            _ = try World(scripts: ["b.lua": bot("send(conv, 'hi')", queue: "suport")])
        } throws: { error in
            "\(error)".contains("b.lua:") && "\(error)".contains("queue \"suport\" is not declared in parley.toml (declared: support); did you mean \"support\"?")
        }
    }

    @Test("escalate_to_human with a queue computed at run time that is not declared still hands over, to the bot's queue, and says why")
    func undeclaredAtRunTime() throws {
        let world = try World(scripts: ["b.lua": bot(#"escalate_to_human(conv, { queue = "vi" .. "p" })"#)])
        world.inbound(alice, "help")
        #expect(world.escalated.first?["queue"] == "support")
        #expect(world.of("script_error").first?["error"]?.stringValue?.contains("queue \"vip\" is not declared") == true)
    }

    @Test("a router answering human:<a queue not declared> costs the conversation a bot_error escalation to the default queue")
    func routerToUndeclared() throws {
        let world = try World(scripts: [
            "b.lua": bot("send(conv, 'bot')"),
            "router.lua": #"return router { name = "main", route = function(conv, msg) local q = "night"; return "human:" .. q end }"#,
        ])
        world.inbound(alice, "hello")
        #expect(world.escalated.first?["reason"] == "bot_error")
        #expect(world.of("script_error").first?["error"]?.stringValue?.contains("\"human:<queue>\" (one of: support)") == true)
    }

    @Test("escalating into a queue on its holiday tells the contact it is closed, with the contact route")
    func closedOnHoliday() throws {
        var config = RuntimeConfig()
        config.queues["support"] = try QueueHours(parsing: "always", tz: "UTC", holidays: ["2026-01-05"])
        config.defaultContactRoute = "Call +1 415 555 0100."
        let world = try World(scripts: ["b.lua": bot("send(conv, 'hi')")], config: config)
        world.inbound(alice, "agent")
        #expect(world.sentTexts.last == config.texts.outOfHours + " Call +1 415 555 0100.")
    }
}
