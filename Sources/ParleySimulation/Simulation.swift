import Foundation
import ParleyCloudAPI
import ParleyJSON
import ParleyLua
import ParleyPolicy
import ParleyRuntime

/// A runtime on a simulated clock, with scripts and a template catalog, driven by
/// scenario events. Nothing sleeps: advancing the clock runs whatever falls due, in time
/// order, at its own instant.
public final class Simulation {
    public let runtime: Runtime
    public let clock: ManualClock
    private let ingest = WebhookIngest()
    private let decoder = WebhookDecoder()

    /// Everything a simulation is made of.
    public struct Setup {
        public var scripts: URL
        public var templates: [Template]
        public var config: RuntimeConfig
        public var stdlib: URL

        public init(scripts: URL, templates: [Template], config: RuntimeConfig, stdlib: URL) {
            self.scripts = scripts
            self.templates = templates
            self.config = config
            self.stdlib = stdlib
        }
    }

    /// Builds the world at `start`. Scripts that do not load are all reported at once.
    public init(_ setup: Setup, start: Instant) throws(SimulationError) {
        clock = ManualClock(start)
        let store = InMemoryStore(catalog: TemplateCatalog(setup.templates), limitWindow: setup.config.policy.limitWindow)
        runtime = Runtime(config: setup.config, clock: clock, store: store)
        let modules = ModuleLibrary(stdlib: setup.stdlib, scripts: setup.scripts)
        let loaded: (ScriptSet, [ScriptSet.Problem])
        do {
            loaded = try ScriptSet.load(from: setup.scripts, setup: runtime.scriptSetup(modules: modules))
        } catch {
            throw SimulationError([error.message])
        }
        guard loaded.1.isEmpty else { throw SimulationError(loaded.1.map(\.description)) }
        runtime.install(loaded.0)
    }

    /// Checks what the scenario names against the world: macros and templates must exist.
    public func validate(_ scenario: Scenario) throws(ScenarioError) {
        for step in scenario.steps {
            switch step.event {
            case .macro(let name, _, _) where runtime.scripts.macros[name] == nil:
                let known = runtime.scripts.macros.keys.sorted()
                throw ScenarioError(file: "scenario", line: step.line,
                    "macro \"\(name)\" is not defined" + (known.isEmpty ? " (the scripts define no macros)" : "; macros: \(known.joined(separator: ", "))"))
            case .templateStatus(let key, _), .templateQuality(let key, _), .templateCategory(let key, _):
                if runtime.store.catalog[key] == nil {
                    throw ScenarioError(file: "scenario", line: step.line, "no template \(key) in the templates file")
                }
            default:
                continue
            }
        }
    }

    /// How a run ended.
    public enum Ending: Sendable, Equatable {
        case finished
        /// Stopped at its time limit, at `reached` on the simulated clock, with `stepsLeft`
        /// scenario steps not applied and `agenda` items waiting.
        case stopped(reached: Instant, stepsLeft: Int, agenda: Int)
    }

    /// Runs every step in order. Each record goes to `emit` as it happens. With a
    /// `timeLimit`, a run that takes longer (a timer that re-arms itself for ever, a
    /// scenario of years) stops where it has got to.
    @discardableResult
    public func run(_ scenario: Scenario, timeLimit: Duration? = nil, emit: @escaping (TranscriptRecord) -> Void) -> Ending {
        runtime.onRecord = emit
        let deadline = timeLimit.map { ContinuousClock.now + $0 }  // wall-clock ok: the run's time limit
        let pastDeadline = { deadline.map { ContinuousClock.now >= $0 } ?? false }  // wall-clock ok
        runtime.shouldStopAdvancing = pastDeadline
        defer { runtime.shouldStopAdvancing = nil }
        for (index, step) in scenario.steps.enumerated() {
            apply(step)
            if pastDeadline() {
                return .stopped(reached: clock.now, stepsLeft: scenario.steps.count - index - 1, agenda: runtime.pendingWork)
            }
        }
        runtime.advance(to: clock.now)
        return .finished
    }

    /// Moves the clock to the step's instant (running what falls due), then applies it.
    public func apply(_ step: Scenario.Step) {
        runtime.advance(to: step.at)
        apply(step.event, line: step.line)
    }

    public func apply(_ event: Scenario.Event, line: Int = 0) {
        switch event {
        case .inbound(let message): runtime.receive(message)
        case .advance: break
        case .macro(let name, let to, let arguments):
            do { try runtime.runMacro(name, on: to, arguments: arguments) } catch { note(line, error.description) }
        case .agentReply(let to, let message): runtime.agentReply(message, to: to)
        case .release(let contact, let note): runtime.release(contact, note: note)
        case .templateStatus(let key, let status):
            do { try runtime.templateStatus(key, status) } catch { note(line, error.description) }
        case .templateQuality(let key, let quality):
            do { try runtime.templateQuality(key, quality) } catch { note(line, error.description) }
        case .templateCategory(let key, let category):
            do { try runtime.templateCategory(key, category) } catch { note(line, error.description) }
        case .optIn(let contact): runtime.optIn(contact)
        case .optOut(let contact): runtime.optOut(contact)
        case .limit(let tier): runtime.setTier(tier)
        case .numberStatus(let status): runtime.setNumberStatus(status)
        case .identityChanged(let contact): runtime.identityChanged(contact)
        case .identityAck(let contact): runtime.acknowledgeIdentity(contact)
        case .webhook(let body):
            for text in ingest.apply(decoder.decode(body), to: runtime) { note(line, "webhook: \(text)") }
        }
    }

    private func note(_ line: Int, _ text: String) {
        runtime.onLog("scenario", line > 0 ? "line \(line): \(text)" : text)
    }
}

/// A simulation that cannot start: every problem found, one a line.
public struct SimulationError: Error, Sendable, CustomStringConvertible {
    public let problems: [String]
    public init(_ problems: [String]) { self.problems = problems }
    public var description: String { problems.joined(separator: "\n") }
}
