import ParleyJSON
import ParleyPolicy

/// One page of `GET /{waba-id}/message_templates`:
/// `{"data": [...], "paging": {"cursors": {"before", "after"}, "next": "https://..."}}`.
///
/// Entries are read by the templates-file decoder, with one difference: a bad entry does not
/// sink the page. A live account holds drafts, rejected and odd templates that the catalog can
/// do without, so each is set aside with its problem and the rest still load.
public struct MessageTemplatesPage: Sendable, Equatable {
    public var templates: [Template]
    /// One per entry that could not become a template, numbered within this page.
    public var problems: [TemplatesFileError]
    public var before: String?
    public var after: String?
    /// The URL of the next page, ready to GET; absent on the last page.
    public var nextURL: String?

    /// The cursor for `?after=` when there is a next page. The last page still carries an
    /// `after` cursor, but only the presence of `next` says there is more.
    public var nextCursor: String? { nextURL == nil ? nil : after }
    public var isLastPage: Bool { nextURL == nil }

    public init(templates: [Template], problems: [TemplatesFileError] = [], before: String? = nil, after: String? = nil, nextURL: String? = nil) {
        self.templates = templates
        self.problems = problems
        self.before = before
        self.after = after
        self.nextURL = nextURL
    }

    /// - Parameter source: the name problems are reported under.
    public init(body: String, source: String = "message_templates") throws(TemplatesFileError) {
        let json: JSONValue
        do {
            json = try JSONValue.parse(body)
        } catch {
            throw TemplatesFileError(file: source, problem: "is not valid JSON: \(error.description)")
        }
        try self.init(json: json, source: source)
    }

    /// Throws only when the body is not a page at all (no `data` array).
    public init(json: JSONValue, source: String = "message_templates") throws(TemplatesFileError) {
        guard let entries = json["data"]?.arrayValue else {
            throw TemplatesFileError(file: source, problem: "is not a page of templates: it has no \"data\" array")
        }
        var templates: [Template] = [], problems: [TemplatesFileError] = []
        var seen: [TemplateKey: Int] = [:]
        for (index, entry) in entries.enumerated() {
            do throws(TemplatesFileError) {
                guard let template = try TemplatesFile.decode(.array([entry]), file: source).first else { continue }
                if let first = seen[template.key] {
                    throw TemplatesFileError(
                        file: source, name: template.name,
                        problem: "repeats the name and language \"\(template.name)\"/\"\(template.language)\" of entry \(first); the first is kept")
                }
                seen[template.key] = index + 1
                templates.append(template)
            } catch {
                var problem = error
                problem.entry = index + 1  // decoded alone, the entry thinks it is the first
                problems.append(problem)
            }
        }
        let paging = json.object("paging")
        let cursors = paging?.object("cursors")
        self.init(
            templates: templates, problems: problems, before: cursors?.text("before"), after: cursors?.text("after"),
            nextURL: paging?.text("next"))
    }
}
