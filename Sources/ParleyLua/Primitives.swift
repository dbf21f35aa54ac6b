import ParleyJSON
import ParleyPolicy

/// The script surface of CONTRACT.md, declared as host functions bound to one script and
/// its host: `send`, `in_window`, `pick_template`, `escalate_to_human`, `schedule`,
/// `now`, `log`, `conversations`, and the `conv:not_understood()` method.
struct Primitives {
    /// Settled once the script file has returned its definition.
    let identity: IdentityBox
    weak var host: (any ScriptHost)?

    private func runtime() throws(HostError) -> any ScriptHost {
        guard let host else { throw HostError("the runtime is shutting down") }
        return host
    }

    private func script(_ primitive: String) throws(HostError) -> ScriptIdentity {
        guard let settled = identity.identity else {
            throw HostError("\(primitive) cannot run while the script file loads; call it from a handler")
        }
        return settled
    }

    var globals: [HostFunction] {
        [send, inWindow, pickTemplate, escalate, schedule, now, log, conversations]
    }

    var conversationMethods: [HostFunction] { [notUnderstood] }

    var send: HostFunction {
        HostFunction("send", [.init("to", .recipient), .init("message", .value)], returns: "table") { [self] args throws(HostError) in
            let script = try script("send")
            guard script.sender != nil else {
                throw HostError("send: a router only routes; return \"bot:<name>\" and let the bot answer")
            }
            let message = try MessageReader.read(args[1])
            let outcome = try runtime().send(message, to: args[0].textValue ?? "", by: script)
            switch outcome.result {
            case .accepted(let kind, let queued):
                return [["ok": true, "id": .string(outcome.id), "kind": .string(kind.rawValue), "queued": .bool(queued)]]
            case .refused(let refusal):
                var result: [String: JSONValue] = ["ok": false, "id": .string(outcome.id), "reason": .string(refusal.reason.rawValue),
                                                   "detail": .string(refusal.detail)]
                if let code = refusal.code { result["code"] = .int(Int64(code)) }
                return [.object(result)]
            }
        }
    }

    var inWindow: HostFunction {
        HostFunction("in_window", [.init("to", .recipient)], returns: "boolean, integer") { [self] args throws(HostError) in
            let standing = try runtime().window(of: args[0].textValue ?? "")
            return [.bool(standing.open), .int(standing.secondsLeft)]
        }
    }

    var pickTemplate: HostFunction {
        HostFunction("pick_template", [.init("query", .table, optional: true)], returns: "template or nil, reason") { [self] args throws(HostError) in
            let fields = args[0].objectValue ?? [:]
            let known: Set<String> = ["name", "category", "language", "params", "to"]
            if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
                throw HostError("pick_template: unknown field '\(unknown)' (known: name, category, language, params, to)")
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
            case .int(let n)?: query.parameters = .count(Int(n))
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
            switch try runtime().pickTemplate(query, for: to, by: try script("pick_template")) {
            case .success(let t):
                return [[
                    "name": .string(t.name), "language": .string(t.language), "category": .string(t.category.rawValue),
                    "params": .int(Int64(t.bodyPlaceholders.count)), "quality": .string(t.quality.rawValue),
                ]]
            case .failure(let refusal):
                return [.null, .string(refusal.reason.rawValue), .string(refusal.detail)]
            }
        }
    }

    var escalate: HostFunction {
        HostFunction("escalate_to_human", [.init("conv", .recipient), .init("opts", .table, optional: true)], returns: "table") { [self] args throws(HostError) in
            let opts = args[1].objectValue ?? [:]
            let request = EscalationRequest(queue: opts["queue"]?.stringValue, reason: opts["reason"]?.textValue, note: opts["note"]?.textValue)
            let handoff = try runtime().escalate(args[0].textValue ?? "", request: request, by: try script("escalate_to_human"))
            return [["ok": true, "queue": .string(handoff.queue), "handoff_id": .string(handoff.id)]]
        }
    }

    var schedule: HostFunction {
        HostFunction("schedule", [.init("conv", .recipient), .init("delay", .span), .init("name", .string), .init("data", .value, optional: true)],
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
                var fields: [String: JSONValue] = ["contact": .string(c.contact), "owner": .string(c.owner), "state": c.state]
                if let language = c.language { fields["language"] = .string(language) }
                return .object(fields)
            }
            return [.array(found)]
        }
    }

    var notUnderstood: HostFunction {
        HostFunction("conv.not_understood", [.init("conv", .recipient)], returns: "nothing") { [self] args throws(HostError) in
            try runtime().notUnderstood(args[0].textValue ?? "", by: try script("conv:not_understood"))
            return []
        }
    }

    /// Seconds as scripts see them: an integer when whole, else a float.
    static func seconds(_ instant: Instant) -> JSONValue {
        let ms = instant.millisecondsSinceEpoch
        return ms % 1000 == 0 ? .int(ms / 1000) : .double(Double(ms) / 1000)
    }
}
