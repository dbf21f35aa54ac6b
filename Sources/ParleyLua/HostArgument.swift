import CLuaShim
import ParleyJSON
import ParleyPolicy

/// Reading one argument of a host call as its declared type.
enum HostArgument {
    /// `maxBytes` bounds what a table argument may copy into Swift.
    static func read(_ L: OpaquePointer, at index: Int32, as type: HostFunction.ParameterType, maxBytes: Int) -> Result<JSONValue, Problem> {
        let luaType = lua_type(L, index)
        switch type {
        case .string:
            guard luaType == LUA_TSTRING else { return .failure(Problem("string expected, got \(name(L, index))")) }
            return .success(.string(LuaValues.string(L, at: index)))
        case .integer:
            guard luaType == LUA_TNUMBER else { return .failure(Problem("integer expected, got \(name(L, index))")) }
            var isInteger: Int32 = 0
            let i = lua_tointegerx(L, index, &isInteger)
            guard isInteger != 0 else { return .failure(Problem("number has no integer representation")) }
            return .success(.int(i))
        case .number:
            guard luaType == LUA_TNUMBER else { return .failure(Problem("number expected, got \(name(L, index))")) }
            return .success(number(L, index))
        case .boolean:
            guard luaType == LUA_TBOOLEAN else { return .failure(Problem("boolean expected, got \(name(L, index))")) }
            return .success(.bool(lua_toboolean(L, index) != 0))
        case .table:
            guard luaType == LUA_TTABLE else { return .failure(Problem("table expected, got \(name(L, index))")) }
            return convert(L, index, path: "table", maxBytes: maxBytes)
        case .value:
            return convert(L, index, path: "value", maxBytes: maxBytes)
        case .recipient:
            if luaType == LUA_TSTRING { return .success(.string(LuaValues.string(L, at: index))) }
            if luaType == LUA_TNUMBER { return .success(number(L, index)) }
            guard luaType == LUA_TTABLE else { return .failure(Problem("a conversation or a contact expected, got \(name(L, index))")) }
            _ = lua_checkstack(L, 2)
            LuaValues(L).push("contact")
            defer { parley_pop(L, 1) }
            guard lua_rawget(L, index) == LUA_TSTRING else {
                return .failure(Problem("a conversation (a table with a contact) or a contact expected, got a table without 'contact'"))
            }
            return .success(.string(LuaValues.string(L, at: -1)))
        case .span:
            if luaType == LUA_TNUMBER {
                let seconds = lua_tonumberx(L, index, nil)
                guard seconds.isFinite, seconds >= 0, seconds < 1e12 else {
                    return .failure(Problem("a delay must be a number of seconds from 0 to 10^12"))
                }
                return .success(.int(Int64((seconds * 1000).rounded())))
            }
            guard luaType == LUA_TSTRING else { return .failure(Problem("a delay such as \"23h\", \"90m\", \"30s\" or a number of seconds expected, got \(name(L, index))")) }
            let text = LuaValues.string(L, at: index)
            guard let span = Span(parsing: text) else {
                return .failure(Problem("\"\(text)\" is not a delay; write \"23h\", \"90m\", \"30s\", \"2d\" or a number of seconds"))
            }
            return .success(.int(span.milliseconds))
        case .restAsText:
            return .success(.string(text(L, at: index)))
        case .function:
            guard luaType == LUA_TFUNCTION else { return .failure(Problem("function expected, got \(name(L, index))")) }
            lua_pushvalue(L, index)
            return .success(.int(Int64(luaL_ref(L, parley_registryindex()))))
        case .identity:
            guard luaType == LUA_TTABLE, let pointer = lua_topointer(L, index) else { return .failure(Problem("table expected")) }
            return .success(.int(Int64(Int(bitPattern: pointer))))
        }
    }

    struct Problem: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }

    private static func convert(_ L: OpaquePointer, _ index: Int32, path: String, maxBytes: Int) -> Result<JSONValue, Problem> {
        do {
            var values = LuaValues(L)
            values.maxBytes = maxBytes
            return .success(try values.read(index, path: path))
        } catch {
            return .failure(Problem(error.description))
        }
    }

    private static func number(_ L: OpaquePointer, _ index: Int32) -> JSONValue {
        if lua_isinteger(L, index) != 0 { return .int(lua_tointegerx(L, index, nil)) }
        return .double(lua_tonumberx(L, index, nil))
    }

    private static func name(_ L: OpaquePointer, _ index: Int32) -> String {
        String(cString: lua_typename(L, lua_type(L, index)))
    }

    /// How `log` and `print` show a value: like `tostring`, with tables as JSON when they
    /// are data.
    static func text(_ L: OpaquePointer, at index: Int32) -> String {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return "nil"
        case LUA_TBOOLEAN: return lua_toboolean(L, index) != 0 ? "true" : "false"
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return String(lua_tointegerx(L, index, nil)) }
            return formatNumber(lua_tonumberx(L, index, nil))
        case LUA_TSTRING: return LuaValues.string(L, at: index)
        case LUA_TTABLE:
            if let value = try? LuaValues(L).read(index, path: "value") { return value.encoded() }
            return "table"
        default: return name(L, index)
        }
    }

    /// A float as Lua prints it (`%.14g`).
    static func formatNumber(_ d: Double) -> String {
        if d.isNaN { return d.sign == .minus ? "-nan" : "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == d.rounded(), abs(d) < 1e15 { return String(format: "%.1f", d) }
        return String(format: "%.14g", d)
    }
}

import Foundation
