import Foundation
import ParleyPolicy
import ParleyStorage
import Testing

/// `parley templates status` and `delete` as a user runs them, against the fake Graph API.
@Suite("templates status and delete on the command line", .serialized)
struct TemplatesCommandTests {
    static let page = #"""
        {"data": [
          {"name": "order_update", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "quality_score": {"score": "GREEN"}, "id": "111"},
          {"name": "spring_sale", "language": "en_US", "status": "REJECTED", "category": "MARKETING", "rejected_reason": "INVALID_FORMAT", "id": "222"},
          {"name": "welcome", "language": "pt_BR", "status": "PENDING", "category": "MARKETING", "rejected_reason": "NONE", "id": "333"}
        ], "paging": {"cursors": {"before": "a", "after": "b"}}}
        """#

    /// A configuration that points the commands at `graphURL`.
    static func config(_ graphURL: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("parley.toml").path
        try "[cloud_api]\nbase_url = \"\(graphURL)\"\nphone_number_id = \"1234\"\nwaba_id = \"5678\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `parley` with `arguments` and waits for it off the test's own threads: the fake
    /// Graph API answers on them, and a blocking wait there could starve it.
    static func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = ServeProcess.parley
        process.arguments = arguments
        process.environment = ["PARLEY_ACCESS_TOKEN": "graph-token"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return await withCheckedContinuation { done in
            DispatchQueue.global().async {
                let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                done.resume(returning: (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)))
            }
        }
    }

    @Test("status lists every template with its status, category, quality and id, and why one was rejected")
    func status() async throws {
        let graph = FakeGraphAPI()
        await graph.serveTemplates(["": Self.page])
        let run = try await Self.run(["templates", "status", "--config", try Self.config(try await graph.start())])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "NAME          LANGUAGE  STATUS    CATEGORY   QUALITY  ID")
        #expect(lines.contains("order_update  en_US     APPROVED  UTILITY    GREEN    111"))
        #expect(lines.contains("    rejected: INVALID_FORMAT"))
        #expect(lines.filter { $0.contains("rejected:") }.count == 1)  // "NONE" is no reason
    }

    @Test("delete asks first; with --yes it deletes by name, or one language by id")
    func delete() async throws {
        let graph = FakeGraphAPI()
        let config = try Self.config(try await graph.start())
        let unasked = try await Self.run(["templates", "delete", "--config", config, "spring_sale"])
        #expect(unasked.status == 1)
        #expect(unasked.stderr.contains("add --yes"))
        #expect(await graph.deletedTemplates.isEmpty)

        let byName = try await Self.run(["templates", "delete", "--config", config, "spring_sale", "--yes"])
        #expect(byName.stdout.contains("deleted template spring_sale in every language"))
        let byID = try await Self.run(["templates", "delete", "--config", config, "welcome", "--id", "333", "--yes"])
        #expect(byID.status == 0)
        #expect(await graph.deletedTemplates == ["name=spring_sale", "name=welcome&hsm_id=333"])

        await graph.failNext(1, status: 400, body: #"{"error":{"message":"Template name does not exist in the translation","code":100,"error_subcode":2593002}}"#)
        let refused = try await Self.run(["templates", "delete", "--config", config, "nope", "--yes"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("nope: refused: (#100/2593002)"))
    }

    @Test("status --watch prints each change, and stops once nothing is in review")
    func watch() async throws {
        let graph = FakeGraphAPI()
        await graph.serveTemplates(["": Self.page])
        let config = try Self.config(try await graph.start())
        let watching = Task { try await Self.run(["templates", "status", "--config", config, "--watch", "--every", "1"]) }
        while await graph.templatePageReads == 0 { try await Task.sleep(for: .milliseconds(10)) }
        await graph.serveTemplates(["": Self.page.replacingOccurrences(of: #""PENDING""#, with: #""APPROVED""#)])
        let (status, stdout, _) = try await watching.value
        #expect(status == 0)
        #expect(stdout.hasSuffix("welcome/pt_BR: status PENDING → APPROVED\n"))
    }

    @Test("status adds the pauses the deployment's database recorded from the template webhooks")
    func pauses() async throws {
        let graph = FakeGraphAPI()
        await graph.serveTemplates(["": Self.page.replacingOccurrences(of: #""status": "APPROVED""#, with: #""status": "PAUSED""#)])
        let config = try Self.config(try await graph.start())
        let store = try SQLiteStore(path: URL(fileURLWithPath: config).deletingLastPathComponent().appendingPathComponent("parley.sqlite").path)
        let paused = Template(name: "order_update", language: "en_US", category: .utility, status: .paused, body: "Order {{1}} is {{2}}.",
                              pauseCount: 1, pausedUntil: Instant(iso8601: "2026-12-08T13:00:00Z"))
        try store.transaction { try store.save(TemplateCatalog([paused])) }
        let run = try await Self.run(["templates", "status", "--config", config])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").first == "NAME          LANGUAGE  STATUS    CATEGORY   QUALITY  ID   PAUSES")
        #expect(run.stdout.contains("order_update  en_US     PAUSED    UTILITY    GREEN    111  1 of 2, until 2026-12-08T13:00:00Z"))
    }
}
