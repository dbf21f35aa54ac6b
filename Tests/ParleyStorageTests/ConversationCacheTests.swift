import Foundation
import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import ParleyStorage
import Testing

/// The store keeps recent conversations in memory, up to a limit; the others are read back
/// from the file, unchanged.
@Suite("Conversation cache")
struct ConversationCacheTests {
    @Test("more contacts than the cache holds: every conversation still reads back as written")
    func boundedCache() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-cache-\(UUID().uuidString).sqlite").path
        let store = try SQLiteStore(path: path, cachedConversations: 8)
        let contacts = (0..<50).map { ContactID("+1415555\(String(format: "%04d", $0))")! }
        for (n, contact) in contacts.enumerated() {
            try store.transaction {
                var c = Conversation(contact: contact)
                c.state = ["n": .int(Int64(n))]
                try store.save(c)
                c.lastInbound = start + .seconds(Int64(n))
                try store.save(c)  // twice in one event: one write
            }
        }
        for (n, contact) in contacts.enumerated().reversed() {
            let c = try #require(try store.conversation(contact))
            #expect(c.state["n"] == .int(Int64(n)))
            #expect(c.lastInbound == start + .seconds(Int64(n)))
        }
        #expect(try store.conversations(where: { _ in true }).count == 50)
    }
}
