import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import ParleySimulation
import Testing

/// What one call may ask of the host beyond its CPU and memory: timers, sends, logs. A
/// script in a loop meets an error that names the bound, its conversation escalates, and
/// nothing it asked for past the bound reaches the agenda or the audit trail.
@Suite("Call limits")
struct CallLimitTests {
    func errors(_ world: World) -> [String] { world.of("script_error").compactMap { $0["error"]?.stringValue } }

    @Test("a timer that sets two more cannot double the agenda: a conversation holds 100 timers at most")
    func timerStorm() throws {
        let world = try World(scripts: ["b.lua": bot("schedule(conv, '1s', 'tick')", extra: """
        on_timer = function(conv, name) schedule(conv, '1s', 'tick'); schedule(conv, '1s', 'tock') end,
        """)])
        world.inbound(alice, "go")
        world.advance("1h")
        #expect(errors(world).map { $0.contains("already has 100 timers waiting") } == [true])
        #expect(world.escalated.first?["reason"] == "bot_error")
        #expect(world.runtime.pendingWork == 0, "a bot that failed in a conversation loses its timers there")
    }

    @Test("one call sets 100 timers at most")
    func timersPerCall() throws {
        var config = RuntimeConfig()
        config.allowance.timersPerConversation = 100_000
        let world = try World(scripts: ["b.lua": bot("for i = 1, 100000 do schedule(conv, '1h', 't' .. i) end", extra: "on_timer = function() end,")],
                              config: config)
        world.inbound(alice, "go")
        #expect(errors(world).first?.contains("one call may set 100 timers at most") == true)
        #expect(world.runtime.pendingWork == 0, "the failed call's timers went with it")
    }

    @Test("a bot sets timers only for the conversation it was called for")
    func timersForOthers() throws {
        let world = try World(scripts: ["b.lua": bot("schedule('\(bob)', '1h', 'x')", extra: "on_timer = function() end,")])
        world.inbound(alice, "go")
        #expect(errors(world).first?.contains("a bot sets timers for the conversation it was called for") == true)
        #expect(world.runtime.pendingWork == 0)
    }

    @Test("a call of a bot sends 100 messages in all, across contacts, so refusals cannot flood the audit trail")
    func sendsAcrossContacts() throws {
        let world = try World(scripts: ["b.lua": bot("for i = 1, 100000 do send(string.format('+1415%07d', i), 'hi') end")])
        var decisions = 0
        world.runtime.onDecision = { _ in decisions += 1 }
        world.inbound(alice, "go")
        #expect(errors(world).first?.contains("one call may send 100 messages in all") == true)
        #expect(decisions < 110)
    }

    @Test("an automation run may write to many contacts, and is bounded too")
    func automationSends() throws {
        var config = RuntimeConfig()
        config.allowance.sendsPerAutomationRun = 500
        let world = try World(scripts: ["a.lua": """
        return automation { name = "blast", every = "1h", run = function()
          for i = 1, 100000 do send(string.format('+1415%07d', i), 'hi') end
        end }
        """], config: config)
        var decisions = 0
        world.runtime.onDecision = { _ in decisions += 1 }
        world.advance("1h")
        #expect(decisions == 500)
        #expect(errors(world).first?.contains("one run of an automation may send 500 messages in all") == true)
    }

    @Test("a simulation with a time limit stops where it got to and says so")
    func simulationTimeLimit() throws {
        let world = try World(scripts: ["b.lua": bot("schedule(conv, '1s', 'tick')", extra: """
        on_timer = function(conv) schedule(conv, '1s', 'tick') end,
        """)])
        let scenario = try Scenario(parsing: """
        {"type":"inbound","from":"\(alice)","text":"go"}
        {"type":"advance","by":"3650d"}
        {"type":"inbound","from":"\(bob)","text":"hi"}
        """)
        let ending = world.simulation.run(scenario, timeLimit: .milliseconds(200)) { _ in }
        guard case .stopped(let reached, let stepsLeft, let agenda) = ending else {
            Issue.record("expected the run to stop at its time limit, got \(ending)")
            return
        }
        #expect(reached < World.start + .days(3650))
        #expect(stepsLeft >= 1)
        #expect(agenda == 1)
    }
}
