import ArgumentParser
import Foundation
import ParleyCloudAPI
import ParleyJSON

extension Templates {
    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check template drafts against the platform's rules before you submit them.",
            discussion: """
            Each FILE holds one template in the Graph API's create format (the body of \
            POST /{waba-id}/message_templates), an array of them, or {"data": [...]}. Every \
            problem is printed at once, with the component and the fix. Errors are what the \
            platform refuses or its reviewers reject; warnings are allowed but risky. Exits 1 \
            when there is an error (or, with --strict, a warning). docs/templates.md lists the rules.
            """
        )

        @OptionGroup var drafts: DraftFiles

        @Flag(help: "Fail on warnings too.")
        var strict = false

        func run() throws {
            let (_, errors, warnings) = drafts.lint()
            if errors > 0 || (strict && warnings > 0) { throw Exit.problems }
        }
    }
}

/// Template files and what lint needs besides them; shared by `lint` and `submit`.
struct DraftFiles: ParsableArguments {
    @Argument(help: "Template files (JSON).")
    var files: [String]

    @Option(help: "The account's synced templates (parley templates sync), to find names already taken and rejected twins.")
    var catalog: String?

    @Option(help: "How many templates the account may hold.")
    var templateCap = 250

    /// Reads and lints every file, prints every problem (standard output) and a count
    /// (standard error); returns the templates that were read and the counts.
    func lint() -> (templates: [(file: String, json: JSONValue)], errors: Int, warnings: Int) {
        var problems: [LintProblem] = []
        var templates: [(file: String, json: JSONValue)] = []
        for file in files {
            switch Self.read(file) {
            case .success(let found): templates += found.map { (file, $0) }
            case .failure(let problem): problems.append(problem)
            }
        }
        var known: [TemplateDraft] = []
        if let catalog {
            switch Self.read(catalog) {
            case .success(let found): known = found.map(TemplateDraft.init)
            case .failure(let problem): problems.append(problem)
            }
        }
        problems += TemplateLinter(templateCap: templateCap, catalog: known).lint(templates.map { ($0.file, TemplateDraft($0.json)) })
        for problem in problems { print(problem) }
        let errors = problems.filter { $0.severity == .error }.count, warnings = problems.count - errors
        complain("\(templates.count) template\(templates.count == 1 ? "" : "s") checked: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        return (templates, errors, warnings)
    }

    /// The templates in `path`, or the problem that keeps it from being read.
    static func read(_ path: String) -> Result<[JSONValue], LintProblem> {
        func unreadable(_ message: String, _ fix: String) -> Result<[JSONValue], LintProblem> {
            .failure(LintProblem(.error, file: path, template: "(file)", component: "file", message, fix: fix))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return unreadable("cannot be read", "check that the file exists and is readable")
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse([UInt8](data))
        } catch {
            return unreadable("is not valid JSON: \(error)", "write the template as the Graph API's JSON")
        }
        guard let templates = TemplateLinter.templates(in: json) else {
            return unreadable("holds no template", "write a template object, an array of them, or {\"data\": [...]}")
        }
        return .success(templates)
    }
}
