import Testing
@testable import ParleyPolicy

/// Several business numbers in one deployment: a conversation is a contact on a number;
/// the messaging limit counts persons across numbers; throughput is per number.
@Suite("Several numbers")
struct SeveralNumbersTests {
    let uk = ContactID("+447700900123")!

    @Test("a contact's text form is the address on the default number, address@number on another, and reads back")
    func textForm() throws {
        let sales = uk.on("sales")
        #expect(uk.description == "+447700900123")
        #expect(sales.description == "+447700900123@sales")
        #expect(sales.value == "+447700900123")
        #expect(ContactID("+447700900123@sales") == sales)
        #expect(ContactID("+44 7700 900123@sales") == sales)
        #expect(ContactID("US.13491208655302741918@sales")?.number == "sales")
        #expect(ContactID("+447700900123@main") == uk)
        #expect(uk.on("main").number == nil)
        #expect(sales != uk)
        #expect(sales.person == uk)
        #expect(sales.numberName == "sales" && uk.numberName == "main")
        for bad in ["+447700900123@", "+447700900123@sa les", "@sales", "+447700900123@a@b"] {
            #expect(ContactID(bad) == nil, "\(bad)")
        }
    }

    @Test("the limit counts a person written to from two numbers once")
    func limitCountsPersons() {
        var ledger = MessagingLimitLedger(window: .hours(24))
        let first = ledger.reserve(uk, limit: 2, at: t0)
        let counted = ledger.standing(of: uk.on("sales"), limit: 2, at: t0).alreadyCounted
        let again = ledger.reserve(uk.on("sales"), limit: 2, at: t0)
        #expect(first && counted && again)
        #expect(ledger.used == 1)
        let other = ledger.reserve(bob.on("sales"), limit: 2, at: t0)
        let over = ledger.reserve(alice, limit: 2, at: t0)
        #expect(other)
        #expect(!over, "the one limit is full, whichever number sends")
    }

    @Test("each number has its own throughput; the pair rate is per number and contact")
    func throughputPerNumber() {
        var config = PacingConfig()
        config.numberPerSecond = 1
        config.numberBurst = 1
        config.numbersPerSecond = ["sales": 20]
        var pacer = Pacer(config)
        let people = contacts(3, prefix: "+4477009")
        // The default number: one a second. Sales is not held back by the default number's
        // queue, and has its own rate of 20.
        let plans = [people[0], people[1], people[2].on("sales"), people[0].on("sales")].map { pacer.plan(to: $0, at: t0, waiting: 0) }
        #expect(plans == [.sendAt(t0), .sendAt(t0.plus(seconds: 1)), .sendAt(t0), .sendAt(t0)])
        #expect(config.perSecond("sales") == 20 && config.perSecond(nil) == 1 && config.perSecond("other") == 1)
    }

    @Test("the pair rate of one number does not hold back the same person on another")
    func pairRatePerNumber() {
        var config = PacingConfig()
        config.pairBurst = 1
        var pacer = Pacer(config)
        let plans = [(uk, 0), (uk.on("sales"), 0), (uk, 1)].map { pacer.plan(to: $0.0, at: t0, waiting: $0.1) }
        #expect(plans == [.sendAt(t0), .sendAt(t0), .sendAt(t0.plus(seconds: 6))])
    }
}
