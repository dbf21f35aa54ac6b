import Foundation
import ParleyCloudAPI
import ParleyConfig
import ParleyRuntime
import ParleySimulation
import Testing

/// Every example scenario in Scripts/scenarios runs to the transcript recorded beside it
/// in Scripts/scenarios/expected, byte for byte, and twice in a row gives the same bytes.
/// After an intended change, record again with PARLEY_RECORD_TRANSCRIPTS=1 and review the diff.
@Suite("Example scenarios")
struct ExampleScenarioTests {
    static let folder = examples.appendingPathComponent("scenarios")
    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        .filter { $0.hasSuffix(".jsonl") }.map { String($0.dropLast(6)) }.sorted()

    static func transcript(of name: String) throws -> String {
        let scenario = try Scenario(contentsOf: folder.appendingPathComponent("\(name).jsonl"))
        let config = try ConfigFile.load(contentsOf: examples.appendingPathComponent("parley.toml"))
        let templates = try TemplatesFile.load(contentsOf: examples.appendingPathComponent("templates.json").path)
        let simulation = try Simulation(Simulation.Setup(scripts: examples, templates: templates, config: config, stdlib: stdlib), start: scenario.start)
        try simulation.validate(scenario)
        var lines: [String] = []
        simulation.run(scenario) { lines.append($0.line) }
        return lines.map { $0 + "\n" }.joined()
    }

    @Test("there is a scenario for each example script")
    func everyExampleHasAScenario() {
        for name in ["orders", "router", "shipping_update", "apology_credit", "nudge", "demo"] {
            #expect(Self.names.contains(name), "Scripts/scenarios/\(name).jsonl is missing")
        }
    }

    @Test("the scenario gives its recorded transcript, and the same bytes twice", arguments: names)
    func matchesRecording(_ name: String) throws {
        let first = try Self.transcript(of: name)
        let second = try Self.transcript(of: name)
        #expect(first == second)
        let expected = Self.folder.appendingPathComponent("expected/\(name).jsonl")
        if ProcessInfo.processInfo.environment["PARLEY_RECORD_TRANSCRIPTS"] == "1" {
            try FileManager.default.createDirectory(at: expected.deletingLastPathComponent(), withIntermediateDirectories: true)
            try first.write(to: expected, atomically: true, encoding: .utf8)
        }
        let recorded = try String(contentsOf: expected, encoding: .utf8)
        #expect(first == recorded, "\(name): the transcript differs from Scripts/scenarios/expected/\(name).jsonl")
    }
}
