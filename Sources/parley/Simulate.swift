import ArgumentParser
import Foundation
import ParleyRuntime
import ParleySimulation

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario on a simulated clock and print its transcript (JSON Lines).",
        discussion: """
        Standard output carries only transcript records; script logs go to standard error. \
        Exit status 0 when the scenario ran to its end (script errors included), 2 when the \
        scenario, templates, configuration or scripts cannot load, 3 when the run reached its \
        time limit and stopped.
        """
    )

    @OptionGroup var world: WorldOptions

    @Option(help: "The scenario: one JSON event a line.")
    var scenario: String

    @Option(help: "Also write every policy decision, with its inputs, to this file (JSON Lines): why each message went or not.")
    var audit: String?

    @Flag(name: [.short, .long], help: "Do not print script logs on standard error.")
    var quiet = false

    @Option(help: "Stop after this many seconds of real time, where the run has got to (0: no limit).")
    var timeLimit: Int = 60

    func validate() throws {
        guard (0...86_400).contains(timeLimit) else { throw ValidationError("--time-limit must be from 0 (no limit) to 86400 seconds") }
    }

    func run() throws {
        let setup: Simulation.Setup
        let scenario: Scenario
        let simulation: Simulation
        do {
            setup = try world.paths.setup()
            scenario = try Scenario(contentsOf: URL(fileURLWithPath: self.scenario))
            simulation = try Simulation(setup, start: scenario.start)
            try simulation.validate(scenario)
        } catch {
            complain("parley simulate: cannot start:\n\(error)")
            throw Exit.cannotLoad
        }

        var auditLines: [String] = []
        if audit != nil {
            simulation.runtime.onDecision = { auditLines.append($0.auditRecord.encoded()) }
        }
        if !quiet {
            complain("parley simulate: " + world.paths.catalogNote(setup.templates.count))
            simulation.runtime.onLog = { source, line in complain("[\(source)] \(line)") }
        }
        let output = BufferedOutput()
        let pricing = setup.config.policy.pricing
        var cost = CostTally(currency: pricing.currency)
        let ending = simulation.run(scenario, timeLimit: timeLimit > 0 ? .seconds(timeLimit) : nil) { record in
            output.write(record)
            cost.add(record)
        }
        output.flush()
        // Only a deployment with prices has a cost to report; standard output is the same either way.
        if pricing.hasRates { complain("parley simulate: estimated cost \(cost.summary)") }

        if let audit {
            let text = auditLines.map { $0 + "\n" }.joined()
            guard FileManager.default.createFile(atPath: audit, contents: Data(text.utf8)) else {
                complain("parley simulate: cannot write the audit file \(audit)")
                throw Exit.cannotLoad
            }
        }
        if case .stopped(let reached, let stepsLeft, let agenda) = ending {
            complain("""
                parley simulate: stopped after \(timeLimit) s of real time, at \(reached.iso8601) on the simulated clock, \
                with \(stepsLeft) scenario steps not run and \(agenda) items on the agenda (does a timer keep setting \
                another?); the transcript so far is above. Use --time-limit to allow longer.
                """)
            throw Exit.stopped
        }
    }
}
