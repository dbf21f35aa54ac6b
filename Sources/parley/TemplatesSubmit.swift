import ArgumentParser
import Foundation
import ParleyCloudAPI
import ParleyConfig
import ParleyGraphAPI
import ParleyJSON

extension Templates {
    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lint template drafts, then submit them for review.",
            discussion: """
            Nothing is submitted unless every draft passes lint. Each draft is posted to \
            POST /{waba-id}/message_templates with PARLEY_ACCESS_TOKEN and [cloud_api] waba_id \
            from the configuration; its id and status are printed (PENDING while in review: \
            follow it with `parley templates sync`). The platform takes \(AccountTemplates.perHour) \
            new templates an hour from an account: submit more in later runs.
            """
        )

        @OptionGroup var drafts: DraftFiles

        @Option(help: "The configuration file (parley.toml); not needed with --dry-run.")
        var config: String?

        @Flag(help: "Print each request instead of sending it.")
        var dryRun = false

        func run() async throws {
            let (templates, errors, _) = drafts.lint()
            guard errors == 0 else {
                complain("nothing submitted: fix the errors above first")
                throw Exit.problems
            }
            guard templates.count <= AccountTemplates.perHour else {
                complain("nothing submitted: \(templates.count) drafts, and the platform takes \(AccountTemplates.perHour) an hour from an account; submit them in groups of \(AccountTemplates.perHour), an hour apart")
                throw Exit.problems
            }
            var settings = CloudAPISettings()
            if let config {
                settings = try loadDeployment(config, for: "parley templates submit").cloudAPI
            } else if !dryRun {
                complain("parley templates submit: give --config parley.toml (for waba_id), or --dry-run")
                throw Exit.cannotLoad
            }
            let submission = AccountTemplates(settings: settings)
            if dryRun {
                for template in templates { print("POST \(submission.url)\n\(template.json.encoded())") }
                return
            }
            var refused = 0
            for (index, template) in templates.enumerated() {
                let label = TemplateDraft(template.json).label(index: index)
                let outcome: AccountTemplates.Outcome
                do {
                    outcome = try await submission.submit(template.json)
                } catch {
                    complain("parley templates submit: \(error)")
                    throw Exit.cannotLoad
                }
                switch outcome {
                case .created(let id, let status, let category):
                    print("\(label): submitted, id \(id), \(status)\(category.map { " (\($0))" } ?? "")")
                case .refused(let error):
                    refused += 1
                    print("\(label): refused: \(error)")
                }
            }
            if refused > 0 { throw Exit.problems }
        }
    }
}
