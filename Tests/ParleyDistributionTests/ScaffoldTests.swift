import Foundation
import ParleyConfig
import ParleyDistribution
import ParleyPolicy
import ParleyRuntime
import ParleySandbox
import ParleyTesting
import Testing

@Suite("parley init")
struct ScaffoldTests {
    @Test("a new folder's specs pass at once on the built-in Stdlib, and take the bot's path to a person")
    func specsPass() throws {
        let folder = try temporaryFolder("init").appendingPathComponent("bots")
        try Scaffold.write(into: folder)
        let summary = SpecRunner(stdlib: try builtInStdlib()).run(try SpecRunner.specFiles(in: [folder.path]))
        let failures = summary.results.filter(\.isFailure).map { "\($0.name): \($0.message ?? "")" }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(summary.passed >= 10)
        #expect(summary.escalatedBots.contains(EscalatedBot(scripts: folder, bot: "helpdesk")), "parley check would warn that no spec escalates the bot")
    }

    @Test("its scripts load with their queues declared, as parley check loads them")
    func scriptsLoad() throws {
        let folder = try temporaryFolder("init")
        try Scaffold.write(into: folder)
        let config = try ConfigFile.load(contentsOf: folder.appendingPathComponent("parley.toml"))
        let runtime = try Runtime(config: config, clock: ManualClock(Instant(millisecondsSinceEpoch: 0)))
        let modules = ModuleLibrary(stdlib: try builtInStdlib(), scripts: folder)
        let (scripts, problems) = try ScriptSet.load(from: folder, setup: runtime.scriptSetup(modules: modules), queues: config.queues)
        #expect(problems.isEmpty, "\(problems)")
        #expect(scripts.bots.keys.sorted() == ["helpdesk"])
        #expect(scripts.router?.definition.name == "main")
    }

    @Test("it writes the scaffold, the editor settings and the annotations they name")
    func writesEverything() throws {
        let folder = try temporaryFolder("init")
        let written = try Scaffold.write(into: folder)
        for expected in ["parley.toml", "templates.json", "helpdesk.lua", "router.lua", "helpdesk_spec.lua", ".luarc.json",
                         "\(Scaffold.typesFolder)/primitives.lua", "\(Scaffold.typesFolder)/spec.lua"] {
            #expect(written.contains(expected))
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(expected).path), "\(expected) is missing")
        }
        let settings = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(".luarc.json"))) as? [String: Any]
        #expect(settings?["workspace.library"] as? [String] == [Scaffold.typesFolder])
    }

    @Test("it refuses to overwrite a file, names it and the way out, and writes nothing")
    func refusesToOverwrite() throws {
        let folder = try temporaryFolder("init")
        let mine = folder.appendingPathComponent("parley.toml")
        try Data("# mine\n".utf8).write(to: mine)
        let failure = #expect(throws: Scaffold.Failure.self) { try Scaffold.write(into: folder) }
        #expect(failure?.existing == ["parley.toml"])
        #expect(failure?.description.contains(mine.path) == true)
        #expect(failure?.description.contains("--force") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["parley.toml"])
        #expect(FileManager.default.contents(atPath: mine.path) == Data("# mine\n".utf8))
    }

    @Test("with overwrite it replaces what is there")
    func overwrites() throws {
        let folder = try temporaryFolder("init")
        let mine = folder.appendingPathComponent("router.lua")
        try Data("-- mine\n".utf8).write(to: mine)
        try Scaffold.write(into: folder, overwrite: true)
        #expect(FileManager.default.contents(atPath: mine.path) == EmbeddedFiles.scaffoldFiles.first { $0.path == "router.lua" }?.contents)
    }

    @Test("--types refreshes only the annotations, over older ones")
    func typesOnly() throws {
        let folder = try temporaryFolder("init")
        let old = folder.appendingPathComponent("\(Scaffold.typesFolder)/primitives.lua")
        try FileManager.default.createDirectory(at: old.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("---@meta\n-- old\n".utf8).write(to: old)
        let written = try Scaffold.write(into: folder, typesOnly: true)
        #expect(written.allSatisfy { $0.hasPrefix(Scaffold.typesFolder + "/") })
        #expect(FileManager.default.contents(atPath: old.path) == EmbeddedFiles.annotationFiles.first { $0.path == "primitives.lua" }?.contents)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("parley.toml").path))
    }

    @Test("a file given as the folder is refused")
    func fileAsFolder() throws {
        let file = try temporaryFolder("init").appendingPathComponent("notes.txt")
        try Data().write(to: file)
        let failure = #expect(throws: Scaffold.Failure.self) { try Scaffold.write(into: file) }
        #expect(failure?.description.contains("is a file, not a folder") == true)
    }
}
