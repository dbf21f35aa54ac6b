import ArgumentParser
import Foundation
import ParleyConfig
import ParleyJSON
import ParleyCloudAPI
import ParleyGraphAPI
import ParleyPolicy

struct Templates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with the account's message templates.",
        subcommands: [Sync.self, Lint.self, Submit.self, Status.self, Delete.self]
    )

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch every template of the WhatsApp Business Account into a templates file.",
            discussion: """
            Pages through GET /{waba-id}/message_templates with PARLEY_ACCESS_TOKEN and \
            [cloud_api] waba_id from the configuration, and writes the Graph API's own format, \
            which simulate, test and serve read unchanged. A running serve syncs on its own at start.
            """
        )

        @Option(help: "The configuration file (parley.toml).")
        var config: String

        @Option(help: "Where to write the templates (default: templates.json beside the configuration).")
        var output: String?

        func run() async throws {
            let settings = try loadDeployment(config, for: "parley templates sync")
            let result: TemplateSync.Result
            do {
                result = try await TemplateSync(settings: settings.cloudAPI).fetchAll()
            } catch {
                complain("parley templates sync: \(error)")
                throw Exit.problems
            }
            for problem in result.problems { complain("warning: \(problem)") }
            let target = output.map { URL(fileURLWithPath: $0) } ?? settings.resolve("templates.json")
            let text = TemplatesFile.encode(result.templates)
            do {
                try text.write(to: target, atomically: true, encoding: .utf8)
            } catch {
                complain("parley templates sync: cannot write \(target.path): \(error)")
                throw Exit.cannotLoad
            }
            print("\(result.templates.count) templates from \(result.pages) page\(result.pages == 1 ? "" : "s") written to \(target.path)")
        }
    }
}
