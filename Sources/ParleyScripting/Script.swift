import CLuaShim
import Foundation
import ParleyJSON
import ParleyPolicy
import ParleySandbox
import Synchronization

/// What every script's sandbox is built with.
public struct ScriptSetup {
    public var modules: ModuleLibrary
    public var limits: Budget
    public weak var host: (any ScriptHost)?

    public init(modules: ModuleLibrary, limits: Budget = .default, host: (any ScriptHost)?) {
        self.modules = modules
        self.limits = limits
        self.host = host
    }
}

/// One loaded script file: its definition and the sandbox its handlers run in.
///
/// A call that fails, by an error or a budget, throws the sandbox away and builds a new
/// one from the same source, so no state ever runs on half-broken.
public final class Script {
    public let path: String
    public let source: String
    public private(set) var definition: ScriptDefinition
    /// How many times the sandbox was rebuilt after a failed call.
    public private(set) var rebuilds = 0
    /// The file-level locals a call was found to have changed (and that were put back),
    /// each reported once.
    private var reportedLocals: Set<String> = []
    private let setup: ScriptSetup
    private var loaded: Loaded?

    private struct Loaded {
        let sandbox: LuaSandbox
        let conversations: ConversationBridge
    }

    /// What a handler returned, and its conversation as the script left it.
    public struct Result: Sendable, Equatable {
        public var values: [JSONValue]
        /// The conversation after the call, when it may have changed its `state` (the script
        /// read it) or its `language`; `nil` when there is nothing to write back.
        public var conversation: ConversationView?
        /// How many of the file's locals (and metamethod fields of its tables) the call had
        /// changed, all put back as the file left them; the name of the first, when it has
        /// not been reported before.
        public var restoredLocals = 0
        public var firstRestored: String?
    }

    public var identity: ScriptIdentity { ScriptIdentity(kind: definition.kind, name: definition.name) }

    /// Loads `source` (from `path`, as messages name it) and checks what it returns.
    public init(path: String, source: String, setup: ScriptSetup) throws(ScriptFailure) {
        self.path = path
        self.source = source
        self.setup = setup
        let (loaded, definition) = try Script.load(path: path, source: source, setup: setup, identity: nil)
        self.loaded = loaded
        self.definition = definition
    }

    public convenience init(contentsOf url: URL, setup: ScriptSetup) throws(ScriptFailure) {
        let path = ModuleLibrary.displayPath(url)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .error("\(path): cannot read the file") }
        guard let source = String(data: data, encoding: .utf8) else { throw .error("\(path): the file is not UTF-8 text") }
        try self.init(path: path, source: source, setup: setup)
    }

    /// Calls `handler` (a field such as `on_message`) at `instant`; `nil` when the script
    /// has none.
    public func call(_ handler: String, conversation: ConversationView? = nil, arguments: [JSONValue] = [], results: Int32 = 0,
                     at instant: Instant? = nil) throws(ScriptFailure) -> Result?
    {
        guard let ref = definition.handlers[handler] else { return nil }
        guard let loaded else {
            try rebuild()
            return try call(handler, conversation: conversation, arguments: arguments, results: results, at: instant)
        }
        do {
            var subject: ConversationBridge?
            if let conversation {
                loaded.conversations.prepare(conversation)
                subject = loaded.conversations
            }
            let called = try loaded.sandbox.call(ref, subject: subject, arguments: arguments, results: results,
                                                 seed: LuaSandbox.seed(conversation?.contact, at: instant))
            var restored = called.firstRestored
            if let name = restored, !reportedLocals.insert(name).inserted { restored = nil }
            return Result(values: called.values, conversation: subject?.after, restoredLocals: called.restoredLocals, firstRestored: restored)
        } catch {
            self.loaded = nil
            try? rebuild()
            throw error
        }
    }

    /// The current sandbox, for tests that inject allocation failures.
    var sandbox: LuaSandbox? { loaded?.sandbox }

    /// Bytes the script's state holds.
    public var memoryInUse: Int { loaded?.sandbox.memoryInUse ?? 0 }

    private func rebuild() throws(ScriptFailure) {
        let (fresh, definition) = try Script.load(path: path, source: source, setup: setup, identity: identity)
        guard definition.kind == self.definition.kind, definition.name == self.definition.name else {
            throw .error("\(path): the script defined something else when it was reloaded")
        }
        loaded = fresh
        self.definition = definition
        rebuilds += 1
    }

    private static func load(path: String, source: String, setup: ScriptSetup, identity: ScriptIdentity?) throws(ScriptFailure)
        -> (Loaded, ScriptDefinition)
    {
        let box = IdentityBox(identity)
        let primitives = Primitives(identity: box, host: setup.host)
        let start = setup.host?.now ?? Instant(millisecondsSinceEpoch: 0)
        let sandbox = try LuaSandbox.standard(
            limits: setup.limits, modules: setup.modules, now: { [weak host = setup.host] in host?.now ?? start },
            log: primitives.log, globals: primitives.globals)
        if !passedGlobalsCheck.withLock({ $0.contains(source) }) {
            try checkGlobals(in: source, path: path, known: sandbox.globalNames())
            passedGlobalsCheck.withLock { _ = $0.insert(source) }
        }
        let returned: (fields: [String: JSONValue], handlers: [String: FunctionRef])
        do {
            returned = try sandbox.runScript(source, chunkName: path)
        } catch .killed(let reason, let place) {
            throw .error("\(place ?? path): \(reason.message) while the file loaded")
        }
        let definition = try ScriptDefinition(file: path, fields: returned.fields, handlers: returned.handlers)
        box.identity = ScriptIdentity(kind: definition.kind, name: definition.name)
        let conversations = ConversationBridge(sandbox, methods: primitives.conversationMethods)
        return (Loaded(sandbox: sandbox, conversations: conversations), definition)
    }
}

/// The identity primitives send under: known only once the file has returned its table.
final class IdentityBox {
    var identity: ScriptIdentity?
    init(_ identity: ScriptIdentity?) { self.identity = identity }
}

/// Sources that passed the globals check: every sandbox has the same globals, so a source
/// that passed once passes again (a rebuilt state, a spec's next world).
private let passedGlobalsCheck = Mutex<Set<String>>([])

extension Script {
    /// Every global the file reads that nothing defines, with its line and the nearest name
    /// that exists: a misspelt primitive fails the load, not a conversation later.
    static func checkGlobals(in source: String, path: String, known: Set<String>) throws(ScriptFailure) {
        let unknown = GlobalNames.undeclared(in: source, known: known)
        guard !unknown.isEmpty else { return }
        let lines = unknown.map { use in
            let hint = Spelling.closest(to: use.name, among: known.filter { !$0.hasPrefix("_") }).map { "; did you mean '\($0)'?" } ?? ""
            return "\(path):\(use.line): '\(use.name)' is not defined: no global, local or parameter has that name\(hint)"
        }
        throw .error(lines.joined(separator: "\n"))
    }
}
