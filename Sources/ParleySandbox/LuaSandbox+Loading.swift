import CLuaShim
import ParleyJSON
import ParleyPolicy

extension LuaSandbox {
    /// Runs the trusted prelude with its private helpers in a table, its one chunk argument:
    /// scripts never see them.
    func runPrelude(_ source: String, readModule: HostFunction, log: HostFunction, delayProblem: HostFunction, scheduleProblem: HostFunction)
        throws(ScriptFailure)
    {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        try compile(source, chunkName: "=(prelude)")
        host {
            lua_createtable(L, 0, 9)
            func set(_ name: String) { lua_setfield(L, -2, name) }
            pushHostFunctionForPrelude(readModule); set("read_module")
            pushHostFunctionForPrelude(log); set("log")
            pushHostFunctionForPrelude(delayProblem); set("delay_problem")
            pushHostFunctionForPrelude(scheduleProblem); set("schedule_problem")
            let helpers: [(String, lua_CFunction)] = [
                ("new_env", parley_lua_new_env), ("seal_env", parley_lua_seal_env), ("locate", parley_lua_locate),
                ("library_view", parley_lua_freeze), ("settle", parley_lua_settle), ("make_read_only", parley_lua_make_read_only),
                ("this_call_modules", parley_lua_call_modules),
            ]
            for (name, function) in helpers {
                lua_pushcclosure(L, function, 0)
                set(name)
            }
        }
        try protectedCall(arguments: 1, results: 0)
    }

    /// Runs a script file in a new environment of its own and reads the table it returns:
    /// its data fields, and its functions kept as handlers. Seals the environment after,
    /// and settles what the file left (settle.c): from then on, nothing one call changes
    /// reaches the next. Modules settle as they load.
    package func runScript(_ source: String, chunkName: String) throws(ScriptFailure) -> (fields: [String: JSONValue], handlers: [String: FunctionRef]) {
        host { parley_settle_modules(L) }
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        let status = host { parley_new_env(L) }
        guard status == LUA_OK else { throw .error("cannot create the script's environment") }
        let env = lua_gettop(L)
        try compile(source, chunkName: chunkName)
        host {
            lua_pushvalue(L, env)
            _ = lua_setupvalue(L, -2, 1)   // the chunk's _ENV
        }
        try protectedCall(arguments: 0, results: 1)
        let table = lua_gettop(L)
        let returned = try host { () throws(ScriptFailure) -> (fields: [String: JSONValue], handlers: [String: FunctionRef]) in
            parley_env_seal(L, env)
            guard lua_type(L, table) == LUA_TTABLE else {
                let got = lua_type(L, table) == LUA_TNIL ? "nothing" : "a \(String(cString: lua_typename(L, lua_type(L, table))))"
                throw .error("\(chunkName): the file must return bot { ... }, router { ... }, macro { ... } or automation { ... }; it returned \(got)")
            }
            var fields: [String: JSONValue] = [:]
            var handlers: [String: FunctionRef] = [:]
            lua_pushnil(L)
            while lua_next(L, table) != 0 {
                guard lua_type(L, -2) == LUA_TSTRING else {
                    parley_pop(L, 1)
                    continue
                }
                let key = LuaValues.string(L, at: -2)
                if lua_type(L, -1) == LUA_TFUNCTION {
                    lua_pushvalue(L, -1)
                    handlers[key] = FunctionRef(ref: luaL_ref(L, parley_registryindex()))
                } else {
                    do {
                        fields[key] = try values.read(-1, path: key)
                    } catch {
                        parley_pop(L, 2)
                        throw .error("\(chunkName): field '\(key)': \(error)")
                    }
                }
                parley_pop(L, 1)
            }
            return (fields, handlers)
        }
        // Settling runs under the budget: made read-only, a file's data takes more memory
        // than it did, and a file may hold much of it.
        for root in [env, table] {
            host {
                lua_pushcclosure(L, parley_lua_settle_now, 0)
                lua_pushvalue(L, root)
            }
            do {
                try protectedCall(arguments: 1, results: 0)
            } catch .killed(let reason, _) {
                throw .error("\(chunkName): \(reason.message) while making the file's data read-only; keep less data at the top of the file")
            } catch {
                throw .error("\(chunkName): \(error)")
            }
        }
        host { parley_modules_per_call(L) }
        return returned
    }

    /// Marks everything the globals reach as the host's: the libraries, the prelude, the
    /// constructors. Settling a script never enters them.
    func markHostObjects() {
        host {
            parley_pushglobaltable(L)
            parley_mark_host(L, -1)
            parley_pop(L, 1)
        }
    }
}
