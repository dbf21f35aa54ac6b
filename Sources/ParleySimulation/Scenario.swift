import Foundation
import ParleyCloudAPI
import ParleyJSON
import ParleySandbox
import ParleyScripting
import ParleyPolicy
import ParleyRuntime

/// A scenario: events on a simulated clock, one JSON object a line (docs/scripts.md).
///
/// Every event's instant is worked out when the scenario loads, so a scenario whose time
/// goes backwards is refused before anything runs.
public struct Scenario: Sendable {
    public struct Step: Sendable {
        /// The line it came from, for messages.
        public let line: Int
        public let at: Instant
        public let event: Event

        public init(line: Int, at: Instant, event: Event) {
            self.line = line
            self.at = at
            self.event = event
        }
    }

    /// What a line says happens: a runtime event, time passing, or a webhook payload that
    /// goes through the same path as a live one.
    public enum Event: Sendable {
        case runtime(RuntimeEvent)
        /// Time passes to `at`.
        case advance
        case webhook(JSONValue)
        /// The platform's word on one of our messages, named by Parley's id (`out-3`).
        case status(MessageStatus)
    }

    public static let defaultStart = Instant(iso8601: "2026-01-01T00:00:00Z")!

    public let start: Instant
    public let steps: [Step]

    /// Parses a scenario file's text; `file` names it in errors.
    public init(parsing text: String, file: String = "scenario.jsonl") throws(ScenarioError) {
        var parsed: [(line: Int, at: Instant?, by: Span?, event: Event)] = []
        // Split as bytes: splitting a `String` on a `Character` walks grapheme clusters,
        // a twentieth of a large scenario's run.
        for (index, raw) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let line = String(Substring(raw).trimmed())
            if line.isEmpty || line.hasPrefix("//") || line.hasPrefix("#") { continue }
            var reader = EventReader(file: file, line: index + 1)
            parsed.append(try reader.read(line))
        }
        let start = parsed.lazy.compactMap(\.at).first ?? Scenario.defaultStart
        var now = start
        var steps: [Step] = []
        for p in parsed {
            var at = p.at ?? now
            if let by = p.by { at = now + by }
            guard at >= now else {
                throw ScenarioError(file: file, line: p.line, "\"at\" \(at.iso8601) is before the simulated time \(now.iso8601); events must come in time order")
            }
            now = at
            steps.append(Step(line: p.line, at: at, event: p.event))
        }
        self.start = start
        self.steps = steps
    }

    /// One event, written as a scenario line is (`{"type": "inbound", ...}`), for callers
    /// that build events one at a time, such as specs. `by` is set for `advance {by}`.
    public static func event(_ object: JSONValue, file: String = "scenario", line: Int = 0) throws(ScenarioError)
        -> (at: Instant?, by: Span?, event: Event)
    {
        var reader = EventReader(file: file, line: line)
        let read = try reader.read(object)
        return (read.at, read.by, read.event)
    }

    public init(contentsOf url: URL) throws(ScenarioError) {
        let path = ModuleLibrary.displayPath(url)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ScenarioError(file: path, line: nil, "cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw ScenarioError(file: path, line: nil, "the file is not UTF-8 text") }
        try self.init(parsing: text, file: path)
    }
}

/// A scenario that cannot load: the file, the line, what is wrong and how to fix it.
public struct ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
}

/// Reads one scenario line.
private struct EventReader {
    let file: String
    let line: Int
    var fields: [String: JSONValue] = [:]
    var type = ""
    var used: Set<String> = ["type", "at"]

    init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    func fail(_ message: String) -> ScenarioError { ScenarioError(file: file, line: line, message) }

    static let types = ["inbound", "advance", "macro", "agent_reply", "release", "resolve", "template_status", "template_quality",
                        "template_category", "opt_in", "opt_out", "limit", "number_status", "identity_changed", "identity_ack", "webhook", "status",
                        "number_changed", "user_id_changed"]

    mutating func read(_ text: String) throws(ScenarioError) -> (line: Int, at: Instant?, by: Span?, event: Scenario.Event) {
        let value: JSONValue
        do { value = try JSONValue.parse(text) } catch { throw fail("not valid JSON: \(error)") }
        return try read(value)
    }

    mutating func read(_ value: JSONValue) throws(ScenarioError) -> (line: Int, at: Instant?, by: Span?, event: Scenario.Event) {
        guard let object = value.objectValue else { throw fail("each line must be a JSON object such as {\"type\":\"inbound\",...}") }
        fields = object
        guard let t = object["type"]?.stringValue else { throw fail("missing \"type\"; one of: \(Self.types.joined(separator: ", "))") }
        type = t
        var at: Instant?
        if let raw = object["at"] {
            guard let s = raw.stringValue, let instant = Instant(iso8601: s) else {
                throw fail("\"at\" must be an ISO-8601 UTC time such as \"2026-01-01T09:00:00Z\"")
            }
            at = instant
        }
        var by: Span?
        let event: Scenario.Event
        switch t {
        case "inbound":
            var message = try inbound()
            message.referral = try referral()
            event = .runtime(.inbound(message))
        case "advance":
            used.insert("by")
            if let raw = fields["by"] {
                do { by = try Span(delay: raw) } catch { throw fail("advance: \"by\": \(error.message)") }
            }
            if let raw = try optionalString("to") {
                guard let instant = Instant(iso8601: raw) else { throw fail("advance: \"to\" must be an ISO-8601 UTC time") }
                at = instant
            }
            guard (by == nil) != (fields["to"] == nil) else { throw fail("advance needs exactly one of \"by\" (\"25h\") or \"to\" (a time)") }
            event = .advance
        case "macro":
            let args = fields["args"] ?? .object([:])
            guard args.objectValue != nil else { throw fail("macro: \"args\" must be an object such as {\"order_id\":\"A1\"}") }
            used.insert("args")
            event = .runtime(.macro(try string("name"), on: try contact("to"), arguments: args, agent: try optionalString("agent")))
        case "agent_reply":
            var message = fields
            for key in ["type", "at", "to", "agent", "number"] { message[key] = nil }
            used.formUnion(message.keys)
            let to = try contact("to").description
            let agent = try optionalString("agent")
            do throws(HostError) {
                event = .runtime(.agentReply(try MessageReader.read(.object(message)), to: to, agent: agent))
            } catch {
                throw fail("agent_reply: " + error.message.replacingOccurrences(of: "send: ", with: ""))
            }
        case "release": event = .runtime(.release(try contact("to"), note: try optionalString("note"), agent: try optionalString("agent")))
        case "resolve": event = .runtime(.resolve(try contact("to"), agent: try optionalString("agent"), note: try optionalString("note")))
        case "template_status": event = .runtime(.templateStatus(try templateKey(), TemplateStatus(try string("status"))))
        case "template_quality":
            let raw = try string("quality")
            guard let quality = TemplateQuality(platform: raw) else { throw fail("template_quality: \"quality\" must be GREEN, YELLOW, RED or UNKNOWN") }
            event = .runtime(.templateQuality(try templateKey(), quality))
        case "template_category":
            let raw = try string("category")
            guard let category = TemplateCategory(platform: raw) else { throw fail("template_category: \"category\" must be MARKETING, UTILITY or AUTHENTICATION") }
            event = .runtime(.templateCategory(try templateKey(), category))
        case "opt_in": event = .runtime(.optIn(try contact("contact")))
        case "opt_out": event = .runtime(.optOut(try contact("contact")))
        case "limit":
            let raw = fields["tier"]?.textValue ?? ""
            used.insert("tier")
            guard let tier = MessagingTier(platform: raw) else {
                throw fail("limit: \"tier\" must be TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED (or TIER_50, TIER_1K), got \"\(raw)\"")
            }
            event = .runtime(.tier(tier))
        case "number_status": event = .runtime(.numberStatus(NumberStatus(try string("status"))))
        case "identity_changed": event = .runtime(.identityChanged(try contact("contact")))
        case "identity_ack": event = .runtime(.identityAcknowledged(try contact("contact")))
        case "number_changed": event = .runtime(.numberChanged(from: try contact("contact"), to: try contact("new_contact")))
        case "user_id_changed": event = .runtime(.userIDChanged(from: try contact("contact"), to: try contact("new_contact")))
        case "webhook":
            guard let body = fields["body"], body.objectValue != nil else { throw fail("webhook: \"body\" must be a Cloud API webhook payload (an object)") }
            used.insert("body")
            event = .webhook(body)
        case "status":
            event = .status(try status())
        default:
            throw fail("unknown event type \"\(t)\"; one of: \(Self.types.joined(separator: ", "))")
        }
        // Sorted only to name the first unknown field the same way every run.
        if fields.keys.contains(where: { !used.contains($0) }), let unknown = fields.keys.sorted().first(where: { !used.contains($0) }) {
            throw fail("\(t) has an unknown field \"\(unknown)\"")
        }
        return (line, at, by, event)
    }

    mutating func string(_ key: String) throws(ScenarioError) -> String {
        guard let s = try optionalString(key), !s.isEmpty else { throw fail("\(type): \"\(key)\" is missing") }
        return s
    }

    mutating func optionalString(_ key: String) throws(ScenarioError) -> String? {
        used.insert(key)
        guard let v = fields[key] else { return nil }
        guard let s = v.textValue else { throw fail("\(type): \"\(key)\" must be a string") }
        return s
    }

    /// The contact named by `key`, on the event's `"number"` when it names one (else the
    /// default number, or the one written after "@").
    mutating func contact(_ key: String) throws(ScenarioError) -> ContactID {
        let raw = try string(key)
        guard let contact = ContactID(raw) else {
            throw fail("\(type): \"\(key)\" \"\(raw)\" is not a phone number (e.g. \"+14155550100\") or a business-scoped user id")
        }
        guard let number = try optionalString("number") else { return contact }
        guard ContactID.isNumberName(number) else { throw fail("\(type): \"number\" \"\(number)\" is not a number's name such as \"sales\"") }
        if contact.number != nil, contact.numberName != number {
            throw fail("\(type): \"\(key)\" \"\(raw)\" is on another number than \"number\" \"\(number)\"")
        }
        return contact.on(number)
    }

    /// `{"type":"status","id":"out-3","status":"failed","code":131049,"title":"..."}`, and
    /// optionally the platform's `"pricing": {"billable": true, "category": "marketing", "type": "regular"}`.
    mutating func status() throws(ScenarioError) -> MessageStatus {
        let id = try string("id")
        let state = MessageStatus.State(try string("status"))
        used.formUnion(["code", "title", "pricing"])
        var pricing: MessageStatus.Pricing?
        if let raw = fields["pricing"] {
            guard let p = raw.objectValue else { throw fail("status: \"pricing\" must be an object such as {\"category\": \"marketing\", \"type\": \"regular\"}") }
            let known = ["billable", "category", "type", "pricing_model"]
            if let unknown = p.keys.sorted().first(where: { !known.contains($0) }) {
                throw fail("status: \"pricing\" has an unknown field \"\(unknown)\" (known: \(known.joined(separator: ", ")))")
            }
            pricing = MessageStatus.Pricing(billable: p["billable"]?.boolValue, category: p["category"]?.stringValue,
                                            pricingModel: p["pricing_model"]?.stringValue, type: p["type"]?.stringValue)
        }
        var errors: [PlatformError] = []
        if let raw = fields["code"] {
            guard case .int(let code) = raw else { throw fail("status: \"code\" must be a Cloud API error code such as 131049") }
            errors.append(PlatformError(code: Int(code), title: fields["title"]?.stringValue))
        }
        if state == .failed, errors.isEmpty { throw fail("status: a failed status needs the platform's error \"code\", such as 131026") }
        if state != .failed, !errors.isEmpty { throw fail("status: only a failed status carries a \"code\"") }
        return MessageStatus(id: id, state: state, errors: errors, pricing: pricing)
    }

    mutating func templateKey() throws(ScenarioError) -> TemplateKey {
        TemplateKey(name: try string("name"), language: try string("language"))
    }

    /// `"referral": {"source_type": "ad", "source_id": "120208", "ctwa_clid": "..."}`: the
    /// contact wrote from an ad or a page button, as the webhook's `referral` says.
    mutating func referral() throws(ScenarioError) -> Inbound.Referral? {
        used.insert("referral")
        guard let value = fields["referral"] else { return nil }
        guard let r = value.objectValue else {
            throw fail("inbound: \"referral\" must be an object such as {\"source_type\": \"ad\", \"source_id\": \"120208\"}")
        }
        let known = ["source_type", "source_id", "source_url", "headline", "ctwa_clid"]
        if let unknown = r.keys.sorted().first(where: { !known.contains($0) }) {
            throw fail("inbound: \"referral\" has an unknown field \"\(unknown)\" (known: \(known.joined(separator: ", ")))")
        }
        return Inbound.Referral(sourceType: r["source_type"]?.textValue, sourceID: r["source_id"]?.textValue, sourceURL: r["source_url"]?.textValue,
                                headline: r["headline"]?.textValue, clickID: r["ctwa_clid"]?.textValue)
    }

    mutating func inbound() throws(ScenarioError) -> Inbound {
        let from = try contact("from")
        let id = try optionalString("id")
        let userID = fields["user_id"] == nil ? nil : try contact("user_id")
        for key in ["text", "button", "reply", "media"] { used.insert(key) }
        let given = ["text", "button", "reply", "media"].filter { fields[$0] != nil }
        guard given.count == 1 else { throw fail("inbound needs exactly one of \"text\", \"button\", \"reply\" or \"media\"") }
        switch given[0] {
        case "text":
            guard let text = fields["text"]?.stringValue else { throw fail("inbound: \"text\" must be a string") }
            return Inbound(id: id, from: from, userID: userID, content: .text(text))
        case "button":
            guard let b = fields["button"]?.objectValue, let text = b["text"]?.stringValue ?? b["payload"]?.stringValue else {
                throw fail("inbound: \"button\" must be {\"payload\": \"...\", \"text\": \"...\"}")
            }
            return Inbound(id: id, from: from, userID: userID, content: .button(payload: b["payload"]?.textValue, text: text))
        case "reply":
            guard let r = fields["reply"]?.objectValue, let rid = r["id"]?.textValue else {
                throw fail("inbound: \"reply\" must be {\"id\": \"...\", \"title\": \"...\"}")
            }
            return Inbound(id: id, from: from, userID: userID, content: .reply(id: rid, title: r["title"]?.textValue ?? rid))
        default:
            let media = fields["media"]!
            if let kind = media.stringValue { return Inbound(id: id, from: from, userID: userID, content: .media(kind: kind, id: nil, caption: nil)) }
            guard let m = media.objectValue else { throw fail("inbound: \"media\" must be a kind (\"image\") or {\"kind\": \"image\", \"caption\": \"...\"}") }
            let kind = m["kind"]?.stringValue ?? m["type"]?.stringValue ?? "image"
            return Inbound(id: id, from: from, userID: userID, content: .media(kind: kind, id: m["id"]?.textValue, caption: m["caption"]?.stringValue))
        }
    }
}
