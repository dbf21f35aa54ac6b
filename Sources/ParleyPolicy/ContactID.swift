import Foundation

/// The stable key of a contact: a normalized E.164 number (`+14155550100`) or a
/// business-scoped user id (`US.13491208655302741918`, `BR.ENT.1502576394655843`).
///
/// `+1 (415) 555-0100`, `14155550100` and `+14155550100` are one contact.
///
/// A conversation is a contact on one of the deployment's business numbers: `number` names
/// it (`nil`: the default number, `main`). The text form is the address alone on the
/// default number and `address@number` on another (`+447700900123@sales`): "@" is in
/// neither a phone number nor a user id, so the form reads back unambiguously.
public struct ContactID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case phone, businessScopedUser }

    /// The name of the default number (`[cloud_api] phone_number_id`, or `[numbers.main]`).
    public static let defaultNumber = "main"

    /// The normalized address, what a message's `to` carries: `+` and 8–15 digits, or the
    /// user id as the platform spells it.
    public let value: String
    public let kind: Kind
    /// The business number the conversation is on; `nil` for the default number.
    public let number: String?

    /// FNV-1a of the value and the number, made once: contact keys are hashed and compared
    /// many times an event (the store, the pacer, the ledger), and hashing two strings each
    /// time cost more than the policy's decision.
    private let digest: UInt64

    private init(value: String, kind: Kind, number: String? = nil) {
        self.value = value
        self.kind = kind
        self.number = number
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in value.utf8 { digest = (digest ^ UInt64(byte)) &* 0x100_0000_01b3 }
        if let number {
            digest = (digest ^ UInt64(UInt8(ascii: "@"))) &* 0x100_0000_01b3
            for byte in number.utf8 { digest = (digest ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        self.digest = digest
    }

    /// Normalizes a phone number in any common format, or accepts a business-scoped user
    /// id, optionally followed by `@number`. Returns `nil` for anything else: the caller
    /// refuses it as `invalid_recipient`.
    public init?(_ raw: String) {
        // Most contacts arrive already normalized (a script's conv.contact): take those as they are.
        if ContactID.isNormalizedPhone(raw) {
            self.init(value: raw, kind: .phone)
            return
        }
        if let at = raw.lastIndex(of: "@") {
            let name = String(raw[raw.index(after: at)...])
            guard ContactID.isNumberName(name), let address = ContactID(String(raw[..<at])), address.number == nil else { return nil }
            self = address.on(name)
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

    /// The same address on `number` (`nil` or `main`: the default number).
    public func on(_ number: String?) -> ContactID {
        ContactID(value: value, kind: kind, number: number == ContactID.defaultNumber ? nil : number)
    }

    /// The person, whichever number they write to: what the messaging limit counts.
    public var person: ContactID { number == nil ? self : on(nil) }

    /// The number's name, the default's too.
    public var numberName: String { number ?? ContactID.defaultNumber }

    public var description: String { number.map { "\(value)@\($0)" } ?? value }

    public static func < (a: ContactID, b: ContactID) -> Bool { (a.value, a.number ?? "") < (b.value, b.number ?? "") }

    /// A number's name as configured (`[numbers.<name>]`): letters, digits, `_` and `-`.
    public static func isNumberName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
    }

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

    public static func == (a: ContactID, b: ContactID) -> Bool { a.digest == b.digest && a.value == b.value && a.number == b.number }

    /// The kind follows from the value, so the value and the number are hashed, once.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(digest)
    }
}
