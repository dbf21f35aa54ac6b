import ArgumentParser
import CBenchFloor
import Foundation
import ParleyJSON
import ParleySandbox
import ParleyScripting
import ParleyPolicy
import ParleyRuntime
import ParleySimulation
import ParleyTesting

#if canImport(Glibc)
import Glibc
#endif

@main
struct ParleyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-bench",
        abstract: "Measure the runtime's speed and memory, and print the figures.",
        discussion: "Build in release mode for figures worth quoting: swift build -c release && .build/release/parley-bench"
    )

    @Option(help: "Inbound messages for the throughput figure.")
    var events = 200_000

    @Option(help: "Conversations for the memory figure.")
    var conversations = 100_000

    @Option(help: "Policy decisions for the decision figure.")
    var decisions = 2_000_000

    @Option(help: "Sandboxes to create for the state-creation figure.")
    var states = 2_000

    @Flag(help: "Measure parley serve instead: webhook-to-reply throughput, latency and memory on loopback.")
    var serve = false

    @Flag(help: "Measure instead how long attacks on the sandbox run before they are stopped.")
    var attacks = false

    @Option(help: "How long the serve benchmark posts webhooks (600 for a 10-minute soak).")
    var seconds = 20

    @Option(help: "Concurrent connections for the serve benchmark.")
    var connections = 32

    @Option(help: "Webhooks a second the serve benchmark offers (0: as fast as the connections allow).")
    var rate = 2_000

    @Option(help: "Measure only these rows, comma-separated: \(Row.allCases.map(\.rawValue).joined(separator: ", ")).")
    var only: String?

    enum Row: String, CaseIterable {
        case pipeline, simulated, state, memory, decisions, automation, specs, scenario
    }

    private func measures(_ row: Row) -> Bool {
        guard let only else { return true }
        return only.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == row.rawValue }
    }

    func run() async throws {
        guard let stdlib = ModuleLibrary.locateStdlib() else {
            throw ValidationError("cannot find the Stdlib folder; run from the Parley checkout or set PARLEY_STDLIB")
        }
        if serve {
            try await ServeBenchmark(stdlib: stdlib, seconds: seconds, connections: connections, rate: rate).run()
            return
        }
        if attacks {
            try AttackBenchmark(stdlib: stdlib).run()
            return
        }
        let scripts = try BenchScripts()
        defer { scripts.remove() }
        #if DEBUG
        print("note: a debug build; run `swift build -c release && .build/release/parley-bench` for figures worth quoting")
        #endif
        if let only, let unknown = only.split(separator: ",").first(where: { Row(rawValue: $0.trimmingCharacters(in: .whitespaces)) == nil }) {
            throw ValidationError("--only: no row called \(unknown); the rows are \(Row.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        print("parley-bench, one core, in memory")
        if measures(.pipeline) {
            // Alternated with the bare floor, run by run, so both see the same machine.
            var pairs: [(pipeline: Double, floor: Double)] = []
            for _ in 0..<3 {
                let floorNanoseconds = bench_floor_ns_per_event(2_000_000)
                guard floorNanoseconds > 0 else { throw ValidationError("the C+Lua floor failed to run") }
                pairs.append((try measurePipeline(scripts, stdlib, simulating: false), 1e9 / floorNanoseconds))
            }
            let pipeline = pairs.map(\.pipeline).sorted()[1], floor = pairs.map(\.floor).sorted()[1]
            let ratios = pairs.map { $0.floor / $0.pipeline }.sorted()
            print(row("inbound → router → bot → send → policy → dispatch", "\(group(Int(pipeline))) events/s", "target ≥ 100,000"))
            print(row("  the bare C+Lua floor, run alternately", "\(group(Int(floor))) events/s", "a C host, one Lua handler, a C send"))
            print(row("  the pipeline's cost ÷ the floor's", String(format: "%.1f× (%.1f–%.1f×)", ratios[1], ratios[0], ratios[2]), "target ≤ 4×"))
        }
        if measures(.simulated) {
            let simulated = try median { try measurePipeline(scripts, stdlib, simulating: true) }
            print(row("  the same, writing transcript and audit trail", "\(group(Int(simulated))) events/s", ""))
        }
        if measures(.state) {
            let creation = try measureStateCreation(scripts, stdlib)
            print(row("sandboxed state with Stdlib and a bot loaded", String(format: "%.0f µs", creation * 1e6), "target < 1,000 µs"))
        }
        if measures(.memory) {
            let perConversation = try measureIdleConversations(scripts, stdlib)
            print(row("memory per idle conversation (heap)", "\(group(perConversation)) bytes", "target < 2,048"))
        }
        if measures(.decisions) {
            let policy = measureDecisions()
            print(row("policy decision alone", "\(group(Int(policy))) decisions/s", "target ≥ 1,000,000"))
        }
        if measures(.automation) {
            let (perRun, found) = try measureAutomationScale(stdlib)
            print(row("automation: conversations{in_window} of \(group(automationContacts))", String(format: "%.2f ms a run", perRun * 1e3), "it returns \(found) (the last run)"))
        }
        if measures(.scenario) {
            let (rate, events) = try ScenarioBenchmark(stdlib: stdlib, contacts: scenarioContacts).run()
            print(row("parley simulate: \(group(scenarioContacts)) contacts, 2 months", "\(group(Int(rate))) events/s", "target ≥ 50,000 (\(group(events)) events, the examples)"))
        }
        if measures(.specs) {
            let specs = try measureSpecs(stdlib)
            print(row("parley test: \(specCount) specs × 30 days with timers", String(format: "%.2f s", specs), "target < 2 s"))
        }
    }

    @Option(help: "Spec files for the parley test figure.")
    var specCount = 100

    @Option(help: "Contacts in the two-month scenario `parley simulate` runs.")
    var scenarioContacts = 5_600

    @Option(help: "Conversations the automation figure selects from.")
    var automationContacts = 100_000

    /// An hourly automation that asks for the conversations in their window, among
    /// `automationContacts`, of which one an hour has written lately: what a run costs should
    /// follow what it returns, not how many contacts there are.
    func measureAutomationScale(_ stdlib: URL) throws -> (seconds: Double, found: Int) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-auto-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        return bot { name = "b", escalation = { queue = "support" }, on_message = function(conv, msg) end }
        """.write(to: folder.appendingPathComponent("b.lua"), atomically: true, encoding: .utf8)
        try """
        return automation { name = "sweep", every = "1h", run = function()
          log(#conversations{ in_window = true, owner = "bot:b" })
        end }
        """.write(to: folder.appendingPathComponent("sweep.lua"), atomically: true, encoding: .utf8)
        let simulation = try Simulation(Simulation.Setup(scripts: folder, templates: [], config: RuntimeConfig(), stdlib: stdlib),
                                        start: Instant(iso8601: "2026-01-05T00:00:00Z")!)
        (simulation.runtime.store as? InMemoryStore)?.keepsAudit = false
        // Everyone wrote once, long ago.
        for n in 0..<automationContacts {
            try simulation.runtime.handle(.inbound(Inbound(from: ContactID("+1417\(10_000_000 + n)")!, content: .text("hi"))))
        }
        try simulation.runtime.handle(.clock(simulation.clock.now + .days(3)))
        var found = 0
        simulation.runtime.onLog = { _, line in found = Int(line) ?? found }
        let hours = 48
        var elapsed = 0.0
        for hour in 0..<hours {
            try simulation.runtime.handle(.inbound(Inbound(from: ContactID("+1417\(10_000_000 + hour)")!, content: .text("again"))))
            let start = ContinuousClock.now  // wall-clock ok
            try simulation.runtime.handle(.clock(simulation.clock.now + .hours(1)))
            elapsed += seconds(ContinuousClock.now - start)  // wall-clock ok
        }
        return (elapsed / Double(hours), found)
    }

    /// `specCount` spec files, each a month of one conversation: a question a day, and the
    /// bot's follow-up timer 23 h later. The simulated clock never sleeps.
    func measureSpecs(_ stdlib: URL) throws -> Double {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-specs-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        return bot {
          name = "orders",
          escalation = { queue = "support" },
          on_message = function(conv, msg)
            send(conv, "Your order is on its way.")
            schedule(conv, "23h", "followup")
          end,
          on_timer = function(conv, name) send(conv, "Following up on your order.") end,
        }
        """.write(to: folder.appendingPathComponent("orders.lua"), atomically: true, encoding: .utf8)
        for i in 0..<specCount {
            try """
            it("a month of one conversation", function()
              local w = world{}
              for day = 1, 30 do
                w:inbound("+1415555\(String(1000 + i))", "where is my order?")
                w:advance("1d")
              end
              assert.sent(w, { text = "Following up" })
            end)
            """.write(to: folder.appendingPathComponent("month\(i)_spec.lua"), atomically: true, encoding: .utf8)
        }
        let files = try SpecRunner.specFiles(in: [folder.path])
        let start = ContinuousClock.now  // wall-clock ok
        let summary = SpecRunner(stdlib: stdlib).run(files)
        let elapsed = seconds(ContinuousClock.now - start)  // wall-clock ok
        guard summary.passed == specCount else { throw ValidationError("bench specs failed: \(summary.results.compactMap(\.message).prefix(1))") }
        return elapsed
    }

    private func row(_ what: String, _ figure: String, _ target: String) -> String {
        what.padding(toLength: 52, withPad: " ", startingAt: 0) + figure.padding(toLength: 22, withPad: " ", startingAt: 0) + target
    }

    /// The median of three runs: these machines are shared, and one run can be unlucky.
    private func median(_ run: () throws -> Double) rethrows -> Double {
        let runs = try (0..<3).map { _ in try run() }.sorted()
        return runs[1]
    }

    /// Inbound messages from new contacts, each routed, answered by the bot, decided,
    /// paced, decided again and dispatched; the clock moves 13 ms between messages (under
    /// the number's 80 a second), so nothing waits. `simulating` also builds every
    /// transcript record and keeps every decision in the audit trail, as a simulation does.
    func measurePipeline(_ scripts: BenchScripts, _ stdlib: URL, simulating: Bool) throws -> Double {
        let simulation = try scripts.simulation(stdlib)
        (simulation.runtime.store as? InMemoryStore)?.keepsAudit = simulating
        let channel = simulation.runtime.channel as! RecordingChannel
        channel.keeps = false
        var records = 0
        if simulating { simulation.runtime.onRecord = { _ in records += 1 } }
        let contacts = (0..<events).map { ContactID("+1415\(10_000_000 + $0)")! }
        let start = ContinuousClock.now  // wall-clock ok: a benchmark measures real time
        for contact in contacts {
            try simulation.runtime.handle(.clock(simulation.clock.now + .milliseconds(13)))
            try simulation.runtime.handle(.inbound(Inbound(from: contact, content: .text("where is my order?"))))
        }
        try simulation.runtime.handle(.clock(simulation.clock.now + .seconds(1)))
        let elapsed = seconds(ContinuousClock.now - start)  // wall-clock ok
        guard channel.count == events else { throw ValidationError("the pipeline answered \(channel.count) of \(events) messages") }
        return Double(events) / elapsed
    }

    func measureStateCreation(_ scripts: BenchScripts, _ stdlib: URL) throws -> Double {
        let modules = ModuleLibrary(stdlib: stdlib, scripts: scripts.folder)
        let setup = ScriptSetup(modules: modules, host: nil)
        let source = BenchScripts.bot
        _ = try Script(path: "bench.lua", source: source, setup: setup)  // warm the module cache
        let start = ContinuousClock.now  // wall-clock ok
        for _ in 0..<states { _ = try Script(path: "bench.lua", source: source, setup: setup) }
        return seconds(ContinuousClock.now - start) / Double(states)  // wall-clock ok
    }

    /// Heap bytes per conversation after each contact wrote once and two days passed.
    func measureIdleConversations(_ scripts: BenchScripts, _ stdlib: URL) throws -> Int {
        let simulation = try scripts.simulation(stdlib)
        (simulation.runtime.store as? InMemoryStore)?.keepsAudit = false
        // What the conversations hold, not the messages a simulation's channel keeps.
        (simulation.runtime.channel as? RecordingChannel)?.keeps = false
        let contacts = (0..<conversations).map { ContactID("+1416\(10_000_000 + $0)")! }
        try simulation.runtime.handle(.clock(simulation.clock.now + .days(1)))
        let before = heapInUse()
        for contact in contacts {
            try simulation.runtime.handle(.clock(simulation.clock.now + .milliseconds(13)))
            try simulation.runtime.handle(.inbound(Inbound(from: contact, content: .text("hi"))))
        }
        try simulation.runtime.handle(.clock(simulation.clock.now + .days(2)))
        return (heapInUse() - before) / conversations
    }

    func measureDecisions() -> Double {
        let policy = Policy()
        let now = Instant(iso8601: "2026-01-05T10:00:00Z")!
        let contact = ContactID("+14155550100")!
        let catalog = TemplateCatalog([Template(name: "order_update", language: "en_US", category: .utility, body: "Order {{1}} is {{2}}.")])
        let inWindow = PolicyFacts(account: AccountStanding(), contact: ContactStanding(lastInbound: now - .hours(1), optedIn: true, owner: .bot("orders")),
                                   limit: LimitStanding(limit: 250, used: 10, alreadyCounted: false))
        let closed = PolicyFacts(account: AccountStanding(), contact: ContactStanding(lastInbound: now - .hours(30), optedIn: true, owner: .bot("orders")),
                                 limit: LimitStanding(limit: 250, used: 10, alreadyCounted: false))
        let text = SendRequest(id: "m", sender: .bot("orders"), to: contact, message: .text("Your order is out for delivery."))
        let template = SendRequest(id: "t", sender: .bot("orders"), to: contact,
                                   message: .template(TemplateRequest(name: "order_update", language: "en_US", body: .positional(["A1", "late"]))))
        var allowed = 0
        let start = ContinuousClock.now  // wall-clock ok
        for i in 0..<decisions {
            let decision = i % 2 == 0
                ? policy.decide(text, facts: inWindow, catalog: catalog, at: now)
                : policy.decide(template, facts: closed, catalog: catalog, at: now)
            if decision.isAllowed { allowed += 1 }
        }
        let elapsed = seconds(ContinuousClock.now - start)  // wall-clock ok
        precondition(allowed == decisions, "every benchmark decision should allow")
        return Double(decisions) / elapsed
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Resident memory in bytes, from /proc/self/statm: an upper bound on what the heap
    /// holds, since freed memory is not always given back.
    /// Bytes malloc has handed out and not taken back. Not the resident size: pages freed
    /// by the rows before stay resident and are reused, so the resident size did not move.
    private func heapInUse() -> Int { Int(bench_heap_in_use()) }

    private func group(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}

/// A router and a bot in a scratch folder: the pipeline the benchmark measures.
struct BenchScripts {
    let folder: URL

    static let bot = """
    return bot {
      name = "orders",
      escalation = { queue = "orders-team" },
      on_message = function(conv, msg)
        conv.state.seen = (conv.state.seen or 0) + 1
        send(conv, "Your order is on its way.")
      end,
    }
    """

    static let router = """
    return router {
      name = "main",
      route = function(conv, msg)
        if msg.text and text.contains(msg.text, "invoice") then return "human:billing" end
        return "bot:orders"
      end,
    }
    """

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try BenchScripts.bot.write(to: folder.appendingPathComponent("orders.lua"), atomically: true, encoding: .utf8)
        try BenchScripts.router.write(to: folder.appendingPathComponent("router.lua"), atomically: true, encoding: .utf8)
    }

    func simulation(_ stdlib: URL) throws -> Simulation {
        var config = RuntimeConfig()
        config.policy.pacing.outboxBoundPerContact = 50
        for queue in ["orders-team", "billing"] { config.queues[queue] = .always }  // the scripts' queues
        return try Simulation(Simulation.Setup(scripts: folder, templates: [], config: config, stdlib: stdlib),
                              start: Instant(iso8601: "2026-01-05T10:00:00Z")!)
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
