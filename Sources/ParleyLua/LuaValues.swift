import CLuaShim
import ParleyJSON

/// Moving data between Lua and Swift. Only JSON-shaped data crosses: nil, booleans,
/// numbers, strings, and tables that are either arrays (keys 1...n) or records (string
/// keys). Tables are copied, never shared, and read with raw access only, so no
/// metamethod runs; depth and size are bounded, cycles are refused.
///
/// Call these only between `parley_host_enter` and `parley_host_leave` (see lua_shim.h).
struct LuaValues {
    let L: OpaquePointer
    var maxDepth = 32
    var maxEntries = 100_000
    /// The string bytes a read may copy into Swift in all: data that crosses the boundary
    /// is bounded like the Lua memory it came from.
    var maxBytes = 32 << 20

    init(_ L: OpaquePointer) { self.L = L }

    // MARK: Lua to Swift

    /// The value at `index`. `path` names it in errors: `conv.state.items[3]`.
    func read(_ index: Int32, path: String) throws(ScriptFailure) -> JSONValue {
        var reader = Reader(L: L, maxDepth: maxDepth, maxEntries: maxEntries, maxBytes: maxBytes)
        return try reader.read(lua_absindex(L, index), path: path, depth: 0)
    }

    private struct Reader {
        let L: OpaquePointer
        let maxDepth: Int
        let maxEntries: Int
        let maxBytes: Int
        var entries = 0
        var bytes = 0
        /// Strings already read, by identity: a string referenced many times is copied once.
        var strings: [UnsafeRawPointer: String] = [:]
        /// The tables being read, outermost first: a table met again inside itself is a
        /// cycle. At most `maxDepth` long, so a linear search is cheap, and a flat table
        /// never allocates.
        var open: [UnsafeRawPointer] = []

        mutating func read(_ index: Int32, path: String, depth: Int) throws(ScriptFailure) -> JSONValue {
            switch lua_type(L, index) {
            case LUA_TNIL, LUA_TNONE: return .null
            case LUA_TBOOLEAN: return .bool(lua_toboolean(L, index) != 0)
            case LUA_TNUMBER:
                if lua_isinteger(L, index) != 0 { return .int(lua_tointegerx(L, index, nil)) }
                let d = lua_tonumberx(L, index, nil)
                guard d.isFinite else { throw .conversion("\(path) is \(d), which JSON cannot hold") }
                return .double(d)
            case LUA_TSTRING: return .string(try string(index, path: path))
            case LUA_TTABLE: return try table(index, path: path, depth: depth)
            default:
                let kind = String(cString: lua_typename(L, lua_type(L, index)))
                throw .conversion("\(path) is a \(kind); only strings, numbers, booleans and tables of them can cross")
            }
        }

        private mutating func string(_ index: Int32, path: String) throws(ScriptFailure) -> String {
            guard let identity = lua_topointer(L, index) else { return LuaValues.string(L, at: index) }
            if let known = strings[identity] { return known }
            bytes += Int(lua_rawlen(L, index))
            guard bytes <= maxBytes else { throw .conversion("\(path): the data holds more than \(maxBytes >> 20) MB of text in all") }
            let text = LuaValues.string(L, at: index)
            strings[identity] = text
            return text
        }

        private mutating func table(_ index: Int32, path: String, depth: Int) throws(ScriptFailure) -> JSONValue {
            guard depth < maxDepth else { throw .conversion("\(path) nests deeper than \(maxDepth) levels") }
            guard let identity = lua_topointer(L, index) else { return .null }
            guard !open.contains(identity) else { throw .conversion("\(path) contains itself (a cycle)") }
            open.append(identity)
            defer { open.removeLast() }
            guard lua_checkstack(L, 4) != 0 else { throw .conversion("\(path) nests too deep") }

            var items: [Int64: JSONValue] = [:]
            var members: [String: JSONValue] = [:]
            lua_pushnil(L)
            while lua_next(L, index) != 0 {
                entries += 1
                if entries > maxEntries {
                    parley_pop(L, 2)
                    throw .conversion("\(path) holds more than \(maxEntries) values in all")
                }
                do throws(ScriptFailure) {
                    switch lua_type(L, -2) {
                    case LUA_TSTRING:
                        let key = try string(lua_absindex(L, -2), path: path)
                        members[key] = try read(lua_absindex(L, -1), path: "\(path).\(key)", depth: depth + 1)
                    case LUA_TNUMBER where lua_isinteger(L, -2) != 0:
                        let key = lua_tointegerx(L, -2, nil)
                        items[key] = try read(lua_absindex(L, -1), path: "\(path)[\(key)]", depth: depth + 1)
                    default:
                        let kind = String(cString: lua_typename(L, lua_type(L, -2)))
                        throw ScriptFailure.conversion("\(path) has a \(kind) key; keys must be strings or integers")
                    }
                } catch {
                    parley_pop(L, 2)
                    throw error
                }
                parley_pop(L, 1)
            }
            if items.isEmpty { return .object(members) }
            if !members.isEmpty {
                throw .conversion("\(path) mixes array items and named keys; use one or the other")
            }
            let count = Int64(items.count)
            var array: [JSONValue] = []
            array.reserveCapacity(items.count)
            for i in 1...count {
                guard let item = items[i] else {
                    let keys = items.keys.sorted().prefix(6).map(String.init).joined(separator: ", ")
                    throw .conversion("\(path) is a sparse array (keys \(keys)...); arrays need keys 1, 2, 3... without holes")
                }
                array.append(item)
            }
            return .array(array)
        }
    }

    /// The string at `index`, which must already be a string (on a number, lua_tolstring
    /// would convert it in place and allocate).
    static func string(_ L: OpaquePointer, at index: Int32) -> String {
        var length = 0
        guard let bytes = parley_tostring(L, index, &length) else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
    }

    // MARK: Swift to Lua

    /// Pushes `value`: arrays become sequences, objects records, null nil. [-0, +1]
    func push(_ value: JSONValue) {
        switch value {
        case .null: lua_pushnil(L)
        case .bool(let b): lua_pushboolean(L, b ? 1 : 0)
        case .int(let i): lua_pushinteger(L, i)
        case .double(let d): lua_pushnumber(L, d)
        case .string(let s): push(s)
        case .array(let items):
            _ = lua_checkstack(L, 3)
            lua_createtable(L, Int32(clamping: items.count), 0)
            for (i, item) in items.enumerated() {
                push(item)
                lua_rawseti(L, -2, Int64(i + 1))
            }
        case .object(let members):
            _ = lua_checkstack(L, 3)
            lua_createtable(L, 0, Int32(clamping: members.count))
            for (key, member) in members where member != .null {
                push(key)
                push(member)
                lua_rawset(L, -3)
            }
        }
    }

    func push(_ s: String) {
        s.utf8.withContiguousStorageIfAvailable { buffer in
            _ = lua_pushlstring(L, UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), buffer.count)
        } ?? {
            var copy = s
            copy.withUTF8 { buffer in
                _ = lua_pushlstring(L, UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), buffer.count)
            }
        }()
    }

    /// Pushes a key the host spells itself, without converting it. [-0, +1]
    func push(key: StaticString) {
        _ = lua_pushlstring(L, UnsafeRawPointer(key.utf8Start).assumingMemoryBound(to: CChar.self), key.utf8CodeUnitCount)
    }

    /// Sets `table[key] = value` on the table at the top of the stack, raw. [-0, +0]
    func setField(_ key: StaticString, _ value: JSONValue) {
        push(key: key)
        push(value)
        lua_rawset(L, -3)
    }
}
