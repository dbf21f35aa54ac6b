import Foundation
import Logging
import ParleyConfig
import ParleyPolicy
import ParleyServer
import Testing

/// The webhook inbox and the store's mark: each kept body takes effect exactly once, across
/// restarts, however late the inbox is trimmed.
@Suite("Webhook inbox")
struct InboxTests {
    func service(in folder: URL) throws -> RuntimeService {
        try echoBot.write(to: folder.appendingPathComponent("echo.lua"), atomically: true, encoding: .utf8)
        try "[server]\ndatabase = \"data/parley.sqlite\"\n".write(to: folder.appendingPathComponent("parley.toml"), atomically: true, encoding: .utf8)
        let settings = try ConfigFile.loadDeployment(contentsOf: folder.appendingPathComponent("parley.toml"), environment: [:])
        return try RuntimeService(settings: settings, stdlib: stdlib, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test("a processed body is not processed again after a restart, even before the inbox is trimmed")
    func markSurvivesRestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-inbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let first = try service(in: folder)
        for i in 0..<3 {
            _ = try await first.inbox.accept(Array(textWebhook(from: "1415555010\(i)", text: "hi", id: "wamid.inbox.\(i)").utf8), at: SystemClock().now)
        }
        #expect(await first.inboxBacklog() == 3)
        #expect(await first.processInbox() != nil)
        #expect(await first.inboxBacklog() == 0)
        #expect(await first.processInbox() == nil)
        #expect(first.inbox.count() == 3)  // kept until trimmed

        let restarted = try service(in: folder)
        #expect(await restarted.inboxBacklog() == 0)
        #expect(await restarted.processInbox() == nil)
        _ = try await restarted.inbox.accept(Array(textWebhook(from: "14155550109", text: "hi", id: "wamid.inbox.9").utf8), at: SystemClock().now)
        #expect(await restarted.inboxBacklog() == 1)
        let processed = try #require(await restarted.processInbox())
        try await restarted.inbox.trim(through: processed)
        #expect(restarted.inbox.count() == 0)
    }

    @Test("a body that ended the process three times is set aside after the next restart; the rest go on")
    func poisonBodyQuarantined() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-inbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let crashed = try service(in: folder)
        let poison = try await crashed.inbox.accept(Array(textWebhook(from: "14155550101", text: "boom", id: "wamid.poison").utf8), at: SystemClock().now)
        _ = try await crashed.inbox.accept(Array(textWebhook(from: "14155550102", text: "fine", id: "wamid.fine").utf8), at: SystemClock().now)
        // Three restarts each noted an attempt at the first body, then died in it.
        for _ in 0..<3 { _ = try crashed.inbox.noteAttempt(poison) }

        let restarted = try service(in: folder)
        let end = try restarted.inbox.lastID()
        while try await restarted.processBacklogBody(through: end) {}
        #expect(restarted.inbox.quarantined() == 1)
        #expect(await restarted.inboxBacklog() == 0)
        let fine = await restarted.conversation(ContactID("+14155550102")!)
        let poisoned = await restarted.conversation(ContactID("+14155550101")!)
        #expect(fine["owner"] == "bot:echo")
        #expect(poisoned["owner"] != "bot:echo")
    }
}
