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
            when there is an error (or, with --strict, a warning).
            """
        )

        @Argument(help: "Template files (JSON).")
        var files: [String]

        @Option(help: "The account's synced templates (parley templates sync), to find names already taken and rejected twins.")
        var catalog: String?

        @Option(help: "How many templates the account may hold.")
        var templateCap = 250

        @Flag(help: "Fail on warnings too.")
        var strict = false

        func run() throws {
            var problems: [LintProblem] = []
            var drafts: [(file: String, draft: TemplateDraft)] = []
            for file in files {
                switch Self.read(file) {
                case .success(let found): drafts += found.map { (file, $0) }
                case .failure(let problem): problems.append(problem)
                }
            }
            var catalogDrafts: [TemplateDraft] = []
            if let catalog {
                switch Self.read(catalog) {
                case .success(let found): catalogDrafts = found
                case .failure(let problem): problems.append(problem)
                }
            }
            problems += TemplateLinter(templateCap: templateCap, catalog: catalogDrafts).lint(drafts)
            for problem in problems { print(problem) }
            let errors = problems.filter { $0.severity == .error }.count, warnings = problems.count - errors
            complain("\(drafts.count) template\(drafts.count == 1 ? "" : "s") checked: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
            if errors > 0 || (strict && warnings > 0) { throw Exit.problems }
        }

        /// The drafts in `path`, or the problem that keeps it from being read.
        static func read(_ path: String) -> Result<[TemplateDraft], LintProblem> {
            func unreadable(_ message: String, _ fix: String) -> Result<[TemplateDraft], LintProblem> {
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
            guard let drafts = TemplateLinter.drafts(in: json) else {
                return unreadable("holds no template", "write a template object, an array of them, or {\"data\": [...]}")
            }
            return .success(drafts)
        }
    }
}
