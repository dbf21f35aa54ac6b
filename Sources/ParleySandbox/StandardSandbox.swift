import CLuaShim
import ParleyJSON
import ParleyPolicy

extension LuaSandbox {
    /// A sandbox with Parley's environment: the safe libraries, `text.*`, `os.*` on the
    /// given clock, `require` confined to `modules`, `print` to `log`, the script
    /// constructors, and `globals` (such as the primitives). Scripts and specs both start
    /// from it.
    public static func standard(
        limits: Budget, modules: ModuleLibrary, now: @escaping () -> Instant, log: HostFunction, globals: [HostFunction]
    ) throws(ScriptFailure) -> LuaSandbox {
        let sandbox = try LuaSandbox(limits: limits)
        for f in globals { sandbox.define(f) }
        for f in TextLibrary.functions { sandbox.define(f, in: "text") }
        for f in ClockLibrary.functions(now: now, start: now()) { sandbox.define(f, in: "os") }
        let readModule = HostFunction("require", [.init("name", .string)], returns: "source, chunk name") { args throws(HostError) in
            let module = try modules.module(args[0].stringValue ?? "")
            return [.string(module.source), .string(module.chunkName)]
        }
        do {
            try sandbox.runPrelude(Prelude.source, readModule: readModule, log: log, delayProblem: delayProblem, scheduleProblem: scheduleProblem)
        } catch {
            throw .error("cannot prepare the sandbox: \(error)")
        }
        sandbox.markHostObjects()
        return sandbox
    }

    /// What is wrong with a delay, in the one parser's words, or nil: lets the script
    /// constructors refuse a bad `every` at the script's line. A value that is not text nor
    /// a number comes as nil and how the script shows it (`a table`).
    static var delayProblem: HostFunction { HostFunction("delay_problem", [.init("delay", .value, optional: true, maxBytes: 256),
                                                             .init("shown", .string, optional: true, maxBytes: 256)],
                                           returns: "message or nil") { args throws(HostError) in
        do throws(DelayError) {
            switch args[0] {
            case .string(let text): _ = try Span(delay: text)
            case .int(let n): _ = try Span(delaySeconds: n)
            case .double(let x): _ = try Span(delaySeconds: x)
            default: throw DelayError(given: args[1].stringValue ?? "nothing")
            }
            return [.null]
        } catch {
            return [.string(error.message)]
        }
    } }

    /// What is wrong with an automation's local schedule (`at`, `days`, `tz`), in the one
    /// parser's words, or nil: the constructor refuses it at the script's line.
    static var scheduleProblem: HostFunction { HostFunction("schedule_problem", [.init("at", .value, optional: true, maxBytes: 1024),
                                                                .init("days", .value, optional: true, maxBytes: 256),
                                                                .init("tz", .value, optional: true, maxBytes: 256)],
                                              returns: "message or nil") { args throws(HostError) in
        let times: [String]
        switch args[0] {
        case .string(let text): times = [text]
        case .array(let items) where items.allSatisfy({ $0.stringValue != nil }): times = items.compactMap(\.stringValue)
        default: return [.string("at must be a time of day such as \"08:00\", or a list of them: { \"08:00\", \"17:30\" }")]
        }
        for (value, field) in [(args[1], "days"), (args[2], "tz")] where value != .null && value.stringValue == nil {
            return [.string("\(field) must be a string such as \(field == "days" ? "\"Mon-Fri\"" : "\"America/New_York\"")")]
        }
        do throws(ScheduleError) {
            _ = try DailySchedule(at: times, days: args[1].stringValue, tz: args[2].stringValue)
            return [.null]
        } catch {
            return [.string(error.message)]
        }
    } }

    /// Runs trusted host code (such as the spec library's bootstrap) with the global table
    /// as its environment. It receives, as `...`, a table of `functions` by name and the
    /// `locate` wrapper, so neither is ever a global.
    public func runTrusted(_ source: String, chunkName: String, with functions: [String: HostFunction]) throws(ScriptFailure) {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        try compile(source, chunkName: chunkName)
        host {
            lua_createtable(L, 0, Int32(functions.count))
            for (name, function) in functions.sorted(by: { $0.key < $1.key }) {
                pushHostFunctionForPrelude(function)
                lua_setfield(L, -2, name)
            }
            lua_pushcclosure(L, parley_lua_locate, 0)
        }
        try protectedCall(arguments: 2, results: 0)
    }

    /// Runs a file of Lua in a new environment of its own, ignoring what it returns; the
    /// environment is sealed after. For spec files.
    public func runFile(_ source: String, chunkName: String) throws(ScriptFailure) {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        let status = host { parley_new_env(L) }
        guard status == LUA_OK else { throw .error("cannot create the file's environment") }
        let env = lua_gettop(L)
        try compile(source, chunkName: chunkName)
        host {
            lua_pushvalue(L, env)
            _ = lua_setupvalue(L, -2, 1)
        }
        try protectedCall(arguments: 0, results: 0)
        host { parley_env_seal(L, env) }
    }

    /// Calls a kept function with data arguments under the budget and returns its first
    /// `results` values.
    public func call(_ function: FunctionRef, _ arguments: [JSONValue], results: Int32) throws(ScriptFailure) -> [JSONValue] {
        try call(function, arguments: arguments, results: results, seed: Self.seed(nil, at: nil)).values
    }
}
