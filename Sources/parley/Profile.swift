import ArgumentParser
import Foundation
import ParleyCloudAPI
import ParleyGraphAPI
import ParleyJSON

/// `parley profile show | lint | push`: the business profile customers see.
struct Profile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show, check and update the business profile customers see.",
        discussion: """
        A profile file is JSON: {"about": "...", "address": "...", "description": "...", \
        "email": "...", "websites": ["https://..."], "vertical": "RETAIL", "photo": "logo.png"}; \
        every field is optional, and the photo's path is relative to the file.
        """,
        subcommands: [Show.self, Lint.self, Push.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the live profile of [cloud_api] phone_number_id.")

        @Option(help: "The configuration file (parley.toml).")
        var config: String

        func run() async throws {
            let settings = try loadDeployment(config, for: "parley profile show").cloudAPI
            switch try await calling({ try await AccountProfile(settings: settings).fetch() }) {
            case .success(let profile):
                let websites = profile.websites?.joined(separator: ", ")
                for (name, value) in [("about", profile.about), ("address", profile.address), ("description", profile.description), ("email", profile.email),
                                      ("websites", websites), ("vertical", profile.vertical), ("photo", profile.pictureURL)] {
                    print("\(name): \(value ?? "-")")
                }
            case .failure(let error):
                complain("parley profile show: the Graph API refused: \(error)")
                throw Exit.problems
            }
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a profile file against the platform's limits; exit 1 on an error.")

        @Argument(help: "The profile file (JSON).")
        var file: String

        func run() throws {
            let (_, _, errors) = try ProfileFile.check(file)
            if errors > 0 { throw Exit.problems }
        }
    }

    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a profile file, then update the live profile with it (uploading its photo first).")

        @Option(help: "The configuration file (parley.toml).")
        var config: String

        @Argument(help: "The profile file (JSON).")
        var file: String

        @Flag(help: "Print the update instead of sending it.")
        var dryRun = false

        func run() async throws {
            let (profile, photo, errors) = try ProfileFile.check(file)
            guard errors == 0 else {
                complain("nothing pushed: fix the errors above first")
                throw Exit.problems
            }
            let settings = try loadDeployment(config, for: "parley profile push").cloudAPI
            let account = AccountProfile(settings: settings)
            var handle: String?
            if let photo {
                if dryRun {
                    handle = "<the handle of \(profile.photo ?? "the photo")>"
                } else {
                    switch try await calling({ try await account.upload(photo.data, as: photo.kind) }) {
                    case .success(let uploaded): handle = uploaded
                    case .failure(let error):
                        complain("parley profile push: the photo upload was refused: \(error)")
                        throw Exit.problems
                    }
                }
            }
            let request = profile.updateRequest(photoHandle: handle)
            if dryRun { return print(request.encoded()) }
            switch try await calling({ try await account.update(request) }) {
            case .success: print("profile updated")
            case .failure(let error):
                complain("parley profile push: the Graph API refused: \(error)")
                throw Exit.problems
            }
        }
    }

    /// Runs a Graph API call; a missing setting (the token, the number) ends the command with its message.
    static func calling<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch {
            complain("parley profile: \(error)")
            throw Exit.cannotLoad
        }
    }
}

/// A profile file read and checked: every problem printed, with the photo it names.
enum ProfileFile {
    static func check(_ path: String) throws -> (BusinessProfile, (data: [UInt8], kind: ProfilePhoto)?, errors: Int) {
        guard let data = FileManager.default.contents(atPath: path) else {
            complain("parley profile: cannot read \(path); check that it exists and is readable")
            throw Exit.cannotLoad
        }
        guard let json = try? JSONValue.parse([UInt8](data)), json.objectValue != nil else {
            complain("parley profile: \(path) is not a JSON object; write {\"about\": \"...\", \"vertical\": \"RETAIL\", ...}")
            throw Exit.cannotLoad
        }
        let profile = BusinessProfile(json)
        var problems = profile.problems(file: path)
        var photo: (data: [UInt8], kind: ProfilePhoto)?
        if let name = profile.photo {
            let url = URL(fileURLWithPath: name, relativeTo: URL(fileURLWithPath: path).deletingLastPathComponent())
            if let bytes = FileManager.default.contents(atPath: url.path).map([UInt8].init) {
                if let kind = ProfilePhoto(bytes) {
                    photo = (bytes, kind)
                    problems += kind.problems(file: path)
                } else {
                    problems.append(LintProblem(.error, file: path, template: "profile", component: "photo", "\(name) is neither a JPEG nor a PNG",
                                                fix: "save the photo as a JPEG or PNG"))
                }
            } else {
                problems.append(LintProblem(.error, file: path, template: "profile", component: "photo", "cannot read \(url.path)",
                                            fix: "give the photo's path relative to the profile file"))
            }
        }
        for problem in problems { print(problem) }
        let errors = problems.filter { $0.severity == .error }.count
        complain("profile checked: \(errors) error\(errors == 1 ? "" : "s"), \(problems.count - errors) warning\(problems.count - errors == 1 ? "" : "s")")
        return (profile, photo, errors)
    }
}
