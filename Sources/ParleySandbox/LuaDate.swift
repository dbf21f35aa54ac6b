import ParleyJSON
import ParleyPolicy

/// `os.date` and `os.time` as Lua defines them, in UTC (the host has no local time zone:
/// a deployment's hours are configured, not inferred).
enum LuaDate {
    private static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    private static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                                 "October", "November", "December"]

    struct Fields {
        let year: Int64, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int, yearDay: Int
    }

    static func fields(_ instant: Instant) -> Fields {
        let seconds = instant.millisecondsSinceEpoch >= 0 ? instant.millisecondsSinceEpoch / 1000 : (instant.millisecondsSinceEpoch - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (y, m, d) = Instant.civil(fromDays: days)
        let weekday = instant.weekdayAndMinute().weekday
        let yearDay = Int(days - Instant.days(fromCivil: y, 1, 1)) + 1
        return Fields(year: y, month: m, day: d, hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60,
                      weekday: weekday, yearDay: yearDay)
    }

    static func format(_ format: String, _ instant: Instant) throws(HostError) -> JSONValue {
        var spec = Substring(format)
        if spec.hasPrefix("!") { spec = spec.dropFirst() }
        let f = fields(instant)
        if spec.hasPrefix("*t") {
            return [
                "year": .int(f.year), "month": .int(Int64(f.month)), "day": .int(Int64(f.day)), "hour": .int(Int64(f.hour)),
                "min": .int(Int64(f.minute)), "sec": .int(Int64(f.second)), "wday": .int(Int64((f.weekday + 1) % 7 + 1)),
                "yday": .int(Int64(f.yearDay)), "isdst": false,
            ]
        }
        var out = ""
        var chars = spec.makeIterator()
        while let c = chars.next() {
            guard c == "%" else {
                out.append(c)
                continue
            }
            guard let d = chars.next() else { throw HostError("os.date: format ends with a lone '%'") }
            switch d {
            case "Y": out += String(f.year)
            case "y": out += pad(Int(f.year % 100), 2)
            case "m": out += pad(f.month, 2)
            case "d": out += pad(f.day, 2)
            case "e": out += f.day < 10 ? " \(f.day)" : String(f.day)
            case "H": out += pad(f.hour, 2)
            case "I": out += pad(f.hour % 12 == 0 ? 12 : f.hour % 12, 2)
            case "M": out += pad(f.minute, 2)
            case "S": out += pad(f.second, 2)
            case "p": out += f.hour < 12 ? "AM" : "PM"
            case "j": out += pad(f.yearDay, 3)
            case "a": out += String(weekdays[f.weekday].prefix(3))
            case "A": out += weekdays[f.weekday]
            case "b", "h": out += String(months[f.month - 1].prefix(3))
            case "B": out += months[f.month - 1]
            case "u": out += String(f.weekday + 1)
            case "w": out += String((f.weekday + 1) % 7)
            case "F": out += "\(f.year)-\(pad(f.month, 2))-\(pad(f.day, 2))"
            case "T", "X": out += "\(pad(f.hour, 2)):\(pad(f.minute, 2)):\(pad(f.second, 2))"
            case "R": out += "\(pad(f.hour, 2)):\(pad(f.minute, 2))"
            case "D", "x": out += "\(pad(f.month, 2))/\(pad(f.day, 2))/\(pad(Int(f.year % 100), 2))"
            case "c": out += "\(weekdays[f.weekday].prefix(3)) \(months[f.month - 1].prefix(3)) \(f.day < 10 ? " \(f.day)" : String(f.day)) \(pad(f.hour, 2)):\(pad(f.minute, 2)):\(pad(f.second, 2)) \(f.year)"
            case "Z": out += "UTC"
            case "z": out += "+0000"
            case "s": out += String(instant.millisecondsSinceEpoch / 1000)
            case "%": out += "%"
            default: throw HostError("os.date: '%\(d)' is not a supported conversion")
            }
        }
        return .string(out)
    }

    /// The longest format `os.date` takes. Formats are short; without a cap,
    /// `os.date(("%c"):rep(5 << 20))` made 120 MB of text in host code, outside the budget.
    static let maxFormatBytes = 1024

    /// The years `os.time` takes, and the range of its other fields. Within them no sum
    /// below can overflow: at most some 3·10^15 seconds.
    static let years: ClosedRange<Int64> = -999_999...999_999
    static let otherFields: ClosedRange<Int64> = -999_999_999...999_999_999

    /// `os.time{year=, month=, day=, hour=, min=, sec=}` in UTC; fields may overflow
    /// (month 13, day 0), as in C's mktime.
    static func seconds(from fields: [String: JSONValue]) throws(HostError) -> Int64 {
        func field(_ name: String, default value: Int64?, within range: ClosedRange<Int64>) throws(HostError) -> Int64 {
            guard let v = fields[name] else {
                guard let value else { throw HostError("os.time: field '\(name)' missing in date table") }
                return value
            }
            guard let i = v.integerValue else { throw HostError("os.time: field '\(name)' is not an integer") }
            // A range check, not abs(): abs(Int64.min) traps, and a customer's text passed
            // through tonumber() could bring it down.
            guard range.contains(i) else {
                throw HostError("os.time: field '\(name)' is \(i), out of range; it takes \(range.lowerBound) to \(range.upperBound)")
            }
            return i
        }
        let year = try field("year", default: nil, within: years)
        let month0 = try field("month", default: nil, within: otherFields) - 1
        let day = try field("day", default: nil, within: otherFields)
        let hour = try field("hour", default: 12, within: otherFields)
        let minute = try field("min", default: 0, within: otherFields)
        let second = try field("sec", default: 0, within: otherFields)
        let y = year + (month0 >= 0 ? month0 / 12 : (month0 - 11) / 12)
        let m = Int(((month0 % 12) + 12) % 12) + 1
        let days = Instant.days(fromCivil: y, m, 1) + day - 1
        return days * 86_400 + hour * 3600 + minute * 60 + second
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
