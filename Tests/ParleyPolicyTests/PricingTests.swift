import Testing
@testable import ParleyPolicy

/// docs/rules.md §16: every decision carries its pricing, estimated in the policy core from
/// the request, the template, the windows and the deployment's price table.
@Suite("Pricing")
struct PricingTests {
    let inside = t0.plus(hours: 1)
    let outside = t0.plus(hours: 25)
    /// A UK and a Brazilian number, which the example table prices apart.
    let uk = ContactID("+447700900123")!
    let brazil = ContactID("+5511999990000")!

    /// An example table in the rate card's shape (not Meta's current rates).
    static var priced: PolicyConfig {
        var c = PolicyConfig()
        c.pricing.rates = [
            .marketing: RateCard(["44": Money(0.0529)!, "55": Money(0.0625)!, "1": Money(0.025)!], default: Money(0.04)!),
            .utility: RateCard(["44": Money(0.022)!], default: Money(0.008)!),
            .authentication: RateCard(["44": Money(0.0358)!], default: Money(0.0135)!),
            .service: RateCard([:], default: Money(0.004)!),
        ]
        return c
    }

    func world(_ config: PolicyConfig = PricingTests.priced) -> World {
        var w = World()
        w.policy = Policy(config)
        return w
    }

    @Test("each category has its own rate for the contact's country, and the decision carries it")
    func perCategoryAndCountry() {
        let w = world()
        let promo = w.decide(springPromo, to: uk, at: outside)
        #expect(promo.pricing == Pricing(category: .marketing, type: .regular, cost: Money(0.0529)!, currency: "USD", market: "44"))
        #expect(w.decide(springPromo, to: brazil, at: outside).pricing?.cost == Money(0.0625)!)
        #expect(w.decide(orderUpdate, to: uk, at: outside).pricing?.category == .utility)
        #expect(w.decide(orderUpdate, to: uk, at: outside).pricing?.cost == Money(0.022)!)
        #expect(w.decide(loginCode, to: uk, at: outside).pricing?.category == .authentication)
        let reply = w.decide(text(), to: uk, at: inside)
        #expect(reply.pricing == Pricing(category: .service, type: .regular, cost: Money(0.004)!, currency: "USD", market: "default"))
    }

    @Test("a country the table does not list pays the category's default", arguments: ["+4915112345678", "+27821234567"])
    func defaultRate(number: String) {
        #expect(world().decide(springPromo, to: ContactID(number)!, at: outside).pricing?.cost == Money(0.04)!)
    }

    @Test("the longest calling code the table lists wins: +1 264 (Anguilla) before +1, +44 before +4")
    func longestPrefix() {
        let card = RateCard(["1": Money(0.025)!, "1264": Money(0.074)!, "4": Money(0.9)!, "44": Money(0.0529)!], default: Money(0.04)!)
        #expect(card.rate(for: ContactID("+12645551234")!) == (Money(0.074)!, "1264"))
        #expect(card.rate(for: ContactID("+12125551234")!) == (Money(0.025)!, "1"))
        #expect(card.rate(for: ContactID("+447700900123")!) == (Money(0.0529)!, "44"))
        #expect(card.rate(for: ContactID("+4915112345678")!) == (Money(0.9)!, "4"))
        #expect(card.rate(for: ContactID("+33612345678")!) == (Money(0.04)!, "default"))
    }

    @Test("a contact known only by a business-scoped user id has no calling code: the default rate")
    func userID() {
        let user = ContactID("US.13491208655302741918")!
        #expect(RateCard(["1": Money(0.025)!], default: Money(0.04)!).rate(for: user) == (Money(0.04)!, "default"))
        #expect(world().decide(text(), to: user, at: inside).pricing?.market == "default")
    }

    @Test("without a price table the cost is unknown, not zero; category and type are still known")
    func noTable() {
        let d = World().decide(springPromo, to: uk, at: outside)
        #expect(d.pricing == Pricing(category: .marketing, type: .regular, cost: nil, currency: "USD"))
        var partial = PolicyConfig()
        partial.pricing.rates = [.marketing: RateCard(default: Money(0.04)!)]
        #expect(world(partial).decide(orderUpdate, to: uk, at: outside).pricing?.cost == nil, "a category without rates has no known cost")
    }

    @Test("by default nothing is free inside the window (billed since October 2026); a deployment names the categories its platform leaves free")
    func freeInWindow() {
        #expect(world().decide(text(), to: uk, at: inside).pricing?.type == .regular)
        #expect(world().decide(orderUpdate, to: uk, at: inside).pricing?.type == .regular)
        var earlier = Self.priced
        earlier.pricing.freeInWindow = [.service, .utility]
        let w = world(earlier)
        #expect(w.decide(text(), to: uk, at: inside).pricing == Pricing(category: .service, type: .freeCustomerService, cost: .zero, currency: "USD", market: "default"))
        #expect(w.decide(orderUpdate, to: uk, at: inside).pricing?.type == .freeCustomerService)
        #expect(w.decide(orderUpdate, to: uk, at: outside).pricing?.type == .regular, "outside the window a utility template is billed")
        #expect(w.decide(springPromo, to: uk, at: inside).pricing?.type == .regular, "marketing is billed inside the window too")
    }

    @Test("a reply within 24 h of a message from an ad opens 72 h in which everything is free, marketing included")
    func freeEntryPoint() {
        var w = world()
        w.contact.entryPointReferralAt = t0
        let reply = w.decide(text(), to: uk, at: t0.plus(hours: 23, minutes: 59))
        #expect(reply.pricing?.type == .freeEntryPoint)
        #expect(reply.pricing?.cost == .zero)
        #expect(w.policy.entryPointOpened(w.contact, at: t0.plus(hours: 2)) == t0.plus(hours: 74), "the 72 h run from the reply")
        #expect(w.decide(text(), to: uk, at: t0.plus(hours: 24)).pricing?.type == .regular, "at exactly 24 h the referral is too old")

        w.contact.entryPointReferralAt = nil
        w.contact.freeEntryPointUntil = t0.plus(hours: 74)
        #expect(w.decide(springPromo, to: uk, at: t0.plus(hours: 73)).pricing?.type == .freeEntryPoint)
        #expect(w.decide(springPromo, to: uk, at: t0.plus(hours: 74)).pricing == Pricing(category: .marketing, type: .regular, cost: Money(0.0529)!, currency: "USD", market: "44"))
    }

    @Test("the entry point's figures are configuration")
    func entryPointFigures() {
        var config = Self.priced
        config.pricing.entryPointReply = .hours(2)
        config.pricing.entryPointWindow = .hours(10)
        var w = world(config)
        w.contact.entryPointReferralAt = t0
        #expect(w.decide(text(), to: uk, at: t0.plus(hours: 3)).pricing?.type == .regular)
        #expect(w.policy.entryPointOpened(w.contact, at: t0.plus(hours: 1)) == t0.plus(hours: 11))
    }

    @Test("a refused message carries its pricing too, once its category is known")
    func refusedCarriesPricing() {
        var w = world()
        w.contact.optedIn = false
        let d = w.decide(springPromo, to: uk, at: outside)
        #expect(d.reason == .noOptIn)
        #expect(d.pricing?.cost == Money(0.0529)!)
        #expect(w.decide(template("ghost"), to: uk, at: outside).pricing == nil, "a template that does not exist has no category")
        #expect(w.decide(text(), toRaw: "not a number", at: inside).pricing == nil)
    }

    @Test("money is kept in millionths and written in fixed-point decimals")
    func money() {
        #expect(Money(0.0529)?.micros == 52_900)
        #expect(Money(0.1)! + Money(0.2)! == Money(0.3)!, "no binary floating point drift")
        var sum = Money.zero
        for _ in 0..<1000 { sum += Money(0.0529)! }
        #expect(sum.decimal == "52.90")
        #expect(Money(1.5)?.decimal == "1.50")
        #expect(Money(12)?.decimal == "12.00")
        #expect(Money(0.000034)?.decimal == "0.000034")
        #expect(Money(decimal: "0.0529") == Money(0.0529))
        #expect(Money(decimal: "12") == Money(12))
        #expect(Money(decimal: "1.2345678") == nil)
        #expect(Money(decimal: "-1") == nil)
        #expect(Money(-0.01) == nil)
        #expect(Money(50)!.share(0.8) == Money(40)!)
    }
}
