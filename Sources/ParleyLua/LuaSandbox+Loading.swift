import CLuaShim
import ParleyJSON
import ParleyPolicy


extension LuaSandbox {
    /// Runs the trusted prelude with its private helpers as chunk arguments.
    func runPrelude(_ source: String, readModule: HostFunction, log: HostFunction) throws(ScriptFailure) {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        try compile(source, chunkName: "=(prelude)")
        host {
            pushHostFunctionForPrelude(readModule)
            lua_pushcclosure(L, parley_lua_new_env, 0)
            lua_pushcclosure(L, parley_lua_seal_env, 0)
            pushHostFunctionForPrelude(log)
            lua_pushcclosure(L, parley_lua_locate, 0)
            lua_pushcclosure(L, parley_lua_freeze, 0)
            lua_pushcclosure(L, parley_lua_settle, 0)
        }
        try protectedCall(arguments: 7, results: 0)
    }

    /// Runs a script file in a new environment of its own and reads the table it returns:
    /// its data fields, and its functions kept as handlers. Seals the environment after,
    /// and settles what the file left (settle.c): from then on, nothing one call changes
    /// reaches the next. Modules settle as they load.
    func runScript(_ source: String, chunkName: String) throws(ScriptFailure) -> (fields: [String: JSONValue], handlers: [String: FunctionRef]) {
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
        return try host { () throws(ScriptFailure) -> (fields: [String: JSONValue], handlers: [String: FunctionRef]) in
            parley_env_seal(L, env)
            let table = lua_gettop(L)
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
            for root in [env, table] where parley_settle(L, root) != 0 {
                let problem = LuaValues.string(L, at: -1)
                parley_pop(L, 1)
                throw .error("\(chunkName): \(problem)")
            }
            return (fields, handlers)
        }
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
