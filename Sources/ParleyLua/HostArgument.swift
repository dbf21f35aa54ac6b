import CLuaShim
import ParleyJSON
import ParleyPolicy

/// Reading one argument of a host call as its declared type. Nothing is copied into Swift
/// before its size is known to be within `maxBytes`, and every string read as data must
/// be valid UTF-8.
enum HostArgument {
    static func read(_ L: OpaquePointer, at index: Int32, as parameter: HostFunction.Parameter, maxBytes: Int) -> Result<JSONValue, Problem> {
        let luaType = lua_type(L, index)
        switch parameter.type {
        case .string:
            guard luaType == LUA_TSTRING else { return .failure(Problem("string expected, got \(name(L, index))")) }
            return text(L, at: index, maxBytes: maxBytes).map(JSONValue.string)
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
            return convert(L, index, parameter, maxBytes: maxBytes)
        case .value:
            return convert(L, index, parameter, maxBytes: maxBytes)
        case .recipient:
            return recipient(L, at: index, maxBytes: maxBytes)
        case .span:
            return span(L, at: index)
        case .restAsText:
            return .success(.array(LogText.render(L, from: index, through: lua_gettop(L), maxBytes: maxBytes).map(JSONValue.string)))
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

    /// The string at `index` as text: its length checked against `maxBytes` before a byte
    /// is copied, then its bytes checked to be UTF-8.
    static func text(_ L: OpaquePointer, at index: Int32, maxBytes: Int) -> Result<String, Problem> {
        let length = Int(lua_rawlen(L, index))
        guard length <= maxBytes else {
            return .failure(Problem("the text is \(TextBytes.size(length)), more than the \(TextBytes.size(maxBytes)) taken here; pass a shorter one"))
        }
        var count = 0
        guard let start = parley_tostring(L, index, &count) else { return .success("") }
        let bytes = UnsafeRawBufferPointer(start: start, count: count)
        guard let text = TextBytes.validText(bytes) else {
            return .failure(Problem("not UTF-8 text: \(TextBytes.invalidPreview(bytes)); pass text (or encode bytes, e.g. as hex)"))
        }
        return .success(text)
    }

    /// A contact as text or a number, or a conversation, whose `contact` is read raw from
    /// the contents it shows.
    private static func recipient(_ L: OpaquePointer, at index: Int32, maxBytes: Int) -> Result<JSONValue, Problem> {
        switch lua_type(L, index) {
        case LUA_TSTRING: return text(L, at: index, maxBytes: maxBytes).map(JSONValue.string)
        case LUA_TNUMBER: return .success(number(L, index))
        case LUA_TTABLE: break
        default: return .failure(Problem("a conversation or a contact expected, got \(name(L, index))"))
        }
        _ = lua_checkstack(L, 3)
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        parley_rawtarget(L, index)
        LuaValues(L).push(key: "contact")
        guard lua_rawget(L, -2) == LUA_TSTRING else {
            return .failure(Problem("a conversation (a table with a contact) or a contact expected, got a table without 'contact'"))
        }
        return text(L, at: lua_gettop(L), maxBytes: maxBytes).map(JSONValue.string)
    }

    /// A delay in milliseconds, read by the one delay parser (`Span(delay:)`), so that it
    /// means here what it means everywhere. Text past the longest delay's is refused unread:
    /// only that much, and one byte more to show it is longer, is copied.
    private static func span(_ L: OpaquePointer, at index: Int32) -> Result<JSONValue, Problem> {
        do throws(DelayError) {
            let span: Span
            switch lua_type(L, index) {
            case LUA_TNUMBER where lua_isinteger(L, index) != 0: span = try Span(delaySeconds: lua_tointegerx(L, index, nil))
            case LUA_TNUMBER: span = try Span(delaySeconds: lua_tonumberx(L, index, nil))
            case LUA_TSTRING:
                var count = 0
                let start = parley_tostring(L, index, &count)
                let kept = UnsafeRawBufferPointer(start: start, count: start == nil ? 0 : min(count, Span.longestDelayText + 1))
                span = try Span(delay: String(decoding: kept, as: UTF8.self))
            case LUA_TNIL, LUA_TNONE: throw DelayError(given: "nothing")
            default: throw DelayError(given: "a \(name(L, index))")
            }
            return .success(.int(span.milliseconds))
        } catch {
            return .failure(Problem(error.message))
        }
    }

    private static func convert(_ L: OpaquePointer, _ index: Int32, _ parameter: HostFunction.Parameter, maxBytes: Int) -> Result<JSONValue, Problem> {
        var values = LuaValues(L)
        values.maxBytes = maxBytes
        values.cutStringsAt = parameter.cutsTextAt
        do {
            return .success(try values.readReporting(index, path: parameter.name))
        } catch {
            return .failure(Problem(error.message))
        }
    }

    static func number(_ L: OpaquePointer, _ index: Int32) -> JSONValue {
        if lua_isinteger(L, index) != 0 { return .int(lua_tointegerx(L, index, nil)) }
        return .double(lua_tonumberx(L, index, nil))
    }

    static func name(_ L: OpaquePointer, _ index: Int32) -> String {
        String(cString: lua_typename(L, lua_type(L, index)))
    }
}
