import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

/// docs/rules.md §16.4: spend budgets, counted in the serial step that decides, kept in the
/// store, warned about once per period, given back when a message never goes.
@Suite("Spend budgets in the runtime")
struct BudgetRuntimeTests {
    let marketing = OutboundMessage.template(TemplateRequest(name: "spring_sale", body: .positional(["Ana"])))
    /// Another UK contact.
    let dave = "+447700900104"

    /// UK marketing at 0.0529 against a daily budget of 0.15 that warns at 60% (0.09), and an
    /// automation that hears `on_account`.
    func world(daily: Double = 0.15, scripts: [String: String] = [:], configure: (inout RuntimeConfig) -> Void = { _ in }) throws -> World {
        var config = pricedConfig()
        config.policy.budgets.deployment.daily = Money(daily)!
        config.policy.budgets.warnAt = 0.6
        configure(&config)
        let watch = #"""
            return automation { name = "watch", on_account = function(event)
              log(event.type .. " " .. event.budget .. " " .. event.period .. ": " .. event.spent .. " of " .. event.limit .. " " .. event.currency)
            end }
            """#
        let world = try World(scripts: scripts.merging(["watch.lua": watch]) { a, _ in a }, config: config)
        for contact in [carla, dave] { world.handle(.optIn(ContactID(contact)!)) }
        return world
    }

    @Test("a budget that runs out: sends go until the next would pass it, then budget_exhausted; the warning comes once")
    func runsOut() throws {
        let world = try world()
        for _ in 0..<4 { world.handle(.agentReply(marketing, to: carla)) }
        #expect(world.sent.count == 2)
        #expect(world.blocked.count == 2)
        let refused = try #require(world.blocked.first)
        #expect(refused["reason"] == "budget_exhausted")
        #expect(refused["code"] == nil)
        #expect(refused["detail"] == """
            the daily budget of USD 0.15 (budgets.daily) has USD 0.1058 spent in 2026-01-05 (UTC); this MARKETING template to \
            +447700900103 would cost USD 0.0529 more. It renews at 2026-01-06T00:00:00Z; raise budgets.daily to send more now
            """)
        let warnings = world.of("budget_warning")
        #expect(warnings.count == 1)
        #expect(warnings.first.map { $0.line.hasSuffix(#""type":"budget_warning","budget":"daily","period":"2026-01-05","spent":"0.1058","limit":"0.15","currency":"USD"}"#) } == true)
        #expect(world.logs.filter { $0.hasPrefix("[automation:watch]") } == ["[automation:watch] budget daily 2026-01-05: 0.1058 of 0.15 USD"])
    }

    @Test("the next UTC day renews the daily budget, and its warning")
    func renews() throws {
        let world = try world()
        for _ in 0..<3 { world.handle(.agentReply(marketing, to: carla)) }
        world.advance(to: Instant(iso8601: "2026-01-06T00:00:00Z")!)
        for _ in 0..<2 { world.handle(.agentReply(marketing, to: carla)) }
        #expect(world.sent.count == 4)
        #expect(world.of("budget_warning").map { $0["period"] } == ["2026-01-05", "2026-01-06"])
    }

    @Test("a script's own budget binds its sends, and the deployment's binds everyone's")
    func scriptBudget() throws {
        let coupon = #"return macro { name = "coupon", run = function(conv) send(conv, { template = "spring_sale", params = { "Ana" } }) end }"#
        let world = try world(daily: 10, scripts: ["coupon.lua": coupon]) { $0.policy.budgets.scripts["coupon"] = BudgetLimits(daily: Money(0.06)!) }
        try world.macro("coupon", carla)
        try world.macro("coupon", dave)
        #expect(world.blocked.last?["reason"] == "budget_exhausted")
        #expect(world.blocked.last?["by"] == "macro:coupon")
        #expect(world.of("budget_warning").last?["script"] == "coupon")
        world.handle(.agentReply(marketing, to: dave))
        #expect(world.sent.last?["to"] == .string(dave), "an agent's reply counts toward the deployment's budget only")
    }

    @Test("a paced message counts when it is decided, so nothing passes the budget meanwhile; refused at dispatch, it gives its spend back")
    func pacedMessages() throws {
        let burst = #"""
            return macro { name = "burst", run = function(conv)
              send(conv, { template = "spring_sale", params = { "Ana" } })
              send(conv, { template = "spring_sale", params = { "Ana" } })
              send("+447700900104", { template = "spring_sale", params = { "Ana" } })
            end }
            """#
        let world = try world(scripts: ["burst.lua": burst]) { $0.policy.pacing.pairBurst = 1 }
        try world.macro("burst", carla)
        #expect(world.sent.count == 1, "the second to carla waits for its slot")
        #expect(world.blocked.map { $0["reason"] } == ["budget_exhausted"], "the one waiting is counted: dave's would pass the budget")
        #expect(try world.runtime.store.spend(of: "", in: "2026-01-05").spent == Money(0.1058)!)

        world.handle(.optOut(ContactID(carla)!))
        world.advance("10s")
        #expect(world.blocked.last?["reason"] == "opted_out")
        #expect(world.blocked.last?["stage"] == "dispatch")
        #expect(try world.runtime.store.spend(of: "", in: "2026-01-05").spent == Money(0.0529)!, "the refused message's spend came back")
        world.handle(.agentReply(marketing, to: dave))
        #expect(world.sent.last?["to"] == .string(dave))
    }

    @Test("free messages never count: replies inside a free entry point window go with the budget spent")
    func freeMessagesNeverCount() throws {
        let world = try world(daily: 0.06, scripts: ["b.lua": bot(#"send(conv, "Welcome!")"#)])
        world.handle(.agentReply(marketing, to: carla))
        world.handle(fromAd(dave, "I saw your ad"))
        world.handle(.agentReply(marketing, to: dave))
        #expect(world.sent.map { $0["pricing_type"] } == ["regular", "free_entry_point", "free_entry_point"])
        #expect(try world.runtime.store.spend(of: "", in: "2026-01-05").spent == Money(0.0529)!)
    }

    @Test("the core's own notices are never refused for a budget, and count toward it")
    func coreNotices() throws {
        let world = try world(daily: 0.03, scripts: ["b.lua": bot(#"send(conv, "Hello")"#)])
        world.inbound(carla, "hi")
        world.inbound(carla, "hi again")
        #expect(world.blocked.last?["reason"] == "budget_exhausted", "the bot's second reply would pass the budget")
        world.inbound(carla, "STOP")
        #expect(world.sent.last?["by"] == "core", "the STOP confirmation goes")
        #expect(try world.runtime.store.spend(of: "", in: "2026-01-05").spent == Money(0.044)!)
    }
}
