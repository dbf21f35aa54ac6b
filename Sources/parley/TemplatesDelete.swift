import ArgumentParser
import Foundation
import ParleyCloudAPI
import ParleyGraphAPI

extension Templates {
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a template from the account: by name in every language, or one by its id.",
            discussion: """
            Asks before deleting unless --yes. A deleted name cannot be used again for 30 days, \
            and messages already sent with it are not affected.
            """
        )

        @Option(help: "The configuration file (parley.toml).")
        var config: String

        @Argument(help: "The template's name.")
        var name: String

        @Option(help: "Delete only the template with this id (one language), as `parley templates status` lists it.")
        var id: String?

        @Flag(help: "Delete without asking.")
        var yes = false

        func run() async throws {
            let settings = try loadDeployment(config, for: "parley templates delete")
            let what = id.map { "template \(name) with id \($0)" } ?? "template \(name) in every language"
            if !yes {
                guard isatty(STDIN_FILENO) != 0 else {
                    complain("parley templates delete: not deleting \(what) without asking; run it in a terminal, or add --yes")
                    throw Exit.problems
                }
                FileHandle.standardError.write(Data("Delete \(what)? The name cannot be used again for 30 days. [y/N] ".utf8))
                guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                    complain("nothing deleted")
                    return
                }
            }
            let outcome: Result<Void, GraphAPIError>
            do {
                outcome = try await AccountTemplates(settings: settings.cloudAPI).delete(name: name, id: id)
            } catch {
                complain("parley templates delete: \(error)")
                throw Exit.cannotLoad
            }
            switch outcome {
            case .success: print("deleted \(what)")
            case .failure(let error):
                print("\(name): refused: \(error)")
                throw Exit.problems
            }
        }
    }
}
