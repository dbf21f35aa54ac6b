import Foundation
import ParleySandbox
import ParleyScripting

/// The scripts of one folder, by kind: bots and macros by name, at most one router,
/// automations in name order.
public final class ScriptSet {
    public private(set) var bots: [String: Script] = [:]
    public private(set) var router: Script?
    public private(set) var macros: [String: Script] = [:]
    public private(set) var automations: [Script] = []
    /// Whether any bot has `on_window_closing`: if none, no window needs watching.
    public private(set) var anyBotWatchesWindow = false

    public init() {}

    /// A problem with one file, for `parley check` and load errors.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let file: String
        public let message: String
        public var description: String { message.hasPrefix(file) ? message : "\(file): \(message)" }
    }

    public var all: [Script] {
        bots.values.sorted { $0.definition.name < $1.definition.name } + (router.map { [$0] } ?? [])
            + macros.values.sorted { $0.definition.name < $1.definition.name } + automations
    }

    /// The script files of a folder: its top-level `*.lua` files, except specs
    /// (`*_spec.lua`). Modules for `require` live in subfolders.
    public static func scriptFiles(in directory: URL) throws(ConfigError) -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw ConfigError("cannot read the scripts folder \(directory.path): it must be a folder of .lua files")
        }
        return names.filter { $0.hasSuffix(".lua") && !$0.hasSuffix("_spec.lua") }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// Loads every script in `directory`. Returns the set and every problem found; a file
    /// with a problem is left out, and the caller decides whether to go on. With `queues`,
    /// every queue a script names must be one of them.
    public static func load(from directory: URL, setup: ScriptSetup, queues: [String: QueueHours]? = nil) throws(ConfigError)
        -> (ScriptSet, [Problem])
    {
        let set = ScriptSet()
        var problems: [Problem] = []
        for file in try scriptFiles(in: directory) {
            let path = ModuleLibrary.displayPath(file)
            do {
                let script = try Script(contentsOf: file, setup: setup)
                if let queues {
                    let found = undeclaredQueues(of: script, at: file, path: path, declared: queues)
                    guard found.isEmpty else {
                        problems += found
                        continue
                    }
                }
                if let problem = set.add(script) { problems.append(Problem(file: path, message: problem)) }
            } catch {
                problems.append(Problem(file: path, message: error.description))
            }
        }
        return (set, problems)
    }

    /// The queues a script names, in its text or its escalation path, that are not declared.
    private static func undeclaredQueues(of script: Script, at file: URL, path: String, declared: [String: QueueHours]) -> [Problem] {
        let source = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        var problems: [Problem] = []
        var named = Set<String>()
        for reference in QueueReferences.named(in: source) where named.insert(reference.queue).inserted {
            if let problem = QueueReferences.problem(reference.queue, declared: declared) {
                problems.append(Problem(file: path, message: "\(path):\(reference.line): \(problem)"))
            }
        }
        if let queue = script.definition.escalation?.queue, !named.contains(queue), let problem = QueueReferences.problem(queue, declared: declared) {
            problems.append(Problem(file: path, message: "\(path): escalation: \(problem)"))
        }
        return problems
    }

    /// Adds a script; returns a problem when its name clashes.
    @discardableResult
    public func add(_ script: Script) -> String? {
        let d = script.definition
        switch d.kind {
        case .bot:
            if let other = bots[d.name] { return "bot '\(d.name)' is also defined in \(other.path); names must be unique" }
            bots[d.name] = script
            if d.has("on_window_closing") { anyBotWatchesWindow = true }
        case .router:
            if let other = router { return "a second router ('\(d.name)'); \(other.path) already defines router '\(other.definition.name)', and one router decides for all" }
            router = script
        case .macro:
            if let other = macros[d.name] { return "macro '\(d.name)' is also defined in \(other.path); names must be unique" }
            macros[d.name] = script
        case .automation:
            if let other = automations.first(where: { $0.definition.name == d.name }) {
                return "automation '\(d.name)' is also defined in \(other.path); names must be unique"
            }
            automations.append(script)
            automations.sort { $0.definition.name < $1.definition.name }
        }
        return nil
    }
}
