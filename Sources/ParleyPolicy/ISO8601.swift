import Foundation

/// ISO-8601 UTC timestamps, `YYYY-MM-DDThh:mm:ss[.fff]Z`, without Foundation's formatters:
/// the text of an instant must not depend on the machine's locale or time zone.
extension Instant {
    /// `2026-01-01T09:30:00Z`, with `.fff` only when the milliseconds are not zero.
    public var iso8601: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendISO8601(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `iso8601`'s text to `bytes`: every transcript record starts with an instant,
    /// written straight into the line it is part of.
    public func appendISO8601(to bytes: inout [UInt8]) {
        let ms = millisecondsSinceEpoch
        let totalSeconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = Int(ms - totalSeconds * 1000)
        let days = totalSeconds >= 0 ? totalSeconds / 86_400 : (totalSeconds - 86_399) / 86_400
        let secondOfDay = Int(totalSeconds - days * 86_400)
        let (y, m, d) = Instant.civil(fromDays: days)
        guard (0...9999).contains(y) else {
            var out = pad(Int(y), 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
            out += "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
            if millis != 0 { out += "." + pad(millis, 3) }
            return bytes.append(contentsOf: (out + "Z").utf8)
        }
        func digits(_ n: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(n / divisor % 10))
                divisor /= 10
            }
        }
        digits(Int(y), 4); bytes.append(UInt8(ascii: "-")); digits(m, 2); bytes.append(UInt8(ascii: "-")); digits(d, 2)
        bytes.append(UInt8(ascii: "T")); digits(secondOfDay / 3600, 2); bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2); bytes.append(UInt8(ascii: ":")); digits(secondOfDay % 60, 2)
        if millis != 0 { bytes.append(UInt8(ascii: ".")); digits(millis, 3) }
        bytes.append(UInt8(ascii: "Z"))
    }

    /// Parses `YYYY-MM-DDThh:mm[:ss[.fff...]]` followed by `Z` or `±hh:mm`; a bare date
    /// means its midnight UTC. Returns `nil` for anything else.
    public init?(iso8601 text: String) {
        let s = Array(text.trimmed(newlines: false).utf8)
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= s.count else { return nil }
            var n = 0
            for k in 0..<width {
                let b = s[i + k]
                guard b >= 48, b <= 57 else { return nil }
                n = n * 10 + Int(b - 48)
            }
            i += width
            return n
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < s.count, s[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
            (1...12).contains(month), (1...Instant.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0, millis = 0, offsetMinutes = 0
        if i < s.count {
            guard expect(84) || expect(116) || expect(32) else { return nil }  // 'T', 't' or ' '
            guard let h = number(2), expect(58), let mi = number(2), h < 24, mi < 60 else { return nil }
            hour = h
            minute = mi
            if expect(58) {
                guard let sec = number(2), sec < 60 else { return nil }
                second = sec
                if expect(46) {
                    var scale = 100
                    var digits = 0
                    while i < s.count, s[i] >= 48, s[i] <= 57 {
                        millis += Int(s[i] - 48) * scale
                        scale /= 10
                        digits += 1
                        i += 1
                    }
                    guard digits > 0 else { return nil }
                }
            }
            if expect(90) || expect(122) {  // 'Z' or 'z'
                offsetMinutes = 0
            } else if i < s.count, s[i] == 43 || s[i] == 45 {  // '+' or '-'
                let sign = s[i] == 43 ? 1 : -1
                i += 1
                guard let oh = number(2) else { return nil }
                _ = expect(58)
                guard let om = number(2) else { return nil }
                offsetMinutes = sign * (oh * 60 + om)
            } else {
                return nil
            }
            guard i == s.count else { return nil }
        }
        let days = Instant.days(fromCivil: Int64(year), month, day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        self.init(millisecondsSinceEpoch: seconds * 1000 + Int64(millis))
    }

    /// Year, month and day of a day number (days since 1970-01-01), after Howard Hinnant's
    /// `civil_from_days`.
    public static func civil(fromDays z: Int64) -> (Int64, Int, Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Days since 1970-01-01 of a civil date, after Howard Hinnant's `days_from_civil`.
    public static func days(fromCivil year: Int64, _ month: Int, _ day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Day of the week, 0 = Monday … 6 = Sunday, and minute of the day, in UTC shifted by
    /// `offsetMinutes`: what opening hours are written in.
    public func weekdayAndMinute(offsetMinutes: Int = 0) -> (weekday: Int, minute: Int) {
        let seconds = Int64(floorDiv(millisecondsSinceEpoch, 1000)) + Int64(offsetMinutes * 60)
        let days = floorDiv(seconds, 86_400)
        let weekday = Int(((days % 7) + 7 + 3) % 7)  // 1970-01-01 was a Thursday
        return (weekday, Int(seconds - days * 86_400) / 60)
    }
}

private func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : (a - b + 1) / b
}
