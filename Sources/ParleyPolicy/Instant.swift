import Foundation

/// A point in time, in whole milliseconds since the Unix epoch (UTC).
///
/// Policy never reads a clock: every rule takes the instant it is judged at, so the same
/// inputs always give the same decision, on a simulated clock as on the wall.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public init(secondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = secondsSinceEpoch * 1000
    }

    public static func < (a: Instant, b: Instant) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }

    public static func + (a: Instant, b: Span) -> Instant { Instant(millisecondsSinceEpoch: a.millisecondsSinceEpoch + b.milliseconds) }
    public static func - (a: Instant, b: Span) -> Instant { Instant(millisecondsSinceEpoch: a.millisecondsSinceEpoch - b.milliseconds) }
    public static func - (a: Instant, b: Instant) -> Span { Span(milliseconds: a.millisecondsSinceEpoch - b.millisecondsSinceEpoch) }

    public var description: String { iso8601 }
}

/// A length of time in whole milliseconds.
public struct Span: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func milliseconds(_ n: Int64) -> Span { Span(milliseconds: n) }
    public static func seconds(_ n: Int64) -> Span { Span(milliseconds: n * 1000) }
    public static func minutes(_ n: Int64) -> Span { Span(milliseconds: n * 60_000) }
    public static func hours(_ n: Int64) -> Span { Span(milliseconds: n * 3_600_000) }
    public static func days(_ n: Int64) -> Span { Span(milliseconds: n * 86_400_000) }
    public static let zero = Span(milliseconds: 0)

    public static func < (a: Span, b: Span) -> Bool { a.milliseconds < b.milliseconds }
    public static func + (a: Span, b: Span) -> Span { Span(milliseconds: a.milliseconds + b.milliseconds) }
    public static func - (a: Span, b: Span) -> Span { Span(milliseconds: a.milliseconds - b.milliseconds) }
    public static func * (a: Span, n: Int64) -> Span { Span(milliseconds: a.milliseconds * n) }

    /// Whole seconds, rounded down.
    public var seconds: Int64 { milliseconds >= 0 ? milliseconds / 1000 : -((-milliseconds + 999) / 1000) }

    /// The span as people write it: `"24h"`, `"90m"`, `"1h30m"`, `"250ms"`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var rest = abs(milliseconds)
        var out = milliseconds < 0 ? "-" : ""
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        if rest > 0 { out += "\(rest)ms" }
        return out
    }
}
