import ParleyJSON

/// A template as the Graph API's create request writes it (`POST /{waba-id}/message_templates`):
/// the same shape as the templates `GET` returns, so a synced catalog reads as drafts too.
/// Read leniently: whatever is missing or of the wrong type is left empty for the linter
/// to name, never thrown.
public struct TemplateDraft: Sendable, Equatable {
    public struct Header: Sendable, Equatable {
        /// `TEXT`, `IMAGE`, `VIDEO`, `DOCUMENT` or `LOCATION`, upper-cased.
        public var format: String
        public var text: String?
        /// `example.header_text` (one value per variable), or the named form's values.
        public var textExamples: [String]
        /// `example.header_handle`: an uploaded media sample.
        public var hasMediaExample: Bool
    }

    public struct Body: Sendable, Equatable {
        public var text: String?
        /// `example.body_text[0]`: one value per positional variable, in order.
        public var positionalExamples: [String]
        /// `example.body_text_named_params`: name → example value.
        public var namedExamples: [String: String]
        /// Authentication templates have no text: the platform writes it.
        public var addSecurityRecommendation: Bool
    }

    public struct Button: Sendable, Equatable {
        /// `QUICK_REPLY`, `URL`, `PHONE_NUMBER`, `COPY_CODE`, `OTP`, `FLOW`..., upper-cased.
        public var type: String
        public var text: String?
        public var url: String?
        public var phoneNumber: String?
        public var examples: [String]
    }

    public var name: String?
    public var language: String?
    public var category: String?
    public var header: Header?
    public var body: Body?
    public var footer: String?
    /// Set for an authentication template's footer, which carries no text.
    public var footerExpiry: Int?
    public var buttons: [Button] = []
    /// What a synced catalog or the platform's listing adds: the template's id, `status`,
    /// `rejected_reason` and `quality_score`.
    public var id: String?
    public var status: String?
    public var rejectedReason: String?
    public var quality: String?
    /// Component types the draft has more than once, or that the platform does not know.
    public var componentProblems: [String] = []

    /// `name/language`, or `#n` (from 1) for a template without a name.
    public func label(index: Int) -> String {
        guard let name, !name.isEmpty else { return "#\(index + 1)" }
        return language.map { "\(name)/\($0)" } ?? name
    }

    public init(_ json: JSONValue) {
        name = json["name"]?.stringValue
        language = json["language"]?.stringValue
        category = json["category"]?.stringValue
        status = json["status"]?.stringValue
        id = json["id"]?.textValue
        rejectedReason = json["rejected_reason"]?.stringValue.flatMap { $0 == "NONE" ? nil : $0 }
        quality = json["quality_score"]?["score"]?.stringValue
        var seen = Set<String>()
        for component in json["components"]?.arrayValue ?? [] {
            let type = (component["type"]?.stringValue ?? "").uppercased()
            if !seen.insert(type).inserted { componentProblems.append("has two \(type) components; keep one") }
            switch type {
            case "HEADER": header = Self.header(component)
            case "BODY": body = Self.body(component)
            case "FOOTER":
                footer = component["text"]?.stringValue
                footerExpiry = component["code_expiration_minutes"]?.integerValue.map(Int.init)
            case "BUTTONS": buttons = (component["buttons"]?.arrayValue ?? []).map(Self.button)
            default: componentProblems.append("has a component of type \"\(type)\"; the types are HEADER, BODY, FOOTER and BUTTONS")
            }
        }
    }

    private static func header(_ c: JSONValue) -> Header {
        let example = c["example"]
        let named = example?["header_text_named_params"]?.arrayValue?.compactMap { $0["example"]?.stringValue } ?? []
        return Header(format: (c["format"]?.stringValue ?? "TEXT").uppercased(), text: c["text"]?.stringValue,
                      textExamples: (example?["header_text"]?.arrayValue?.compactMap(\.stringValue) ?? []) + named,
                      hasMediaExample: !(example?["header_handle"]?.arrayValue ?? []).isEmpty)
    }

    private static func body(_ c: JSONValue) -> Body {
        let example = c["example"]
        var named: [String: String] = [:]
        for param in example?["body_text_named_params"]?.arrayValue ?? [] {
            if let name = param["param_name"]?.stringValue { named[name] = param["example"]?.stringValue ?? "" }
        }
        return Body(text: c["text"]?.stringValue,
                    positionalExamples: example?["body_text"]?.arrayValue?.first?.arrayValue?.compactMap(\.stringValue) ?? [],
                    namedExamples: named, addSecurityRecommendation: c["add_security_recommendation"]?.boolValue ?? false)
    }

    private static func button(_ b: JSONValue) -> Button {
        let examples: [String]
        switch b["example"] {
        case .string(let one)?: examples = [one]
        case .array(let many)?: examples = many.compactMap(\.stringValue)
        default: examples = []
        }
        return Button(type: (b["type"]?.stringValue ?? "").uppercased(), text: b["text"]?.stringValue, url: b["url"]?.stringValue,
                      phoneNumber: b["phone_number"]?.stringValue, examples: examples)
    }
}
