import ParleyJSON
import ParleyPolicy
import ParleySandbox

/// Which script is asking: the host needs it to know who sends, whose timers fire and
/// whose queue an escalation goes to.
public struct ScriptIdentity: Hashable, Sendable, CustomStringConvertible {
    public let kind: ScriptKind
    public let name: String

    public init(kind: ScriptKind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// The sender a message from this script is attributed to; routers do not send.
    public var sender: Sender? {
        switch kind {
        case .bot: return .bot(name)
        case .macro: return .macro(name)
        case .automation: return .automation(name)
        case .router: return nil
        }
    }

    public var description: String { "\(kind.rawValue):\(name)" }
}

/// What the primitives ask of the runtime. Scripts ask; the runtime and its policy core
/// decide and record. A refusal is a result, never an error; `HostError` is for misuse,
/// and becomes a Lua error at the script's line.
public protocol ScriptHost: AnyObject {
    var now: Instant { get }
    func send(_ message: OutboundMessage, to recipient: String, by script: ScriptIdentity) throws(HostError) -> SendOutcome
    func window(of recipient: String) -> (open: Bool, secondsLeft: Int64)
    func freeEntryPointSecondsLeft(of recipient: String) -> Int64
    func pickTemplate(_ query: TemplateQuery, for recipient: String?, by script: ScriptIdentity) -> Result<Template, Refusal>
    func pricing(of template: Template, for recipient: String?, by script: ScriptIdentity) -> Pricing?
    func escalate(_ recipient: String, request: EscalationRequest, by script: ScriptIdentity) throws(HostError) -> Handoff
    /// `hand_off`: another bot takes the conversation when the call returns; answers the
    /// new owner.
    func handOff(_ recipient: String, to target: String, note: String?, data: JSONValue, by script: ScriptIdentity) throws(HostError) -> String
    func schedule(_ recipient: String, after delay: Span, name: String, data: JSONValue, by script: ScriptIdentity) throws(HostError)
    func notUnderstood(_ recipient: String, by script: ScriptIdentity) throws(HostError)
    /// `conv:done(note)`: the owning bot's work with the contact is finished; the session
    /// ends when the call returns.
    func done(_ recipient: String, note: String?, by script: ScriptIdentity) throws(HostError)
    func conversations(_ filter: ConversationFilter, by script: ScriptIdentity) -> [ConversationView]
    func log(_ line: String, by script: ScriptIdentity)
    /// `mark_read`: a read receipt (and a typing indicator) for a message of the call's
    /// conversation; `messageID` is `nil` for a scenario's message that has no id.
    func markRead(_ messageID: String?, typing: Bool, by script: ScriptIdentity) throws(HostError)
}

extension ScriptHost {
    /// `in_window`'s third value: seconds left of the contact's free entry point window
    /// (docs/rules.md §16.2), 0 when none is open. A host that prices nothing has none.
    public func freeEntryPointSecondsLeft(of recipient: String) -> Int64 { 0 }
    /// What `template` would cost sent to `recipient` now, for `pick_template`'s result;
    /// `nil` without a recipient. A host that prices nothing says nothing.
    public func pricing(of template: Template, for recipient: String?, by script: ScriptIdentity) -> Pricing? { nil }
}

/// The answer to `send`.
public struct SendOutcome: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        /// Accepted: dispatched now, or `queued` in the outbox for its pacing slot.
        case accepted(kind: MessageKind, queued: Bool)
        case refused(Refusal)
    }

    public let id: String
    public let result: Result

    public init(id: String, result: Result) {
        self.id = id
        self.result = result
    }
}

extension SendOutcome {
    /// The outcome as scripts and the agent API see it, one shape for both:
    /// `{ok = true, id, kind, queued}` or `{ok = false, id, reason, detail, code?}`.
    public var json: JSONValue {
        switch result {
        case .accepted(let kind, let queued):
            // A Dictionary literal, sized once; JSONValue's own literal merges key by key.
            return .object(["ok": .bool(true), "id": .string(id), "kind": .string(kind.rawValue), "queued": .bool(queued)])
        case .refused(let refusal):
            var fields: [String: JSONValue] = ["ok": false, "id": .string(id), "reason": .string(refusal.reason.rawValue),
                                               "detail": .string(refusal.detail)]
            if let code = refusal.code { fields["code"] = .int(Int64(code)) }
            return .object(fields)
        }
    }
}

public struct EscalationRequest: Sendable, Equatable {
    public var queue: String?
    public var reason: String?
    public var note: String?

    public init(queue: String? = nil, reason: String? = nil, note: String? = nil) {
        self.queue = queue
        self.reason = reason
        self.note = note
    }
}

public struct Handoff: Sendable, Equatable {
    public let queue: String
    public let id: String

    public init(queue: String, id: String) {
        self.queue = queue
        self.id = id
    }
}

/// Which conversations an automation asks for with `conversations{...}`.
public struct ConversationFilter: Sendable, Equatable {
    public var owner: String?
    public var inWindow: Bool?
    /// Only windows that close within this span from now (and are still open).
    public var closingWithin: Span?

    public init(owner: String? = nil, inWindow: Bool? = nil, closingWithin: Span? = nil) {
        self.owner = owner
        self.inWindow = inWindow
        self.closingWithin = closingWithin
    }
}
