import ParleyJSON
import ParleyPolicy
import ParleySandbox

/// The script surface of docs/scripts.md, declared as host functions bound to one script and
/// its host: `send`, `in_window`, `pick_template`, `escalate_to_human`, `schedule`,
/// `now`, `log`, `conversations`, and the `conv:not_understood()` method.
struct Primitives {
    /// Settled once the script file has returned its definition.
    let identity: IdentityBox
    weak var host: (any ScriptHost)?

    func runtime() throws(HostError) -> any ScriptHost {
        guard let host else { throw HostError("the runtime is shutting down") }
        return host
    }

    func script(_ primitive: String) throws(HostError) -> ScriptIdentity {
        guard let settled = identity.identity else {
            throw HostError("\(primitive) cannot run while the script file loads; call it from a handler")
        }
        return settled
    }

    var globals: [HostFunction] {
        [send, inWindow, pickTemplate, escalate, handOff, schedule, now, log, conversations, markRead]
    }

    var conversationMethods: [HostFunction] { [notUnderstood, done] }

    // What a primitive takes beyond the budget's `dataBytes` (a message, a query, a
    // timer's data): identifiers are short, and free text is cut rather than refused
    // where the call must still happen.

    /// A contact as written (`+1 (415) 555-0100`, a business-scoped user id of up to 136).
    static let recipientBytes = 256
    /// A timer's name.
    static let timerNameBytes = 256
    /// A delay as text (`"1h30m"`).
    static let delayBytes = ScriptDefinition.maxSpanText
    /// An escalation's queue name.
    static let queueBytes = 128
    /// An escalation's reason, cut beyond this.
    static let reasonBytes = 256
    /// An escalation's note, cut beyond this: enough for a summary an agent reads.
    static let noteBytes = 4096

    private static func recipient(_ name: String) -> HostFunction.Parameter {
        .init(name, .recipient, maxBytes: recipientBytes)
    }

    var send: HostFunction {
        HostFunction("send", [Primitives.recipient("to"), .init("message", .value)], returns: "table") { [self] args throws(HostError) in
            let script = try script("send")
            guard script.sender != nil else {
                throw HostError("send: a router only routes; return \"bot:<name>\" and let the bot answer")
            }
            let message = try MessageReader.read(args[1])
            return [try runtime().send(message, to: args[0].textValue ?? "", by: script).json]
        }
    }

    var inWindow: HostFunction {
        HostFunction("in_window", [Primitives.recipient("to")], returns: "boolean, integer, integer") { [self] args throws(HostError) in
            let host = try runtime()
            let recipient = args[0].textValue ?? ""
            let standing = host.window(of: recipient)
            return [.bool(standing.open), .int(standing.secondsLeft), .int(host.freeEntryPointSecondsLeft(of: recipient))]
        }
    }

    var pickTemplate: HostFunction {
        HostFunction("pick_template", [.init("query", .table, optional: true)], returns: "template or nil, reason") { [self] args throws(HostError) in
            let fields = args[0].objectValue ?? [:]
            let known: Set<String> = ["name", "category", "language", "params", "to"]
            if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
                throw HostError("pick_template: unknown field \(TextBytes.preview(unknown)) (known: name, category, language, params, to)")
            }
            var query = TemplateQuery(name: fields["name"]?.stringValue, language: fields["language"]?.stringValue)
            if let category = fields["category"] {
                guard let text = category.stringValue, let parsed = TemplateCategory(platform: text) else {
                    throw HostError("pick_template: category must be \"MARKETING\", \"UTILITY\" or \"AUTHENTICATION\"")
                }
                query.category = parsed
            }
            switch fields["params"] {
            case nil, .null?: break
            case .int(let n)?: query.parameters = .count(Int(clamping: n))  // a count no template has matches none
            case let values?: query.parameters = .values(try MessageReader.arguments(values, "params"))
            }
            let to: String? = switch fields["to"] {
            case .string(let s)?: s
            case .object(let conv)?: conv["contact"]?.stringValue
            default: nil
            }
            // Picking for a conversation means picking in its language (with fallbacks).
            if query.language == nil, case .object(let conv)? = fields["to"] {
                query.language = conv["language"]?.stringValue
            }
            let asking = try script("pick_template")
            switch try runtime().pickTemplate(query, for: to, by: asking) {
            case .success(let t):
                var picked: [String: JSONValue] = [
                    "name": .string(t.name), "language": .string(t.language), "category": .string(t.category.rawValue),
                    "params": .int(Int64(t.bodyPlaceholders.count)), "quality": .string(t.quality.rawValue),
                    "needs": TemplateNeeds.table(for: t),
                ]
                // Its price for `to`, now: known only with a recipient, its cost only with rates.
                if let pricing = try runtime().pricing(of: t, for: to, by: asking) {
                    picked["pricing_type"] = .string(pricing.type.rawValue)
                    if let cost = pricing.cost {
                        picked["cost"] = .double(cost.double)
                        picked["currency"] = .string(pricing.currency)
                    }
                }
                return [.object(picked)]
            case .failure(let refusal):
                return [.null, .string(refusal.reason.rawValue), .string(refusal.detail)]
            }
        }
    }

    /// `escalate_to_human(conv, {queue=, reason=, note=})`. A hand-off must happen even
    /// when a script passes a huge note: `note` is cut to `noteBytes` and `reason` to
    /// `reasonBytes`, each with a marker saying so, instead of refusing the call. Only
    /// strings are cut while the table is read, so a 15 MB note never reaches the host.
    var escalate: HostFunction {
        HostFunction("escalate_to_human", [Primitives.recipient("conv"), .init("opts", .table, optional: true, cutsTextAt: Primitives.noteBytes)],
                     returns: "table") { [self] args throws(HostError) in
            let opts = args[1].objectValue ?? [:]
            let queue = opts["queue"]?.stringValue
            if let queue, queue.utf8.count > Primitives.queueBytes {
                throw HostError("escalate_to_human: the queue name \(TextBytes.preview(queue)) is \(TextBytes.size(queue.utf8.count)); queue names have at most \(Primitives.queueBytes) bytes")
            }
            let request = EscalationRequest(queue: queue, reason: opts["reason"]?.textValue.map { TextBytes.cut($0, toBytes: Primitives.reasonBytes) },
                                            note: opts["note"]?.textValue.map { TextBytes.cut($0, toBytes: Primitives.noteBytes) })
            let handoff = try runtime().escalate(args[0].textValue ?? "", request: request, by: try script("escalate_to_human"))
            return [["ok": true, "queue": .string(handoff.queue), "handoff_id": .string(handoff.id)]]
        }
    }

    /// `hand_off(conv, "bot:delivery", {note=, data=})`: another bot takes the conversation.
    var handOff: HostFunction {
        HostFunction("hand_off", [Primitives.recipient("conv"), .init("to", .string, maxBytes: Primitives.queueBytes),
                                  .init("opts", .table, optional: true, cutsTextAt: Primitives.noteBytes)],
                     returns: "table") { [self] args throws(HostError) in
            let opts = args[2].objectValue ?? [:]
            for key in opts.keys where key != "note" && key != "data" {
                throw HostError("hand_off: unknown option '\(key)'; it takes note and data")
            }
            let owner = try runtime().handOff(args[0].textValue ?? "", to: args[1].stringValue ?? "", note: opts["note"]?.textValue,
                                              data: opts["data"] ?? .null, by: try script("hand_off"))
            return [["ok": true, "owner": .string(owner)]]
        }
    }

    var schedule: HostFunction {
        HostFunction("schedule", [Primitives.recipient("conv"), .init("delay", .span, maxBytes: Primitives.delayBytes),
                                  .init("name", .string, maxBytes: Primitives.timerNameBytes), .init("data", .value, optional: true)],
                     returns: "nothing") { [self] args throws(HostError) in
            let delay = Span(milliseconds: args[1].integerValue ?? 0)
            try runtime().schedule(args[0].textValue ?? "", after: delay, name: args[2].stringValue ?? "", data: args[3], by: try script("schedule"))
            return []
        }
    }

    var now: HostFunction {
        HostFunction("now", [], returns: "number") { [self] _ throws(HostError) in
            [Primitives.seconds(try runtime().now)]
        }
    }

    var log: HostFunction {
        HostFunction("log", [.init("values", .restAsText)], returns: "nothing") { [self] args throws(HostError) in
            let parts = args[0].arrayValue?.compactMap(\.stringValue) ?? []
            try runtime().log(parts.joined(separator: "\t"), by: identity.identity ?? ScriptIdentity(kind: .bot, name: "(loading)"))
            return []
        }
    }

    var conversations: HostFunction {
        HostFunction("conversations", [.init("filter", .table, optional: true)], returns: "list of conversations") { [self] args throws(HostError) in
            let fields = args[0].objectValue ?? [:]
            var filter = ConversationFilter(owner: fields["owner"]?.stringValue, inWindow: fields["in_window"]?.boolValue)
            if let within = fields["closing_within"] {
                guard let span = ScriptDefinition.span(within) else {
                    throw HostError("conversations: closing_within must be a delay such as \"2h\"")
                }
                filter.closingWithin = span
            }
            let asking = try script("conversations")
            guard asking.kind == .automation else {
                throw HostError("conversations{...} is for automations: a \(asking.kind.rawValue) sees only the conversation it was called for")
            }
            let found = try runtime().conversations(filter, by: asking).map { c -> JSONValue in
                var fields: [String: JSONValue] = ["contact": .string(c.contact), "number": .string(c.number), "owner": .string(c.owner), "state": c.state]
                if let language = c.language { fields["language"] = .string(language) }
                return .object(fields)
            }
            return [.array(found)]
        }
    }

    var notUnderstood: HostFunction {
        HostFunction("conv.not_understood", [Primitives.recipient("conv")], returns: "nothing") { [self] args throws(HostError) in
            try runtime().notUnderstood(args[0].textValue ?? "", by: try script("conv:not_understood"))
            return []
        }
    }

    var done: HostFunction {
        HostFunction("conv.done", [Primitives.recipient("conv"), .init("note", .string, optional: true, cutsTextAt: Primitives.noteBytes)],
                     returns: "nothing") { [self] args throws(HostError) in
            try runtime().done(args[0].textValue ?? "", note: args[1].stringValue, by: try script("conv:done"))
            return []
        }
    }

    /// Seconds as scripts see them: an integer when whole, else a float.
    static func seconds(_ instant: Instant) -> JSONValue {
        let ms = instant.millisecondsSinceEpoch
        return ms % 1000 == 0 ? .int(ms / 1000) : .double(Double(ms) / 1000)
    }
}
