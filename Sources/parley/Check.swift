import ArgumentParser
import Foundation
import ParleyCloudAPI
import ParleySandbox
import ParleyPolicy
import ParleyRuntime
import ParleyTesting

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load every script in a folder and report each problem.",
        discussion: "Exit status 0 when every script loads, 1 when any has a problem, 2 when the folder itself cannot be read."
    )

    @Argument(help: "The scripts folder.")
    var directory: String

    @Option(help: "Also check a templates file.")
    var templates: String?

    @Option(help: "The Stdlib folder (default: found as for simulate).")
    var stdlib: String?

    func run() throws {
        let world = WorldPaths(scripts: directory, templates: templates, config: nil, stdlib: stdlib)
        let stdlibURL: URL
        switch world.locateStdlib() {
        case .success(let url): stdlibURL = url
        case .failure(let missing):
            complain("parley check: \(missing.message)")
            throw Exit.cannotLoad
        }
        var problems: [String] = []
        var config = RuntimeConfig()
        do { config = try world.loadConfig() } catch { problems.append(error.message) }
        if let path = world.templatesPath { problems += TemplatesFile.check(contentsOf: path).problems.map(\.description) }

        let runtime = try Runtime(config: config, clock: ManualClock(Instant(millisecondsSinceEpoch: 0)))
        let modules = ModuleLibrary(stdlib: stdlibURL, scripts: world.scriptsURL)
        let scripts: ScriptSet
        do {
            let (loaded, found) = try ScriptSet.load(from: world.scriptsURL, setup: runtime.scriptSetup(modules: modules), queues: config.queues)
            scripts = loaded
            problems += found.map(\.description)
        } catch {
            complain("parley check: \(error.message)")
            throw Exit.cannotLoad
        }
        if case .bot(let name)? = config.defaultRoute, scripts.bots[name] == nil {
            problems.append("parley.toml: default_route names bot '\(name)', which no script defines")
        }
        let warnings = self.warnings(scripts, config) + escalationCoverage(scripts, stdlib: stdlibURL)

        for problem in problems { print(problem) }
        for warning in warnings { print("warning: \(warning)") }
        let summary = describe(scripts)
        if problems.isEmpty {
            print("ok: \(summary)" + (warnings.isEmpty ? "" : " (\(warnings.count) warning\(warnings.count == 1 ? "" : "s"))"))
        } else {
            print("\(problems.count) problem\(problems.count == 1 ? "" : "s"); loaded \(summary)")
            throw Exit.problems
        }
    }

    /// What loads but may not work as its author expects.
    func warnings(_ scripts: ScriptSet, _ config: RuntimeConfig) -> [String] {
        var out: [String] = []
        if scripts.router == nil, config.defaultRoute == nil, scripts.bots.count > 1 {
            out.append("\(scripts.bots.count) bots and no router: conversations nobody owns go to human:\(config.defaultQueue); add a router or default_route in parley.toml")
        }
        return out
    }

    /// The platform requires every bot's path to a person to work: runs the folder's specs
    /// and names each bot whose escalation no test takes.
    func escalationCoverage(_ scripts: ScriptSet, stdlib: URL) -> [String] {
        guard !scripts.bots.isEmpty else { return [] }
        let files = (try? SpecRunner.specFiles(in: [directory])) ?? []
        let summary = SpecRunner(stdlib: stdlib).run(files)
        var out: [String] = []
        let folder = URL(fileURLWithPath: directory)
        for name in scripts.bots.keys.sorted() where !summary.escalatedBots.contains(EscalatedBot(scripts: folder, bot: name)) {
            let where_ = files.isEmpty ? "there are no specs (*_spec.lua) in \(directory)" : "no spec in \(directory) escalates it"
            out.append("bot '\(name)': \(where_); the platform requires its path to a person to work. Add a test such as: w:inbound(contact, \"agent\"); assert.escalated(w, { reason = \"keyword\" })")
        }
        if summary.failed > 0 {
            out.append("\(summary.failed) spec test\(summary.failed == 1 ? "" : "s") failed; run parley test \(directory)")
        }
        return out
    }

    func describe(_ scripts: ScriptSet) -> String {
        var parts: [String] = []
        let bots = scripts.bots.keys.sorted()
        if !bots.isEmpty { parts.append("bots \(bots.joined(separator: ", "))") }
        if let router = scripts.router { parts.append("router \(router.definition.name)") }
        let macros = scripts.macros.keys.sorted()
        if !macros.isEmpty { parts.append("macros \(macros.joined(separator: ", "))") }
        let automations = scripts.automations.map(\.definition.name)
        if !automations.isEmpty { parts.append("automations \(automations.joined(separator: ", "))") }
        return parts.isEmpty ? "no scripts" : parts.joined(separator: "; ")
    }
}
