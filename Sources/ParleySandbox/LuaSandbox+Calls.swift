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

/// A value a call is about, pushed before its arguments and read back after it: the
/// scripting model's `conv`. The sandbox calls the hooks with the Lua API open to Swift
/// (`host`), and `end` whatever happened, so the subject can forget the call.
package protocol CallSubject: AnyObject {
    /// Pushes the subject onto the stack, as the call's first argument.
    func push(into sandbox: LuaSandbox)
    /// Reads the subject back from stack index `index` after the call returned.
    func read(from sandbox: LuaSandbox, at index: Int32) throws(ScriptFailure)
    /// The call is over, returned or not.
    func end()
}

/// What a call returned.
public struct CallResult: Sendable, Equatable {
    public var values: [JSONValue]
    /// How many of the file's locals (and metamethod fields of its tables) the call had
    /// changed, all put back as the file left them; the name of the first.
    public var restoredLocals = 0
    public var firstRestored: String?
}

extension LuaSandbox {
    /// Calls a kept function with `subject` (as its first argument, when given) and data
    /// arguments, under the budget, and reads back `results` values and the subject. `seed`
    /// seeds the call's `math.random`.
    package func call(
        _ function: FunctionRef, subject: (any CallSubject)? = nil, arguments: [JSONValue] = [], results: Int32 = 0, seed: Int64
    ) throws(ScriptFailure) -> CallResult {
        let base = lua_gettop(L)
        defer {
            lua_settop(L, base)
            subject?.end()
        }
        var subjectIndex: Int32 = 0
        host {
            _ = lua_checkstack(L, Int32(arguments.count) + 6)
            if let subject {
                subject.push(into: self)
                subjectIndex = lua_gettop(L)
            }
            lua_rawgeti(L, parley_registryindex(), Int64(function.ref))
            if subjectIndex != 0 { lua_pushvalue(L, subjectIndex) }
            for a in arguments { values.push(a) }
        }
        let count = Int32(arguments.count) + (subjectIndex != 0 ? 1 : 0)
        try protectedCall(arguments: count, results: results, seed: seed)
        return try host { () throws(ScriptFailure) -> CallResult in
            var out: [JSONValue] = []
            out.reserveCapacity(Int(results))
            for i in 0..<results {
                out.append(try callValues.read(lua_gettop(L) - results + 1 + i, path: Self.resultName(i)))
            }
            if let subject { try subject.read(from: self, at: subjectIndex) }
            var first: UnsafePointer<CChar>?
            let restored = parley_restore(L, &first)
            return CallResult(values: out, restoredLocals: Int(restored), firstRestored: first.map { String(cString: $0) })
        }
    }

    /// `result 1`, `result 2`...: named once, not formatted on every call.
    private static let resultNames = (1...4).map { "result \($0)" }

    private static func resultName(_ i: Int32) -> String {
        i < resultNames.count ? resultNames[Int(i)] : "result \(i + 1)"
    }

    /// A call's `math.random` seed: from its conversation and the time, so a scenario gives
    /// the same numbers every run and no call's numbers depend on the calls before it.
    package static func seed(_ contact: String?, at instant: Instant?) -> Int64 {
        var contact = contact ?? ""
        let hash = contact.withUTF8 { bytes in
            bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }   // FNV-1a
        }
        return Int64(bitPattern: hash ^ UInt64(bitPattern: instant?.millisecondsSinceEpoch ?? 0))
    }

    /// Keeps the function at the top of the stack and pops it.
    func keepFunction() -> FunctionRef {
        host { FunctionRef(ref: luaL_ref(L, parley_registryindex())) }
    }
}
