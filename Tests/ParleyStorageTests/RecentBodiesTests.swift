import Foundation
import ParleyPolicy
@testable import ParleyStorage
import Testing

/// The inbox's bodies in memory: taken from there as the file would give them, and from the
/// file whenever memory does not hold them all.
@Suite("Inbox bodies in memory")
struct RecentBodiesTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-recent-\(UUID().uuidString).sqlite").path

    func body(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("bodies committed by this process are taken as the file gives them, without reading it")
    func sameAsTheFile() async throws {
        let inbox = try WebhookInbox(path: path)
        for text in ["a", "bb", "ccc", "dddd"] { _ = try await inbox.accept(body(text), at: start) }
        let fromFile = try WebhookInbox(path: path)  // another process's view: nothing in memory
        for (after, limit, maxBytes) in [(0, 10, Int.max), (0, 2, Int.max), (1, 10, 3), (0, 10, 1)] as [(Int64, Int, Int)] {
            let memory = try inbox.pending(after: after, limit: limit, maxBytes: maxBytes)
            let file = try fromFile.pending(after: after, limit: limit, maxBytes: maxBytes)
            #expect(memory.map(\.id) == file.map(\.id))
            #expect(memory.map(\.body) == file.map(\.body))
        }
        // Read from memory: the file's rows can go, and the bodies are still given.
        try await inbox.trim(through: 4)
        #expect(try fromFile.pending(after: 0, limit: 10).isEmpty)
        #expect(try inbox.pending(after: 2, limit: 10).map(\.body) == [body("ccc"), body("dddd")])
        #expect(try inbox.pending(after: 4, limit: 10).isEmpty)  // taken, and forgotten
    }

    @Test("past a body memory did not keep, the file is read")
    func gapReadsTheFile() {
        var recent = RecentBodies(lastID: 0)
        recent.kept([(1, body("a")), (2, body("b"))])
        recent.kept([(4, body("d"))])  // 3 was committed by another path, and not kept here
        #expect(recent.take(after: 0, limit: 10, maxBytes: .max)?.map(\.id) == [1, 2])  // up to the gap
        #expect(recent.take(after: 2, limit: 10, maxBytes: .max) == nil)  // 3: from the file
        #expect(recent.take(after: 3, limit: 10, maxBytes: .max)?.map(\.id) == [4])
        #expect(recent.take(after: 4, limit: 10, maxBytes: .max)?.isEmpty == true)  // nothing after the newest
    }

    @Test("what memory holds is bounded; what it did not keep comes from the file")
    func bounded() async throws {
        let inbox = try WebhookInbox(path: path)
        let large = Array(repeating: UInt8(ascii: "x"), count: RecentBodies.maxBytes / 2 + 1)
        for _ in 0..<3 { _ = try await inbox.accept(large, at: start) }  // the second is past the bound
        #expect(try inbox.pending(after: 0, limit: 10).map(\.id) == [1])  // memory's, up to the gap
        #expect(inbox.recent.withLock { $0.take(after: 1, limit: 10, maxBytes: .max) } == nil)
        #expect(try inbox.pending(after: 1, limit: 10).map(\.id) == [2, 3])  // the file's
    }

    @Test("after a restart, the bodies left are read from the file")
    func afterRestart() async throws {
        do {
            let inbox = try WebhookInbox(path: path)
            for text in ["a", "b"] { _ = try await inbox.accept(body(text), at: start) }
        }
        let restarted = try WebhookInbox(path: path)
        #expect(try restarted.pending(after: 0, limit: 10).map(\.body) == [body("a"), body("b")])
        _ = try await restarted.accept(body("c"), at: start)
        #expect(try restarted.pending(after: 1, limit: 10).map(\.body) == [body("b"), body("c")])
    }
}
