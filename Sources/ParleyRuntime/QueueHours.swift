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
