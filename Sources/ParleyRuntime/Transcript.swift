import ParleyJSON
import ParleyPolicy

/// One line of a transcript: what the runtime did, at an instant. Fields come in a fixed
/// order (`at`, `type`, then the record's own), so the same run always gives the same
/// bytes.
public struct TranscriptRecord: Sendable, Equatable {
    public let at: Instant
    public let type: String
    /// The record's own fields, after `at` and `type`.
    public private(set) var fields: OrderedJSONObject

    init(_ type: String, at instant: Instant) {
        self.at = instant
        self.type = type
        fields = OrderedJSONObject()
    }

    mutating func add(_ key: String, _ value: JSONValue?) { fields.append(key, value) }
    mutating func add(_ key: String, _ value: String?) { fields.append(key, value.map(JSONValue.string)) }
    mutating func add(_ key: String, _ value: Int?) { fields.append(key, value.map { .int(Int64($0)) }) }

    public subscript(key: String) -> JSONValue? {
        switch key {
        case "at": return .string(at.iso8601)
        case "type": return .string(type)
        default: return fields[key]
        }
    }

    /// The record as a JSON object (whose keys encode sorted, unlike `line`).
    public var json: JSONValue {
        var all: [String: JSONValue] = ["at": .string(at.iso8601), "type": .string(type)]
        for member in fields.members { all[member.key] = member.value }
        return .object(all)
    }

    /// The JSON line, without its newline.
    public var line: String {
        var text = JSONText()
        appendLine(to: &text)
        return text.string
    }

    /// Appends the JSON line, without its newline, to `text`: how a simulation writes its
    /// transcript, without a string per line.
    public func appendLine(to text: inout JSONText) {
        text.append(#"{"at":""#)
        at.appendISO8601(to: &text.bytes)
        text.append(#"","type":"#)
        text.appendQuoted(type)
        fields.appendMembers(to: &text, continuing: true)
        text.append(UInt8(ascii: "}"))
    }
}

/// The transcript records the runtime writes, one builder per kind, each of the shape
/// `TranscriptSchema` declares for it (docs/scripts.md §16).
/// Which of a contact's two stops a consent record is about.
enum ConsentScope: String {
    case all, marketing
}

enum Records {
    static func sent(_ d: Dispatch, at now: Instant) -> TranscriptRecord {
        var r = TranscriptRecord("sent", at: now)
        r.add("to", d.to.description)
        r.add("kind", d.message.kind.rawValue)
        r.add("by", d.sender.description)
        if let template = d.template {
            r.add("template", template.name)
            r.add("language", template.language)
            r.add("category", template.category.rawValue)
        }
        r.add("text", d.renderedText ?? summary(of: d.message))
        if case .template(let request) = d.message {
            for part in templateParts(request.filled(for: d.template)) { r.add(part.key, part.value) }
        } else if let extra = content(of: d.message) {
            r.add(extra.key, extra.value)
        }
        r.add("id", d.id)
        // With a price table only: a deployment without one reads the same transcripts as before.
        if let pricing = d.pricing, let cost = pricing.cost {
            r.add("pricing_type", pricing.type.rawValue)
            r.add("cost", cost.decimal)
            r.add("currency", pricing.currency)
        }
        return r
    }

    static func blocked(_ decision: Decision, at now: Instant) -> TranscriptRecord {
        let refusal = decision.refusal!
        var r = TranscriptRecord("blocked", at: now)
        r.add("to", decision.request.recipient?.value ?? decision.request.rawRecipient)
        r.add("reason", refusal.reason.rawValue)
        r.add("code", refusal.code)
        r.add("by", decision.request.sender.description)
        r.add("stage", decision.stage.rawValue)
        r.add("kind", decision.request.message.kind.rawValue)
        if case .template(let t) = decision.request.message { r.add("template", t.name) }
        r.add("detail", refusal.detail)
        r.add("id", decision.request.id)
        return r
    }

    /// The text of a free-form message, or what stands for it.
    static func summary(of message: OutboundMessage) -> String? {
        switch message {
        case .text(let t): return t
        case .media(let m): return m.caption
        case .buttons(let parts, _), .list(let parts, _): return parts.body
        case .template: return nil
        }
    }

    /// The structured part of an interactive or media message, so a reader sees it.
    static func content(of message: OutboundMessage) -> (key: String, value: JSONValue)? {
        switch message {
        case .buttons(_, let buttons):
            return ("buttons", .array(buttons.map { ["id": .string($0.id), "title": .string($0.title)] }))
        case .list(_, let menu):
            let rows = menu.sections.flatMap(\.rows).map { JSONValue.object(["id": .string($0.id), "title": .string($0.title)]) }
            return ("list", ["button": .string(menu.button), "rows": .array(rows)])
        case .media(let m):
            return (m.kind.rawValue, source(of: m))
        case .text, .template:
            return nil
        }
    }

    private static func source(of m: Media) -> JSONValue {
        var media: [String: JSONValue] = [:]
        if let link = m.link { media["link"] = .string(link) }
        if let id = m.id { media["id"] = .string(id) }
        return .object(media)
    }

    /// What a template carried beyond its text, so a reader sees it: the buttons' values
    /// (`{index, url | payload | code}`, the index counted from 1 as a script's `buttons`
    /// list counts), then a media header's source or a location header's place.
    static func templateParts(_ fill: TemplateFill) -> [(key: String, value: JSONValue)] {
        var parts: [(key: String, value: JSONValue)] = []
        if !fill.buttons.isEmpty {
            parts.append(("buttons", .array(fill.buttons.map { b in
                let kind: TemplateButtonValue.Kind = switch b.parameter {
                case .urlSuffix: .url
                case .payload: .payload
                case .couponCode, .password: .code
                }
                return ["index": .int(Int64(b.index + 1)), kind.rawValue: .string(b.parameter.value)]
            })))
        }
        switch fill.header {
        case .media(let m): parts.append((m.kind.rawValue, source(of: m)))
        case .location(let place):
            var location: [String: JSONValue] = ["latitude": .double(place.latitude), "longitude": .double(place.longitude)]
            if let name = place.name { location["name"] = .string(name) }
            if let address = place.address { location["address"] = .string(address) }
            parts.append(("location", .object(location)))
        case .text: break
        }
        return parts
    }

    static func inbound(_ message: Inbound, owner: Owner, at now: Instant) -> TranscriptRecord {
        var r = TranscriptRecord("inbound", at: now)
        r.add("from", message.from.description)
        r.add("msg_type", message.type)
        r.add("text", message.text)
        if case .button(let payload, _) = message.content { r.add("payload", payload) }
        if case .reply(let id, _) = message.content { r.add("reply_id", id) }
        r.add("referral", message.referral?.json)
        r.add("owner", owner.description)
        r.add("id", message.id)
        return r
    }

    /// `bot` names the bot whose escalation path was taken, when one was.
    static func escalated(_ contact: ContactID, queue: String?, reason: String, route: String?, bot: String?, at now: Instant) -> TranscriptRecord {
        var r = TranscriptRecord("escalated", at: now)
        r.add("to", contact.description)
        r.add("queue", queue)
        r.add("reason", reason)
        r.add("route", route)
        r.add("bot", bot)
        return r
    }

    static func routed(_ contact: ContactID, owner: Owner, by: String, at now: Instant) -> TranscriptRecord {
        fields("routed", at: now, [("to", .string(contact.description)), ("owner", .string(owner.description)), ("by", .string(by))])
    }

    static func released(_ contact: ContactID, owner: Owner, at now: Instant) -> TranscriptRecord {
        fields("released", at: now, [("to", .string(contact.description)), ("owner", .string(owner.description))])
    }

    static func template(_ type: String, _ key: TemplateKey, _ change: (String, String), until: Instant? = nil, at now: Instant) -> TranscriptRecord {
        var r = fields(type, at: now, [("template", .string(key.name)), ("language", .string(key.language)), (change.0, .string(change.1))])
        r.add("until", until?.iso8601)
        return r
    }

    /// A delivery status; with the platform's pricing, the estimate it is held against and
    /// where they disagree (docs/rules.md §16.5).
    static func status(_ s: DeliveryStatus, at now: Instant) -> TranscriptRecord {
        var r = fields("status", at: now, [("id", .string(s.id)), ("status", .string(s.status))])
        r.add("to", s.contact?.value)
        r.add("code", s.errors.first?.code)
        r.add("error", s.errors.first?.title)
        if let billed = s.pricing {
            r.add("pricing", billed.json)
            if let estimate = s.estimate {
                r.add("estimated", estimate.auditValue)
                r.add("pricing_mismatch", billed.disagreement(with: estimate))
            }
        }
        return r
    }

    /// A record of plain fields, in the order given.
    static func fields(_ type: String, at now: Instant, _ fields: [(String, JSONValue)]) -> TranscriptRecord {
        var r = TranscriptRecord(type, at: now)
        for (key, value) in fields { r.add(key, value) }
        return r
    }

    static func contact(_ type: String, _ contact: ContactID, at now: Instant) -> TranscriptRecord {
        var r = TranscriptRecord(type, at: now)
        r.add("contact", contact.description)
        return r
    }

    static func sessionStarted(_ contact: ContactID, _ session: Session, at now: Instant) -> TranscriptRecord {
        var r = TranscriptRecord("session_started", at: now)
        r.add("to", contact.description)
        r.add("session", .int(Int64(session.number)))
        return r
    }

    static func sessionEnded(_ contact: ContactID, _ session: Session, _ reason: String, by: String? = nil, note: String? = nil,
                             idleSince: Instant? = nil, at now: Instant) -> TranscriptRecord {
        var r = TranscriptRecord("session_ended", at: now)
        r.add("to", contact.description)
        r.add("session", .int(Int64(session.number)))
        r.add("reason", reason)
        r.add("by", by)
        r.add("note", note)
        r.add("idle_since", idleSince?.iso8601)
        return r
    }

    /// `opted_out` or `resumed`: which stop changed, `all` (STOP, START, an operator) or
    /// `marketing` (the platform's promotions control).
    static func consent(_ type: String, _ contact: ContactID, scope: ConsentScope, at now: Instant) -> TranscriptRecord {
        var r = Records.contact(type, contact, at: now)
        r.add("scope", scope.rawValue)
        return r
    }
}
