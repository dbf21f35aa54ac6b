import ParleyJSON

/// Checks template drafts against the rules the platform documents and the causes its
/// reviewers reject most, before they are submitted: every problem at once, each with the
/// component, what is wrong and the fix (docs/templates.md lists the rules).
///
/// Errors are what the platform refuses or its review rejects; warnings are allowed but
/// risky: a label cut short on some devices, promotional words in a utility template.
public struct TemplateLinter: Sendable {
    /// How many templates the account may hold: 250 until the business is verified.
    public var templateCap: Int
    /// The account's templates as synced (`parley templates sync`), for duplicates,
    /// rejected twins and the count against the cap; empty when not given.
    public var catalog: [TemplateDraft]

    public init(templateCap: Int = 250, catalog: [TemplateDraft] = []) {
        self.templateCap = templateCap
        self.catalog = catalog
    }

    /// The templates a file holds: one template object, an array of them, or a catalog's
    /// `{"data": [...]}`; nil when it holds none of these.
    public static func templates(in json: JSONValue) -> [JSONValue]? {
        switch json {
        case .array(let items): return items
        case .object where json["data"]?.arrayValue != nil: return json["data"]!.arrayValue!
        case .object: return [json]
        default: return nil
        }
    }

    /// Every problem of `drafts`, each named by the file it came from, in file order.
    public func lint(_ drafts: [(file: String, draft: TemplateDraft)]) -> [LintProblem] {
        var problems: [LintProblem] = []
        for (index, item) in drafts.enumerated() {
            var check = DraftCheck(file: item.file, label: item.draft.label(index: index), draft: item.draft)
            check.run()
            check.compare(with: catalog)
            problems += check.problems
        }
        problems += account(drafts.map(\.draft))
        return problems
    }

    /// The count against the cap: the catalog's templates and the new ones, by name and language.
    private func account(_ drafts: [TemplateDraft]) -> [LintProblem] {
        var keys = Set(catalog.map { "\($0.name ?? "")/\($0.language ?? "")" })
        for draft in drafts { keys.insert("\(draft.name ?? "")/\(draft.language ?? "")") }
        guard keys.count > templateCap else { return [] }
        return [LintProblem(.error, file: "(all files)", template: "account", component: "account",
                            "the account would hold \(keys.count) templates, over its cap of \(templateCap)",
                            fix: "delete templates you no longer send (parley templates delete), or verify the business to raise the cap; pass --template-cap if yours is higher")]
    }
}

/// The checks of one draft, with the problems found so far.
struct DraftCheck {
    let file: String
    let label: String
    let draft: TemplateDraft
    private(set) var problems: [LintProblem] = []

    init(file: String, label: String, draft: TemplateDraft) {
        self.file = file
        self.label = label
        self.draft = draft
    }

    mutating func error(_ component: String, _ message: String, fix: String) {
        problems.append(LintProblem(.error, file: file, template: label, component: component, message, fix: fix))
    }

    mutating func warning(_ component: String, _ message: String, fix: String) {
        problems.append(LintProblem(.warning, file: file, template: label, component: component, message, fix: fix))
    }

    var category: String { (draft.category ?? "").uppercased() }
    var isAuthentication: Bool { category == "AUTHENTICATION" }

    mutating func run() {
        checkName()
        checkLanguage()
        checkCategory()
        for problem in draft.componentProblems { error("components", "the template \(problem)", fix: "see the Graph API's template components") }
        checkHeader()
        checkBody()
        checkVariables()
        checkFooter()
        checkButtons()
        checkCategoryWording()
    }

    private mutating func checkName() {
        guard let name = draft.name, !name.isEmpty else {
            return error("name", "the template has no name", fix: "add \"name\": lowercase letters, digits and underscores, such as \"order_update\"")
        }
        if name.count > 512 { error("name", "the name is \(name.count) characters, over 512", fix: "shorten it") }
        if !name.allSatisfy({ ("a"..."z").contains($0) || $0.isASCIIDigit || $0 == "_" }) {
            let suggested = String(name.lowercased().map { ("a"..."z").contains($0) || $0.isASCIIDigit ? $0 : "_" })
            error("name", "\"\(name)\" has characters other than lowercase letters, digits and underscores", fix: "name it \"\(suggested)\"")
        }
    }

    private mutating func checkLanguage() {
        guard let language = draft.language, !language.isEmpty else {
            return error("language", "the template has no language", fix: "add \"language\", such as \"en_US\" or \"pt_BR\"")
        }
        guard !TemplateLanguages.codes.contains(language) else { return }
        if let meant = TemplateLanguages.suggestion(for: language) {
            error("language", "\"\(language)\" is not a language code the platform takes", fix: "write \"\(meant)\"")
        } else {
            error("language", "\"\(language)\" is not a language the platform supports for templates", fix: "use one of Meta's codes, such as \"en_US\", \"es_MX\" or \"pt_BR\"")
        }
    }

    private mutating func checkCategory() {
        guard ["MARKETING", "UTILITY", "AUTHENTICATION"].contains(category) else {
            let given = draft.category.map { "\"\($0)\" is not a category" } ?? "the template has no category"
            return error("category", given, fix: "set \"category\" to MARKETING, UTILITY or AUTHENTICATION")
        }
    }
}
