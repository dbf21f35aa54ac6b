import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import ParleySimulation
import Testing

/// Several numbers of one portfolio in one deployment: a conversation is a contact on a
/// number; the messaging limit is the portfolio's, shared by every number.
@Suite("Several numbers at run time")
struct SeveralNumbersRuntimeTests {
    /// A deployment with a second number, `sales`, beside the default `main`.
    static var twoNumbers: RuntimeConfig {
        var config = RuntimeConfig()
        config.policy.pacing.numbersPerSecond = ["sales": 80]
        return config
    }

    func template(_ world: World, to contact: String, _ order: String) {
        world.handle(.agentReply(.template(TemplateRequest(name: "order_update", body: .positional([order, "late"]))), to: contact))
    }

    @Test("templates from two numbers fill one limit of 250; a person written to from both counts once")
    func sharedLimit() throws {
        let world = try World(scripts: ["b.lua": bot("send(conv, 'hi')")], config: Self.twoNumbers)
        for i in 0..<251 {
            let contact = ContactID("+447700\(String(format: "%06d", i))")!.on(i % 2 == 0 ? nil : "sales")
            world.handle(.optIn(contact))
            template(world, to: contact.description, "A\(i)")
        }
        world.advance("5s")
        #expect(world.sent.count == 250)
        #expect(world.blocked.map { $0["reason"] } == ["messaging_limit"])
        #expect(world.blocked.first?["to"] == "+447700000250")
        // +447700000000 was written to from main: from sales, the same person adds nothing.
        let person = ContactID("+447700000000")!.on("sales")
        world.handle(.optIn(person))
        template(world, to: person.description, "B")
        world.advance("1s")
        #expect(world.sent.count == 251)
        #expect(world.sent.last?["to"] == "+447700000000@sales")
    }

    @Test("each number has its own conversation with a person, and scripts see conv.number")
    func conversationPerNumber() throws {
        let world = try World(scripts: ["b.lua": bot("conv.state.seen = (conv.state.seen or 0) + 1; send(conv, conv.number .. ' ' .. conv.state.seen)")], config: Self.twoNumbers)
        world.inbound("+447700900123", "hi")
        world.handle(.inbound(Inbound(from: ContactID("+447700900123@sales")!, content: .text("hi"))))
        world.handle(.inbound(Inbound(from: ContactID("+447700900123@sales")!, content: .text("again"))))
        #expect(world.sentTexts == ["main 1", "sales 1", "sales 2"])
        #expect(world.sent.map { $0["to"] } == ["+447700900123", "+447700900123@sales", "+447700900123@sales"])
    }

    @Test("send with a bare number means the default number; send(conv) the conversation's")
    func bareNumberIsDefault() throws {
        let world = try World(scripts: ["b.lua": bot("send(conv, 'on ' .. conv.number); send('+447700900999', 'bare')")], config: Self.twoNumbers)
        world.handle(.optIn(ContactID("+447700900999")!))
        world.handle(.inbound(Inbound(from: ContactID("+447700900999@sales")!, content: .text("hi"))))
        world.handle(.inbound(Inbound(from: ContactID("+447700900999")!, content: .text("hi"))))
        let to = world.sent.map { $0["to"]?.stringValue ?? "" }
        #expect(to.first == "+447700900999@sales")
        #expect(to.contains("+447700900999"))
    }

    @Test("a scenario names the number of an inbound and an agent reply; without one, the default number")
    func scenarioNumber() throws {
        let world = try World(scripts: ["b.lua": bot("send(conv, 'on ' .. conv.number)")], config: Self.twoNumbers)
        let scenario = try Scenario(parsing: #"""
            {"type": "inbound", "from": "+447700900123", "number": "sales", "text": "hi"}
            {"type": "inbound", "from": "+447700900123", "text": "hi"}
            {"type": "agent_reply", "to": "+447700900123", "number": "sales", "text": "from a person"}
            {"type": "opt_in", "contact": "+447700900123@sales"}
            """#)
        for step in scenario.steps { world.simulation.apply(step) }
        #expect(world.sentTexts == ["on sales", "on main", "from a person"])
        #expect(world.sent.map { $0["to"] } == ["+447700900123@sales", "+447700900123", "+447700900123@sales"])
        #expect(throws: ScenarioError.self) { try Scenario(parsing: #"{"type": "inbound", "from": "+447700900123", "number": "a b", "text": "hi"}"#) }
        #expect(throws: ScenarioError.self) { try Scenario(parsing: #"{"type": "inbound", "from": "+447700900123@shop", "number": "sales", "text": "hi"}"#) }
        #expect(throws: ScenarioError.self) { try Scenario(parsing: #"{"type": "limit", "tier": "TIER_2K", "number": "sales"}"#) }
    }
}

@Suite("A number the deployment does not have")
struct UnknownNumberTests {
    @Test("a send to a contact on an unknown number is refused before sending, naming the numbers there are")
    func unknownNumber() throws {
        let world = try World(scripts: ["b.lua": bot("")], config: SeveralNumbersRuntimeTests.twoNumbers)
        world.handle(.agentReply(.text("hi"), to: "+447700900123@slaes"))
        let blocked = try #require(world.blocked.last)
        #expect(blocked["reason"] == "invalid_recipient")
        #expect(blocked["detail"]?.stringValue?.contains("its numbers: main, sales") == true)
    }

    @Test("a scenario naming a number the configuration does not declare is refused before it runs")
    func scenarioNumber() throws {
        let world = try World(scripts: ["b.lua": bot("")])
        let scenario = try Scenario(parsing: #"{"type": "inbound", "from": "+447700900123", "number": "sales", "text": "hi"}"#)
        #expect(throws: ScenarioError.self) { try world.simulation.validate(scenario) }
    }
}
