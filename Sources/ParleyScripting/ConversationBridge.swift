import CLuaShim
import ParleyJSON
import ParleySandbox

/// A conversation as a script sees it: `conv.contact`, `conv.number`, `conv.owner`, `conv.language` and
/// `conv.state`, with methods such as `conv:not_understood()` from a method table.
public struct ConversationView: Sendable, Equatable {
    public var contact: String
    public var owner: String
    public var language: String?
    public var state: JSONValue
    /// `conv.session`: the open session's own table, gone when the session ends; nil when
    /// no session is open.
    public var session: JSONValue?
    /// `conv.number`: the name of the business number the conversation is on (`main`, the
    /// default: `ContactID.defaultNumber`, which this module does not see).
    public var number: String

    public init(contact: String, number: String = "main", owner: String, language: String?, state: JSONValue, session: JSONValue? = nil) {
        self.contact = contact
        self.number = number
        self.owner = owner
        self.language = language
        self.state = state
        self.session = session
    }
}

/// `conv` in one script's sandbox: the table a call receives, its methods, and its
/// `conv.state`, produced only when the script first reads it (most turns never do) and
/// only for that call's own `conv`; after the call the table is retired, so a `conv` a
/// script kept reads nothing later.
final class ConversationBridge: CallSubject {
    private unowned let sandbox: LuaSandbox
    private var metatableRef: Int32 = 0
    /// The conversation of the call now running, and what the script left of it: `nil`
    /// when the call changed neither `conv.state` nor `conv.language`, so nothing is written.
    private var current: ConversationView?
    private(set) var after: ConversationView?
    /// The running call's `conv` table (its address), state and session, for the lazy loader.
    private var pending: (table: Int64, state: JSONValue, session: JSONValue?)?

    /// The longest `conv.language` kept: language codes are a few letters.
    static let maxLanguageBytes = 32

    init(_ sandbox: LuaSandbox, methods: [HostFunction]) {
        self.sandbox = sandbox
        metatableRef = makeMetatable(methods)
    }

    /// The metatable of `conv` tables: `methods` and a lazily produced `conv.state`,
    /// locked against `getmetatable`.
    private func makeMetatable(_ methods: [HostFunction]) -> Int32 {
        let loader = HostFunction("conv.state", [.init("conv", .identity), .init("key", .string, maxBytes: 16)], returns: "table") { [unowned self] args throws(HostError) in
            let key = args[1].stringValue ?? "state"
            guard let pending, args[0].integerValue == pending.table else {
                throw HostError("conv.\(key) can be read only during the call that received this conv")
            }
            // Outside a session (a timer after it ended), conv.session is an empty table that is not kept.
            return [key == "session" ? pending.session ?? .object([:]) : pending.state]
        }
        return sandbox.host {
            let L = sandbox.L
            lua_createtable(L, 0, Int32(methods.count + 1))
            for f in methods {
                sandbox.pushHostFunction(f)
                lua_setfield(L, -2, sandbox.lastComponent(f.name))
            }
            sandbox.pushHostFunction(loader)
            parley_push_conversation_index(L)
            lua_createtable(L, 0, 2)
            lua_rotate(L, -2, 1)
            lua_setfield(L, -2, "__index")
            sandbox.values.push("locked")
            lua_setfield(L, -2, "__metatable")
            return luaL_ref(L, parley_registryindex())
        }
    }

    /// The subject of the next call: `conversation`.
    func prepare(_ conversation: ConversationView) {
        current = conversation
        after = nil
    }

    // MARK: CallSubject

    func push(into sandbox: LuaSandbox) {
        guard var c = current else { return lua_pushnil(sandbox.L) }
        let L = sandbox.L
        // One C call for the whole table: this runs for every handler call.
        c.contact.withUTF8 { contact in
            c.number.withUTF8 { number in
                c.owner.withUTF8 { owner in
                    func push(language: UnsafeBufferPointer<UInt8>?) {
                        parley_push_conversation(L, metatableRef, chars(contact), contact.count, chars(number), number.count,
                                                 chars(owner), owner.count, language == nil ? 0 : 1, language.flatMap(chars), language?.count ?? 0)
                    }
                    guard var language = c.language else { return push(language: nil) }
                    language.withUTF8 { push(language: $0) }
                }
            }
        }
        pending = (Int64(Int(bitPattern: lua_topointer(L, -1))), c.state, c.session)
    }

    private func chars(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafePointer<CChar>? {
        UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self)
    }

    func read(from sandbox: LuaSandbox, at index: Int32) throws(ScriptFailure) {
        // Fields are read in place: the conversation is copied only for a call that changed it.
        guard current != nil else { return }
        let L = sandbox.L
        defer { parley_retire_conversation(L, index) }
        let state = try readTable("state", "conv.state", at: index, in: sandbox)
        let session = current?.session != nil ? try readTable("session", "conv.session", at: index, in: sandbox) : nil
        sandbox.values.push(key: "owner")
        let ownerKept = lua_rawget(L, index) == LUA_TSTRING && Self.isText(L, -1, current?.owner)
        parley_pop(L, 1)
        guard ownerKept else {
            throw .conversion("conv.owner cannot be set: who owns a conversation is the core's to change. Hand it to another bot with hand_off(conv, \"bot:delivery\"), or to a person with escalate_to_human(conv)")
        }
        var language: String?
        sandbox.values.push(key: "language")
        if lua_rawget(L, index) == LUA_TSTRING, !Self.isText(L, -1, current?.language) {  // most calls leave it
            guard lua_rawlen(L, -1) <= Self.maxLanguageBytes, case .string(let changed) = try sandbox.callValues.read(-1, path: "conv.language") else {
                parley_pop(L, 1)
                throw .conversion("conv.language must be a language code such as \"en_US\" or \"pt_BR\" (at most \(Self.maxLanguageBytes) bytes)")
            }
            language = changed
        }
        parley_pop(L, 1)
        guard state != nil || session != nil || language != nil, var after = current else { return }  // most calls (every router's) change nothing
        if let state { after.state = state }
        if let session { after.session = session }
        if let language { after.language = language }
        self.after = after
    }

    func end() {
        pending = nil
        current = nil
    }

    /// `conv.state` or `conv.session` as the call left it; nil when the call never read nor set
    /// it, so it is unchanged.
    private func readTable(_ key: StaticString, _ path: String, at index: Int32, in sandbox: LuaSandbox) throws(ScriptFailure) -> JSONValue? {
        let L = sandbox.L
        sandbox.values.push(key: key)
        defer { parley_pop(L, 1) }
        guard lua_rawget(L, index) != LUA_TNIL else { return nil }
        let value = try sandbox.callValues.read(-1, path: path)
        guard value.objectValue != nil else {
            throw .conversion("\(path) must stay a table of named values, not a \(value.kindName)")
        }
        return value
    }

    /// Whether the Lua string at `index` is `text`, compared in place.
    private static func isText(_ L: OpaquePointer, _ index: Int32, _ text: String?) -> Bool {
        guard var text else { return false }
        var length = 0
        guard let bytes = lua_tolstring(L, index, &length) else { return false }
        return text.withUTF8 { $0.count == length && UnsafeRawBufferPointer($0).elementsEqual(UnsafeRawBufferPointer(start: bytes, count: length)) }
    }
}
