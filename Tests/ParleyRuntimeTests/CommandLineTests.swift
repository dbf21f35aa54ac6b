import Foundation
import Testing

/// `parley simulate` and `parley check` as a user runs them: exit statuses, the streams,
/// and byte-identical transcripts from separate processes.
@Suite("Command line")
struct CommandLineTests {
    /// The `parley` executable, built beside this test bundle.
    static let parley = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("parley")

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = parley
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    let demo = ["simulate", "--scripts", "Scripts", "--templates", "Scripts/templates.json", "--scenario", "Scripts/scenarios/demo.jsonl"]

    @Test("the executable is built beside the tests")
    func built() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.parley.path), "build it with swift build --build-tests")
    }

    @Test("simulate prints only transcript lines on standard output, the same bytes every run")
    func simulate() throws {
        let first = try Self.run(demo)
        let second = try Self.run(demo)
        #expect(first.status == 0)
        #expect(first.stdout == second.stdout)
        let lines = first.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.hasPrefix("{\"at\":\"") })
        #expect(first.stderr.contains("[macro:apology_credit]"))
    }

    @Test("simulate with a price table reports the estimated cost on standard error; without one it reports nothing, and standard output is as before")
    func cost() throws {
        let plain = try Self.run(demo)
        #expect(!plain.stderr.contains("estimated cost"))
        let priced = try Self.run(demo + ["--config", "Scripts/prices.toml"])
        #expect(priced.status == 0)
        #expect(priced.stderr.contains("parley simulate: estimated cost USD 0.0442: utility 0.0034 (1 message), service 0.0408 (12 messages)\n"))
        let costs = priced.stdout.split(separator: "\n").filter { $0.contains("\"type\":\"sent\"") }.map { $0.contains("\"cost\":\"") }
        #expect(!costs.isEmpty && costs.allSatisfy { $0 }, "every sent record carries its cost")
    }

    @Test("simulate without --templates reads templates.json in the scripts folder, and says which catalog it has")
    func templatesBesideScripts() throws {
        let given = try Self.run(demo)
        let beside = try Self.run(demo.filter { $0 != "--templates" && $0 != "Scripts/templates.json" })
        #expect(beside.status == 0)
        #expect(beside.stdout == given.stdout)
        #expect(beside.stderr.contains("parley simulate: templates: "))
        #expect(beside.stderr.contains("from Scripts/templates.json"))

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-notemplates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"return bot { name = "b", escalation = { queue = "support" }, on_message = function(conv, msg) send(conv, "hi") end }"#
            .write(to: folder.appendingPathComponent("b.lua"), atomically: true, encoding: .utf8)
        let scenario = folder.appendingPathComponent("s.jsonl")
        try #"{"at": "2026-01-05T09:00:00Z", "type": "inbound", "from": "+14155550101", "text": "hi"}"#.write(to: scenario, atomically: true, encoding: .utf8)
        let none = try Self.run(["simulate", "--scripts", folder.path, "--scenario", scenario.path])
        #expect(none.status == 0)
        #expect(none.stderr.contains("no templates file: the catalog is empty"))
    }

    @Test("simulate --audit writes every decision with its inputs")
    func audit() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).jsonl")
        let run = try Self.run(demo + ["--audit", file.path, "--quiet"])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        let audit = try String(contentsOf: file, encoding: .utf8)
        #expect(audit.contains(#""reason":"outside_window""#))
        #expect(audit.contains(#""window_end":"#))
    }

    @Test("a scenario that cannot load exits 2 with the line on standard error")
    func badScenario() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).jsonl")
        try "{\"type\":\"inbound\",\"from\":\"+14155550101\",\"text\":\"hi\"}\n{\"type\":\"wait\"}\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try Self.run(["simulate", "--scripts", "Scripts", "--templates", "Scripts/templates.json", "--scenario", file.path])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains(":2: unknown event type \"wait\""))
    }

    @Test("a script that cannot load exits 2 and names the file, field and fix")
    func badScript() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scripts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "return bot { name = \"x\", on_message = function() end }\n".write(to: folder.appendingPathComponent("x.lua"), atomically: true, encoding: .utf8)
        let scenario = folder.appendingPathComponent("s.jsonl")
        try "{\"type\":\"advance\",\"by\":\"1h\"}\n".write(to: scenario, atomically: true, encoding: .utf8)
        let run = try Self.run(["simulate", "--scripts", folder.path, "--scenario", scenario.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("x.lua:1: bot 'x': field 'escalation' is missing"))
        let check = try Self.run(["check", folder.path])
        #expect(check.status == 1)
        #expect(check.stdout.contains("field 'escalation' is missing"))
    }

    @Test("test runs the example specs and passes")
    func testExamples() throws {
        let run = try Self.run(["test", "Scripts"])
        #expect(run.status == 0, "\(run.stdout)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.last?.hasSuffix("passed, 0 failed") == true)
        #expect(lines.dropLast().allSatisfy { $0.hasPrefix("ok ") })
    }

    @Test("test exits 1 on a failing spec, writes JUnit XML, and 2 on a missing path")
    func testFailures() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("specs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "it('fails', function() assert.equals(1, 2) end)\n".write(to: folder.appendingPathComponent("a_spec.lua"), atomically: true, encoding: .utf8)
        let junit = folder.appendingPathComponent("junit.xml")
        let run = try Self.run(["test", folder.path, "--junit", junit.path])
        #expect(run.status == 1)
        #expect(run.stdout.contains("FAILED "))
        #expect(run.stdout.contains("a_spec.lua:1: expected 1, got 2"))
        #expect(run.stdout.hasSuffix("0 passed, 1 failed\n"))
        #expect(FileManager.default.fileExists(atPath: junit.path))
        let missing = try Self.run(["test", folder.appendingPathComponent("nope").path])
        #expect(missing.status == 2)
        let nothing = try Self.run(["test", folder.path, "--filter", "no such test"])
        #expect(nothing.status == 1)
        #expect(nothing.stderr.contains("no test's name contains \"no such test\""))
    }

    @Test("check warns about a bot whose escalation no spec exercises")
    func escalationCoverage() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "return bot { name = 'quiet', escalation = { queue = 'support' }, on_message = function(conv) send(conv, 'hi') end }\n"
            .write(to: folder.appendingPathComponent("quiet.lua"), atomically: true, encoding: .utf8)
        try "it('says hi', function() local w = world{}; w:inbound('+14155550101', 'hi'); assert.sent(w, { text = 'hi' }) end)\n"
            .write(to: folder.appendingPathComponent("quiet_spec.lua"), atomically: true, encoding: .utf8)
        let before = try Self.run(["check", folder.path])
        #expect(before.stdout.contains("warning: bot 'quiet': no spec in"))
        try "it('hands off', function() local w = world{}; w:inbound('+14155550101', 'agent'); assert.escalated(w, {}) end)\n"
            .write(to: folder.appendingPathComponent("handoff_spec.lua"), atomically: true, encoding: .utf8)
        let after = try Self.run(["check", folder.path])
        #expect(!after.stdout.contains("warning"))
    }

    @Test("only a passing test, on this folder's bot, covers its escalation")
    func escalationCoverageCounts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cover-\(UUID().uuidString)")
        let other = folder.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let quiet = "return bot { name = 'quiet', escalation = { queue = 'support' }, on_message = function(conv) send(conv, 'hi') end }\n"
        try quiet.write(to: folder.appendingPathComponent("quiet.lua"), atomically: true, encoding: .utf8)
        // A bot of the same name in another folder, whose spec escalates it...
        try quiet.write(to: other.appendingPathComponent("quiet.lua"), atomically: true, encoding: .utf8)
        try "it('hands off', function() local w = world{}; w:inbound('+14155550101', 'agent'); assert.escalated(w, {}) end)\n"
            .write(to: other.appendingPathComponent("quiet_spec.lua"), atomically: true, encoding: .utf8)
        // ...and a test here that escalates, then fails.
        try "it('hands off, then fails', function() local w = world{}; w:inbound('+14155550101', 'agent'); assert.equals(1, 2) end)\n"
            .write(to: folder.appendingPathComponent("quiet_spec.lua"), atomically: true, encoding: .utf8)
        let run = try Self.run(["check", folder.path])
        #expect(run.stdout.contains("warning: bot 'quiet': no spec in"))
    }

    @Test("check names every queue nobody declared, with its file, line and the declared queues")
    func undeclaredQueues() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("queues-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "[queues.billing]\nhours = \"Mon-Fri 09:00-17:00\"\n\n[queues.support]\nhours = \"always\"\n"
            .write(to: folder.appendingPathComponent("parley.toml"), atomically: true, encoding: .utf8)
        try """
            return bot { name = 'b', escalation = { queue = 'support' },
              on_message = function(conv, msg)
                -- escalate_to_human(conv, { queue = 'commented' }) names nothing
                escalate_to_human(conv, { queue = 'biling' })
              end }
            """.write(to: folder.appendingPathComponent("b.lua"), atomically: true, encoding: .utf8)
        try "return router { name = 'main', route = function(conv, msg) return 'human:sales' end }\n"
            .write(to: folder.appendingPathComponent("router.lua"), atomically: true, encoding: .utf8)
        let run = try Self.run(["check", folder.path])
        #expect(run.status == 1)
        #expect(run.stdout.contains("b.lua:4: queue \"biling\" is not declared in parley.toml (declared: billing, support); did you mean \"billing\"?"))
        #expect(run.stdout.contains("router.lua:1: queue \"sales\" is not declared"))
        #expect(!run.stdout.contains("commented"))
        #expect(run.stdout.contains("2 problems"))
    }

    @Test("check --templates names every problem of the file at once")
    func everyTemplateProblem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"return bot { name = "b", escalation = { queue = "support" }, on_message = function(conv, msg) end }"#
            .write(to: folder.appendingPathComponent("b.lua"), atomically: true, encoding: .utf8)
        try #"""
            {"data": [
              {"name": "Bad Name", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "components": [{"type": "BODY", "text": "x"}]},
              {"name": "fine", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "components": [{"type": "BODY", "text": "x"}]},
              {"name": "no_category", "language": "en_US", "status": "APPROVED", "category": "SHOUTING", "components": [{"type": "BODY", "text": "x"}]}
            ]}
            """#.write(to: folder.appendingPathComponent("templates.json"), atomically: true, encoding: .utf8)
        let run = try Self.run(["check", folder.path])
        #expect(run.status == 1)
        #expect(run.stdout.contains("entry 1"), "\(run.stdout)")
        #expect(run.stdout.contains("entry 3"), "\(run.stdout)")
        #expect(run.stdout.contains("2 problems"))
    }

    @Test("check passes on the examples")
    func checkExamples() throws {
        let run = try Self.run(["check", "Scripts", "--templates", "Scripts/templates.json"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("ok: bots orders; router main"))
        #expect(!run.stdout.contains("warning"))
    }
}
