import Testing
@testable import ParleyPolicy

/// docs/rules.md §16.4: a message whose estimated cost would take a spend budget past its
/// limit is refused, `budget_exhausted`, after every other rule.
@Suite("Spend budgets")
struct BudgetTests {
    let uk = ContactID("+447700900123")!
    let outside = t0.plus(hours: 25)

    /// Marketing to the UK at 0.0529; a daily budget of 1.00 and a monthly one of 20.00; the
    /// coupon macro may spend 0.10 a day.
    static var config: PolicyConfig {
        var c = PricingTests.priced
        c.budgets.deployment = BudgetLimits(daily: Money(1)!, monthly: Money(20)!)
        c.budgets.scripts["coupon"] = BudgetLimits(daily: Money(0.1)!)
        return c
    }

    func world(spent: [BudgetScope: [BudgetPeriod: Money]]) -> World {
        var w = World()
        w.policy = Policy(Self.config)
        w.spend = SpendStanding(spent)
        return w
    }

    @Test("a send that fits the budget goes; one that would pass it is refused with the figures and the fix")
    func deploymentBudget() {
        #expect(world(spent: [.deployment: [.daily: Money(0.9471)!]]).decide(springPromo, to: uk, at: outside).isAllowed, "0.9471 + 0.0529 is exactly the budget")
        let d = world(spent: [.deployment: [.daily: Money(0.95)!]]).decide(springPromo, to: uk, at: outside)
        #expect(d.reason == .budgetExhausted)
        #expect(d.code == nil, "Parley's own rule: the platform has no such code")
        #expect(d.rule == "budget")
        #expect(d.detail == """
            the daily budget of USD 1.00 (budgets.daily) has USD 0.95 spent in 2026-03-03 (UTC); this MARKETING template to \
            +447700900123 would cost USD 0.0529 more. It renews at 2026-03-04T00:00:00Z; raise budgets.daily to send more now
            """)
        #expect(d.pricing?.cost == Money(0.0529)!)
    }

    @Test("the monthly budget counts the UTC month, and renews on the first")
    func monthly() {
        let d = world(spent: [.deployment: [.daily: .zero, .monthly: Money(19.99)!]]).decide(springPromo, to: uk, at: outside)
        #expect(d.reason == .budgetExhausted)
        #expect(d.detail.contains("monthly budget of USD 20.00 (budgets.monthly) has USD 19.99 spent in 2026-03 (UTC)"))
        #expect(d.detail.contains("renews at 2026-04-01T00:00:00Z"))
    }

    @Test("a script's own budget binds its sends only")
    func scriptBudget() {
        let w = world(spent: [.script("coupon"): [.daily: Money(0.08)!]])
        let d = w.decide(springPromo, to: uk, by: .macro("coupon"), at: outside)
        #expect(d.reason == .budgetExhausted)
        #expect(d.detail.hasPrefix("macro:coupon's daily budget of USD 0.10 (budgets.scripts.coupon.daily) has USD 0.08 spent"))
        #expect(w.decide(springPromo, to: uk, by: .bot("orders"), at: outside).isAllowed)
    }

    @Test("free messages never count: a free entry point reply goes with the budget spent")
    func freeMessages() {
        var w = world(spent: [.deployment: [.daily: Money(1)!]])
        #expect(w.decide(text(), to: uk, at: t0.plus(hours: 1)).reason == .budgetExhausted, "a billed service message")
        w.contact.freeEntryPointUntil = t0.plus(hours: 72)
        #expect(w.decide(text(), to: uk, at: t0.plus(hours: 1)).isAllowed)
    }

    @Test("the core's notices count but are never refused, and an unknown cost is never refused")
    func exemptions() {
        let w = world(spent: [.deployment: [.daily: Money(1)!]])
        #expect(w.decide(text(), to: uk, by: .core, at: t0.plus(hours: 1)).isAllowed)
        var unpriced = World()
        var config = PolicyConfig()
        config.budgets.deployment.daily = Money(1)!
        unpriced.policy = Policy(config)
        unpriced.spend = SpendStanding([.deployment: [.daily: Money(5)!]])
        #expect(unpriced.decide(springPromo, to: uk, at: outside).isAllowed)
    }

    @Test("the budget is the last rule: a message refused for anything else keeps that reason")
    func lastRule() {
        var w = world(spent: [.deployment: [.daily: Money(1)!]])
        w.contact.optedIn = false
        #expect(w.decide(springPromo, to: uk, at: outside).reason == .noOptIn)
    }

    @Test("periods are UTC calendar days and months")
    func periods() {
        let lateDecember = Instant(iso8601: "2026-12-31T23:59:59.999Z")!
        #expect(BudgetPeriod.daily.period(at: lateDecember) == "2026-12-31")
        #expect(BudgetPeriod.monthly.period(at: lateDecember) == "2026-12")
        #expect(BudgetPeriod.daily.end(after: lateDecember) == Instant(iso8601: "2027-01-01T00:00:00Z")!)
        #expect(BudgetPeriod.monthly.end(after: lateDecember) == Instant(iso8601: "2027-01-01T00:00:00Z")!)
        #expect(BudgetPeriod.monthly.end(after: Instant(iso8601: "2028-02-29T12:00:00Z")!) == Instant(iso8601: "2028-03-01T00:00:00Z")!)
    }
}
