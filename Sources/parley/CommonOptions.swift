import ArgumentParser
import Foundation
import ParleyCloudAPI
import ParleyConfig
import ParleySandbox
import ParleyPolicy
import ParleyRuntime
import ParleySimulation

/// Exit statuses: 0 ran, 1 found problems (check, test), 2 could not load.
enum Exit {
    static let problems = ExitCode(1)
    static let cannotLoad = ExitCode(2)
    /// A run that reached its time limit and stopped where it had got to.
    static let stopped = ExitCode(3)
}

/// Writes a line to standard error: messages for people; standard output carries only data.
func complain(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// The deployment configuration `command` runs with; on a mistake, the error names the key
/// and the command exits 2.
func loadDeployment(_ path: String, for command: String) throws -> DeploymentConfig {
    do {
        return try ConfigFile.loadDeployment(contentsOf: URL(fileURLWithPath: path))
    } catch {
        complain("\(command): \(error.message)")
        throw Exit.cannotLoad
    }
}

struct WorldOptions: ParsableArguments {
    @Option(help: "The scripts folder: bots, routers, macros and automations (*.lua).")
    var scripts: String

    @Option(help: "The templates file: a Graph API message_templates response ({\"data\": [...]}) or its array.")
    var templates: String?

    @Option(help: "A parley.toml configuration (default: parley.toml in the scripts folder, if any).")
    var config: String?

    @Option(help: "The Stdlib folder (default: $PARLEY_STDLIB, ./Stdlib, Stdlib beside the executable or in its share/parley, else the built-in one).")
    var stdlib: String?

    var paths: WorldPaths { WorldPaths(scripts: scripts, templates: templates, config: config, stdlib: stdlib) }
}

/// Where a world's pieces are: scripts, templates, configuration and Stdlib.
struct WorldPaths {
    var scripts: String
    var templates: String?
    var config: String?
    var stdlib: String?

    var scriptsURL: URL { URL(fileURLWithPath: scripts) }

    func loadConfig() throws(ConfigError) -> RuntimeConfig {
        if let config { return try ConfigFile.load(contentsOf: URL(fileURLWithPath: config)) }
        let beside = scriptsURL.appendingPathComponent("parley.toml")
        guard FileManager.default.fileExists(atPath: beside.path) else { return RuntimeConfig() }
        return try ConfigFile.load(contentsOf: beside)
    }

    /// The templates file: the one given, else `templates.json` in the scripts folder when
    /// there is one (as `parley test` reads it), else none.
    var templatesPath: String? {
        if let templates { return templates }
        let beside = scriptsURL.appendingPathComponent("templates.json").path
        return FileManager.default.fileExists(atPath: beside) ? beside : nil
    }

    func loadTemplates() throws(TemplatesFileError) -> [Template] {
        guard let path = templatesPath else { return [] }
        return try TemplatesFile.load(contentsOf: path)
    }

    /// Which catalog a run has, in a sentence for standard error.
    func catalogNote(_ count: Int) -> String {
        guard let path = templatesPath else {
            return "no templates file: the catalog is empty, so every template is refused; give --templates, or put templates.json in \(scripts)"
        }
        return "templates: \(count) from \(ModuleLibrary.displayPath(URL(fileURLWithPath: path)))"
    }

    func locateStdlib() -> Result<URL, StdlibMissing> {
        StdlibLocation.find(given: stdlib)
    }

    /// Everything a simulation needs, or the reason it cannot start.
    func setup() throws(SimulationError) -> Simulation.Setup {
        var problems: [String] = []
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: scripts, isDirectory: &isDirectory) || !isDirectory.boolValue {
            problems.append("--scripts \(scripts): no such folder; give the folder that holds your .lua scripts")
        }
        var stdlib: URL?
        switch locateStdlib() {
        case .success(let url): stdlib = url
        case .failure(let missing): problems.append(missing.message)
        }
        var config = RuntimeConfig()
        do { config = try loadConfig() } catch { problems.append(error.message) }
        var templates: [Template] = []
        do { templates = try loadTemplates() } catch { problems.append(error.description) }
        guard problems.isEmpty, let stdlib else { throw SimulationError(problems) }
        return Simulation.Setup(scripts: scriptsURL, templates: templates, config: config, stdlib: stdlib)
    }
}
