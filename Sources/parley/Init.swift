import ArgumentParser
import Foundation
import ParleyDistribution

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a new scripts folder: a bot with its escalation path, a router, their specs, and editor settings.",
        discussion: """
        Writes parley.toml, templates.json, helpdesk.lua, router.lua, helpdesk_spec.lua, a \
        scenario, and .luarc.json with the lua-language-server annotations in .parley/types. \
        Writes only new files: an existing one stops it before anything is written, unless \
        --force. Exit status 0 when written, 2 when not.
        """
    )

    @Argument(help: "The folder to create or fill.")
    var directory: String

    @Flag(help: "Overwrite files that already exist.")
    var force = false

    @Flag(help: "Write only the editor annotations (.parley/types), replacing those there: after upgrading parley, or for a folder made without init.")
    var types = false

    func run() throws {
        let folder = URL(fileURLWithPath: directory)
        let written: [String]
        do {
            written = try Scaffold.write(into: folder, overwrite: force, typesOnly: types)
        } catch {
            complain("parley init: \(error.description)")
            throw Exit.cannotLoad
        }
        if types {
            print("Wrote the editor annotations for parley \(ParleyVersion.current) into \(folder.appendingPathComponent(Scaffold.typesFolder).path) (\(written.count) files).")
            return
        }
        let shown = written.filter { !$0.hasPrefix(Scaffold.typesFolder + "/") }
        print("Created a scripts folder in \(directory):")
        for path in shown { print("  \(path)") }
        print("  \(Scaffold.typesFolder)/ (annotations for lua-language-server, which .luarc.json names)")
        let quoted = Init.shellQuoted(directory)
        print("""

        Next:
          parley test \(quoted)                        # run the specs: all pass
          parley simulate --scripts \(quoted) --scenario \(Init.shellQuoted(folder.appendingPathComponent("scenarios/hello.jsonl").path))
          parley check \(quoted)                       # load every script, report each problem
          parley serve --config \(Init.shellQuoted(folder.appendingPathComponent("parley.toml").path))   # a local sandbox: POST /sandbox/inbound
        Edit helpdesk.lua and router.lua in an editor with lua-language-server (VS Code: the "Lua" extension) \
        for completion and checks of every primitive.
        """)
    }

    /// The path as a shell would take it back: quoted only when it needs to be.
    static func shellQuoted(_ path: String) -> String {
        let plain = path.allSatisfy { $0.isLetter || $0.isNumber || "/._-+:@%".contains($0) }
        return plain && !path.isEmpty ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
