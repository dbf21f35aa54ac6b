import CLuaShim
import ParleyJSON
import ParleyPolicy

/// One sandboxed Lua state: the safe standard libraries, the host functions declared to
/// it, and budgets that bound every call into it.
///
/// A `LuaSandbox` is not thread-safe: confine it to one thread or actor at a time. After
/// a call is killed by a budget, throw the sandbox away and build a new one; never reuse
/// a state that stopped half-way.
public final class LuaSandbox {
    package let L: OpaquePointer
    private let budget: UnsafeMutablePointer<parley_budget>
    public let limits: Budget
    /// Boxed, so a call borrows its declaration instead of copying (and retaining) its
    /// name, parameters and body.
    private var hostFunctions: [DeclaredHostFunction] = []

    public init(limits: Budget = .default) throws(ScriptFailure) {
        self.limits = limits
        budget = .allocate(capacity: 1)
        budget.initialize(to: parley_budget())
        budget.pointee.allocations_left = -1
        guard let state = parley_newstate(budget) else {
            parley_budget_release(budget)
            budget.deallocate()
            throw .error("cannot create a Lua state: out of memory")
        }
        L = state
        parley_host_enter(L)
        defer { parley_host_leave(L) }
        if parley_open_sandbox(L) != LUA_OK {
            let message = LuaValues.string(L, at: -1)
            lua_close(L)
            parley_budget_release(budget)
            budget.deallocate()
            throw .error("cannot open the sandbox libraries: \(message)")
        }
    }

    deinit {
        lua_close(L)
        parley_budget_release(budget)
        budget.deallocate()
    }

    /// For tests of allocation failure: the next budgeted call fails its `n`th allocation
    /// (counting from 0), as Lua's own test suite does; `nil` turns it off.
    func failAllocation(after n: Int?) {
        budget.pointee.allocations_left = n.map(Int64.init) ?? -1
    }

    /// Bytes the state holds now.
    public var memoryInUse: Int { Int(budget.pointee.bytes_in_use) }

    // MARK: Declaring host functions

    /// Makes `function` a global, or a field of the global table `table` (created when
    /// missing), e.g. `text.split`.
    public func define(_ function: HostFunction, in table: String? = nil) {
        host {
            if let table {
                parley_pushglobaltable(L)
                values.push(table)
                if lua_rawget(L, -2) != LUA_TTABLE {
                    parley_pop(L, 1)
                    parley_newtable(L)
                    values.push(table)
                    lua_pushvalue(L, -2)
                    lua_rawset(L, -4)
                }
                pushHostFunction(function)
                lua_setfield(L, -2, lastComponent(function.name))
                parley_pop(L, 2)
            } else {
                pushHostFunction(function)
                lua_setglobal(L, function.name)
            }
        }
    }

    /// Sets a global to plain data (a constant, a table of settings).
    public func setGlobal(_ name: String, _ value: JSONValue) {
        host {
            values.push(value)
            lua_setglobal(L, name)
        }
    }

    package func lastComponent(_ name: String) -> String {
        name.split(separator: ".").last.map(String.init) ?? name
    }

    func pushHostFunctionForPrelude(_ function: HostFunction) { pushHostFunction(function) }

    package func pushHostFunction(_ function: HostFunction) {
        hostFunctions.append(DeclaredHostFunction(function))
        parley_push_host_function(L, dispatchHostCall, Unmanaged.passUnretained(self).toOpaque(), Int64(hostFunctions.count - 1))
    }

    // MARK: Running code

    /// Compiles and runs a chunk of trusted host code (the Stdlib prelude) with the
    /// global table as its environment, under the budget. `arguments` arrive as `...`.
    public func runTrusted(_ source: String, chunkName: String, arguments: [JSONValue] = []) throws(ScriptFailure) {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        try compile(source, chunkName: chunkName)
        host { for a in arguments { values.push(a) } }
        try protectedCall(arguments: Int32(arguments.count), results: 0)
    }

    /// Compiles `source` (text only, never bytecode) into a function at the top of the stack.
    /// Compiling runs under the budget: some source costs the parser far more than its
    /// length (see load.c).
    func compile(_ source: String, chunkName: String) throws(ScriptFailure) {
        host { parley_begin_call(L, Self.fixedSeed) }
        parley_budget_arm(budget, Int64(limits.instructions), limits.memoryBytes, Int64(limits.wallMilliseconds))
        var source = source
        let status = source.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                parley_load_text(L, chars.baseAddress, chars.count, "@" + chunkName)
            }
        }
        parley_budget_disarm(budget)
        if status != LUA_OK {
            let message = host { errorMessage(at: -1) }
            parley_pop(L, 1)
            if let kill = killReason { throw .error("\(chunkName): \(kill.message) while compiling the file") }
            throw .error(message)
        }
    }

    /// Calls the function below `arguments` values on the stack under the budget,
    /// leaving `results` values. On failure nothing is left. `seed` starts the call's
    /// `math.random`.
    func protectedCall(arguments: Int32, results: Int32, seed: Int64 = LuaSandbox.fixedSeed) throws(ScriptFailure) {
        host { parley_begin_call(L, seed) }
        parley_budget_arm(budget, Int64(limits.instructions), limits.memoryBytes, Int64(limits.wallMilliseconds))
        let status = parley_pcall(L, arguments, results)
        parley_budget_disarm(budget)
        if let kill = killReason {
            parley_pop(L, 1)
            throw .killed(kill, at: killPlace)
        }
        if status != LUA_OK {
            let message = host { errorMessage(at: -1) }
            parley_pop(L, 1)
            throw .error(message)
        }
    }

    /// The seed of calls that concern no conversation: loading, the prelude.
    static let fixedSeed: Int64 = 20260101

    /// The longest error message kept: an error object may be a string of many megabytes,
    /// and it goes to the transcript, the log and the database.
    static let maxErrorBytes = 4096

    /// An error object as text, cut at `maxErrorBytes`.
    func errorMessage(at index: Int32) -> String {
        guard lua_type(L, index) == LUA_TSTRING else {
            return "error object is a \(String(cString: lua_typename(L, lua_type(L, index))))"
        }
        var length = 0
        guard let bytes = parley_tostring(L, index, &length) else { return "" }
        let kept = UnsafeRawBufferPointer(start: bytes, count: min(length, Self.maxErrorBytes))
        let text = String(decoding: kept, as: UTF8.self)
        return length > Self.maxErrorBytes ? text + "... (\(length - Self.maxErrorBytes) more bytes cut)" : text
    }

    /// The names in the global table: what a script may read without declaring it.
    package func globalNames() -> Set<String> {
        host {
            var names: Set<String> = ["self", "_ENV"]
            parley_pushglobaltable(L)
            lua_pushnil(L)
            while lua_next(L, -2) != 0 {
                if lua_type(L, -2) == LUA_TSTRING, let key = lua_tolstring(L, -2, nil) { names.insert(String(cString: key)) }
                parley_pop(L, 1)
            }
            parley_pop(L, 1)
            return names
        }
    }

    /// The script's `file:line` that was running when the last call was stopped.
    var killPlace: String? {
        withUnsafeBytes(of: budget.pointee.kill_where) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Why the last call was stopped, if a budget stopped it.
    var killReason: KillReason? {
        switch Int(budget.pointee.killed) {
        case PARLEY_KILL_INSTRUCTIONS: return .instructions
        case PARLEY_KILL_MEMORY: return .memory
        case PARLEY_KILL_WALLTIME: return .wallTime
        default: return nil
        }
    }

    /// Runs `body` with the Lua API open to Swift (see lua_shim.h).
    @discardableResult
    package func host<T>(_ body: () throws(ScriptFailure) -> T) throws(ScriptFailure) -> T {
        parley_host_enter(L)
        defer { parley_host_leave(L) }
        return try body()
    }

    @discardableResult
    package func host<T>(_ body: () -> T) -> T {
        parley_host_enter(L)
        defer { parley_host_leave(L) }
        return body()
    }

    /// The value bridge, reading at most the state's memory (for script definitions,
    /// which cross once, at load).
    package var values: LuaValues {
        var values = LuaValues(L)
        values.maxBytes = limits.memoryBytes
        return values
    }

    /// The value bridge for what a call hands back (results, `conv.state`): at most
    /// `dataBytes`, since it crosses at every call and is stored.
    package var callValues: LuaValues {
        var values = LuaValues(L)
        values.maxBytes = limits.dataBytes
        return values
    }

    // MARK: Host calls

    /// Reads the arguments of a call to host function `tag` as declared, runs its body and
    /// pushes its results. Misuse becomes a message for the trampoline to raise.
    /// `thread` is the Lua thread that made the call: the main one, or a coroutine, whose
    /// stack the arguments are on and the results must go to.
    ///
    /// What crosses is bounded both ways, as host code runs outside the budget: arguments by
    /// their `maxBytes` (else `dataBytes`) before they are copied, results by the memory left.
    fileprivate func dispatch(tag: Int, on thread: OpaquePointer) -> Int32 {
        guard tag >= 0, tag < hostFunctions.count else { return Self.fail("unknown host function", on: thread) }
        return run(hostFunctions[tag].function, on: thread)
    }

    /// Pushes `message` for the trampoline to raise.
    private static func fail(_ message: String, on thread: OpaquePointer) -> Int32 {
        _ = lua_checkstack(thread, 2)
        LuaValues(thread).push(message)
        return PARLEY_HOST_ERROR
    }

    private func run(_ function: borrowing HostFunction, on thread: OpaquePointer) -> Int32 {
        let arguments: [JSONValue]
        switch readArguments(of: function, on: thread) {
        case .success(let read): arguments = read
        case .failure(let problem): return Self.fail(problem.text, on: thread)
        }
        let results: [JSONValue]
        do {
            results = try function.body(arguments)
        } catch {
            return Self.fail(error.message, on: thread)
        }
        // Pushed in host mode, outside the memory budget: refuse what the state has no room for.
        if function.oversized(results, memoryLeft: limits.memoryBytes - memoryInUse, of: limits.memoryBytes) != nil {
            parley_collect_garbage(thread)   // what looks full may be garbage: count only what lives
            if let problem = function.oversized(results, memoryLeft: limits.memoryBytes - memoryInUse, of: limits.memoryBytes) {
                return Self.fail(problem, on: thread)
            }
        }
        guard lua_checkstack(thread, Int32(results.count) + 2) != 0 else { return Self.fail("too many results", on: thread) }
        let stack = LuaValues(thread)
        for r in results { stack.push(r) }
        return Int32(results.count)
    }

    /// The arguments on `thread`'s stack, checked against `function`'s parameters, or what
    /// is wrong with them, worded for the script.
    private func readArguments(of function: borrowing HostFunction, on thread: OpaquePointer) -> Result<[JSONValue], HostArgument.Problem> {
        let given = lua_gettop(thread)
        return function.parameters.withUnsafeBufferPointer { parameters in
            var arguments: [JSONValue] = []
            arguments.reserveCapacity(parameters.count)
            for i in parameters.indices {
                let index = Int32(i + 1)
                let maxBytes = parameters[i].maxBytes ?? limits.dataBytes
                if parameters[i].type == .restAsText {
                    let texts = LogText.render(thread, from: index, through: given, maxBytes: maxBytes)
                    arguments.append(.array(texts.map(JSONValue.string)))
                    break
                }
                if parley_isnoneornil(thread, index) != 0 {
                    guard parameters[i].optional else {
                        return .failure(.init("bad argument #\(index) to '\(function.name)' (\(parameters[i].name) expected, got no value); call it as \(function.signature)"))
                    }
                    arguments.append(.null)
                    continue
                }
                switch HostArgument.read(thread, at: index, as: parameters[i], maxBytes: maxBytes) {
                case .success(let value): arguments.append(value)
                case .failure(let problem):
                    return .failure(.init("bad argument #\(index) to '\(function.name)' (\(parameters[i].name): \(problem.text)); call it as \(function.signature)"))
                }
            }
            return .success(arguments)
        }
    }
}

private final class DeclaredHostFunction {
    let function: HostFunction
    init(_ function: HostFunction) { self.function = function }
}

/// The trampoline's target: a plain C function that finds its sandbox in an upvalue.
private func dispatchHostCall(_ L: OpaquePointer?) -> Int32 {
    guard let L, let context = parley_host_context(L) else { return 0 }
    let sandbox = Unmanaged<LuaSandbox>.fromOpaque(context).takeUnretainedValue()
    return sandbox.dispatch(tag: Int(parley_host_tag(L)), on: L)
}
