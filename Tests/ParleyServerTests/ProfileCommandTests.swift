import Foundation
import ParleyJSON
import Testing

/// `parley profile show | lint | push` as a user runs them, against the fake Graph API.
@Suite("profile on the command line", .serialized)
struct ProfileCommandTests {
    /// A profile file and a square PNG beside it, in a folder of their own.
    static func profileFile(_ json: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-profile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let be = { (n: Int) in [UInt8(n >> 24 & 255), UInt8(n >> 16 & 255), UInt8(n >> 8 & 255), UInt8(n & 255)] }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + be(640) + be(640) + [8, 2, 0, 0, 0]
        try Data(png).write(to: folder.appendingPathComponent("logo.png"))
        let path = folder.appendingPathComponent("profile.json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func config(_ graphURL: String) throws -> String {
        let path = try TemplatesCommandTests.config(graphURL)
        try (try String(contentsOfFile: path, encoding: .utf8) + "app_id = \"777\"\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let good = #"{"about": "Orders and returns, 9 to 5", "email": "help@shop.example", "websites": ["https://shop.example"], "vertical": "RETAIL", "photo": "logo.png"}"#

    @Test("lint exits 1 on an error, naming the field; a good file passes")
    func lint() async throws {
        let bad = try await TemplatesCommandTests.run(["profile", "lint", try Self.profileFile(#"{"about": "", "vertical": "SHOP"}"#)])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("profile › about: error: the about text is empty"))
        #expect(bad.stdout.contains("profile › vertical: error: \"SHOP\" is not an industry"))
        #expect(try await TemplatesCommandTests.run(["profile", "lint", try Self.profileFile(Self.good)]).status == 0)
    }

    @Test("push uploads the photo through the app, then updates the profile with its handle; show reads it back")
    func push() async throws {
        let graph = FakeGraphAPI()
        let config = try Self.config(try await graph.start())
        let pushed = try await TemplatesCommandTests.run(["profile", "push", "--config", config, try Self.profileFile(Self.good)])
        #expect(pushed.status == 0, "\(pushed.stderr) \(pushed.stdout)")
        #expect(pushed.stdout.contains("profile updated"))
        let sessions = await graph.uploadSessions, uploads = await graph.uploads
        #expect(sessions == ["file_length=29&file_type=image/png"], "\(sessions) \(uploads)")
        let upload = try #require(await graph.uploads.first)
        #expect(upload.bytes == 29 && upload.authorization == "OAuth graph-token" && upload.offset == "0")
        let update = try #require(await graph.profileUpdates.first)
        #expect(update["profile_picture_handle"] == "4::aW1hZ2UvcG5n:ARb-handle")
        #expect(update["about"] == "Orders and returns, 9 to 5")
        #expect(update["photo"] == nil)

        let shown = try await TemplatesCommandTests.run(["profile", "show", "--config", config])
        #expect(shown.stdout.contains("about: Orders and returns, 9 to 5"))
        #expect(shown.stdout.contains("vertical: RETAIL"))
    }

    @Test("push sends nothing while lint finds an error; --dry-run prints the update")
    func refusedAndDry() async throws {
        let graph = FakeGraphAPI()
        let config = try Self.config(try await graph.start())
        let refused = try await TemplatesCommandTests.run(["profile", "push", "--config", config, try Self.profileFile(#"{"websites": ["shop.example"]}"#)])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("nothing pushed"))
        let dry = try await TemplatesCommandTests.run(["profile", "push", "--dry-run", "--config", config, try Self.profileFile(Self.good)])
        #expect(dry.status == 0)
        #expect(dry.stdout.contains(#""profile_picture_handle":"<the handle of logo.png>""#))
        #expect(await graph.profileUpdates.isEmpty)
        #expect(await graph.uploads.isEmpty)
    }
}
