import CLuaShim
import ParleyJSON
import ParleyPolicy


/// A Lua function the host keeps: a script's handler, held in the registry.
public struct FunctionRef: Sendable, Hashable {
    let ref: Int32

    /// A function a host function received as a `.function` argument.
    public init(reference: Int64) { ref = Int32(truncatingIfNeeded: reference) }
    init(ref: Int32) { self.ref = ref }
}

/// A conversation as a script sees it: `conv.contact`, `conv.owner`, `conv.language` and
/// `conv.state`, with methods such as `conv:not_understood()` from a method table.
public struct ConversationView: Sendable, Equatable {
    public var contact: String
    public var owner: String
    public var language: String?
    public var state: JSONValue

    public init(contact: String, owner: String, language: String?, state: JSONValue) {
        self.contact = contact
        self.owner = owner
        self.language = language
        self.state = state
    }
}

/// What a call returned, and the conversation as the script left it.
public struct CallResult: Sendable, Equatable {
    public var values: [JSONValue]
    /// The conversation after the call (its `state` and `language` may have changed).
    public var conversation: ConversationView?
    /// How many of the file's locals (and metamethod fields of its tables) the call had
    /// changed, all put back as the file left them; the name of the first.
    public var restoredLocals = 0
    public var firstRestored: String?
}

extension LuaSandbox {
    /// Calls a kept function with a conversation (as its first argument, when given) and
    /// data arguments, under the budget, and reads back `results` values and the
    /// conversation's state. `instant`, the time of the call, seeds its `math.random`.
    public func call(
        _ function: FunctionRef, conversation: ConversationView? = nil, conversationMethods: Int32? = nil,
        arguments: [JSONValue] = [], results: Int32 = 0, at instant: Instant? = nil
    ) throws(ScriptFailure) -> CallResult {
        let base = lua_gettop(L)
        defer {
            lua_settop(L, base)
            pending = nil
        }
        var conversationIndex: Int32 = 0
        host {
            _ = lua_checkstack(L, Int32(arguments.count) + 6)
            if let conversation {
                pushConversation(conversation, methods: conversationMethods)
                conversationIndex = lua_gettop(L)
                pending = (Int64(Int(bitPattern: lua_topointer(L, conversationIndex))), conversation.state)
            }
            lua_rawgeti(L, parley_registryindex(), Int64(function.ref))
            if conversationIndex != 0 { lua_pushvalue(L, conversationIndex) }
            for a in arguments { values.push(a) }
        }
        let count = Int32(arguments.count) + (conversationIndex != 0 ? 1 : 0)
        try protectedCall(arguments: count, results: results, seed: Self.seed(conversation?.contact, at: instant))
        return try host { () throws(ScriptFailure) -> CallResult in
            var out: [JSONValue] = []
            for i in 0..<results {
                out.append(try callValues.read(lua_gettop(L) - results + 1 + i, path: "result \(i + 1)"))
            }
            var after: ConversationView?
            if let conversation {
                after = try readConversation(at: conversationIndex, original: conversation)
                parley_retire_conversation(L, conversationIndex)
            }
            var first: UnsafePointer<CChar>?
            let restored = parley_restore(L, &first)
            return CallResult(values: out, conversation: after, restoredLocals: Int(restored), firstRestored: first.map { String(cString: $0) })
        }
    }

    /// A call's `math.random` seed: from its conversation and the time, so a scenario gives
    /// the same numbers every run and no call's numbers depend on the calls before it.
    static func seed(_ contact: String?, at instant: Instant?) -> Int64 {
        var contact = contact ?? ""
        let hash = contact.withUTF8 { bytes in
            bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }   // FNV-1a
        }
        return Int64(bitPattern: hash ^ UInt64(bitPattern: instant?.millisecondsSinceEpoch ?? 0))
    }

    private func pushConversation(_ c: ConversationView, methods: Int32?) {
        lua_rawgeti(L, parley_registryindex(), Int64(keysRef))
        let keys = lua_gettop(L)
        lua_createtable(L, 0, 4)
        func set(_ key: ConversationKey, _ value: String) {
            lua_rawgeti(L, keys, key.rawValue)
            values.push(value)
            lua_rawset(L, -3)
        }
        set(.contact, c.contact)
        set(.owner, c.owner)
        if let language = c.language { set(.language, language) }
        parley_remove(L, keys)
        if let methods {
            lua_rawgeti(L, parley_registryindex(), Int64(methods))
            lua_setmetatable(L, -2)
        }
    }

    private func readConversation(at index: Int32, original: ConversationView) throws(ScriptFailure) -> ConversationView {
        var after = original
        values.push(key: "state")
        if lua_rawget(L, index) != LUA_TNIL {  // nil: never read nor set, so unchanged
            let state = try callValues.read(-1, path: "conv.state")
            guard state.objectValue != nil else {
                parley_pop(L, 1)
                throw .conversion("conv.state must stay a table of named values, not a \(state.kindName)")
            }
            after.state = state
        }
        parley_pop(L, 1)
        values.push(key: "language")
        if lua_rawget(L, index) == LUA_TSTRING {
            guard lua_rawlen(L, -1) <= Self.maxLanguageBytes, case .string(let language) = try callValues.read(-1, path: "conv.language") else {
                parley_pop(L, 1)
                throw .conversion("conv.language must be a language code such as \"en_US\" or \"pt_BR\" (at most \(Self.maxLanguageBytes) bytes)")
            }
            after.language = language
        }
        parley_pop(L, 1)
        return after
    }

    /// The longest `conv.language` kept: language codes are a few letters.
    static let maxLanguageBytes = 32

    /// Keeps the function at the top of the stack and pops it.
    func keepFunction() -> FunctionRef {
        host { FunctionRef(ref: luaL_ref(L, parley_registryindex())) }
    }
}
