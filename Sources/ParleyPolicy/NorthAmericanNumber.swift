/// A number of the North American Numbering Plan (+1), which the US shares with Canada and
/// twenty-odd countries and territories of the Caribbean and the Pacific. The platform's
/// pause of marketing to "US numbers" means +1 with a US area code, so the area code decides.
public struct NorthAmericanNumber: Sendable, Equatable {
    /// The three digits after +1.
    public let areaCode: Int

    /// `nil` for anything but a +1 phone number (a user id has no country to read).
    public init?(_ contact: ContactID) {
        guard contact.kind == .phone else { return nil }
        let digits = contact.value.utf8.dropFirst()  // "+"
        guard digits.count == 11, digits.first == UInt8(ascii: "1") else { return nil }
        var code = 0
        for digit in digits.dropFirst().prefix(3) { code = code * 10 + Int(digit - UInt8(ascii: "0")) }
        areaCode = code
    }

    /// Every +1 number whose area code is not another country's or a US territory's (which
    /// have their own region codes, as in libphonenumber).
    public var isUS: Bool { !Self.elsewhere.contains(areaCode) }

    /// Area codes of Canada, the other NANP countries, and the US territories (Puerto Rico,
    /// Guam, the US Virgin Islands, the Northern Marianas, American Samoa), as assigned by
    /// the NANP administrator at the end of 2026.
    static let elsewhere: Set<Int> = [
        // Canada, geographic and non-geographic
        204, 226, 236, 249, 250, 257, 263, 289, 306, 343, 354, 365, 367, 368, 382, 387, 403, 416, 418, 428, 431, 437, 438,
        450, 460, 468, 474, 506, 514, 519, 537, 548, 568, 579, 581, 584, 587, 600, 604, 613, 622, 639, 647, 672, 683, 705,
        709, 742, 753, 778, 780, 782, 807, 819, 825, 867, 873, 879, 902, 905, 942,
        // The Caribbean and Bermuda
        242, 246, 264, 268, 284, 345, 441, 473, 649, 658, 664, 721, 758, 767, 784, 809, 829, 849, 868, 869, 876,
        // US territories
        340, 670, 671, 684, 787, 939,
    ]
}
