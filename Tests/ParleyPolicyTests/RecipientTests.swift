import Testing
@testable import ParleyPolicy

/// docs/rules.md §7: contacts are keyed by a normalized E.164 number or a business-scoped user id.
@Suite("Recipients")
struct RecipientTests {
    @Test("common ways of writing one number are one contact: +14155550100",
          arguments: ["+1 (415) 555-0100", "14155550100", "+14155550100", "+1-415-555-0100", "1.415.555.0100",
                      "  +1 415 555 0100  ", "001 415 555 0100", "+1\u{00A0}415\u{00A0}555\u{00A0}0100"])
    func oneNumberManySpellings(raw: String) {
        let id = ContactID(raw)
        #expect(id == alice)
        #expect(id?.value == "+14155550100")
        #expect(id?.kind == .phone)
    }

    @Test("the international prefix 00 is read as +")
    func doubleZeroPrefix() {
        #expect(ContactID("0041 79 123 45 67")?.value == "+41791234567")
        #expect(ContactID("0041791234567") == ContactID("+41 79 123 45 67"))
    }

    @Test("8 and 15 digits are the shortest and longest numbers")
    func digitBounds() {
        #expect(ContactID("+12345678")?.value == "+12345678")
        #expect(ContactID("+123456789012345")?.value == "+123456789012345")
        #expect(ContactID("+1234567") == nil)
        #expect(ContactID("+1234567890123456") == nil)
    }

    @Test("business-scoped user ids are kept as the platform spells them",
          arguments: ["US.13491208655302741918", "US.ENT.11815799212886844830", "BR.1502576394655843",
                      "BR.ENT.1502576394655843", "DE.abcDEF123"])
    func businessScopedUserIDs(raw: String) {
        let id = ContactID(raw)
        #expect(id?.value == raw)
        #expect(id?.kind == .businessScopedUser)
    }

    @Test("a user id may carry up to 128 letters or digits")
    func userIDLength() {
        #expect(ContactID("US." + .of(128, "7")) != nil)
        #expect(ContactID("US." + .of(129, "7")) == nil)
    }

    @Test("anything that is neither a number nor a user id is invalid",
          arguments: ["", "   ", "hello", "+", "++14155550100", "+1 415 555 0100 ext 2", "1-800-FLOWERS",
                      "+0123456789", "0123456789", "tel:+14155550100", "+1415555010O", "us.123", "USA.123",
                      "U.123", "US..123", "US.", "US.ENT.", "US.FOO.123", "US.12-34", "ÜS.123", "US.ENT.12.3",
                      "+1415555\u{0663}100", "+14155550\u{0031}\u{0301}00", "１４１５５５５０１００"])
    func invalidRecipients(raw: String) {
        #expect(ContactID(raw) == nil)
    }

    @Test("an invalid recipient is refused: invalid_recipient / 131009, quoting what was given")
    func invalidRecipientIsRefused() {
        let d = World().decide(text(), toRaw: "not a number", at: t0)
        #expect(d.reason == .invalidRecipient)
        #expect(d.code == 131009)
        #expect(d.detail.contains("\"not a number\""))
        #expect(d.rule == "recipient")
    }

    @Test("a request normalizes its recipient and keeps the raw text")
    func requestNormalizes() {
        let r = SendRequest(id: "m", sender: .agent(nil), to: "+1 (415) 555-0100", message: text())
        #expect(r.recipient == alice)
        #expect(r.rawRecipient == "+1 (415) 555-0100")
        #expect(World().decide(text(), toRaw: "+1 (415) 555-0100", at: t0).isAllowed)
    }

    @Test("contacts sort and print by their normalized text")
    func sortingAndPrinting() {
        #expect(alice.description == "+14155550100")
        #expect(alice < bob)
    }
}
