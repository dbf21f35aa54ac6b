import ParleyJSON
import ParleyPolicy
import ParleySandbox

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

/// When an automation runs: every so often from the start, or at local times of day.
public enum AutomationSchedule: Sendable, Equatable {
    case every(Span)
    case daily(DailySchedule)

    /// The first run after `now`.
    public func next(after now: Instant) -> Instant {
        switch self {
        case .every(let span): now + span
        case .daily(let schedule): schedule.next(after: now)
        }
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
    public let schedule: AutomationSchedule?

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
        func delay(_ value: JSONValue, in field: String) throws(ScriptFailure) -> Span {
            do { return try Span(delay: value) } catch { throw problem("\(kind.rawValue) '\(name)': field '\(field)': \(error.message)") }
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
                let lead = try delay(v, in: "window_closing")
                guard lead > .zero else { throw problem("bot '\(name)': field 'window_closing' must be more than 0s, such as \"1h\"") }
                return lead
            } ?? .hours(1)
            self.schedule = nil
        case .router:
            guard handlers["route"] != nil else { throw problem("router '\(name)' has no route function") }
            self.escalation = nil
            self.windowClosingLead = nil
            self.schedule = nil
        case .macro:
            guard handlers["run"] != nil else { throw problem("macro '\(name)' has no run function") }
            self.escalation = nil
            self.windowClosingLead = nil
            self.schedule = nil
        case .automation:
            guard handlers["run"] != nil || handlers["on_account"] != nil else {
                throw problem("automation '\(name)' has no run function (nor an on_account hook)")
            }
            if handlers["run"] == nil, fields["every"] != nil || fields["at"] != nil {
                throw problem("automation '\(name)' says when it runs but has no run function; add run = function() ... end")
            }
            self.escalation = nil
            self.windowClosingLead = nil
            switch (fields["every"], fields["at"]) {
            case (nil, nil) where handlers["run"] == nil:
                self.schedule = nil  // only a hook: it runs when the account changes
            case (let period?, nil):
                guard fields["days"] == nil, fields["tz"] == nil else {
                    throw problem("automation '\(name)': days and tz go with at = \"08:00\", not with every")
                }
                let every = try delay(period, in: "every")
                guard every >= .seconds(1) else { throw problem("automation '\(name)': field 'every' must be at least 1s, such as \"1h\"") }
                self.schedule = .every(every)
            case (nil, let at?):
                let times = at.stringValue.map { [$0] } ?? at.arrayValue?.compactMap(\.stringValue) ?? []
                do {
                    self.schedule = .daily(try DailySchedule(at: times, days: fields["days"]?.stringValue, tz: fields["tz"]?.stringValue))
                } catch {
                    throw problem("automation '\(name)': \(error.message)")
                }
            case (_?, _?):
                throw problem("automation '\(name)' has both every and at; give one: every = \"1h\", or at = \"08:00\" (with days and tz)")
            case (nil, nil):
                throw problem("automation '\(name)': say when it runs: every = \"1h\", or at = \"08:00\" (with days = \"Mon-Fri\" and tz = \"America/New_York\")")
            }
        }
    }

    /// For `conversations{closing_within=}`, which says its own message.
    static let maxSpanText = Span.longestDelayText

    static func span(_ value: JSONValue) -> Span? { try? Span(delay: value) }
}

extension Span {
    /// A delay as data carries it: text, or a number of seconds. Script fields, parley.toml
    /// and scenarios all arrive as JSON, and read it here.
    public init(delay value: JSONValue) throws(DelayError) {
        switch value {
        case .string(let text): try self.init(delay: text)
        case .int(let seconds): try self.init(delaySeconds: seconds)
        case .double(let seconds): try self.init(delaySeconds: seconds)
        case .object: throw DelayError(given: "a table")
        case .array: throw DelayError(given: "a list")
        case .bool: throw DelayError(given: "a boolean")
        case .null: throw DelayError(given: "nothing")
        }
    }
}
