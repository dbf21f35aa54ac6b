import Foundation
import ParleyPolicy

extension QueueHours {
    /// Parses `"always"`, `"never"`, or comma-separated `"<days> <hh:mm>-<hh:mm>"` where days
    /// are `Mon`, `Mon-Fri` or `Sat,Sun`; a range closing at or before its opening runs
    /// overnight (`"Fri 22:00-02:00"`). `tz` is an IANA name or an offset (`"+01:00"`,
    /// `"UTC"`); `holidays` are local dates, `"2026-12-25"`.
    public init(parsing text: String, tz: String = "UTC", holidays: [String] = []) throws(ConfigError) {
        guard let zone = LocalZone(parsing: tz) else {
            throw ConfigError(LocalZone.problem(tz))
        }
        var days = Set<String>()
        for holiday in holidays {
            guard holiday.isLocalDate else {
                throw ConfigError("holidays: \"\(holiday)\" is not a date; write local dates such as \"2026-12-25\"")
            }
            days.insert(holiday)
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "always" { self.init(ranges: QueueHours.always.ranges, zone: zone, holidays: days); return }
        if trimmed == "never" || trimmed == "closed" { self.init(ranges: [], zone: zone); return }
        var ranges: [Range] = []
        for part in QueueHours.rangeTexts(trimmed) {
            let pieces = part.split(separator: " ", omittingEmptySubsequences: true)
            guard pieces.count == 2, let days = LocalTimeText.days(String(pieces[0])) else {
                throw ConfigError("hours \"\(text)\": \"\(part)\" is not a range; write e.g. \"Mon-Fri 09:00-17:00, Sat 10:00-14:00\"")
            }
            guard let times = QueueHours.times(String(pieces[1])) else {
                throw ConfigError("hours \"\(text)\": \"\(pieces[1])\" is not a time range; write hh:mm-hh:mm, e.g. 09:00-17:00, or 22:00-02:00 for a night")
            }
            ranges.append(Range(days: days, opens: times.0, closes: times.1))
        }
        guard !ranges.isEmpty else { throw ConfigError("hours is empty; write e.g. \"Mon-Fri 09:00-17:00\", \"always\" or \"never\"") }
        self.init(ranges: ranges, zone: zone, holidays: days)
    }

    /// Ranges are separated by commas, and so are days (`"Sat,Sun 10:00-14:00"`): a piece
    /// without a time belongs to the range that follows it.
    private static func rangeTexts(_ text: String) -> [String] {
        var parts: [String] = []
        var carried = ""
        for piece in text.split(separator: ";").flatMap({ $0.split(separator: ",", omittingEmptySubsequences: true) }) {
            let piece = piece.trimmingCharacters(in: .whitespaces)
            if piece.contains(":") {
                parts.append(carried.isEmpty ? piece : carried + "," + piece)
                carried = ""
            } else {
                carried = carried.isEmpty ? piece : carried + "," + piece
            }
        }
        if !carried.isEmpty { parts.append(carried) }
        return parts
    }

    /// `09:00-17:00`, or `22:00-02:00` overnight; `00:00-24:00` is the whole day, and a
    /// range may not open and close at the same minute.
    private static func times(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let open = LocalTimeText.minutes(String(parts[0])), let close = LocalTimeText.minutes(String(parts[1])), open != close, open < 24 * 60 else {
            return nil
        }
        return (open, close == 24 * 60 && open == 0 ? close : close % (24 * 60))
    }
}
