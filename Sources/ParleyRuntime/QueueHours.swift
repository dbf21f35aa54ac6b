import Foundation
import ParleyPolicy

/// When an agent queue is staffed, on its own clock: weekly ranges in a time zone, e.g.
/// `"Mon-Fri 09:00-17:00, Sat 10:00-14:00"` in `America/New_York`, daylight saving
/// included; a range that closes before it opens (`Fri 22:00-02:00`) runs overnight into the
/// next day; a holiday closes the queue for that local date.
public struct QueueHours: Sendable, Equatable {
    public struct Range: Sendable, Equatable {
        /// The days a shift starts on: 0 = Monday … 6 = Sunday.
        public var days: Set<Int>
        /// Minutes after local midnight.
        public var opens: Int
        /// Minutes after local midnight; at or before `opens`, the next day's.
        public var closes: Int

        var isOvernight: Bool { closes <= opens }
    }

    public var ranges: [Range]
    public var zone: LocalZone
    /// Local dates (`"2026-12-25"`) on which the queue is closed all day.
    public var holidays: Set<String>

    public static let always = QueueHours(ranges: [Range(days: Set(0..<7), opens: 0, closes: 24 * 60)])
    public static let never = QueueHours(ranges: [])

    public init(ranges: [Range], zone: LocalZone = .utc, holidays: Set<String> = []) {
        self.ranges = ranges
        self.zone = zone
        self.holidays = holidays
    }

    public func isOpen(at now: Instant) -> Bool {
        let today = zone.local(now)
        if holidays.contains(today.date) { return false }
        let yesterday = zone.local(now - .hours(24))  // the day an overnight shift began
        return ranges.contains { range in
            if range.days.contains(today.weekday), today.minute >= range.opens, range.isOvernight || today.minute < range.closes {
                return true
            }
            return range.isOvernight && range.days.contains(yesterday.weekday) && !holidays.contains(yesterday.date)
                && today.minute < range.closes
        }
    }
}

/// A time zone for local times: an IANA name (`America/New_York`, with its daylight saving)
/// or a fixed offset (`+01:00`, `UTC`).
public enum LocalZone: Sendable, Equatable, CustomStringConvertible {
    case fixed(minutes: Int)
    case named(TimeZone)

    public static let utc = LocalZone.fixed(minutes: 0)

    /// `"America/New_York"`, `"+01:00"`, `"-05:30"` or `"UTC"`; nil for anything else.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let minutes = LocalZone.offsetMinutes(t) {
            self = .fixed(minutes: minutes)
        } else if t.contains("/"), let zone = TimeZone(identifier: t) {
            self = .named(zone)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .fixed(0): "UTC"
        case .fixed(let minutes):
            (minutes < 0 ? "-" : "+") + String(format: "%02d:%02d", abs(minutes) / 60, abs(minutes) % 60)
        case .named(let zone): zone.identifier
        }
    }

    /// Minutes east of UTC at `instant`: the offset in force then, daylight saving included.
    public func offsetMinutes(at instant: Instant) -> Int {
        switch self {
        case .fixed(let minutes): minutes
        case .named(let zone):
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant.millisecondsSinceEpoch) / 1000)) / 60
        }
    }

    /// The local date (`"2026-03-08"`), weekday (0 = Monday) and minute of the day at `instant`.
    public func local(_ instant: Instant) -> (date: String, weekday: Int, minute: Int) {
        let offset = offsetMinutes(at: instant)
        let (weekday, minute) = instant.weekdayAndMinute(offsetMinutes: offset)
        let shifted = instant + .minutes(Int64(offset))
        return (String(shifted.iso8601.prefix(10)), weekday, minute)
    }

    static func offsetMinutes(_ text: String) -> Int? {
        let t = text.uppercased()
        if t == "UTC" || t == "Z" { return 0 }
        guard let sign = t.first, sign == "+" || sign == "-" else { return nil }
        let hm = t.dropFirst().split(separator: ":")
        guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), h <= 14, m < 60 else { return nil }
        return (sign == "+" ? 1 : -1) * (h * 60 + m)
    }
}
