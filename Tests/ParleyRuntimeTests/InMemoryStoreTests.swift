import ParleyJSON
import ParleyGraphAPI
import ParleyPolicy
@testable import ParleyRuntime
import Testing

/// The store simulations and specs run on: its transactions are real, though it changes
/// conversations where they lie.
@Suite("The store in memory")
struct InMemoryStoreTests {
    let alice = ContactID("+14155550101")!
    let bob = ContactID("+14155550102")!
    struct Crash: Error {}

    @Test("a failed transaction puts back what it changed and forgets what it created")
    func rollback() throws {
        let store = InMemoryStore()
        store.update(alice) { $0.state = ["step": 1] }
        #expect(throws: Crash.self) {
            try store.transaction {
                store.update(alice) { $0.state = ["step": 2] }
                store.update(alice) { $0.owner = .human(queue: "support") }
                store.update(bob) { $0.optedIn = true }
                throw Crash()
            }
        }
        #expect(store.conversation(alice)?.state == ["step": 1])
        #expect(store.conversation(alice)?.owner == .nobody)
        #expect(store.conversation(bob) == nil)
    }

    @Test("a committed transaction keeps its changes, and the next failure does not undo them")
    func commit() throws {
        let store = InMemoryStore()
        try store.transaction { store.update(alice) { $0.state = ["step": 1] } }
        #expect(throws: Crash.self) {
            try store.transaction {
                store.save(Conversation(contact: alice))
                throw Crash()
            }
        }
        #expect(store.conversation(alice)?.state == ["step": 1])
        #expect(store.conversations(matching: .all).map(\.contact) == [alice])
    }
}

/// `conversations{...}` answers from indexes; the answers must be the ones a full scan gives.
@Suite("Conversation queries")
struct ConversationQueryTests {
    static let start = Instant(iso8601: "2026-01-05T00:00:00Z")!

    /// 500 contacts, some never writing, owners and times spread out, some writing again.
    static func filled() -> InMemoryStore {
        let store = InMemoryStore()
        var generator = SeededGenerator(seed: 7)
        let owners: [Owner] = [.nobody, .bot("refill"), .bot("delivery"), .human(queue: "support")]
        for step in 0..<2_000 {
            let contact = ContactID("+1415555\(String(format: "%04d", Int(generator.next() % 500)))")!
            let at = start + .minutes(Int64(step * 3))
            store.update(contact) { c in
                if generator.next() % 5 != 0 { c.lastInbound = at }
                c.owner = owners[Int(generator.next() % 4)]
            }
        }
        return store
    }

    @Test("every query gives what a full scan gives, in contact order")
    func sameAsScan() {
        let store = Self.filled()
        let now = Self.start + .hours(100)
        let windowStart = now - .hours(24)
        let queries: [ConversationQuery] = [
            .all,
            ConversationQuery(owner: .bot("refill")),
            ConversationQuery(lastInboundAfter: windowStart),
            ConversationQuery(lastInboundAtOrBefore: windowStart, orNever: true),
            ConversationQuery(owner: .nobody, lastInboundAfter: windowStart, lastInboundAtOrBefore: windowStart + .hours(2)),
            ConversationQuery(owner: .human(queue: "support"), lastInboundAtOrBefore: windowStart),
        ]
        for query in queries {
            let scanned = store.allConversations.filter(query.includes).sorted { $0.contact < $1.contact }
            #expect(store.conversations(matching: query).map(\.contact) == scanned.map(\.contact), "\(query)")
        }
        #expect(!store.conversations(matching: ConversationQuery(lastInboundAfter: windowStart)).isEmpty)
    }
}
