import Foundation

/// A time zone for local times: an IANA name (`America/New_York`, with its daylight saving)
/// or a fixed offset (`+01:00`, `UTC`). Pure: it converts instants it is given, and the
/// zone data comes with Foundation (ICU), so every machine with one toolchain agrees.
public enum LocalZone: Sendable, Equatable, CustomStringConvertible {
    case fixed(minutes: Int)
    case named(TimeZone)

    public static let utc = LocalZone.fixed(minutes: 0)

    /// `"America/New_York"`, `"+01:00"`, `"-05:30"` or `"UTC"`; nil for anything else.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let minutes = LocalZone.offsetMinutes(t) {
            self = .fixed(minutes: minutes)
        } else if t.contains("/"), t.utf8.count <= 64, let zone = TimeZone(identifier: t) {
            self = .named(zone)
        } else {
            return nil
        }
    }

    /// The message for a zone that does not parse.
    public static func problem(_ text: String) -> String {
        "tz \"\(text)\" is not a time zone; write an IANA name such as \"America/New_York\" or \"Europe/Lisbon\", or an offset such as \"-05:00\" or \"UTC\""
    }

    public var description: String {
        switch self {
        case .fixed(0): "UTC"
        case .fixed(let minutes): (minutes < 0 ? "-" : "+") + String(format: "%02d:%02d", abs(minutes) / 60, abs(minutes) % 60)
        case .named(let zone): zone.identifier
        }
    }

    /// Minutes east of UTC at `instant`: the offset in force then, daylight saving included.
    public func offsetMinutes(at instant: Instant) -> Int {
        switch self {
        case .fixed(let minutes): minutes
        case .named(let zone): zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant.millisecondsSinceEpoch) / 1000)) / 60
        }
    }

    /// The local date (`"2026-03-08"`), weekday (0 = Monday) and minute of the day at `instant`.
    public func local(_ instant: Instant) -> (date: String, weekday: Int, minute: Int) {
        let offset = offsetMinutes(at: instant)
        let (weekday, minute) = instant.weekdayAndMinute(offsetMinutes: offset)
        return (String((instant + .minutes(Int64(offset))).iso8601.prefix(10)), weekday, minute)
    }

    /// The instant a local midnight-based time reads `minute` on the local day that holds
    /// `day`. A time skipped by a daylight-saving change lands just after the change.
    public func instant(minute: Int, onDayOf day: Instant) -> Instant {
        let offset = offsetMinutes(at: day)
        let (_, now) = day.weekdayAndMinute(offsetMinutes: offset)
        let wallClock = day + .minutes(Int64(minute - now)) - .milliseconds(day.millisecondsSinceEpoch % 60_000)
        // The wall-clock reading taken at `day`'s offset; correct it by the offset then in force.
        let corrected = wallClock + .minutes(Int64(offset - offsetMinutes(at: wallClock)))
        return corrected
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

/// The words of local time as configuration and scripts write them: days (`"Mon-Fri"`,
/// `"Sat,Sun"`) and times of day (`"08:00"`).
public enum LocalTimeText {
    private static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// `"Mon"`, `"Mon-Fri"`, `"Fri-Mon"` (wrapping), `"Sat,Sun"`: 0 = Monday … 6 = Sunday.
    public static func days(_ text: String) -> Set<Int>? {
        let text = text.lowercased().trimmingCharacters(in: .whitespaces)
        if text.contains(",") {
            var all = Set<Int>()
            for item in text.split(separator: ",") {
                guard let some = days(String(item)) else { return nil }
                all.formUnion(some)
            }
            return all
        }
        let bounds = text.split(separator: "-").map { $0.count >= 3 ? dayNames.firstIndex(of: String($0.prefix(3))) : nil }
        guard !bounds.isEmpty, bounds.count <= 2, bounds.allSatisfy({ $0 != nil }) else { return nil }
        let first = bounds[0]!, last = bounds.last!!
        return first <= last ? Set(first...last) : Set(first...6).union(0...last)
    }

    /// `"08:00"` as minutes after midnight; `"24:00"` is the end of the day.
    public static func minutes(_ text: String) -> Int? {
        let hm = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard hm.count == 2, (1...2).contains(hm[0].count), hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]),
            (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440
        else { return nil }
        return h * 60 + m
    }
}

extension String {
    /// `"2026-12-25"`: a calendar date, as holidays are written.
    public var isLocalDate: Bool {
        let parts = split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil
        else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }
}
