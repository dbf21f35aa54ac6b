/// When an automation runs by a local clock: at each of its times of day, on its days, in
/// its time zone (`at = "08:00", days = "Mon-Fri", tz = "America/New_York"`). An 08:00 run
/// stays at 08:00 across daylight saving.
public struct DailySchedule: Sendable, Equatable {
    /// Minutes after local midnight, in order.
    public let times: [Int]
    /// 0 = Monday … 6 = Sunday.
    public let days: Set<Int>
    public let zone: LocalZone

    /// `at`: times such as `"08:00"`; `days`: `"Mon-Fri"`, `"Sat,Sun"` (default every day);
    /// `tz`: an IANA name or an offset (default UTC).
    public init(at: [String], days: String? = nil, tz: String? = nil) throws(ScheduleError) {
        guard !at.isEmpty else { throw ScheduleError("at needs a time of day, e.g. at = \"08:00\" or at = { \"08:00\", \"17:30\" }") }
        var times: [Int] = []
        for text in at {
            guard let minute = LocalTimeText.minutes(text), minute < 24 * 60 else {
                throw ScheduleError("at \"\(text)\" is not a time of day; write hh:mm from 00:00 to 23:59, e.g. \"08:00\"")
            }
            times.append(minute)
        }
        self.times = Set(times).sorted()
        if let days {
            guard let parsed = LocalTimeText.days(days) else {
                throw ScheduleError("days \"\(days)\" is not a set of days; write e.g. \"Mon-Fri\", \"Sat,Sun\" or \"Mon,Wed,Fri\"")
            }
            self.days = parsed
        } else {
            self.days = Set(0..<7)
        }
        if let tz {
            guard let zone = LocalZone(parsing: tz) else { throw ScheduleError(LocalZone.problem(tz)) }
            self.zone = zone
        } else {
            self.zone = .utc
        }
    }

    /// The first run after `now`.
    public func next(after now: Instant) -> Instant {
        // Noon of each local day: 24 h from one noon is always the next date's late morning
        // or early afternoon, whatever daylight saving does to the day's length.
        var noon = zone.instant(minute: 12 * 60, onDayOf: now)
        for _ in 0...8 {
            if days.contains(zone.local(noon).weekday) {
                for minute in times {
                    let at = zone.instant(minute: minute, onDayOf: noon)
                    if at > now { return at }
                }
            }
            noon = zone.instant(minute: 12 * 60, onDayOf: noon + .hours(24))
        }
        return now + .hours(24 * 7)  // unreachable: days is never empty
    }
}

/// A schedule that does not parse, in words for the script's author.
public struct ScheduleError: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
