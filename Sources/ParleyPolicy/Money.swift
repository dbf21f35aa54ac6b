/// An amount in millionths of a currency. Costs are summed as integers, never as binary
/// floating point, so a thousand messages at 0.0529 add up to exactly 52.9.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var micros: Int64

    public init(micros: Int64) {
        self.micros = micros
    }

    public static let zero = Money(micros: 0)
    /// The largest amount a configuration may give: far beyond any rate or budget, and far
    /// below what would overflow a sum of them.
    public static let largest = Money(micros: 1_000_000_000_000_000)

    /// A number as a configuration writes it (`0.0529`), to the nearest millionth; `nil` when
    /// it is negative, not finite, or beyond `largest`.
    public init?(_ value: Double) {
        guard value.isFinite, value >= 0, value * 1_000_000 <= Double(Money.largest.micros) else { return nil }
        micros = Int64((value * 1_000_000).rounded())
    }

    /// The text `decimal` writes (`"0.0529"`, `"12.00"`): digits, a point and up to six
    /// decimals. `nil` for anything else.
    public init?(decimal text: String) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 12, whole.allSatisfy(\.isASCIIDigit) else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 6, fraction.allSatisfy(\.isASCIIDigit), parts.count == 1 || !fraction.isEmpty else { return nil }
        fraction += String(repeating: "0", count: 6 - fraction.count)
        micros = Int64(whole)! * 1_000_000 + Int64(fraction)!
    }

    /// Fixed-point text: at least two decimals, and as many more as the amount has, up to
    /// six (`"0.0529"`, `"1.50"`, `"12.00"`, `"0.000034"`). The same amount always reads the same.
    public var decimal: String {
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        var fraction = String(magnitude % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.count > 2, fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(sign)\(magnitude / 1_000_000).\(fraction)"
    }

    /// For scripts and specs, which count in numbers; never summed.
    public var double: Double { Double(micros) / 1_000_000 }

    public var description: String { decimal }

    /// `fraction` of this amount, rounded up: the spend at which `warn_at` is crossed.
    public func share(_ fraction: Double) -> Money {
        Money(micros: Int64((Double(micros) * fraction).rounded(.up)))
    }

    public static func + (a: Money, b: Money) -> Money { Money(micros: a.micros + b.micros) }
    public static func - (a: Money, b: Money) -> Money { Money(micros: a.micros - b.micros) }
    public static func += (a: inout Money, b: Money) { a.micros += b.micros }
    public static func < (a: Money, b: Money) -> Bool { a.micros < b.micros }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
