import Foundation
import CLuaShim
import ParleyJSON

/// Moving data between Lua and Swift. Only JSON-shaped data crosses: nil, booleans,
/// numbers, UTF-8 strings, and tables that are either arrays (keys 1...n) or records
/// (string keys). Tables are copied, never shared, and read with raw access only, so no
/// metamethod runs; depth, entries and the JSON they become are bounded, cycles are refused.
///
/// Call these only between `parley_host_enter` and `parley_host_leave` (see lua_shim.h).
package struct LuaValues {
    let L: OpaquePointer
    var maxDepth = 32
    var maxEntries = 100_000
    /// The most a value may become in the host, in bytes: the JSON it becomes, plus what
    /// each table and entry holds in memory there (`tableBytes`, `entryBytes`), since a
    /// table of one-element tables is a few bytes of JSON a table but some fifty in Swift.
    /// Every occurrence counts: a table of 1,000 references to one 1 MiB string is 1 GB,
    /// however little Lua memory it takes. The read stops as soon as this is passed.
    var maxBytes = 32 << 20

    /// What a table costs the host beyond its JSON (an array or dictionary's storage).
    static let tableBytes = 48
    /// What each entry of a table costs beyond its JSON.
    static let entryBytes = 16

    /// The size a value counts for when it crosses: its JSON, plus `tableBytes` a table and
    /// `entryBytes` an entry.
    static func crossingSize(of value: JSONValue) -> Int {
        func overhead(_ value: JSONValue) -> Int {
            switch value {
            case .array(let items): return tableBytes + items.reduce(0) { $0 + entryBytes + overhead($1) }
            case .object(let members): return tableBytes + members.values.reduce(0) { $0 + entryBytes + overhead($1) }
            default: return 0
            }
        }
        return value.encoded().utf8.count + overhead(value)
    }
    /// When set, strings longer than this (keys excepted) are cut, with a marker, instead
    /// of counting whole: for free text where the call matters more than all of the text.
    var cutStringsAt: Int?

    init(_ L: OpaquePointer) { self.L = L }

    // MARK: Lua to Swift

    /// The value at `index`. `path` names it in errors: `conv.state.items[3]`.
    package func read(_ index: Int32, path: String) throws(ScriptFailure) -> JSONValue {
        do {
            return try readReporting(index, path: path)
        } catch {
            throw .conversion(error.message)
        }
    }

    /// The same, telling a value that is too large apart from one that is malformed.
    func readReporting(_ index: Int32, path: String) throws(ReadProblem) -> JSONValue {
        // The tables being read live on the stack: a read (most are a flat table or a
        // scalar) then allocates nothing to watch for cycles.
        try withUnsafeTemporaryAllocation(of: UnsafeRawPointer.self, capacity: maxDepth + 1) { (open) throws(ReadProblem) -> JSONValue in
            var reader = Reader(L: L, limits: self, path: ValuePath(root: path), open: open)
            return try reader.read(lua_absindex(L, index), depth: 0)
        }
    }

    struct ReadProblem: Error {
        let message: String
        /// The value passed `maxBytes`; everything read until then was well-formed.
        let tooLarge: Bool
    }

    private struct Reader {
        let L: OpaquePointer
        let limits: LuaValues
        var path: ValuePath
        var entries = 0
        /// The bytes of JSON the value read so far becomes.
        var size = 0
        /// Strings already read whole, by identity, with their JSON length: a string met
        /// again is copied once, but counted each time.
        var strings: [UnsafeRawPointer: (text: String, json: Int)] = [:]
        /// The tables being read, outermost first (the first `depth` of `open`): a table met
        /// again inside itself is a cycle. At most `maxDepth` long, so a linear search is cheap.
        let open: UnsafeMutableBufferPointer<UnsafeRawPointer>

        init(L: OpaquePointer, limits: LuaValues, path: ValuePath, open: UnsafeMutableBufferPointer<UnsafeRawPointer>) {
            self.L = L
            self.limits = limits
            self.path = path
            self.open = open
        }

        mutating func read(_ index: Int32, depth: Int) throws(ReadProblem) -> JSONValue {
            switch lua_type(L, index) {
            case LUA_TNIL, LUA_TNONE:
                try count(4)
                return .null
            case LUA_TBOOLEAN:
                let b = lua_toboolean(L, index) != 0
                try count(b ? 4 : 5)
                return .bool(b)
            case LUA_TNUMBER:
                if lua_isinteger(L, index) != 0 {
                    let i = lua_tointegerx(L, index, nil)
                    try count(LuaValues.decimalLength(i))
                    return .int(i)
                }
                let d = lua_tonumberx(L, index, nil)
                guard d.isFinite else { throw problem("\(path) is \(d), which JSON cannot hold") }
                try count(JSONValue.double(d).encoded().utf8.count)
                return .double(d)
            case LUA_TSTRING: return .string(try string(index, isKey: false))
            case LUA_TTABLE: return try table(index, depth: depth)
            default:
                let kind = String(cString: lua_typename(L, lua_type(L, index)))
                throw problem("\(path) is a \(kind); only strings, numbers, booleans and tables of them can cross")
            }
        }

        /// Adds `bytes` of JSON, and stops the read once past the limit.
        private mutating func count(_ bytes: Int) throws(ReadProblem) {
            size += bytes
            guard size > limits.maxBytes else { return }
            throw ReadProblem(message: "\(path) makes the data more than \(TextBytes.size(limits.maxBytes)), the most that may cross here (counted as the JSON it becomes and what each table and entry holds; each copy of a repeated string or table counts); keep or pass less, such as ids instead of whole records", tooLarge: true)
        }

        private func problem(_ message: String) -> ReadProblem { ReadProblem(message: message, tooLarge: false) }

        /// Strings from this long on are copied once however many times they occur.
        static let sharedStringBytes = 256

        private mutating func string(_ index: Int32, isKey: Bool) throws(ReadProblem) -> String {
            guard let identity = lua_topointer(L, index) else { return "" }
            let length = Int(lua_rawlen(L, index))
            // A string cut to `cutStringsAt` keeps what fits beside the marker.
            let marker = isKey ? nil : limits.cutStringsAt.flatMap { length > $0 ? TextBytes.cutMarker(originalBytes: length) : nil }
            let kept = marker.map { max(0, limits.cutStringsAt! - $0.utf8.count) } ?? length
            // Only long strings are remembered (below): a short one is not looked up.
            if marker == nil, length >= Self.sharedStringBytes, let known = strings[identity] {
                try count(known.json)
                return known.text
            }
            try count(kept + 2)  // before copying: the least it becomes
            var byteCount = 0
            guard let start = parley_tostring(L, index, &byteCount) else { return "" }
            let all = UnsafeRawBufferPointer(start: start, count: byteCount)
            let bytes = UnsafeRawBufferPointer(rebasing: all[..<TextBytes.boundary(all, atMost: kept)])
            guard var text = TextBytes.validText(bytes) else {
                let shown = TextBytes.invalidPreview(bytes)
                throw problem(isKey
                    ? "\(path) has a key that is not UTF-8 text: \(shown); JSON holds text only, so use text keys"
                    : "\(path) is not UTF-8 text: \(shown); JSON holds text only, so pass text (or encode bytes, e.g. as hex)")
            }
            var json = TextBytes.jsonLength(bytes)
            if let marker {
                text += marker
                json += TextBytes.jsonLength(marker) - 2
            }
            try count(max(0, json - (kept + 2)))  // escapes, and the marker
            // Only long strings are worth remembering: copying a short one again costs less
            // than the dictionary.
            if marker == nil, length >= Self.sharedStringBytes { strings[identity] = (text, json) }
            return text
        }

        private mutating func table(_ index: Int32, depth: Int) throws(ReadProblem) -> JSONValue {
            guard depth < limits.maxDepth else { throw problem("\(path) nests deeper than \(limits.maxDepth) levels") }
            guard lua_checkstack(L, 4) != 0 else { throw problem("\(path) nests too deep") }
            let base = lua_gettop(L)
            defer { lua_settop(L, base) }
            // A read-only view hides its contents behind a proxy: read what it shows.
            parley_rawtarget(L, index)
            let target = lua_gettop(L)
            guard let identity = lua_topointer(L, target) else { return .null }
            guard !open[..<depth].contains(identity) else { throw problem("\(path) contains itself (a cycle)") }
            open[depth] = identity
            try count(2 + LuaValues.tableBytes)  // {} or [], and its storage

            var items: [Int64: JSONValue] = [:]
            var members: [String: JSONValue] = [:]
            var first = true
            lua_pushnil(L)
            while lua_next(L, target) != 0 {
                entries += 1
                guard entries <= limits.maxEntries else { throw problem("\(path) holds more than \(limits.maxEntries) values in all") }
                try count(LuaValues.entryBytes + (first ? 0 : 1))  // its slot, and the comma before it
                first = false
                switch lua_type(L, -2) {
                case LUA_TSTRING:
                    let key = try string(lua_absindex(L, -2), isKey: true)
                    try count(1)  // the colon
                    path.steps.append(.key(key))
                    let value = try read(lua_absindex(L, -1), depth: depth + 1)
                    path.steps.removeLast()
                    guard members.updateValue(value, forKey: key) == nil else {
                        // Swift compares text by canonical equivalence: "é" and "e\u{301}" are one key.
                        throw problem("\(path) has two keys that are the same text in different Unicode forms, \(TextBytes.preview(key)); JSON would keep only one, so write them one way")
                    }
                case LUA_TNUMBER where lua_isinteger(L, -2) != 0:
                    let key = lua_tointegerx(L, -2, nil)
                    path.steps.append(.index(key))
                    items[key] = try read(lua_absindex(L, -1), depth: depth + 1)
                    path.steps.removeLast()
                default:
                    let kind = String(cString: lua_typename(L, lua_type(L, -2)))
                    throw problem("\(path) has a \(kind) key; keys must be strings or integers")
                }
                parley_pop(L, 1)
            }
            if items.isEmpty { return .object(members) }
            if !members.isEmpty {
                throw problem("\(path) mixes array items and named keys; use one or the other")
            }
            var array: [JSONValue] = []
            array.reserveCapacity(items.count)
            for i in 1...Int64(items.count) {
                guard let item = items[i] else {
                    let keys = items.keys.sorted().prefix(6).map(String.init).joined(separator: ", ")
                    throw problem("\(path) is a sparse array (keys \(keys)...); arrays need keys 1, 2, 3... without holes")
                }
                array.append(item)
            }
            return .array(array)
        }
    }

    /// The digits of `i` in decimal, with its sign. No `abs`: `Int64.min` has no positive.
    static func decimalLength(_ i: Int64) -> Int {
        var rest = i.magnitude
        var length = i < 0 ? 2 : 1
        while rest >= 10 {
            rest /= 10
            length += 1
        }
        return length
    }

    /// The string at `index`, which must already be a string (on a number, lua_tolstring
    /// would convert it in place and allocate), invalid bytes replaced: for messages and
    /// log lines, never for data.
    static func string(_ L: OpaquePointer, at index: Int32) -> String {
        var length = 0
        guard let bytes = parley_tostring(L, index, &length) else { return "" }
        return TextBytes.lossyText(UnsafeRawBufferPointer(start: bytes, count: length))
    }

    // MARK: Swift to Lua

    /// Pushes `value`: arrays become sequences, objects records, null nil. [-0, +1]
    package func push(_ value: JSONValue) {
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
            for (key, member) in members {
                if case .null = member { continue }
                push(key)
                push(member)
                lua_rawset(L, -3)
            }
        }
    }

    package func push(_ s: String) {
        s.utf8.withContiguousStorageIfAvailable { buffer in
            _ = lua_pushlstring(L, UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), buffer.count)
        } ?? {
            var copy = s
            copy.withUTF8 { buffer in
                _ = lua_pushlstring(L, UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), buffer.count)
            }
        }()
    }

    /// About how much Lua memory `values` take once pushed, to refuse what the state has no
    /// room for: Lua 5.4 on 64 bits spends 24 bytes and the text (and a NUL) on a string,
    /// 56 on a table, 16 on each array item, and 24 on each slot of a record's hash part (a
    /// power of two). Short strings are shared in Lua, so this errs high. Counting stops
    /// once past `limit`.
    static func footprint(of values: [JSONValue], upTo limit: Int) -> Int {
        var total = 0
        func add(_ value: JSONValue) {
            switch value {
            case .null, .bool, .int, .double: return
            case .string(let s): total += 25 + s.utf8.count
            case .array(let items):
                total += 56 + 16 * items.count
                for item in items where total <= limit { add(item) }
            case .object(let members):
                total += 56 + 24 * hashSlots(members.count)
                for (key, member) in members where total <= limit {
                    total += 25 + key.utf8.count
                    add(member)
                }
            }
        }
        for value in values where total <= limit { add(value) }
        return total
    }

    private static func hashSlots(_ n: Int) -> Int {
        n <= 1 ? n : 1 << (Int.bitWidth - (n - 1).leadingZeroBitCount)
    }

    /// Pushes a key the host spells itself, without converting it. [-0, +1]
    package func push(key: StaticString) {
        _ = lua_pushlstring(L, UnsafeRawPointer(key.utf8Start).assumingMemoryBound(to: CChar.self), key.utf8CodeUnitCount)
    }

    /// Sets `table[key] = value` on the table at the top of the stack, raw. [-0, +0]
    func setField(_ key: StaticString, _ value: JSONValue) {
        push(key: key)
        push(value)
        lua_rawset(L, -3)
    }
}

/// Where in a value a read is, built only when an error names it: making the text of
/// every entry's path would cost its length for each of 100,000 entries.
struct ValuePath: CustomStringConvertible {
    enum Step {
        case key(String)
        case index(Int64)
    }

    let root: String
    var steps: [Step] = []

    var description: String {
        var out = root
        for step in steps {
            switch step {
            case .index(let i): out += "[\(i)]"
            case .key(let key) where ValuePath.isName(key): out += "." + key
            case .key(let key): out += "[\(TextBytes.preview(key))]"
            }
        }
        return out
    }

    /// A key that reads well after a dot: a short Lua name.
    static func isName(_ key: String) -> Bool {
        guard let first = key.utf8.first, key.utf8.count <= 40, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return key.utf8.allSatisfy { b in
            b == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
        }
    }
}
