import Foundation
import Logging
import ParleyConfig
import ParleyPolicy
import ParleyRuntime
@testable import ParleyServer
import Testing

/// The webhook inbox and the store's mark: each kept body takes effect exactly once, across
/// restarts, however late the inbox is trimmed.
@Suite("Webhook inbox")
struct InboxTests {
    func service(in folder: URL) throws -> RuntimeService { try runtimeService(in: folder) }

    @Test("a processed body is not processed again after a restart, even before the inbox is trimmed")
    func markSurvivesRestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-inbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let first = try service(in: folder)
        for i in 0..<3 {
            _ = try await first.inbox.accept(Array(textWebhook(from: "1415555010\(i)", text: "hi", id: "wamid.inbox.\(i)").utf8), at: SystemClock().now)
        }
        #expect(try await first.inboxBacklog() == 3)
        #expect(await first.processInbox() != nil)
        #expect(try await first.inboxBacklog() == 0)
        #expect(await first.processInbox() == nil)
        #expect(first.inbox.count() == 3)  // kept until trimmed

        let restarted = try service(in: folder)
        #expect(try await restarted.inboxBacklog() == 0)
        #expect(await restarted.processInbox() == nil)
        _ = try await restarted.inbox.accept(Array(textWebhook(from: "14155550109", text: "hi", id: "wamid.inbox.9").utf8), at: SystemClock().now)
        #expect(try await restarted.inboxBacklog() == 1)
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
        #expect(try await restarted.inboxBacklog() == 0)
        let fine = try await restarted.conversation(ContactID("+14155550102")!)
        let poisoned = try await restarted.conversation(ContactID("+14155550101")!)
        #expect(fine["owner"] == "bot:echo")
        #expect(poisoned["owner"] != "bot:echo")
    }

    /// A body with a text message from `from` (id `message`) and a failed status of `status`.
    static func messageAndStatus(from: String, message: String, status: String) -> [UInt8] {
        Array("""
        {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"1234"},"contacts":[{"profile":{"name":"Ana"},"wa_id":"\(from)"}],"messages":[{"from":"\(from)","id":"\(message)","timestamp":"1767603600","type":"text","text":{"body":"boom"}}],"statuses":[{"id":"\(status)","status":"failed","timestamp":"1767603600","recipient_id":"\(from)","errors":[{"code":131026,"title":"Message undeliverable"}]}]}}]}]}
        """.utf8)
    }

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-inbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("a set-aside body's message and status ids count as seen: Meta's retry of it is skipped, other messages are not")
    func setAsideIdsSeen() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let poisonBody = Self.messageAndStatus(from: "14155550101", message: "wamid.poison", status: "wamid.status.poison")
        let crashed = try service(in: folder)
        let poison = try await crashed.inbox.accept(poisonBody, at: SystemClock().now)
        for _ in 0..<3 { _ = try crashed.inbox.noteAttempt(poison) }

        let restarted = try service(in: folder)
        await restarted.start()
        let end = try restarted.inbox.lastID()
        while try await restarted.processBacklogBody(through: end) {}
        #expect(restarted.inbox.quarantined() == 1)

        // Meta retries the delivery it got no 200 for: a new body, the same ids.
        _ = try await restarted.inbox.accept(poisonBody, at: SystemClock().now)
        _ = try await restarted.inbox.accept(Array(textWebhook(from: "14155550102", text: "fine", id: "wamid.fine").utf8), at: SystemClock().now)
        while await restarted.processInbox() != nil {}
        #expect(try await restarted.inboxBacklog() == 0)
        #expect(try await restarted.conversation(ContactID("+14155550101")!)["owner"] != "bot:echo")
        #expect(try await restarted.conversation(ContactID("+14155550102")!)["owner"] == "bot:echo")
        let transcript = await restarted.transcript()
        #expect(transcript.contains { $0.contains("wamid.fine") })
        #expect(!transcript.contains { $0.contains("wamid.poison") || $0.contains("wamid.status.poison") })
    }

    @Test("a body the watchdog set aside is not processed after the restart, and its ids count as seen")
    func watchdogQuarantineSkipped() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stuck = try service(in: folder)
        let id = try await stuck.inbox.accept(Self.messageAndStatus(from: "14155550101", message: "wamid.stuck", status: "wamid.status.stuck"),
                                              at: SystemClock().now)
        // The process died while a call this body caused was running.
        stuck.bodiesInHand.withLock { $0 = id...id }
        #expect(stuck.setAsideBodiesInHand().contains("set aside"))

        let restarted = try service(in: folder)
        let end = try restarted.inbox.lastID()
        while try await restarted.processBacklogBody(through: end) {}
        #expect(try await restarted.inboxBacklog() == 0)
        #expect(try await restarted.conversation(ContactID("+14155550101")!)["owner"] != "bot:echo")
        _ = try await restarted.inbox.accept(Array(textWebhook(from: "14155550101", text: "again", id: "wamid.stuck").utf8), at: SystemClock().now)
        while await restarted.processInbox() != nil {}
        #expect(try await restarted.conversation(ContactID("+14155550101")!)["owner"] != "bot:echo")
    }

    @Test("a batch in hand when a call got stuck: after the restart each body is tried alone, and one that ends the process again is set aside")
    func suspectBatch() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stuck = try service(in: folder)
        var ids: [Int64] = []
        for i in 0..<3 {
            ids.append(try await stuck.inbox.accept(Array(textWebhook(from: "1415555010\(i)", text: "hi", id: "wamid.batch.\(i)").utf8), at: SystemClock().now))
        }
        stuck.bodiesInHand.withLock { $0 = ids[0]...ids[2] }
        #expect(stuck.setAsideBodiesInHand().contains("tried alone"))
        #expect(stuck.inbox.quarantined() == 0)

        // The restart tries the first suspect alone and dies in it again (its attempt is
        // counted before it is made).
        #expect(try stuck.inbox.noteAttempt(ids[0]) == RuntimeService.attemptsAfterRestart)

        let restarted = try service(in: folder)
        let end = try restarted.inbox.lastID()
        while try await restarted.processBacklogBody(through: end) {}
        #expect(restarted.inbox.quarantined() == 1)
        #expect(try restarted.inbox.isQuarantined(ids[0]))
        #expect(try await restarted.conversation(ContactID("+14155550100")!)["owner"] != "bot:echo")
        #expect(try await restarted.conversation(ContactID("+14155550101")!)["owner"] == "bot:echo")
        #expect(try await restarted.conversation(ContactID("+14155550102")!)["owner"] == "bot:echo")
    }
}
