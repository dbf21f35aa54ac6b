import Foundation
import ParleyJSON
import ParleyPolicy

/// The templates file: the body of the Graph API's `GET /{waba-id}/message_templates`
/// (`{"data": [...], "paging": ...}`) or its bare array, so a catalog captured from a live
/// account loads unchanged. Each template is checked against docs/rules.md §2 here, once,
/// so that a bad catalog fails at load with a message that says how to fix it, not at send.
public enum TemplatesFile {
    /// Templates as a templates file, in the Graph API's own format: what
    /// `parley templates sync` writes and `load` reads back.
    public static func encode(_ templates: [Template]) -> String {
        let data: [JSONValue] = templates.map { t in
            var components: [JSONValue] = []
            switch t.header {
            case .text(let text)?: components.append(["type": "HEADER", "format": "TEXT", "text": .string(text)])
            case .media(let format)?: components.append(["type": "HEADER", "format": .string(format)])
            case nil: break
            }
            components.append(["type": "BODY", "text": .string(t.body)])
            if let footer = t.footer { components.append(["type": "FOOTER", "text": .string(footer)]) }
            if !t.buttons.isEmpty {
                components.append(["type": "BUTTONS", "buttons": .array(t.buttons.map(button))])
            }
            return [
                "name": .string(t.name), "language": .string(t.language), "status": .string(t.status.description),
                "category": .string(t.category.rawValue), "quality_score": ["score": .string(t.quality.rawValue)],
                "components": .array(components),
            ]
        }
        return JSONValue.object(["data": .array(data)]).encoded() + "\n"
    }

    /// A button as the Graph API spells it: what `EntryReader.buttons` reads back.
    private static func button(_ b: Template.Button) -> JSONValue {
        var fields: [String: JSONValue] = ["type": .string(b.type)]
        if !b.text.isEmpty { fields["text"] = .string(b.text) }
        if let url = b.url { fields["url"] = .string(url) }
        if let otpType = b.otpType { fields["otp_type"] = .string(otpType) }
        if let example = b.example { fields["example"] = .string(example) }
        return .object(fields)
    }

    public static func load(contentsOf path: String) throws(TemplatesFileError) -> [Template] {
        let (templates, problems) = check(contentsOf: path)
        if let first = problems.first { throw first }
        return templates
    }

    /// Every problem of the file at once (`parley check`), and the templates that read.
    public static func check(contentsOf path: String) -> (templates: [Template], problems: [TemplatesFileError]) {
        let file = URL(fileURLWithPath: path).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            return ([], [TemplatesFileError(file: file, problem: "cannot be read; check that \(path) exists and is readable")])
        }
        do {
            return check(try JSONValue.parse([UInt8](data)), file: file)
        } catch {
            return ([], [TemplatesFileError(file: file, problem: "is not valid JSON: \(error.description)")])
        }
    }

    /// - Parameter file: the name errors are reported under.
    public static func decode(_ json: JSONValue, file: String = "templates.json") throws(TemplatesFileError) -> [Template] {
        let (templates, problems) = check(json, file: file)
        if let first = problems.first { throw first }
        return templates
    }

    /// Reads every entry: the ones that read, and the problem of each one that does not.
    public static func check(_ json: JSONValue, file: String = "templates.json") -> (templates: [Template], problems: [TemplatesFileError]) {
        guard let entries = json.arrayValue ?? json["data"]?.arrayValue else {
            return ([], [TemplatesFileError(
                file: file,
                problem: "is \(json.objectValue != nil ? "an object without a \"data\" array" : json.kindWithArticle); give the Graph API response ({\"data\": [...]}) or a bare array of templates")])
        }
        var templates: [Template] = []
        var problems: [TemplatesFileError] = []
        var seen: [TemplateKey: Int] = [:]
        for (index, entry) in entries.enumerated() {
            var reader = EntryReader(file: file, number: index + 1, json: entry)
            let template: Template
            do {
                template = try reader.template()
            } catch {
                problems.append(error)
                continue
            }
            if let first = seen[template.key] {
                problems.append(reader.fail(
                    nil,
                    "repeats the name and language \"\(template.name)\"/\"\(template.language)\" of entry \(first); keep one of them"))
                continue
            }
            seen[template.key] = index + 1
            templates.append(template)
        }
        return (templates, problems)
    }
}

/// Reads one entry, failing with the entry's number and name on the first problem.
private struct EntryReader {
    /// The platform's limits: the same figures the policy holds a filled-in template to.
    static let limits = TemplateLimits()
    static let buttonCaps = ["QUICK_REPLY": 10, "URL": 2, "PHONE_NUMBER": 1, "COPY_CODE": 1]
    static let mediaFormats = ["IMAGE", "VIDEO", "DOCUMENT", "LOCATION"]

    let file: String
    let number: Int
    let json: JSONValue
    var name: String?

    init(file: String, number: Int, json: JSONValue) {
        self.file = file
        self.number = number
        self.json = json
    }

    func fail(_ field: String?, _ problem: String) -> TemplatesFileError {
        TemplatesFileError(file: file, entry: number, name: name, field: field, problem: problem)
    }

    /// A required string member of `object`, reported as `path`.
    func string(_ key: String, of object: JSONValue, at path: String, hint: String) throws(TemplatesFileError) -> String {
        guard let value = object[key] else { throw fail(path, "is missing; \(hint)") }
        guard let text = value.stringValue else { throw fail(path, "is \(value.kindWithArticle), not a string; \(hint)") }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw fail(path, "is empty; \(hint)") }
        return text
    }

    func limit(_ text: String, _ max: Int, at path: String, what: String) throws(TemplatesFileError) {
        if text.count > max { throw fail(path, "is \(text.count) characters; \(what) may have at most \(max)") }
    }

    mutating func template() throws(TemplatesFileError) -> Template {
        guard json.objectValue != nil else {
            throw fail(nil, "is \(json.kindWithArticle); each template must be an object with name, language, status, category and components")
        }
        let name = try string("name", of: json, at: "name", hint: "give the template's name, e.g. \"order_update\"")
        // A runaway name would drown the message it is meant to locate.
        self.name = name.count > 40 ? name.prefix(40) + "…" : name
        let nameIsValid = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        guard nameIsValid else {
            throw fail("name", "is \"\(name)\"; use only lowercase letters, digits and \"_\", e.g. \"order_update\"")
        }
        try limit(name, Self.limits.name, at: "name", what: "a template name")
        let language = try string("language", of: json, at: "language", hint: "give the template's language code, e.g. \"en_US\"")
        let status = try string("status", of: json, at: "status", hint: "give the template's review status, e.g. \"APPROVED\"")
        let categoryText = try string("category", of: json, at: "category", hint: "use one of MARKETING, UTILITY, AUTHENTICATION")
        guard let category = TemplateCategory(platform: categoryText) else {
            throw fail("category", "is \"\(categoryText)\"; use one of MARKETING, UTILITY, AUTHENTICATION")
        }
        // An unreadable score is treated as not yet rated, as the platform does for new templates.
        let quality = json["quality_score"]?.text("score").flatMap { TemplateQuality(platform: $0) } ?? .unknown
        let parts = try components()
        return Template(
            name: name, language: language, category: category, status: TemplateStatus(status), quality: quality,
            header: parts.header, body: parts.body, footer: parts.footer, buttons: parts.buttons)
    }

    private func components() throws(TemplatesFileError) -> (header: Template.Header?, body: String, footer: String?, buttons: [Template.Button]) {
        let hint = "give the template's components, at least [{\"type\": \"BODY\", \"text\": \"...\"}]"
        guard let value = json["components"] else { throw fail("components", "is missing; \(hint)") }
        guard let items = value.arrayValue else { throw fail("components", "is \(value.kindWithArticle), not an array; \(hint)") }
        var header: Template.Header?, body: String?, footer: String?, buttons: [Template.Button]?
        for (i, item) in items.enumerated() {
            let path = "components[\(i)]"
            guard item.objectValue != nil else { throw fail(path, "is \(item.kindWithArticle); each component must be an object") }
            let type = try string("type", of: item, at: "\(path).type", hint: "use HEADER, BODY, FOOTER or BUTTONS").uppercased()
            func once<T>(_ existing: T?) throws(TemplatesFileError) {
                if existing != nil { throw fail("\(path).type", "is a second \(type); a template has at most one") }
            }
            switch type {
            case "HEADER":
                try once(header)
                header = try self.header(item, at: path)
            case "BODY":
                try once(body)
                let text = try string("text", of: item, at: "\(path).text", hint: "give the body's text")
                try limit(text, Self.limits.body, at: "\(path).text", what: "a body")
                body = text
            case "FOOTER":
                try once(footer)
                let text = try string("text", of: item, at: "\(path).text", hint: "give the footer's text or drop the footer")
                try limit(text, Self.limits.footer, at: "\(path).text", what: "a footer")
                footer = text
            case "BUTTONS":
                try once(buttons)
                buttons = try self.buttons(item, at: path)
            default:
                // Newer kinds (CAROUSEL, LIMITED_TIME_OFFER...) carry nothing the core checks.
                continue
            }
        }
        guard let body else {
            throw fail("components", "has no BODY; add {\"type\": \"BODY\", \"text\": \"...\"}: every template needs one")
        }
        return (header, body, footer, buttons ?? [])
    }

    private func header(_ item: JSONValue, at path: String) throws(TemplatesFileError) -> Template.Header {
        let formats = "use TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION"
        // The Graph API always names the format; a hand-written text header may leave it out.
        let format = item["format"] == nil && item["text"] != nil
            ? "TEXT" : try string("format", of: item, at: "\(path).format", hint: formats).uppercased()
        if Self.mediaFormats.contains(format) { return .media(format) }
        guard format == "TEXT" else { throw fail("\(path).format", "is \"\(format)\"; \(formats)") }
        let text = try string("text", of: item, at: "\(path).text", hint: "give the header's text, or use a media format")
        try limit(text, Self.limits.header, at: "\(path).text", what: "a text header")
        if Placeholders(in: text).count > 1 {
            throw fail("\(path).text", "has \(Placeholders(in: text).count) parameters; a text header may have at most one")
        }
        return .text(text)
    }

    private func buttons(_ item: JSONValue, at path: String) throws(TemplatesFileError) -> [Template.Button] {
        guard let value = item["buttons"] else { throw fail("\(path).buttons", "is missing; list the buttons or drop the BUTTONS component") }
        guard let items = value.arrayValue else { throw fail("\(path).buttons", "is \(value.kindWithArticle), not an array") }
        guard items.count <= Self.limits.buttons else {
            throw fail("\(path).buttons", "has \(items.count) buttons; a template may have at most \(Self.limits.buttons)")
        }
        var buttons: [Template.Button] = []
        var counts: [String: Int] = [:]
        for (i, button) in items.enumerated() {
            let here = "\(path).buttons[\(i)]"
            guard button.objectValue != nil else { throw fail(here, "is \(button.kindWithArticle); each button must be an object") }
            let parsed = try self.button(button, at: here)
            counts[parsed.type, default: 0] += 1
            if let cap = Self.buttonCaps[parsed.type], let count = counts[parsed.type], count > cap {
                throw fail("\(here).type", "is one \(parsed.type) button too many; a template may have at most \(cap)")
            }
            buttons.append(parsed)
        }
        // Quick replies come as one group, before or after the others: the grouping flips at most once.
        let flips = zip(buttons, buttons.dropFirst()).filter { ($0.type == "QUICK_REPLY") != ($1.type == "QUICK_REPLY") }.count
        if flips > 1 {
            throw fail("\(path).buttons", "interleaves QUICK_REPLY with other buttons; group the quick replies before or after the rest")
        }
        return buttons
    }

    /// One button, with what a send must know of it: a URL's address (a `{{1}}` in it takes
    /// a suffix), a one-time-password button's kind, a copy-code button's sample code.
    private func button(_ button: JSONValue, at here: String) throws(TemplatesFileError) -> Template.Button {
        var type = try string("type", of: button, at: "\(here).type", hint: "e.g. QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE").uppercased()
        let url = button["url"]?.stringValue
        var otpType = button["otp_type"]?.stringValue?.uppercased()
        // The platform makes an authentication template's OTP button a URL button on its
        // own address (Meta's copy-code authentication template guide: "upon creation the
        // button type will be set to URL"), and a sync reads it back so:
        // https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}.
        if type == "URL", let url, url.hasPrefix(Self.passwordURL) {
            type = "OTP"
            otpType = Self.query("otp_type", of: url)?.uppercased() ?? "COPY_CODE"
        }
        // The platform labels copy-code and password buttons itself; a creation request may omit the label.
        let labelled = type != "COPY_CODE" && type != "OTP"
        let text = labelled || button["text"] != nil
            ? try string("text", of: button, at: "\(here).text", hint: "give the button's label") : ""
        try limit(text, Self.limits.buttonLabel, at: "\(here).text", what: "a button label")
        // The sample code: a string when the template is made, a one-element array in a sync.
        let example = button["example"]?.stringValue ?? button["example"]?.arrayValue?.first?.stringValue
        return Template.Button(type: type, text: text, url: url, otpType: type == "OTP" ? otpType ?? "COPY_CODE" : nil,
                               example: type == "COPY_CODE" ? example : nil)
    }

    static let passwordURL = "https://www.whatsapp.com/otp/"

    /// A query item's value, read by hand: the `{{1}}` in the address is no valid URL.
    private static func query(_ name: String, of url: String) -> String? {
        guard let query = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        return query.split(separator: "&").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
    }
}
