import Foundation
import Logging
import ParleyConfig
import ParleyJSON
import ParleyPolicy
import ParleyServer
import Synchronization
import Testing

/// `/health` tells a stuck runtime from a busy one within seconds, and a process whose
/// script call or stop never ends is ended, with what it was processing set aside.
@Suite("Stuck runtime", .serialized)
struct WatchdogTests {
    /// A bot that spins on "spin", until its wall budget or the watchdog stops it, and
    /// answers anything else.
    static let spinner = """
    return bot {
      name = "spinner",
      escalation = { queue = "support" },
      on_message = function(conv, msg)
        if msg.text == "spin" then while true do end end
        send(conv, "echo: " .. msg.text)
      end,
    }
    """

    /// Budgets under which a spin runs until its wall budget (`wall_ms`) stops it.
    static func spinBudget(wallMs: Int) -> String { "[budget]\nwall_ms = \(wallMs)\ninstructions = 1000000000000\n" }

    /// A watchdog on a clock the test moves, a call time the test sets, and an exit that is
    /// only recorded.
    final class Rig: Sendable {
        let now = Locked(Instant(millisecondsSinceEpoch: 1_767_603_600_000))
        let running = Locked<Span?>(nil)
        let exits = Locked<[Int32]>([])
        let setAsides = Locked(0)
        let logs = LogRecorder()
        let watchdog: Watchdog

        init() {
            let (now, running, exits, setAsides) = (self.now, self.running, self.exits, self.setAsides)
            watchdog = Watchdog(
                deadlines: Deadlines(wallBudget: .seconds(1), stuckAfter: .seconds(7), overrunLimit: .seconds(10), stop: .seconds(30)),
                callRunning: { _ in running.value },
                setAside: {
                    setAsides.change { $0 += 1 }
                    return "webhook 7, which it was processing, is set aside"
                },
                logger: logs.logger, now: { now.value }, exit: { code in exits.change { $0.append(code) } })
        }

        func advance(_ span: Span) { now.change { $0 = $0 + span } }
    }

    @Test("the deadlines follow the budgets")
    func deadlinesFromBudgets() throws {
        let standard = Deadlines(settings: try ConfigFile.parseDeployment(""))
        #expect(standard.stuckAfter == .seconds(7))
        #expect(standard.overrunLimit == .seconds(10))
        #expect(standard.stop == .seconds(32))
        let long = Deadlines(settings: try ConfigFile.parseDeployment("[budget]\nwall_ms = 5000\n[cloud_api]\ntimeout_ms = 30000\n"))
        #expect(long.stuckAfter == .seconds(15))
        #expect(long.overrunLimit == .seconds(50))
        #expect(long.stop == .seconds(60))
    }

    @Test("a call past the overrun limit: what it processed is set aside, a critical line is logged, the process exits 70, once")
    func callOverrun() {
        let rig = Rig()
        #expect(rig.watchdog.check() == .fine)
        rig.running.change { $0 = .seconds(10) }
        #expect(rig.watchdog.check() == .fine)
        rig.running.change { $0 = .milliseconds(10_001) }
        #expect(rig.watchdog.check() == .callOverrun(.milliseconds(10_001)))
        #expect(rig.exits.value == [Watchdog.exitStatus])
        #expect(rig.setAsides.value == 1)
        let critical = rig.logs.messages(at: .critical)
        #expect(critical.count == 1)
        #expect(critical.first?.contains("webhook 7, which it was processing, is set aside") == true)
        #expect(critical.first?.contains("Exiting with status 70") == true)

        rig.watchdog.check()
        #expect(rig.exits.value.count == 1)
    }

    @Test("a graceful stop past its deadline: the process exits 70, saying what held it")
    func stopOverdue() {
        let rig = Rig()
        rig.advance(.hours(1))
        #expect(rig.watchdog.check() == .fine)  // no stop asked for
        rig.watchdog.stopAsked()
        rig.running.change { $0 = .seconds(2) }
        rig.advance(.seconds(30))
        #expect(rig.watchdog.check() == .fine)
        rig.advance(.milliseconds(1))
        #expect(rig.watchdog.check() == .stopOverdue(.milliseconds(30_001)))
        #expect(rig.exits.value == [Watchdog.exitStatus])
        #expect(rig.setAsides.value == 0)
        #expect(rig.logs.messages(at: .critical).first?.contains("a script call has been running for 2s") == true)
    }

    @Test("a finished server's watchdog never fires")
    func finished() {
        let rig = Rig()
        rig.watchdog.finish()
        rig.running.change { $0 = .hours(1) }
        rig.watchdog.check()
        #expect(rig.exits.value.isEmpty)
    }

    @Test("/health: a call past twice its wall budget is stuck, ok false with a runtime line; once it ends, ok again")
    func healthSaysStuck() async throws {
        // In its own process: a spinning call holds one of the test runner's two task
        // threads, and another test's would starve the /health it asks for.
        let folder = try deploymentFolder("stuck", scripts: ["spinner.lua": Self.spinner], toml: Self.spinBudget(wallMs: 3000))
        let serve = try await ServeProcess.launch(folder, environment: ["PARLEY_APP_SECRET": appSecret, "PARLEY_AGENT_TOKEN": "agent-token"],
                                                  arguments: ["--test-stuck-after-ms", "100"])  // stands for twice the budget and 5 s
        #expect(try await Client.webhook(url: serve.url, textWebhook(from: "14155550101", text: "spin", id: "wamid.spin.1")).status == 200)
        var stuck: JSONValue = .null
        #expect(await eventually {
            stuck = await serve.health() ?? .null
            return stuck["ok"] == false
        })
        #expect(stuck["runtime_busy"] == true)
        #expect(stuck["runtime"]?.stringValue?.hasPrefix("stuck: one script call has run") == true)
        #expect(await eventually(20) { await serve.health()?["ok"] == true })
        #expect(try await eventually {
            try await Client.get(serve.url + "/agent/conversations/+14155550101", headers: Client.agent).body.contains(#""reason":"bot_error""#)
        })
        #expect(await serve.terminate() == 0)
    }

    @Test("parley serve: a call far past its limit is set aside and the process exits 70; after the restart neither it nor Meta's retry runs again")
    func watchdogEndsTheProcess() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        let folder = try deploymentFolder("watchdog", scripts: ["spinner.lua": Self.spinner], toml: Self.spinBudget(wallMs: 60_000) + liveConfig(graphURL))
        let spin = textWebhook(from: "14155550101", text: "spin", id: "wamid.spin.1")

        let first = try await ServeProcess.launch(folder, environment: liveEnvironment, arguments: ["--test-call-limit-ms", "300"])
        #expect(try await Client.webhook(url: first.url, spin).status == 200)
        #expect(await first.exitStatus() == Watchdog.exitStatus)
        #expect(first.errors.contains("critical"))
        #expect(first.errors.contains("is set aside in the inbox's quarantine table"))

        let second = try await ServeProcess.launch(folder, environment: liveEnvironment)
        #expect(try await Client.webhook(url: second.url, spin).status == 200)  // Meta's retry
        #expect(try await Client.webhook(url: second.url, textWebhook(from: "14155550102", text: "hi", id: "wamid.hi")).status == 200)
        // The inbox goes in order: once the later message is answered, the retry was skipped.
        try await graph.waitUntil("the later message answered") { await $0.received.contains { $0.body["to"] == "14155550102" } }
        #expect(await !graph.received.contains { $0.body["to"] == "14155550101" })
        #expect(await second.terminate() == 0)
    }

    @Test("parley serve: SIGTERM while a call never ends: the stop's deadline ends the process with status 70")
    func stopDeadline() async throws {
        let folder = try deploymentFolder("deadline", scripts: ["spinner.lua": Self.spinner], toml: Self.spinBudget(wallMs: 60_000))
        let serve = try await ServeProcess.launch(folder, environment: ["PARLEY_APP_SECRET": appSecret], arguments: ["--test-stop-deadline-ms", "300"])
        #expect(try await Client.webhook(url: serve.url, textWebhook(from: "14155550101", text: "spin", id: "wamid.spin.1")).status == 200)
        #expect(await eventually { await serve.health()?["runtime_busy"] == true })
        #expect(await serve.terminate() == Watchdog.exitStatus)
        #expect(serve.errors.contains("the graceful stop has not finished"))
    }
}
