import Foundation
import ParleyJSON
import ParleyPolicy

/// Lenient readers for webhook payloads. Real payloads send ids and timestamps as strings or
/// numbers, booleans as strings, and sometimes the wrong kind altogether; every reader
/// answers `nil` (or empty) rather than trapping, and the decoder decides what that means.
extension JSONValue {
    /// The member as text, trimmed; `nil` when missing, not a scalar, or blank.
    func text(_ key: String) -> String? {
        guard let raw = self[key]?.textValue else { return nil }
        let trimmed = raw.trimmed()
        return trimmed.isEmpty ? nil : String(trimmed)
    }

    /// The member as an object value, or `nil` when missing or of another kind.
    func object(_ key: String) -> JSONValue? {
        guard let value = self[key], value.objectValue != nil else { return nil }
        return value
    }

    /// The member's elements; empty when missing or not an array.
    func list(_ key: String) -> [JSONValue] {
        self[key]?.arrayValue ?? []
    }

    /// A boolean, also spelled `"true"` / `"false"`.
    func flag(_ key: String) -> Bool? {
        switch self[key] {
        case .bool(let b)?: return b
        case .string(let s)?:
            switch s.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// A finite number, also written as a string.
    func number(_ key: String) -> Double? {
        let value: Double?
        switch self[key] {
        case .string(let s)?: value = Double(s.trimmingCharacters(in: .whitespaces))
        case let other?: value = other.doubleValue
        case nil: value = nil
        }
        guard let value, value.isFinite else { return nil }
        return value
    }

    /// "an array", "a string": the kind as a sentence wants it.
    var kindWithArticle: String {
        let kind = kindName
        return (kind.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + kind
    }

    /// A whole number that fits `Int`.
    func integer(_ key: String) -> Int? {
        self[key]?.integerValue.flatMap { Int(exactly: $0) }
    }

    /// Seconds since the epoch, as the platform sends them. Out-of-range values (which would
    /// overflow when turned into milliseconds) read as `nil`.
    func instant(_ key: String) -> Instant? {
        guard let seconds = self[key]?.integerValue, (0...Payload.latestSeconds).contains(seconds) else { return nil }
        return Instant(secondsSinceEpoch: seconds)
    }
}

enum Payload {
    /// Year 5138: far beyond any real timestamp, far below `Int64.max / 1000`.
    static let latestSeconds: Int64 = 100_000_000_000

    /// A short rendering of a value for a skip note: strings quoted, long ones cut.
    static func show(_ value: JSONValue?) -> String {
        guard let value else { return "missing" }
        switch value {
        case .string(let s):
            let cut = s.count > 40 ? String(s.prefix(40)) + "…" : s
            return "\"\(cut)\""
        case .int, .double: return value.textValue ?? value.kindName
        default: return value.kindWithArticle
        }
    }

    /// The first candidate that is a valid phone number, else the first valid business-scoped
    /// user id: when a payload gives both, the phone number wins. `excluding` drops the
    /// business's own number, which some payloads put on the wrong side.
    static func contact(_ candidates: [String?], excluding business: String? = nil) -> ContactID? {
        let own = business.flatMap(ContactID.init)
        let valid = candidates.compactMap { $0.flatMap(ContactID.init) }.filter { $0 != own }
        return valid.first { $0.kind == .phone } ?? valid.first
    }
}
