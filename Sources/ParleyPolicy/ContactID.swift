import Foundation

/// The stable key of a contact: a normalized E.164 number (`+14155550100`) or a
/// business-scoped user id (`US.13491208655302741918`, `BR.ENT.1502576394655843`).
///
/// `+1 (415) 555-0100`, `14155550100` and `+14155550100` are one contact.
public struct ContactID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case phone, businessScopedUser }

    /// The normalized text: `+` and 8–15 digits, or the user id as the platform spells it.
    public let value: String
    public let kind: Kind

    private init(value: String, kind: Kind) {
        self.value = value
        self.kind = kind
    }

    /// Normalizes a phone number in any common format, or accepts a business-scoped user
    /// id. Returns `nil` for anything else: the caller refuses it as `invalid_recipient`.
    public init?(_ raw: String) {
        // Most contacts arrive already normalized (a script's conv.contact): take those as they are.
        if ContactID.isNormalizedPhone(raw) {
            self.init(value: raw, kind: .phone)
            return
        }
        let text = String(raw.trimmed())
        if let id = ContactID.businessScopedUser(text) {
            self = id
            return
        }
        guard let phone = ContactID.phone(text) else { return nil }
        self = phone
    }

    public var description: String { value }

    public static func < (a: ContactID, b: ContactID) -> Bool { a.value < b.value }

    /// `+`, `00` or nothing, then digits, with spaces, dots, dashes and parentheses allowed
    /// between them. Read byte by byte: only ASCII digits count, so a digit carrying a
    /// combining mark ("1\u{301}") is refused rather than read as a digit.
    private static func phone(_ text: String) -> ContactID? {
        var digits: [UInt8] = [UInt8(ascii: "+")]
        digits.reserveCapacity(16)
        var sawPlus = false
        var previous: UInt8 = 0
        for (i, byte) in text.utf8.enumerated() {
            defer { previous = byte }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(byte)
            case UInt8(ascii: "+") where i == 0: sawPlus = true
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"): continue
            case 0xC2: continue  // the first byte of a no-break space...
            case 0xA0 where previous == 0xC2: continue  // ...and its second
            default: return nil
            }
            if digits.count > 18 { return nil }
        }
        if previous == 0xC2 { return nil }
        var start = 1
        if !sawPlus, digits.count > 2, digits[1] == UInt8(ascii: "0"), digits[2] == UInt8(ascii: "0") { start = 3 }
        let count = digits.count - start
        guard (8...15).contains(count), digits[start] != UInt8(ascii: "0") else { return nil }
        if start > 1 { digits.removeSubrange(1..<start) }
        return ContactID(value: String(decoding: digits, as: UTF8.self), kind: .phone)
    }

    /// `+` and 8–15 ASCII digits, not starting with 0: the normalized form itself.
    private static func isNormalizedPhone(_ raw: String) -> Bool {
        let utf8 = raw.utf8
        guard (9...16).contains(utf8.count), utf8.first == UInt8(ascii: "+") else { return false }
        var index = utf8.index(after: utf8.startIndex)
        guard utf8[index] != UInt8(ascii: "0") else { return false }
        while index != utf8.endIndex {
            guard utf8[index] >= UInt8(ascii: "0"), utf8[index] <= UInt8(ascii: "9") else { return false }
            index = utf8.index(after: index)
        }
        return true
    }

    /// Two capital letters, optionally `.ENT`, a dot, then 1–128 letters or digits.
    private static func businessScopedUser(_ text: String) -> ContactID? {
        let bytes = Array(text.utf8)
        func isUpper(_ b: UInt8) -> Bool { b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
        func isAlphanumeric(_ b: UInt8) -> Bool {
            isUpper(b) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
        }
        guard bytes.count >= 4, isUpper(bytes[0]), isUpper(bytes[1]), bytes[2] == UInt8(ascii: ".") else { return nil }
        var tail = bytes[3...]
        if tail.starts(with: Array("ENT.".utf8)) { tail = tail.dropFirst(4) }
        guard (1...128).contains(tail.count), tail.allSatisfy(isAlphanumeric) else { return nil }
        return ContactID(value: text, kind: .businessScopedUser)
    }

    public static func == (a: ContactID, b: ContactID) -> Bool { a.value == b.value }

    /// The kind follows from the value, so the value alone is hashed.
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
