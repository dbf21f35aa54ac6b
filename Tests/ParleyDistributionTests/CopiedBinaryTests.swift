import Foundation
import ParleyDistribution
import Testing

/// The `parley` binary copied alone into an empty folder, run from another folder with no
/// Stdlib anywhere near: it must work from the copy it carries.
@Suite("a copied parley binary")
struct CopiedBinaryTests {
    /// A copy of the built binary (beside this test bundle), alone in a fresh folder.
    static func copiedBinary() throws -> URL {
        let built = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("parley")
        let copy = try temporaryFolder("bin").appendingPathComponent("parley")
        try FileManager.default.copyItem(at: built, to: copy)
        return copy
    }

    struct Run {
        let status: Int32
        let output: String
        let errors: String
    }

    /// Runs the binary in `folder` with a clean environment: no PARLEY_STDLIB, and a cache
    /// and home of the test's own.
    static func run(_ binary: URL, _ arguments: [String], in folder: URL, home: URL) throws -> Run {
        let output = folder.appendingPathComponent("out-\(UUID().uuidString)")
        let errors = folder.appendingPathComponent("err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(at: errors)
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": home.path, "XDG_CACHE_HOME": home.appendingPathComponent("cache").path]
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: try String(contentsOf: output, encoding: .utf8),
                   errors: try String(contentsOf: errors, encoding: .utf8))
    }

    @Test("prints its version, makes a folder with init, and runs test, check and simulate on it")
    func worksAlone() throws {
        let binary = try Self.copiedBinary()
        let elsewhere = try temporaryFolder("cwd")
        let home = try temporaryFolder("home")
        let bots = elsewhere.appendingPathComponent("my-bots").path
        func parley(_ arguments: String...) throws -> Run { try Self.run(binary, arguments, in: elsewhere, home: home) }

        let version = try parley("--version")
        #expect(version.status == 0)
        #expect(version.output == ParleyVersion.current + "\n")

        let made = try parley("init", "my-bots")
        #expect(made.status == 0, "\(made.errors)")
        #expect(made.output.contains("helpdesk.lua") && made.output.contains("parley test my-bots"))

        let again = try parley("init", "my-bots")
        #expect(again.status == 2)
        #expect(again.errors.contains("\(bots)/parley.toml") && again.errors.contains("--force"), "\(again.errors)")

        let tested = try parley("test", "my-bots")
        #expect(tested.status == 0, "\(tested.output)\(tested.errors)")
        #expect(tested.output.contains(" passed, 0 failed"))

        let checked = try parley("check", "my-bots")
        #expect(checked.status == 0, "\(checked.output)\(checked.errors)")
        #expect(checked.output.contains("ok: bots helpdesk; router main"), "\(checked.output)")
        #expect(!checked.output.contains("warning"), "\(checked.output)")

        let simulated = try parley("simulate", "--scripts", "my-bots", "--scenario", "my-bots/scenarios/hello.jsonl")
        #expect(simulated.status == 0, "\(simulated.errors)")
        #expect(simulated.output.contains(#""type":"escalated""#))
        #expect(simulated.output.contains(#""kind":"template""#), "\(simulated.output)")
        // The Stdlib came from the binary: written into the cache given, nowhere else.
        let cache = home.appendingPathComponent("cache/parley")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path) == ["stdlib-\(ParleyVersion.current)-\(EmbeddedStdlib.fingerprint)"])
    }

    @Test("serve starts on the built-in Stdlib and logs its version")
    func serves() async throws {
        let binary = try Self.copiedBinary()
        let home = try temporaryFolder("home")
        let folder = try temporaryFolder("serve")
        try Scaffold.write(into: folder)
        let log = folder.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--config", folder.appendingPathComponent("parley.toml").path, "--port", "0"]
        process.currentDirectoryURL = home
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": home.path, "XDG_CACHE_HOME": home.appendingPathComponent("cache").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var text = ""
        // Waits for the line that says it listens, or for the process to end.
        let deadline = ContinuousClock.now + .seconds(60)  // wall-clock ok: a safety net, not an assertion
        while process.isRunning, !text.contains("listening"), ContinuousClock.now < deadline {  // wall-clock ok
            try await Task.sleep(for: .milliseconds(100))
            text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        #expect(text.contains("listening"), "\(text)")
        #expect(text.contains("parley \(ParleyVersion.current) starting"), "\(text)")
        #expect(text.contains("/cache/parley/stdlib-"), "\(text)")
        process.terminate()
        process.waitUntilExit()
    }
}
