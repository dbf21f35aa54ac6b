import Foundation
import ParleyCloudAPI
import ParleyJSON
import Testing

/// `parley templates lint`'s rules, each with a draft that breaks it and one that keeps it.
@Suite("Template lint")
struct TemplateLintTests {
    /// A template that keeps every rule; each case changes one part of it.
    static func draft(name: String = "order_update", language: String = "en_US", category: String = "UTILITY",
                      header: String? = nil, body: String? = #"{"type": "BODY", "text": "Hello {{1}}, your order {{2}} has shipped and arrives on Monday.", "example": {"body_text": [["Ana", "10234"]]}}"#,
                      footer: String? = nil, buttons: String? = nil) -> String
    {
        let components = [header, body, footer, buttons.map { #"{"type": "BUTTONS", "buttons": \#($0)}"# }].compactMap { $0 }
        return #"{"name": "\#(name)", "language": "\#(language)", "category": "\#(category)", "components": [\#(components.joined(separator: ", "))]}"#
    }

    static func problems(_ json: String, catalog: String? = nil, cap: Int = 250) throws -> [LintProblem] {
        let drafts = (TemplateLinter.templates(in: try JSONValue.parse(json)) ?? []).map(TemplateDraft.init)
        let known = try catalog.map { (TemplateLinter.templates(in: try JSONValue.parse($0)) ?? []).map(TemplateDraft.init) } ?? []
        return TemplateLinter(templateCap: cap, catalog: known).lint(drafts.map { ("t.json", $0) })
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let rule: String
        let json: String
        /// The component the problem names, and words of its message.
        let component: String
        let says: String
        var severity = LintProblem.Severity.error
        var testDescription: String { rule }
    }

    static let failing: [Case] = [
        Case(rule: "name: lowercase, digits, underscores", json: draft(name: "Order-Update"), component: "name", says: "name it \"order_update\""),
        Case(rule: "name: at most 512", json: draft(name: String(repeating: "a", count: 513)), component: "name", says: "over 512"),
        Case(rule: "language: a code with an underscore", json: draft(language: "en-US"), component: "language", says: "write \"en_US\""),
        Case(rule: "language: a supported one", json: draft(language: "tlh"), component: "language", says: "not a language"),
        Case(rule: "category: one of three", json: draft(category: "TRANSACTIONAL"), component: "category", says: "MARKETING, UTILITY or AUTHENTICATION"),
        Case(rule: "header: text at most 60", json: draft(header: #"{"type": "HEADER", "format": "TEXT", "text": "\#(String(repeating: "x", count: 61))"}"#), component: "header", says: "over 60"),
        Case(rule: "header: at most one variable", json: draft(header: #"{"type": "HEADER", "format": "TEXT", "text": "{{1}} and {{2}}", "example": {"header_text": ["a", "b"]}}"#), component: "header", says: "at most one"),
        Case(rule: "header: its variable has an example", json: draft(header: #"{"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"}"#), component: "header", says: "no example"),
        Case(rule: "header: no emoji", json: draft(header: #"{"type": "HEADER", "format": "TEXT", "text": "Shipped 🚚"}"#), component: "header", says: "emoji"),
        Case(rule: "header: media has a sample", json: draft(header: #"{"type": "HEADER", "format": "IMAGE"}"#), component: "header", says: "header_handle"),
        Case(rule: "header: a known format", json: draft(header: #"{"type": "HEADER", "format": "GIF"}"#), component: "header", says: "not a header format"),
        Case(rule: "body: required", json: draft(body: nil), component: "body", says: "no body"),
        Case(rule: "body: at most 1,024", json: draft(body: #"{"type": "BODY", "text": "\#(String(repeating: "word ", count: 205))"}"#), component: "body", says: "over 1,024"),
        Case(rule: "footer: at most 60", json: draft(footer: #"{"type": "FOOTER", "text": "\#(String(repeating: "f", count: 61))"}"#), component: "footer", says: "over 60"),
        Case(rule: "footer: no variables", json: draft(footer: #"{"type": "FOOTER", "text": "Ref {{1}}"}"#), component: "footer", says: "footers take none"),
        Case(rule: "buttons: at most 10", json: draft(buttons: "[" + Array(repeating: #"{"type": "QUICK_REPLY", "text": "Yes"}"#, count: 11).joined(separator: ",") + "]"), component: "buttons", says: "over 10"),
        Case(rule: "buttons: a label at most 25", json: draft(buttons: #"[{"type": "QUICK_REPLY", "text": "Talk to somebody about it now"}]"#), component: "buttons[1]", says: "over 25"),
        Case(rule: "buttons: a quick reply over 20 is a warning", json: draft(buttons: #"[{"type": "QUICK_REPLY", "text": "Talk to a person, pls"}]"#), component: "buttons[1]", says: "past 20", severity: .warning),
        Case(rule: "buttons: at most 2 URL buttons", json: draft(buttons: #"[{"type": "URL", "text": "a", "url": "https://a.example"}, {"type": "URL", "text": "b", "url": "https://b.example"}, {"type": "URL", "text": "c", "url": "https://c.example"}]"#), component: "buttons", says: "3 URL buttons"),
        Case(rule: "buttons: a URL at most 2,000", json: draft(buttons: #"[{"type": "URL", "text": "Open", "url": "https://a.example/\#(String(repeating: "p", count: 2000))"}]"#), component: "buttons[1]", says: "over 2,000"),
        Case(rule: "buttons: a URL's variable only at the end", json: draft(buttons: #"[{"type": "URL", "text": "Track", "url": "https://a.example/{{1}}/track", "example": ["https://a.example/1/track"]}]"#), component: "buttons[1]", says: "not at its end"),
        Case(rule: "buttons: a URL's variable has an example", json: draft(buttons: #"[{"type": "URL", "text": "Track", "url": "https://a.example/{{1}}"}]"#), component: "buttons[1]", says: "no example"),
        Case(rule: "buttons: at most one phone number", json: draft(buttons: #"[{"type": "PHONE_NUMBER", "text": "Call", "phone_number": "+14155550101"}, {"type": "PHONE_NUMBER", "text": "Call us", "phone_number": "+14155550102"}]"#), component: "buttons", says: "2 PHONE_NUMBER buttons"),
        Case(rule: "buttons: a phone number in international form", json: draft(buttons: #"[{"type": "PHONE_NUMBER", "text": "Call", "phone_number": "415 555 0101"}]"#), component: "buttons[1]", says: "international"),
        Case(rule: "buttons: one copy-code button", json: draft(category: "MARKETING", buttons: #"[{"type": "COPY_CODE", "example": "A"}, {"type": "COPY_CODE", "example": "B"}]"#), component: "buttons", says: "2 COPY_CODE buttons"),
        Case(rule: "buttons: quick replies grouped", json: draft(buttons: #"[{"type": "QUICK_REPLY", "text": "Yes"}, {"type": "URL", "text": "Open", "url": "https://a.example"}, {"type": "QUICK_REPLY", "text": "No"}]"#), component: "buttons", says: "mixed in"),
        Case(rule: "variables: numbered without gaps", json: draft(body: #"{"type": "BODY", "text": "Hello {{1}}, your order {{3}} has shipped and arrives on Monday.", "example": {"body_text": [["Ana", "10234"]]}}"#), component: "body", says: "{{2}} is missing"),
        Case(rule: "variables: named in lowercase", json: draft(body: #"{"type": "BODY", "text": "Hello {{FirstName}}, your order has shipped and arrives on Monday.", "example": {"body_text_named_params": [{"param_name": "FirstName", "example": "Ana"}]}}"#), component: "body", says: "not a valid variable name"),
        Case(rule: "variables: one kind, not both", json: draft(body: #"{"type": "BODY", "text": "Hello {{first_name}}, your order {{1}} has shipped and arrives on Monday.", "example": {"body_text": [["1"]], "body_text_named_params": [{"param_name": "first_name", "example": "Ana"}]}}"#), component: "body", says: "mixes numbered"),
        Case(rule: "variables: every one has an example", json: draft(body: #"{"type": "BODY", "text": "Hello {{1}}, your order {{2}} has shipped and arrives on Monday.", "example": {"body_text": [["Ana"]]}}"#), component: "body", says: "2 variables and 1 example"),
        Case(rule: "variables: a named one has an example", json: draft(body: #"{"type": "BODY", "text": "Hello {{first_name}}, your order has shipped and arrives on Monday."}"#), component: "body", says: "{{first_name}} has no example"),
        Case(rule: "variables: well formed", json: draft(body: #"{"type": "BODY", "text": "Hello {{ 1 }}, your order has shipped and arrives on Monday."}"#), component: "body", says: "{{ 1 }} is not a variable"),
        Case(rule: "variables: not at the very start", json: draft(body: #"{"type": "BODY", "text": "{{1}}, your order {{2}} has shipped and arrives on Monday.", "example": {"body_text": [["Ana", "10234"]]}}"#), component: "body", says: "starts with a variable"),
        Case(rule: "variables: not at the very end, even before a full stop", json: draft(body: #"{"type": "BODY", "text": "Hello there, your order has shipped and arrives on {{1}}.", "example": {"body_text": [["Monday"]]}}"#), component: "body", says: "ends with a variable"),
        Case(rule: "variables: not side by side", json: draft(body: #"{"type": "BODY", "text": "Hello {{1}} {{2}}, your order has shipped and arrives on Monday.", "example": {"body_text": [["Ana", "Lima"]]}}"#), component: "body", says: "side by side"),
        Case(rule: "variables: not too many for the length", json: draft(body: #"{"type": "BODY", "text": "Hi {{1}}, order {{2}} ships {{3}} today.", "example": {"body_text": [["Ana", "1", "now"]]}}"#), component: "body", says: "too many variables"),
        Case(rule: "category: promotional words in UTILITY", json: draft(body: #"{"type": "BODY", "text": "Hello {{1}}, enjoy 20% off your next order {{2}} this week only.", "example": {"body_text": [["Ana", "10234"]]}}"#), component: "category", says: "\"% off\"", severity: .warning),
        Case(rule: "authentication: one OTP button", json: #"{"name": "login_code", "language": "en_US", "category": "AUTHENTICATION", "components": [{"type": "BODY", "add_security_recommendation": true}]}"#, component: "buttons", says: "exactly one OTP button"),
    ]

    @Test("each rule names its component, what is wrong and the fix", arguments: failing)
    func failingDraft(_ c: Case) throws {
        let problems = try Self.problems(c.json)
        let match = problems.first { $0.component == c.component && $0.description.contains(c.says) }
        #expect(match != nil, "expected \(c.component): \(c.says); got \(problems.map(\.description))")
        #expect(match?.severity == c.severity)
        #expect(match.map { !$0.fix.isEmpty } ?? false)
    }

    @Test("a draft that keeps every rule has no problem")
    func passingDraft() throws {
        let full = Self.draft(header: #"{"type": "HEADER", "format": "TEXT", "text": "Order {{1}} shipped", "example": {"header_text": ["10234"]}}"#,
                              footer: #"{"type": "FOOTER", "text": "Example Shop"}"#,
                              buttons: #"[{"type": "QUICK_REPLY", "text": "Talk to a person"}, {"type": "QUICK_REPLY", "text": "Stop updates"}, {"type": "URL", "text": "Track", "url": "https://a.example/t/{{1}}", "example": ["https://a.example/t/1"]}, {"type": "PHONE_NUMBER", "text": "Call us", "phone_number": "+14155550101"}]"#)
        #expect(try Self.problems(full).isEmpty)
        let named = Self.draft(body: #"{"type": "BODY", "text": "Hello {{first_name}}, your order {{order_id}} has shipped and arrives on Monday.", "example": {"body_text_named_params": [{"param_name": "first_name", "example": "Ana"}, {"param_name": "order_id", "example": "10234"}]}}"#)
        #expect(try Self.problems(named).isEmpty)
    }

    @Test("the create examples of Meta's OpenAPI description pass, named as the platform takes them")
    func metaExamples() throws {
        let spec = try JSONValue.parse(try String(contentsOf: Fixtures.root.appendingPathComponent("schemas/meta-openapi/business-messaging-api_v23.0.json"), encoding: .utf8))
        let examples = spec["paths"]?["/{Version}/{WABA-ID}/message_templates"]?["post"]?["requestBody"]?["content"]?["application/json"]?["examples"]?.objectValue ?? [:]
        #expect(examples.count >= 3)
        for (title, example) in examples.sorted(by: { $0.key < $1.key }) {
            guard var template = example["value"]?.objectValue else { continue }
            if template["name"]?.stringValue?.hasPrefix("<") == true { template["name"] = "example_template" }
            let problems = TemplateLinter().lint([("openapi", TemplateDraft(.object(template)))]).filter { $0.severity == .error }
            #expect(problems.isEmpty, "\(title): \(problems.map(\.description))")
        }
    }

    @Test("the catalog: a name already taken, a rejected twin with its reason, the account's cap")
    func catalog() throws {
        let catalog = #"{"data": [{"name": "order_update", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "components": [{"type": "BODY", "text": "x"}]}, {"name": "order_update", "language": "pt_BR", "status": "REJECTED", "rejected_reason": "INVALID_FORMAT", "components": []}]}"#
        let problems = try Self.problems(Self.draft(), catalog: catalog)
        #expect(problems.contains { $0.severity == .error && $0.message.contains("order_update/en_US already exists (APPROVED)") })
        #expect(problems.contains { $0.severity == .warning && $0.message.contains("pt_BR version of order_update was rejected for INVALID_FORMAT") })
        let renamed = try Self.problems(Self.draft(name: "order_update_v2"), catalog: catalog, cap: 2)
        #expect(renamed.contains { $0.component == "account" && $0.message.contains("3 templates, over its cap of 2") })
        #expect(try Self.problems(Self.draft(name: "order_update_v2"), catalog: catalog).isEmpty)
    }

    @Test("every problem of a file at once, across its templates")
    func allAtOnce() throws {
        let two = "[" + Self.draft(name: "Bad Name", language: "xx") + ", " + Self.draft(body: nil) + "]"
        let problems = try Self.problems(two)
        #expect(Set(problems.map(\.template)) == ["Bad Name/xx", "order_update/en_US"])
        #expect(problems.filter { $0.template == "Bad Name/xx" }.map(\.component) == ["name", "language"])
    }
}
