import Foundation
import ParleyCloudAPI
import ParleyConfig
import ParleyJSON
import ParleySandbox
import ParleyPolicy
import ParleyRuntime
import ParleySimulation

/// The worlds of one spec file's tests: each `world{...}` is a fresh simulation, and every
/// world a test made is gone when the test ends, so no test sees another's.
final class SpecWorlds {
    /// Where a spec file's worlds find their pieces by default: the spec's own folder.
    let folder: URL
    let stdlib: URL
    let cache: SpecCache

    private var worlds: [Int64: World] = [:]
    private var nextID: Int64 = 0
    /// What one test may hold: the host's memory is outside the spec's Lua budget, so
    /// worlds and their transcripts have bounds of their own.
    static let worldsPerTest = 100
    static let recordsPerWorld = 200_000
    /// The test's wall-time budget, which a long `w:advance` keeps to as well.
    private let wallBudget: Duration
    private var deadline: ContinuousClock.Instant?  // wall-clock ok: the test's time budget
    /// Why the host stopped the test's last world, if it did: added to the report.
    private(set) var stopNote: String?
    /// The transcripts of the worlds of the test that just ended, for `--verbose`.
    private(set) var finished: [[TranscriptRecord]] = []
    /// Bots whose escalation path the current test took: what `parley check` reports on,
    /// once the test has passed.
    private(set) var escalatedBots: Set<EscalatedBot> = []
    /// Log lines of scripts and specs, for `--verbose`.
    var onLog: (String) -> Void = { _ in }

    final class World {
        let simulation: Simulation
        var records: [TranscriptRecord] = []
        /// Set when the transcript reached `recordsPerWorld`; nothing more is kept.
        var full = false
        init(_ simulation: Simulation) { self.simulation = simulation }
    }

    init(folder: URL, stdlib: URL, cache: SpecCache, wallBudget: Duration = .seconds(60)) {
        self.folder = folder
        self.stdlib = stdlib
        self.cache = cache
        self.wallBudget = wallBudget
    }

    private var pastDeadline: Bool { deadline.map { ContinuousClock.now >= $0 } ?? false }

    /// `world{ scripts =, templates =, config =, tier =, start = }`; paths are relative to the
    /// spec file's folder, which is also where scripts are by default.
    func create(_ options: [String: JSONValue]) throws(HostError) -> Int64 {
        guard worlds.count < Self.worldsPerTest else {
            throw HostError("world{...}: a test may make at most \(Self.worldsPerTest) worlds; make them in before_each, one per test")
        }
        let known = ["scripts", "templates", "config", "tier", "start"]
        if let unknown = options.keys.sorted().first(where: { !known.contains($0) }) {
            throw HostError("world{...}: unknown option '\(unknown)' (known: \(known.joined(separator: ", ")))")
        }
        func path(_ key: String) throws(HostError) -> URL? {
            guard let value = options[key] else { return nil }
            guard let text = value.stringValue else { throw HostError("world{...}: \(key) must be a path (a string)") }
            return text.hasPrefix("/") ? URL(fileURLWithPath: text) : folder.appendingPathComponent(text)
        }
        let scripts = try path("scripts") ?? folder
        let templatesURL = try path("templates") ?? scripts.appendingPathComponent("templates.json")
        let configURL = try path("config") ?? scripts.appendingPathComponent("parley.toml")
        var start = Scenario.defaultStart
        if let raw = options["start"] {
            guard let text = raw.stringValue, let instant = Instant(iso8601: text) else {
                throw HostError("world{...}: start must be an ISO-8601 time such as \"2026-01-05T09:00:00Z\"")
            }
            start = instant
        }
        var tier: MessagingTier?
        if let raw = options["tier"] {
            guard let parsed = raw.textValue.flatMap(MessagingTier.init(platform:)) else {
                throw HostError("world{...}: tier must be TIER_250, TIER_2K, TIER_10K, TIER_100K or TIER_UNLIMITED")
            }
            tier = parsed
        }
        let setup: Simulation.Setup
        do {
            setup = Simulation.Setup(
                scripts: scripts,
                templates: try cache.templates(templatesURL, required: options["templates"] != nil),
                config: try cache.config(configURL, required: options["config"] != nil),
                stdlib: stdlib,
                modules: cache.modules(stdlib: stdlib, scripts: scripts))
        } catch {
            throw HostError("world{...}: \(error)")
        }
        let simulation: Simulation
        do {
            simulation = try Simulation(setup, start: start)
        } catch {
            throw HostError("world{...}: the scripts do not load:\n\(error)")
        }
        let world = World(simulation)
        simulation.runtime.onRecord = { [unowned world, unowned self] record in
            guard world.records.count < Self.recordsPerWorld else {
                world.full = true
                return
            }
            world.records.append(record)
            if record.type == "escalated", let bot = record["bot"]?.stringValue {
                self.escalatedBots.insert(EscalatedBot(scripts: scripts, bot: bot))
            }
        }
        simulation.runtime.shouldStopAdvancing = { [unowned world, unowned self] in world.full || self.pastDeadline }
        simulation.runtime.onLog = { [unowned self] source, line in self.onLog("[\(source)] \(line)") }
        if let tier { simulation.handle(.tier(tier)) }
        nextID += 1
        worlds[nextID] = world
        return nextID
    }

    func world(_ id: Int64) throws(HostError) -> World {
        guard let world = worlds[id] else {
            throw HostError("this world belonged to an earlier test; make a new one with world{...} in this test or in before_each")
        }
        return world
    }

    /// Applies one event, written as a scenario line is.
    func apply(_ id: Int64, _ fields: JSONValue) throws(HostError) {
        let world = try world(id)
        let parsed: (at: Instant?, by: Span?, event: Scenario.Event)
        do {
            parsed = try Scenario.event(fields, file: "event")
        } catch {
            throw HostError(error.message)
        }
        let simulation = world.simulation
        if case .runtime(.macro(let name, _, _, _)) = parsed.event, simulation.runtime.scripts.macros[name] == nil {
            throw HostError("no macro named '\(name)'")
        }
        var at = parsed.at ?? simulation.clock.now
        if let by = parsed.by { at = simulation.clock.now + by }
        guard at >= simulation.clock.now else {
            throw HostError("\(at.iso8601) is before the world's time \(simulation.clock.now.iso8601); time only moves forward")
        }
        simulation.apply(Scenario.Step(line: 0, at: at, event: parsed.event))
        try checkLimits(world)
    }

    /// After an event: a world that hit a bound says which, where its clock got to, and
    /// what usually causes it.
    private func checkLimits(_ world: World) throws(HostError) {
        var reached: String { world.simulation.clock.now.iso8601 }
        if world.full {
            stopNote = "the world's transcript reached \(Self.recordsPerWorld) records at \(reached); is a timer setting itself again and again? Advance by less"
        } else if pastDeadline {
            stopNote = "the test's \(wallBudget) ran out while its world advanced, at \(reached); advance by less, or look for a timer setting itself again and again"
        } else {
            return
        }
        throw HostError(stopNote ?? "")
    }

    /// The records of a world from `offset` on, as tables.
    func records(_ id: Int64, from offset: Int) throws(HostError) -> [JSONValue] {
        let records = try world(id).records
        guard offset < records.count else { return [] }
        return records[max(0, offset)...].map(\.json)
    }

    /// The same records as transcript lines.
    func lines(_ id: Int64, from offset: Int) throws(HostError) -> [String] {
        let records = try world(id).records
        guard offset < records.count else { return [] }
        return records[max(0, offset)...].map(\.line)
    }

    /// `w:cost()`: what the `sent` records from `offset` on cost, by their estimates; `nil`
    /// when the world has no price table, whose costs are unknown.
    func cost(_ id: Int64, from offset: Int) throws(HostError) -> JSONValue {
        let world = try world(id)
        let pricing = world.simulation.runtime.config.policy.pricing
        guard pricing.hasRates else { return .null }
        return CostTally(world.records.dropFirst(max(0, offset)), currency: pricing.currency).json
    }

    func conversation(_ id: Int64, _ raw: String) throws(HostError) -> JSONValue {
        let runtime = try world(id).simulation.runtime
        guard let contact = ContactID(raw) else { throw HostError("\"\(raw)\" is not a phone number or a business-scoped user id") }
        do {
            return try runtime.summary(of: contact)
        } catch {
            throw HostError("the world's store failed: \(error)")
        }
    }

    func now(_ id: Int64) throws(HostError) -> Instant { try world(id).simulation.clock.now }

    func startTest() {
        finished = []
        escalatedBots = []
        stopNote = nil
        deadline = ContinuousClock.now + wallBudget
    }

    /// Ends a test: its worlds go, their transcripts are kept for the report. (Called by
    /// the spec library, and again by the runner in case the test was stopped first.)
    func finishTest() {
        guard !worlds.isEmpty else { return }
        finished = worlds.keys.sorted().compactMap { worlds[$0]?.records }
        worlds.removeAll()
    }
}

/// Templates files and configurations, read once per run and shared by every world.
final class SpecCache {
    private var templatesByPath: [String: [Template]] = [:]
    private var configsByPath: [String: RuntimeConfig] = [:]
    private var modulesByFolder: [String: ModuleLibrary] = [:]

    /// One module library per scripts folder: a run reads each module's file once.
    func modules(stdlib: URL, scripts: URL) -> ModuleLibrary {
        let key = stdlib.path + "\u{0}" + scripts.path
        if let cached = modulesByFolder[key] { return cached }
        let modules = ModuleLibrary(stdlib: stdlib, scripts: scripts)
        modulesByFolder[key] = modules
        return modules
    }

    func templates(_ url: URL, required: Bool) throws -> [Template] {
        if let cached = templatesByPath[url.path] { return cached }
        guard required || FileManager.default.fileExists(atPath: url.path) else { return [] }
        let templates = try TemplatesFile.load(contentsOf: url.path)
        templatesByPath[url.path] = templates
        return templates
    }

    func config(_ url: URL, required: Bool) throws -> RuntimeConfig {
        if let cached = configsByPath[url.path] { return cached }
        guard required || FileManager.default.fileExists(atPath: url.path) else { return RuntimeConfig() }
        let config = try ConfigFile.load(contentsOf: url)
        configsByPath[url.path] = config
        return config
    }
}
