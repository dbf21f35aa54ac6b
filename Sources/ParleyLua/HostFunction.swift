import ParleyJSON

/// A Swift function that scripts can call, declared as data: its name, its parameters'
/// types and what it returns. One dispatcher checks every call against the declaration
/// and gives the script a clear error for misuse, so the body only ever sees well-typed
/// Swift values and never touches the Lua stack.
public struct HostFunction {
    public enum ParameterType: Sendable, Equatable {
        case string
        case integer
        case number
        case boolean
        /// A table of data, converted to JSON.
        case table
        /// Any data: nil, boolean, number, string or a table of them.
        case value
        /// A conversation (its `contact` is taken) or a contact as a string.
        case recipient
        /// A delay, read as `Span(delay:)` reads every delay (`"23h"`, `"90m"` or a number of
        /// seconds); arrives as its milliseconds, an integer. Its text is bounded by the
        /// longest delay's, whatever `maxBytes` says.
        case span
        /// Every remaining argument, each rendered as text (for `log` and `print`).
        case restAsText
        /// A table's identity, not its contents (an integer), for host functions that
        /// must know which table they were given.
        case identity
        /// A Lua function, kept for the host: arrives as its registry reference (an
        /// integer); call it with `LuaSandbox.call(FunctionRef(reference:), ...)`.
        case function
    }

    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var type: ParameterType
        public var optional: Bool
        /// The most this argument may bring into the host, checked before anything is
        /// copied: a string's bytes, or the JSON a table becomes; for `restAsText`, all
        /// the text rendered. `nil`: the budget's `dataBytes`. Host code runs outside the
        /// script's budget, so what it is handed must be bounded.
        public var maxBytes: Int?
        /// For free text inside a table, where the call matters more than all of the text
        /// (an escalation's note): strings longer than this are cut, with a marker saying
        /// so, instead of refusing the call. Keys are never cut.
        public var cutsTextAt: Int?

        public init(_ name: String, _ type: ParameterType, optional: Bool = false, maxBytes: Int? = nil, cutsTextAt: Int? = nil) {
            self.name = name
            self.type = type
            self.optional = optional
            self.maxBytes = maxBytes
            self.cutsTextAt = cutsTextAt
        }
    }

    /// The checked arguments: one per declared parameter, `.null` when an optional one is
    /// absent; a `restAsText` parameter arrives as an array of strings. Every string is
    /// valid UTF-8 (except in `restAsText`, where invalid bytes are replaced).
    public typealias Body = ([JSONValue]) throws(HostError) -> [JSONValue]

    public let name: String
    public let parameters: [Parameter]
    /// What it returns, for listings and error messages (`"boolean, integer"`).
    public let returns: String
    public let body: Body

    public init(_ name: String, _ parameters: [Parameter], returns: String, body: @escaping Body) {
        self.name = name
        self.parameters = parameters
        self.returns = returns
        self.body = body
    }

    /// Why `results` may not be pushed into a state with `memoryLeft` bytes left of its
    /// `budget` (0: none), or `nil` when they fit.
    func oversized(_ results: [JSONValue], memoryLeft: Int, of budget: Int) -> String? {
        guard budget > 0 else { return nil }
        let left = max(0, memoryLeft)
        guard LuaValues.footprint(of: results, upTo: left) > left else { return nil }
        return "\(name): its result needs more memory than the \(TextBytes.size(left)) this call has left of its \(TextBytes.size(budget)); ask for less at a time"
    }

    /// `send(to: recipient, message: value)`, for error messages.
    public var signature: String {
        let params = parameters.map { p in
            p.type == .restAsText ? "..." : "\(p.name)\(p.optional ? "?" : "")"
        }
        return "\(name)(\(params.joined(separator: ", ")))"
    }
}

/// A host function's refusal to run: the script misused it. It becomes a Lua error at
/// the script's line.
public struct HostError: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
