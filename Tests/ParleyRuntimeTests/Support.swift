import Foundation
import ParleyCloudAPI
import ParleyConfig
import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import ParleySimulation
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let stdlib = repositoryRoot.appendingPathComponent("Stdlib")
let examples = repositoryRoot.appendingPathComponent("Scripts")

/// A simulated world for one test: scripts written to a fresh folder, a catalog, a clock,
/// and the transcript it produces.
final class World {
    let simulation: Simulation
    private(set) var records: [TranscriptRecord] = []
    private(set) var logs: [String] = []
    private var nextLine = 0

    var runtime: Runtime { simulation.runtime }
    var now: Instant { simulation.clock.now }

    static let start = Instant(iso8601: "2026-01-05T10:00:00Z")!  // a Monday

    /// `scripts`: file name → Lua source. `queues` are declared always staffed, beside the
    /// configuration's own.
    init(scripts: [String: String], templates: [Template] = World.templates, config: RuntimeConfig = RuntimeConfig(),
         queues: [String] = [], start: Instant = World.start) throws {
        var config = config
        for queue in queues where config.queues[queue] == nil { config.queues[queue] = .always }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, source) in scripts {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try source.write(to: url, atomically: true, encoding: .utf8)
        }
        simulation = try Simulation(Simulation.Setup(scripts: folder, templates: templates, config: config, stdlib: stdlib), start: start)
        hook()
    }

    /// The example deployment in Scripts/.
    init(examplesAt start: Instant = World.start) throws {
        let config = try ConfigFile.load(contentsOf: examples.appendingPathComponent("parley.toml"))
        let templates = try TemplatesFile.load(contentsOf: examples.appendingPathComponent("templates.json").path)
        simulation = try Simulation(Simulation.Setup(scripts: examples, templates: templates, config: config, stdlib: stdlib), start: start)
        hook()
    }

    private func hook() {
        simulation.runtime.onRecord = { [unowned self] in records.append($0) }
        simulation.runtime.onLog = { [unowned self] source, line in logs.append("[\(source)] \(line)") }
    }

    // MARK: Driving

    /// Hands the runtime an event the test expects it to take: the in-memory store cannot
    /// fail, so an error here is the runtime refusing the event, and fails the test.
    @discardableResult
    func handle(_ event: RuntimeEvent, sourceLocation: SourceLocation = #_sourceLocation) -> EventOutcome {
        do {
            return try runtime.handle(event)
        } catch {
            Issue.record("the runtime refused \(event): \(error)", sourceLocation: sourceLocation)
            return .done
        }
    }

    func inbound(_ from: String, _ text: String) { handle(.inbound(Inbound(from: ContactID(from)!, content: .text(text)))) }
    func tap(_ from: String, reply id: String, title: String) { handle(.inbound(Inbound(from: ContactID(from)!, content: .reply(id: id, title: title)))) }
    func advance(_ span: String) { handle(.clock(now + Span(parsing: span)!)) }
    func advance(to instant: Instant) { handle(.clock(instant)) }
    /// Runs a macro; throws what the runtime throws (a macro that does not exist).
    @discardableResult
    func macro(_ name: String, _ to: String, _ args: JSONValue = [:]) throws -> MacroOutcome? {
        try runtime.handle(.macro(name, on: ContactID(to)!, arguments: args)).macroOutcome
    }
    func release(_ to: String, note: String? = nil) { handle(.release(ContactID(to)!, note: note)) }
    func clear() { records.removeAll() }

    // MARK: Reading the transcript

    func of(_ type: String) -> [TranscriptRecord] { records.filter { $0.type == type } }
    var sent: [TranscriptRecord] { of("sent") }
    var blocked: [TranscriptRecord] { of("blocked") }
    var escalated: [TranscriptRecord] { of("escalated") }
    var sentTexts: [String] { sent.compactMap { $0["text"]?.stringValue } }
    var transcript: String { records.map(\.line).joined(separator: "\n") }

    static let templates: [Template] = [
        Template(name: "order_update", language: "en_US", category: .utility, status: .approved, quality: .green,
                 body: "Update on order {{1}}: it is {{2}}."),
        Template(name: "spring_sale", language: "en_US", category: .marketing, status: .approved, quality: .green,
                 body: "Hi {{1}}, our sale starts today."),
    ]
}

/// A bot whose on_message runs `body`, with escalation to `queue`.
func bot(_ body: String, name: String = "test", queue: String? = "support", contact: String? = nil, extra: String = "") -> String {
    var path: [String] = []
    if let queue { path.append("queue = \"\(queue)\"") }
    if let contact { path.append("contact = \"\(contact)\"") }
    return """
    return bot {
      name = "\(name)",
      escalation = { \(path.joined(separator: ", ")) },
      on_message = function(conv, msg)
        \(body)
      end,
      \(extra)
    }
    """
}

let alice = "+14155550101"
let bob = "+14155550102"
/// A UK number: the platform delivers no marketing templates to US ones.
let carla = "+447700900103"
