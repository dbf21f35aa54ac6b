import ParleyPolicy
import ParleyRuntime
import ParleyStorage
import Testing

/// Spend is durable (docs/rules.md §16.4): a budget half spent before a restart is half
/// spent after it.
@Suite("Spend in SQLite")
struct SpendStorageTests {
    let uk = ContactID("+447700900103")!

    @Test("a tally and its warning read back from the file, per scope and period")
    func roundTrip() throws {
        let deployment = try Deployment(scripts: [:])
        try deployment.store.transaction {
            try deployment.store.save(SpendTally(spent: Money(0.1058)!, warned: true), of: "", in: "2026-01-05")
            try deployment.store.save(SpendTally(spent: Money(0.0529)!), of: "coupon", in: "2026-01")
        }
        let reopened = try SQLiteStore(path: deployment.database)
        #expect(try reopened.spend(of: "", in: "2026-01-05") == SpendTally(spent: Money(0.1058)!, warned: true))
        #expect(try reopened.spend(of: "coupon", in: "2026-01") == SpendTally(spent: Money(0.0529)!))
        #expect(try reopened.spend(of: "", in: "2026-01-06") == SpendTally(), "a period nothing was spent in")
    }

    @Test("a daily budget spent before a restart still refuses after it")
    func survivesRestart() throws {
        var config = RuntimeConfig()
        config.policy.pricing.rates = [.utility: RateCard(["44": Money(0.022)!], default: Money(0.008)!)]
        config.policy.budgets.deployment.daily = Money(0.05)!
        let deployment = try Deployment(scripts: [:], config: config)
        try deployment.handle(.optIn(uk))
        let update = OutboundMessage.template(TemplateRequest(name: "order_update", body: .positional(["A1", "late"])))
        for _ in 0..<2 { try deployment.handle(.agentReply(update, to: uk.value)) }
        try deployment.boot()
        try deployment.handle(.agentReply(update, to: uk.value))
        #expect(deployment.records.filter { $0.type == "sent" }.count == 2)
        #expect(deployment.records.last(where: { $0.type == "blocked" })?["reason"] == "budget_exhausted")
        #expect(try deployment.store.spend(of: "", in: "2026-01-05").spent == Money(0.044)!)
    }
}
