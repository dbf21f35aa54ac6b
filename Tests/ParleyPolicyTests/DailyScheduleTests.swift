import Testing
@testable import ParleyPolicy

/// Automations at local times: `at = "08:00", days = "Mon-Fri", tz = "America/New_York"`.
@Suite("Local schedules")
struct DailyScheduleTests {
    func at(_ text: String) -> Instant { Instant(iso8601: text)! }

    @Test("08:00 on weekdays in New York: from Friday morning, the next run is Monday 08:00")
    func weekdays() throws {
        let s = try DailySchedule(at: ["08:00"], days: "Mon-Fri", tz: "America/New_York")
        #expect(s.next(after: at("2026-01-09T12:00:00Z")) == at("2026-01-09T13:00:00Z"))   // Friday 07:00 there
        #expect(s.next(after: at("2026-01-09T13:00:00Z")) == at("2026-01-12T13:00:00Z"))   // then Monday
    }

    @Test("08:00 stays 08:00 across daylight saving: 13:00Z before the change, 12:00Z after")
    func daylightSaving() throws {
        let s = try DailySchedule(at: ["08:00"], tz: "America/New_York")
        #expect(s.next(after: at("2026-03-07T13:00:00Z")) == at("2026-03-08T12:00:00Z"))   // Sunday 8 March: the clocks went forward at 02:00
        #expect(s.next(after: at("2026-03-08T12:00:00Z")) == at("2026-03-09T12:00:00Z"))
        #expect(s.next(after: at("2026-10-31T12:00:00Z")) == at("2026-11-01T13:00:00Z"))   // and back on 1 November
    }

    @Test("several times a day run in order, each once")
    func severalTimes() throws {
        let s = try DailySchedule(at: ["17:30", "08:00", "08:00"], tz: "+01:00")
        #expect(s.times == [480, 1050])
        #expect(s.next(after: at("2026-01-05T06:59:00Z")) == at("2026-01-05T07:00:00Z"))
        #expect(s.next(after: at("2026-01-05T07:00:00Z")) == at("2026-01-05T16:30:00Z"))
        #expect(s.next(after: at("2026-01-05T16:30:00Z")) == at("2026-01-06T07:00:00Z"))
    }

    @Test("a time, days or zone that does not parse says how to write it", arguments: [
        (["8am"], nil, nil, "at \"8am\" is not a time of day; write hh:mm from 00:00 to 23:59, e.g. \"08:00\""),
        (["24:00"], nil, nil, "at \"24:00\" is not a time of day; write hh:mm from 00:00 to 23:59, e.g. \"08:00\""),
        (["08:00"], "weekdays", nil, "days \"weekdays\" is not a set of days; write e.g. \"Mon-Fri\", \"Sat,Sun\" or \"Mon,Wed,Fri\""),
        (["08:00"], nil, "Eastern", "tz \"Eastern\" is not a time zone; write an IANA name such as \"America/New_York\" or \"Europe/Lisbon\", or an offset such as \"-05:00\" or \"UTC\""),
    ] as [([String], String?, String?, String)])
    func problems(at times: [String], days: String?, tz: String?, message: String) {
        #expect(throws: ScheduleError(message)) { try DailySchedule(at: times, days: days, tz: tz) }
    }
}
