import Foundation
import ParleyJSON
import ParleySandbox
import ParleyPolicy
import ParleyRuntime
import ParleySimulation

/// One spec file in a sandbox of its own: the spec library bound to this file's worlds,
/// its tests declared, and run one at a time.
final class SpecFile {
    let url: URL
    let path: String
    let stdlib: URL
    let budget: Budget
    let worlds: SpecWorlds
    private var sandbox: LuaSandbox?
    private var controls: (tests: FunctionRef, run: FunctionRef)?
    private let cache: SpecCache

    /// What the spec library's bootstrap does in each state: bind the library to this
    /// runner, and make describe, it, assert, world... globals.
    static let bootstrap = """
    local runner, locate = ...
    require("parley.spec").install(runner, locate, _G)
    """

    init(url: URL, stdlib: URL, budget: Budget, cache: SpecCache) {
        self.cache = cache
        self.url = url
        self.path = ModuleLibrary.displayPath(url)
        self.stdlib = stdlib
        self.budget = budget
        self.worlds = SpecWorlds(folder: url.deletingLastPathComponent(), stdlib: stdlib, cache: cache,
                                 wallBudget: .milliseconds(budget.wallMilliseconds))
    }

    /// The tests the file declares: the full name (describe blocks › title), the title alone,
    /// and whether it is pending.
    func load() throws(ScriptFailure) -> [(name: String, title: String, pending: Bool)] {
        guard let data = FileManager.default.contents(atPath: url.path), let source = String(data: data, encoding: .utf8) else {
            throw .error("\(path): cannot read the file")
        }
        let modules = cache.modules(stdlib: stdlib, scripts: url.deletingLastPathComponent())
        let log = HostFunction("log", [.init("values", .restAsText)], returns: "nothing") { [unowned self] args in
            worlds.onLog("[\(path)] " + (args[0].arrayValue?.compactMap(\.stringValue).joined(separator: "\t") ?? ""))
            return []
        }
        let start = Scenario.defaultStart
        let sandbox = try LuaSandbox.standard(limits: budget, modules: modules, now: { start }, log: log, globals: [])
        try sandbox.runTrusted(Self.bootstrap, chunkName: "=(spec runner)", with: runnerFunctions())
        do {
            try sandbox.runFile(source, chunkName: path)
        } catch .killed(let reason, let place) {
            throw .error("\(place ?? path): \(reason.message) while the file loaded")
        }
        guard let controls else { throw .error("\(path): the spec library did not start") }
        self.sandbox = sandbox
        let list = try sandbox.call(controls.tests, [], results: 1).first?.arrayValue ?? []
        return list.map { ($0["name"]?.stringValue ?? "?", $0["title"]?.stringValue ?? $0["name"]?.stringValue ?? "?", $0["pending"]?.boolValue ?? false) }
    }

    /// Runs test `index` (from 1) and returns its status and message. A test stopped by its
    /// budget poisons the state, so the file is loaded afresh for the next one.
    func run(_ index: Int) -> (status: SpecResult.Status, message: String?) {
        worlds.startTest()
        defer { worlds.finishTest() }
        guard let sandbox, let controls else { return (.error, "\(path): the file is not loaded") }
        do {
            let outcome = try sandbox.call(controls.run, [.int(Int64(index))], results: 1).first ?? .null
            let status = SpecResult.Status(rawValue: outcome["status"]?.stringValue ?? "") ?? .error
            return (status, outcome["message"]?.stringValue)
        } catch {
            self.sandbox = nil
            self.controls = nil
            let message: String
            if case .killed(let reason, let place) = error {
                message = "\(place ?? path): test stopped: \(reason.message)" + (worlds.stopNote.map { " (\($0))" } ?? "")
            } else {
                message = error.description
            }
            _ = try? load()
            return (.error, message)
        }
    }

    /// The transcript's record schema as the spec library reads it: each kind's fields,
    /// `at` and `type` included, and the JSON type of each.
    static let recordSchema: JSONValue = .object(TranscriptSchema.kinds.mapValues { own in
        .object(Dictionary(uniqueKeysWithValues: (TranscriptSchema.common + own).map { ($0.name, .string($0.type.rawValue)) }))
    })

    private func runnerFunctions() -> [String: HostFunction] {
        [
            "controls": HostFunction("controls", [.init("tests", .function), .init("run", .function)], returns: "nothing") { [unowned self] args in
                controls = (FunctionRef(reference: args[0].integerValue ?? 0), FunctionRef(reference: args[1].integerValue ?? 0))
                return []
            },
            "new": HostFunction("world", [.init("options", .table)], returns: "world id") { [unowned self] args throws(HostError) in
                [.int(try worlds.create(args[0].objectValue ?? [:]))]
            },
            "event": HostFunction("event", [.init("world", .integer), .init("event", .table)], returns: "nothing") { [unowned self] args throws(HostError) in
                try worlds.apply(args[0].integerValue ?? 0, args[1])
                return []
            },
            "records": HostFunction("records", [.init("world", .integer), .init("from", .integer)], returns: "records") { [unowned self] args throws(HostError) in
                [.array(try worlds.records(args[0].integerValue ?? 0, from: Int(args[1].integerValue ?? 0)))]
            },
            "lines": HostFunction("lines", [.init("world", .integer), .init("from", .integer)], returns: "lines") { [unowned self] args throws(HostError) in
                [.array(try worlds.lines(args[0].integerValue ?? 0, from: Int(args[1].integerValue ?? 0)).map(JSONValue.string))]
            },
            "cost": HostFunction("cost", [.init("world", .integer), .init("from", .integer)], returns: "table or nil") { [unowned self] args throws(HostError) in
                [try worlds.cost(args[0].integerValue ?? 0, from: Int(args[1].integerValue ?? 0))]
            },
            "info": HostFunction("conversation", [.init("world", .integer), .init("contact", .string)], returns: "table") { [unowned self] args throws(HostError) in
                [try worlds.conversation(args[0].integerValue ?? 0, args[1].stringValue ?? "")]
            },
            "now": HostFunction("now", [.init("world", .integer)], returns: "number") { [unowned self] args throws(HostError) in
                [.int(try worlds.now(args[0].integerValue ?? 0).millisecondsSinceEpoch / 1000)]
            },
            "contact": HostFunction("contact", [.init("contact", .value)], returns: "string") { args in
                [args[0].textValue.flatMap(ContactID.init).map { .string($0.description) } ?? args[0]]
            },
            "schema": HostFunction("schema", [], returns: "table") { _ in
                [Self.recordSchema]
            },
            "finish": HostFunction("finish", [], returns: "nothing") { [unowned self] _ in
                worlds.finishTest()
                return []
            },
        ]
    }
}
