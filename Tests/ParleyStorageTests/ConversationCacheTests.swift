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
        #expect(try store.conversations(matching: .all).count == 50)
    }

    @Test("conversations{...} by owner and window time, from the indexes, as a full scan would answer")
    func queries() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-query-\(UUID().uuidString).sqlite").path
        let store = try SQLiteStore(path: path, cachedConversations: 8)
        let owners: [Owner] = [.nobody, .bot("refill"), .human(queue: "support")]
        try store.transaction {
            for n in 0..<60 {
                var c = Conversation(contact: ContactID("+1415555\(String(format: "%04d", n))")!)
                c.owner = owners[n % 3]
                if n % 4 != 0 { c.lastInbound = start + .minutes(Int64(n * 30)) }
                try store.save(c)
            }
        }
        let cut = start + .hours(15)
        let queries: [ConversationQuery] = [
            .all, ConversationQuery(owner: .bot("refill")), ConversationQuery(lastInboundAfter: cut),
            ConversationQuery(lastInboundAtOrBefore: cut, orNever: true), ConversationQuery(owner: .nobody, lastInboundAfter: cut, lastInboundAtOrBefore: cut + .hours(5)),
        ]
        let everything = try store.conversations(matching: .all)
        #expect(everything.count == 60)
        for query in queries {
            #expect(try store.conversations(matching: query).map(\.contact) == everything.filter(query.includes).map(\.contact), "\(query)")
        }
    }
}
