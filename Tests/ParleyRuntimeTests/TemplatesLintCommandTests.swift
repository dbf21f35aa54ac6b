import Foundation
import Testing

/// `parley templates lint` as a user runs it: what it prints, and its exit status.
@Suite("templates lint on the command line")
struct TemplatesLintCommandTests {
    static func write(_ json: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lint-\(UUID().uuidString).json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let good = #"{"name": "order_update_v2", "language": "en_US", "category": "UTILITY", "components": [{"type": "BODY", "text": "Hello {{1}}, your order {{2}} has shipped and arrives on Monday.", "example": {"body_text": [["Ana", "10234"]]}}]}"#

    @Test("a clean draft exits 0; an error exits 1, with the file, the template, the component and the fix")
    func exitStatus() throws {
        let clean = try CommandLineTests.run(["templates", "lint", try Self.write(Self.good)])
        #expect(clean.status == 0)
        #expect(clean.stdout.isEmpty)
        #expect(clean.stderr.contains("1 template checked: 0 errors, 0 warnings"))

        let bad = try Self.write(Self.good.replacingOccurrences(of: "order_update_v2", with: "Order Update"))
        let run = try CommandLineTests.run(["templates", "lint", bad])
        #expect(run.status == 1)
        #expect(run.stdout.contains("\(bad): Order Update/en_US › name: error:"))
        #expect(run.stdout.contains("    fix: name it \"order_update\""))
    }

    @Test("warnings pass unless --strict; --catalog finds a name the account already has")
    func warningsAndCatalog() throws {
        let promotional = try Self.write(Self.good.replacingOccurrences(of: "has shipped", with: "has shipped with a coupon"))
        #expect(try CommandLineTests.run(["templates", "lint", promotional]).status == 0)
        #expect(try CommandLineTests.run(["templates", "lint", "--strict", promotional]).status == 1)
        let taken = try Self.write(Self.good.replacingOccurrences(of: "order_update_v2", with: "order_update"))
        let run = try CommandLineTests.run(["templates", "lint", "--catalog", "Scripts/templates.json", taken])
        #expect(run.status == 1)
        #expect(run.stdout.contains("order_update/en_US already exists (APPROVED)"))
    }

    @Test("a file that is not JSON is named, and the others are still checked")
    func unreadable() throws {
        let broken = try Self.write("{ not json")
        let run = try CommandLineTests.run(["templates", "lint", broken, try Self.write(Self.good)])
        #expect(run.status == 1)
        #expect(run.stdout.contains("\(broken): (file) › file: error: is not valid JSON"))
        #expect(run.stderr.contains("1 template checked: 1 error"))
    }

    @Test("submit sends nothing while lint finds an error; --dry-run prints each request")
    func submit() throws {
        let bad = try Self.write(Self.good.replacingOccurrences(of: "order_update_v2", with: "Order Update"))
        let refused = try CommandLineTests.run(["templates", "submit", "--dry-run", bad])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("nothing submitted: fix the errors above first"))
        #expect(!refused.stdout.contains("POST"))
        let dry = try CommandLineTests.run(["templates", "submit", "--dry-run", try Self.write(Self.good)])
        #expect(dry.status == 0)
        #expect(dry.stdout.hasPrefix("POST https://graph.facebook.com/v23.0/{waba-id}/message_templates\n{\"category\":\"UTILITY\""))
    }
}
