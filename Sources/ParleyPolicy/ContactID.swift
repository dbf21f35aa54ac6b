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
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
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
    /// between them.
    private static func phone(_ text: String) -> ContactID? {
        var digits = ""
        var sawPlus = false
        for (i, c) in text.enumerated() {
            switch c {
            // ASCII only: a digit carrying a combining mark ("1\u{301}") sorts inside
            // "0"..."9" as a Character, and slipped into the number as a digit.
            case "0"..."9" where c.isASCII: digits.append(c)
            case "+" where i == 0: sawPlus = true
            case " ", "-", ".", "(", ")", "\u{00A0}": continue
            default: return nil
            }
        }
        if !sawPlus, digits.hasPrefix("00") { digits.removeFirst(2) }
        guard (8...15).contains(digits.count), digits.first != "0" else { return nil }
        return ContactID(value: "+" + digits, kind: .phone)
    }

    /// Two capital letters, optionally `.ENT`, a dot, then 1–128 letters or digits.
    private static func businessScopedUser(_ text: String) -> ContactID? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 || (parts.count == 3 && parts[1] == "ENT") else { return nil }
        let country = parts[0]
        guard country.count == 2, country.allSatisfy({ $0.isASCII && $0.isUppercase }) else { return nil }
        let tail = parts[parts.count - 1]
        guard (1...128).contains(tail.count), tail.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return nil
        }
        return ContactID(value: text, kind: .businessScopedUser)
    }
}

import Foundation
