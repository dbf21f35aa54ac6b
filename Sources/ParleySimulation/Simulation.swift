import Foundation
import ParleyCloudAPI
import ParleyIngest
import ParleyJSON
import ParleySandbox
import ParleyPolicy
import ParleyRuntime

/// A runtime on a simulated clock, with scripts and a template catalog, driven by
/// scenario events. Nothing sleeps: advancing the clock runs whatever falls due, in time
/// order, at its own instant.
public final class Simulation {
    public let runtime: Runtime
    public let clock: ManualClock
    private var ingest = WebhookIngest()
    private let decoder = WebhookDecoder()

    /// Everything a simulation is made of.
    public struct Setup {
        public var scripts: URL
        public var templates: [Template]
        public var config: RuntimeConfig
        public var stdlib: URL
        /// Where `require` finds modules: by default a library of `stdlib` and `scripts` of its
        /// own; many simulations of one folder (a spec run) share one, and read each file once.
        public var modules: ModuleLibrary

        public init(scripts: URL, templates: [Template], config: RuntimeConfig, stdlib: URL, modules: ModuleLibrary? = nil) {
            self.scripts = scripts
            self.templates = templates
            self.config = config
            self.stdlib = stdlib
            self.modules = modules ?? ModuleLibrary(stdlib: stdlib, scripts: scripts)
        }
    }

    /// Builds the world at `start`. Scripts that do not load are all reported at once.
    public init(_ setup: Setup, start: Instant) throws(SimulationError) {
        clock = ManualClock(start)
        var catalog = TemplateCatalog(setup.templates)
        catalog.timePauses(at: start, pauses: setup.config.policy.templatePauses)
        let store = InMemoryStore(catalog: catalog)
        do {
            runtime = try Runtime(config: setup.config, clock: clock, store: store)
        } catch {
            throw SimulationError(["the runtime cannot start: \(error)"])
        }
        let loaded: (ScriptSet, [ScriptSet.Problem])
        do {
            loaded = try ScriptSet.load(from: setup.scripts, setup: runtime.scriptSetup(modules: setup.modules), queues: setup.config.queues)
        } catch {
            throw SimulationError([error.message])
        }
        guard loaded.1.isEmpty else { throw SimulationError(loaded.1.map(\.description)) }
        runtime.install(loaded.0)
        let channel = runtime.channel as? RecordingChannel
        ingest = WebhookIngest(statusEvents: { status in WebhookIngest.events(for: status, of: Self.dispatch(of: status, in: channel)) })
    }

    /// The message a status is about. A simulated send has no platform id, so a status names
    /// it by Parley's id (`out-3`), in `id` or, as the server sends it, in
    /// `biz_opaque_callback_data`.
    private static func dispatch(of status: MessageStatus, in channel: RecordingChannel?) -> Dispatch? {
        let id = status.callbackData ?? status.id
        return channel?.delivered(id: id)
    }

    /// Checks what the scenario names against the world: macros and templates must exist.
    public func validate(_ scenario: Scenario) throws(ScenarioError) {
        for step in scenario.steps {
            switch step.event {
            case .runtime(.macro(let name, _, _, _)) where runtime.scripts.macros[name] == nil:
                let known = runtime.scripts.macros.keys.sorted()
                throw ScenarioError(file: "scenario", line: step.line,
                    "macro \"\(name)\" is not defined" + (known.isEmpty ? " (the scripts define no macros)" : "; macros: \(known.joined(separator: ", "))"))
            case .runtime(.inbound(let message)) where message.from.number.map({ runtime.config.policy.pacing.numbersPerSecond[$0] == nil }) ?? false:
                let declared = ([ContactID.defaultNumber] + runtime.config.policy.pacing.numbersPerSecond.keys.sorted()).joined(separator: ", ")
                throw ScenarioError(file: "scenario", line: step.line,
                    "number \"\(message.from.numberName)\" is not one of the deployment's (\(declared)); declare it as [numbers.\(message.from.numberName)] in parley.toml")
            case .runtime(.templateStatus(let key, _)), .runtime(.templateQuality(let key, _)), .runtime(.templateCategory(let key, _)):
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
        handle(.clock(clock.now), line: 0)
        return .finished
    }

    /// Moves the clock to the step's instant (running what falls due), then applies it.
    public func apply(_ step: Scenario.Step) {
        handle(.clock(step.at), line: step.line)
        apply(step.event, line: step.line)
    }

    public func apply(_ event: Scenario.Event, line: Int = 0) {
        switch event {
        case .runtime(let event):
            handle(event, line: line)
        case .advance:
            break
        case .webhook(let body):
            do {
                for text in try ingest.apply(decoder.decode(body), to: runtime) { note(line, "webhook: \(text)") }
            } catch {
                note(line, "webhook: \(error)")
            }
        case .status(let status):
            do {
                for text in try ingest.apply(WebhookBatch(events: [.status(status)]), to: runtime) { note(line, "status: \(text)") }
            } catch {
                note(line, "status: \(error)")
            }
        }
    }

    /// Hands an event to the runtime. What it refuses (a macro or template that does not
    /// exist, a claim on another agent's conversation) is a note, not the end of the run:
    /// an in-memory store has nothing else to throw.
    public func handle(_ event: RuntimeEvent, line: Int = 0) {
        do {
            try runtime.handle(event)
        } catch {
            note(line, "\(error)")
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
