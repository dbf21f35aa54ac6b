import Foundation
import HTTPTypes
import Logging
import ParleyConfig
import ParleyPolicy
import ParleyRuntime
import ParleyServer
import ParleyStorage
import Testing

/// A flood of large webhooks cannot take the process's memory: the bodies held at once are
/// bounded, a batch of the inbox is bounded in bytes, and memory goes back after a burst.
@Suite("Memory under junk webhooks", .serialized)
struct MemoryBoundTests {
    @Test("the budget lets bodies in up to its limit, and one oversized body alone")
    func budget() {
        let budget = WebhookBodyBudget(limit: 100)
        #expect(budget.reserve(60))
        #expect(!budget.reserve(50))
        #expect(budget.reserve(40))
        #expect(budget.inUse == 100)
        budget.release(60)
        budget.release(40)
        #expect(budget.reserve(500))  // alone, a body larger than the limit still goes through
        #expect(!budget.reserve(1))
        budget.release(500)
        #expect(budget.inUse == 0)
    }

    @Test("refusals are reported at the first, then at most once a minute, with how many")
    func refusalReports() {
        let budget = WebhookBodyBudget(limit: 100)
        let start = Instant(millisecondsSinceEpoch: 1_767_603_600_000)
        #expect(budget.refused(at: start) == 1)
        #expect(budget.refused(at: start + .seconds(1)) == nil)
        #expect(budget.refused(at: start + .seconds(59)) == nil)
        #expect(budget.refused(at: start + .seconds(60)) == 3)
        #expect(budget.refused(at: start + .minutes(5)) == 1)
    }

    @Test("a webhook that finds the budget full gets 503 with Retry-After, and goes through once there is room")
    func fullBudgetRefuses() async throws {
        let budget = WebhookBodyBudget(limit: 64 << 10)
        try await TestDeployment(scripts: ["echo.lua": echoBot]).withRoutes(ServerOptions(bodyBudget: budget)) { routes in
            let body = textWebhook(from: "14155550101", text: "hi", id: "wamid.budget.1")
            #expect(budget.reserve(64 << 10))  // bodies in hand fill it
            let refused = try await routes.webhook(body)
            #expect(refused.status == 503)
            #expect(refused.headers[.retryAfter] == "2")
            #expect(refused.json["fix"]?.stringValue?.contains("Retry-After") == true)
            #expect(routes.service.inbox.count() == 0)

            budget.release(64 << 10)
            #expect(try await routes.webhook(body).status == 200)
            #expect(budget.inUse == 0)
        }
    }

    @Test("a batch of the inbox stops at its byte limit, with at least one body")
    func batchesBoundedInBytes() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let inbox = try WebhookInbox(path: folder.appendingPathComponent("inbox.sqlite").path)
        for _ in 0..<5 { _ = try await inbox.accept(Array(repeating: UInt8(ascii: "x"), count: 1000), at: SystemClock().now) }

        #expect(try inbox.pending(after: 0, limit: 64, maxBytes: 2500).count == 3)
        #expect(try inbox.pending(after: 0, limit: 64, maxBytes: 10).count == 1)
        #expect(try inbox.pending(after: 0, limit: 2, maxBytes: 1 << 20).count == 2)
        #expect(try inbox.pending(after: 0, limit: 64).count == 5)
    }

    @Test("memory is trimmed once a burst has come through, not after every body")
    func trimAfterBurst() {
        let memory = MemoryReturn(burstBytes: 1000)
        memory.noteBody(600)
        #expect(!memory.trimAfterBurst())
        memory.noteBody(600)
        #expect(memory.trimAfterBurst())
        #expect(!memory.trimAfterBurst())
    }
}
