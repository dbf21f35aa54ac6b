import Testing
@testable import ParleyPolicy

/// docs/rules.md §4.3 and §4.4: what the platform does to marketing templates and to
/// contacts it cannot reach, refused before sending with the code the platform would give.
@Suite("Marketing rules and contact holds")
struct MarketingRulesTests {
    let inside = t0.plus(hours: 1)
    let outside = t0.plus(hours: 25)

    @Test("a marketing template to a US number is refused, inside the window and out, with 131049")
    func usMarketing() {
        let w = World()
        for at in [inside, outside] {
            let d = w.decide(springPromo, to: alice, at: at)
            #expect(d.reason == .usMarketingPaused)
            #expect(d.code == 131049)
            #expect(d.rule == "marketing.us")
            #expect(d.detail.contains("policy.pause_us_marketing"))
        }
        #expect(w.decide(orderUpdate, to: alice, at: outside).isAllowed, "utility templates still go")
        #expect(w.decide(springPromo, to: bob, at: outside).isAllowed, "a German number is not paused")
    }

    @Test("+1 is not only the US: Canada, the Caribbean and the US territories keep their marketing",
          arguments: ["+14165550100", "+16045550100", "+18765550100", "+18095550100", "+17875550100", "+16715550100"])
    func otherNorthAmericanNumbers(number: String) {
        let contact = ContactID(number)!
        #expect(NorthAmericanNumber(contact)?.isUS == false)
        #expect(World().decide(springPromo, to: contact, at: outside).isAllowed)
    }

    @Test("US area codes are US; a user id and a non-+1 number are no North American number")
    func classification() {
        for number in ["+12125550100", "+14155550100", "+13125550100"] {
            #expect(NorthAmericanNumber(ContactID(number)!)?.isUS == true, "\(number)")
        }
        #expect(NorthAmericanNumber(ContactID("US.13491208655302741918")!) == nil)
        #expect(NorthAmericanNumber(bob) == nil)
    }

    @Test("the pause is configuration: off, marketing to US numbers goes again")
    func usMarketingOff() {
        var w = World()
        w.policy = Policy({ var c = PolicyConfig(); c.pausesUSMarketing = false; return c }())
        #expect(w.decide(springPromo, to: alice, at: outside).isAllowed)
    }

    @Test("a contact cooling down from the per-user cap gets no marketing outside the window until it ends; utility and the window still go")
    func cooldown() {
        var w = World()
        let until = t0.plus(hours: 30)
        w.contact.marketingCooldownUntil = until
        let d = w.decide(springPromo, to: bob, at: outside)
        #expect(d.reason == .marketingCooldown)
        #expect(d.code == 131049)
        #expect(d.detail.contains(until.iso8601))
        #expect(w.decide(orderUpdate, to: bob, at: outside).isAllowed)
        #expect(w.decide(springPromo, to: bob, at: inside).isAllowed, "marketing the contact's own window does not count toward the cap")
        #expect(w.decide(springPromo, to: bob, at: until).isAllowed, "the cool-down ends at its instant")
    }

    @Test("an undeliverable contact gets no business-initiated message until the hold ends; replies in a window still go")
    func undeliverable() {
        var w = World()
        let until = t0.plus(days: 7)
        w.contact.undeliverableUntil = until
        for message in [orderUpdate, springPromo, loginCode] {
            let d = w.decide(message, to: bob, at: outside)
            #expect(d.reason == .recipientUndeliverable)
            #expect(d.code == 131026)
        }
        #expect(w.decide(orderUpdate, to: bob, at: inside).isAllowed)
        #expect(w.decide(orderUpdate, to: bob, at: until).isAllowed)
    }

    @Test("pick_template passes over marketing while the contact cools down")
    func pickAvoidsMarketing() {
        var w = World()
        w.contact.lastInbound = nil
        w.contact.marketingCooldownUntil = t0.plus(days: 1)
        let pick = w.policy.pickTemplate(TemplateQuery(category: .marketing), catalog: w.catalog, facts: w.facts, to: bob, at: t0)
        #expect(pick.failure?.reason == .marketingCooldown)
        let any = w.policy.pickTemplate(TemplateQuery(), catalog: w.catalog, facts: w.facts, to: bob, at: t0)
        #expect((try? any.get())?.category != .marketing)
    }
}
