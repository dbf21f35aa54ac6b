import ParleyJSON
import ParleyPolicy

/// What kind of script a file defines.
public enum ScriptKind: String, Sendable, CaseIterable {
    case bot, router, macro, automation
}

/// A human path, which every bot must declare.
public struct EscalationPath: Sendable, Equatable {
    /// The agent queue for in-chat transfer.
    public var queue: String?
    /// How to reach a person outside the chat: a phone number, e-mail or form.
    public var contact: String?

    /// `nil` when neither is given: then the bot does not load.
    public init?(queue: String?, contact: String?) {
        let queue = queue.flatMap { $0.isEmpty ? nil : $0 }
        let contact = contact.flatMap { $0.isEmpty ? nil : $0 }
        guard queue != nil || contact != nil else { return nil }
        self.queue = queue
        self.contact = contact
    }
}

/// The table a script file returned, checked: its kind, name, settings and handlers.
public struct ScriptDefinition: Sendable {
    public let kind: ScriptKind
    public let name: String
    /// The file it came from, as messages show it.
    public let file: String
    public let description: String?
    /// Handlers by field name: `on_message`, `route`, `run`...
    let handlers: [String: FunctionRef]

    // Bots
    public let escalation: EscalationPath?
    /// How long before the window closes `on_window_closing` fires.
    public let windowClosingLead: Span?
    // Macros
    public let params: [String]
    // Automations
    public let every: Span?

    public func has(_ handler: String) -> Bool { handlers[handler] != nil }

    /// Checks the fields that matter to the host. The Stdlib constructors already gave
    /// friendlier messages for most mistakes; this check stands even for a table that did
    /// not come from them, because the escalation rule is policy, and policy is the host's.
    init(file: String, fields: [String: JSONValue], handlers: [String: FunctionRef]) throws(ScriptFailure) {
        func problem(_ text: String) -> ScriptFailure { .error("\(file): \(text)") }
        guard let kindText = fields["kind"]?.stringValue, let kind = ScriptKind(rawValue: kindText) else {
            throw problem("the file must return a table made by bot { ... }, router { ... }, macro { ... } or automation { ... }")
        }
        guard let name = fields["name"]?.stringValue, !name.isEmpty else {
            throw problem("\(kind.rawValue) has no name; add name = \"...\"")
        }
        self.kind = kind
        self.name = name
        self.file = file
        self.description = fields["description"]?.stringValue
        self.handlers = handlers
        self.params = fields["params"]?.arrayValue?.compactMap(\.stringValue) ?? []

        switch kind {
        case .bot:
            let path = fields["escalation"]
            guard let escalation = EscalationPath(queue: path?["queue"]?.stringValue, contact: path?["contact"]?.stringValue) else {
                throw problem("bot '\(name)' has no escalation path; every bot needs a way to a human: add escalation = { queue = \"support\" } or escalation = { contact = \"Call +1 415 555 0100\" }")
            }
            guard handlers["on_message"] != nil else { throw problem("bot '\(name)' has no on_message handler") }
            self.escalation = escalation
            self.windowClosingLead = try fields["window_closing"].map { v throws(ScriptFailure) in
                guard let span = ScriptDefinition.span(v), span.milliseconds > 0 else {
                    throw problem("bot '\(name)': window_closing must be a delay such as \"1h\"")
                }
                return span
            } ?? .hours(1)
            self.every = nil
        case .router:
            guard handlers["route"] != nil else { throw problem("router '\(name)' has no route function") }
            self.escalation = nil
            self.windowClosingLead = nil
            self.every = nil
        case .macro:
            guard handlers["run"] != nil else { throw problem("macro '\(name)' has no run function") }
            self.escalation = nil
            self.windowClosingLead = nil
            self.every = nil
        case .automation:
            guard handlers["run"] != nil else { throw problem("automation '\(name)' has no run function") }
            guard let every = fields["every"].flatMap(ScriptDefinition.span), every >= .seconds(1) else {
                throw problem("automation '\(name)': every must be a delay of at least 1s, such as \"1h\"")
            }
            self.escalation = nil
            self.windowClosingLead = nil
            self.every = every
        }
    }

    /// A delay from a script: `"23h"` or seconds, from 0 to 10^12 s (anything longer is a
    /// mistake, and would overflow). Text longer than `maxSpanText` is no delay: parsing
    /// holds a character array 16 times the size of the text.
    static let maxSpanText = 64

    static func span(_ value: JSONValue) -> Span? {
        switch value {
        case .string(let s): return s.utf8.count <= maxSpanText ? Span(parsing: s) : nil
        case .int(let i): return (0...1_000_000_000_000).contains(i) ? .seconds(i) : nil
        case .double(let d): return d.isFinite && d >= 0 && d <= 1e12 ? Span(milliseconds: Int64(d * 1000)) : nil
        default: return nil
        }
    }
}
