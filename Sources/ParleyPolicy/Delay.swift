/// Delays as people write them, read one way and within one set of bounds wherever Parley
/// reads one: a script's `schedule`, `every` and `window_closing`, parley.toml, a scenario's
/// or a spec's `advance`. A use may ask more of the delay it gets (a timer at least 1 s
/// ahead) and says so in its own words; what is a delay at all is decided here alone.
extension Span {
    /// The longest delay: ten years. Longer is a slip (a unit typed wrong), and the bound
    /// keeps every instant computed from a delay far from overflow.
    public static let longestDelay = Span.days(3650)

    /// The most text a delay is written in; longer text is refused unread.
    public static let longestDelayText = 64

    /// A delay written as text: `"23h"`, `"90m"`, `"30s"`, `"2d"`, `"250ms"`, sums such as
    /// `"1h30m"`, or a bare number of seconds (`"45"`, `"0.25"`). Units in either case;
    /// spaces around it are ignored, spaces inside it are not.
    public init(delay text: String) throws(DelayError) {
        guard text.utf8.count <= Span.longestDelayText, let milliseconds = Span.milliseconds(inDelay: text) else {
            throw DelayError(given: DelayError.quoted(text))
        }
        self.init(milliseconds: milliseconds)
    }

    /// A delay given as a whole number of seconds.
    public init(delaySeconds seconds: Int64) throws(DelayError) {
        guard seconds >= 0, seconds <= Span.longestDelay.seconds else { throw DelayError(given: String(seconds)) }
        self = .seconds(seconds)
    }

    /// A delay given as a number of seconds, kept to the millisecond.
    public init(delaySeconds seconds: Double) throws(DelayError) {
        guard seconds.isFinite, seconds >= 0, seconds * 1000 <= Double(Span.longestDelay.milliseconds) else {
            throw DelayError(given: DelayError.number(seconds))
        }
        self.init(milliseconds: Int64((seconds * 1000).rounded()))
    }

    /// `init(delay:)`, for callers that say nothing of why text is no delay.
    public init?(parsing text: String) {
        guard let span = try? Span(delay: text) else { return nil }
        self = span
    }

    /// The grammar: a number (digits with at most one `.`) of seconds, or one or more terms
    /// of a number and a unit (`d`, `h`, `m`, `s`, `ms`). `nil` for anything else, and for
    /// anything longer than the longest delay, checked term by term so nothing overflows.
    private static func milliseconds(inDelay text: String) -> Int64? {
        var bytes = Substring(text).utf8.drop { $0 == 0x20 || $0 == 0x09 }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
        let longest = Double(Span.longestDelay.milliseconds)
        var total = 0.0
        var rest = bytes
        var terms = 0
        repeat {
            let digits = rest.prefix { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }
            guard let amount = Double(Substring(digits)) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = String(decoding: rest.prefix { $0 >= 0x41 && $0 <= 0x7A }, as: UTF8.self).lowercased()
            let scale: Double
            switch unit {
            case "" where rest.isEmpty && terms == 0: scale = 1000  // a bare number: seconds
            case "d": scale = 86_400_000
            case "h": scale = 3_600_000
            case "m": scale = 60_000
            case "s": scale = 1000
            case "ms": scale = 1
            default: return nil
            }
            rest = rest.dropFirst(unit.utf8.count)
            total += (amount * scale).rounded()
            terms += 1
            guard total <= longest else { return nil }
        } while !rest.isEmpty
        return Int64(total)
    }
}

/// Something given as a delay that is none, in the one text Parley says it in.
public struct DelayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was given, as the message shows it: `"1hours"`, `-5`, `a table`.
    public let given: String

    public init(given: String) { self.given = given }

    public var message: String {
        "\(given) is not a delay: write a number and a unit, such as \"90s\", \"15m\", \"23h\" or \"2d\", up to \(Span.longestDelay)"
    }

    public var description: String { message }

    /// Text as a message quotes it: escaped, and cut where it runs long.
    static func quoted(_ text: String) -> String {
        let shown = String(text.prefix(24)).debugDescription
        return text.count > 24 ? String(shown.dropLast()) + "…\"" : shown
    }

    /// A number as scripts and files write it: whole ones without a fraction.
    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
