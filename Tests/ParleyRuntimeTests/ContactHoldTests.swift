import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import ParleySimulation
import Testing

/// What a failed delivery teaches about its contact (docs/rules.md §4.3, §4.4): the
/// platform's verdict arrives as a status, as it does live, and the next send meets a
/// refusal before it meets the same failure.
@Suite("Contact holds after a failed delivery")
struct ContactHoldTests {
    let marketing = OutboundMessage.template(TemplateRequest(name: "spring_sale", body: .positional(["Ana"])))
    let utility = OutboundMessage.template(TemplateRequest(name: "order_update", body: .positional(["A1", "late"])))

    /// A world whose bot sends the spring sale on "sale", where `carla` opted in.
    func world(config: RuntimeConfig = RuntimeConfig()) throws -> World {
        let world = try World(scripts: ["b.lua": bot(#"""
            if msg.text == "sale" then send(conv, { template = "spring_sale", params = { "Ana" } }) end
            """#, extra: #"""
            on_delivery_failed = function(conv, id, reason, code) conv.state.failed = reason .. " " .. code end,
            """#)], config: config)
        world.handle(.optIn(ContactID(carla)!))
        return world
    }

    func fail(_ world: World, _ id: String, code: Int) {
        world.simulation.apply(.status(MessageStatus(id: id, state: .failed, errors: [PlatformError(code: code)])))
    }

    @Test("131049 on a marketing template starts a cool-down that grows, the bot hears why, and marketing waits while utility goes")
    func marketingCap() throws {
        let world = try world()
        world.inbound(carla, "sale")
        let id = try #require(world.sent.last?["id"]?.stringValue)
        world.advance("25h")
        fail(world, id, code: 131049)
        let held = try #require(world.of("held").last)
        #expect(held["reason"] == "marketing_cooldown")
        #expect(held["code"] == 131049)
        #expect(held["until"] == .string((world.now + .hours(24)).iso8601))
        #expect(world.of("delivery_failed").last?["reason"] == "marketing_cooldown")
        #expect(try world.runtime.summary(of: ContactID(carla)!)["state"]?["failed"] == "marketing_cooldown 131049")

        world.handle(.agentReply(marketing, to: carla))
        #expect(world.blocked.last?["reason"] == "marketing_cooldown")
        world.handle(.agentReply(utility, to: carla))
        #expect(world.sent.last?["template"] == "order_update")

        // A second strike before the contact writes: three days.
        world.advance("24h")
        world.handle(.agentReply(marketing, to: carla))
        let second = try #require(world.sent.last?["id"]?.stringValue)
        fail(world, second, code: 131049)
        #expect(world.of("held").last?["until"] == .string((world.now + .hours(72)).iso8601))
    }

    @Test("a contact who writes resets the strikes: the next cool-down is the first length again")
    func strikesReset() throws {
        let world = try world()
        world.inbound(carla, "sale")
        fail(world, try #require(world.sent.last?["id"]?.stringValue), code: 131049)
        world.advance("2d")
        world.inbound(carla, "sale")
        fail(world, try #require(world.sent.last?["id"]?.stringValue), code: 131049)
        #expect(world.of("held").last?["until"] == .string((world.now + .hours(24)).iso8601))
    }

    @Test("131026 holds business-initiated messages for a week, unless the contact writes; the lengths are configuration")
    func undeliverable() throws {
        var config = RuntimeConfig()
        config.policy.undeliverableHold = .days(2)
        let world = try world(config: config)
        world.inbound(carla, "hello")
        world.advance("25h")
        world.handle(.agentReply(utility, to: carla))
        fail(world, try #require(world.sent.last?["id"]?.stringValue), code: 131026)
        #expect(world.of("held").last?["reason"] == "recipient_undeliverable")
        #expect(world.of("held").last?["until"] == .string((world.now + .days(2)).iso8601))
        world.handle(.agentReply(utility, to: carla))
        #expect(world.blocked.last?["reason"] == "recipient_undeliverable")
        #expect(world.blocked.last?["code"] == 131026)
        world.inbound(carla, "I'm back")
        world.advance("25h")
        world.handle(.agentReply(utility, to: carla))
        #expect(world.sent.last?["template"] == "order_update")
    }

    @Test("a scenario's status names the message by Parley's id, and a status of a message never sent is only written down")
    func scenarioStatus() throws {
        let world = try world()
        let scenario = try Scenario(parsing: #"""
            {"type": "inbound", "from": "+447700900103", "text": "sale"}
            {"type": "status", "id": "out-1", "status": "failed", "code": 131049}
            {"type": "status", "id": "out-99", "status": "delivered"}
            """#)
        for step in scenario.steps { world.simulation.apply(step) }
        #expect(world.of("held").count == 1)
        #expect(world.of("status").map { $0["id"] } == ["out-1", "out-99"])
        #expect(throws: ScenarioError.self) { try Scenario(parsing: #"{"type": "status", "id": "out-1", "status": "failed"}"#) }
    }
}
