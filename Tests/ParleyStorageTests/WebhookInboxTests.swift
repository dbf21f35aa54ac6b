import Foundation
import GRDB
import ParleyPolicy
@testable import ParleyStorage
import Testing

/// Bodies that arrive together share one commit; each is still kept before its caller hears
/// its id, and one that cannot be kept fails alone.
@Suite("Webhook inbox group commit")
struct WebhookInboxTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-inbox-\(UUID().uuidString).sqlite").path

    func bodies(_ texts: [String]) -> [[UInt8]] { texts.map { Array($0.utf8) } }

    @Test("in a batch where one body cannot be kept, the others are kept, in order, and only that one fails")
    func oneFailingBodyLosesNoOther() throws {
        let inbox = try WebhookInbox(path: path)
        // A body the file refuses: what a full disk or a broken page does to one insert.
        let refuse = try DatabaseQueue(path: path)
        try refuse.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse_poison BEFORE INSERT ON inbox WHEN CAST(NEW.body AS TEXT) = 'poison'
                BEGIN SELECT RAISE(ABORT, 'refused'); END
                """)
        }
        let results = inbox.keep(bodies(["one", "poison", "three"]), at: start)
        #expect(results.count == 3)
        let kept = results.compactMap { try? $0.get() }
        #expect(kept.count == 2)
        if case .success = results[1] { Issue.record("the refused body was reported kept") }
        let pending = try inbox.pending(after: 0, limit: 10)
        #expect(pending.map(\.id) == kept)
        #expect(pending.map { String(decoding: $0.body, as: UTF8.self) } == ["one", "three"])
    }

    @Test("a batch that can be kept is kept whole, in order")
    func batchKeptWhole() throws {
        let inbox = try WebhookInbox(path: path)
        let ids = try inbox.keep(bodies(["a", "b", "c"]), at: start).map { try $0.get() }
        #expect(ids == ids.sorted() && Set(ids).count == 3)
        #expect(try inbox.pending(after: 0, limit: 10).map { String(decoding: $0.body, as: UTF8.self) } == ["a", "b", "c"])
    }

    @Test("many bodies accepted at once each get their own id, and every one is kept when its id is given")
    func concurrentAccepts() async throws {
        let inbox = try WebhookInbox(path: path)
        let ids = try await withThrowingTaskGroup(of: (Int, Int64).self) { group in
            for n in 0..<200 {
                group.addTask { (n, try await inbox.accept(Array("body \(n)".utf8), at: start)) }
            }
            return try await group.reduce(into: [Int: Int64]()) { $0[$1.0] = $1.1 }
        }
        #expect(Set(ids.values).count == 200)
        let kept = try inbox.pending(after: 0, limit: 1000)
        #expect(kept.count == 200)
        for (n, id) in ids {
            #expect(kept.first { $0.id == id }.map { String(decoding: $0.body, as: UTF8.self) } == "body \(n)")
        }
    }
}
