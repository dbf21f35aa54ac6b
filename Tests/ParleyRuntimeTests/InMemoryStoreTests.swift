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

/// The audit trail is appended to as decisions are made and indexed when first asked: what
/// it answers must not depend on when it was asked.
@Suite("The audit trail in memory")
struct InMemoryAuditTests {
    let alice = ContactID("+447700900101")!
    let bob = ContactID("+447700900102")!
    let now = Instant(iso8601: "2026-01-05T10:00:00Z")!
    struct Crash: Error {}

    func decision(_ id: String, to contact: ContactID, _ text: String) -> Decision {
        let facts = PolicyFacts(account: AccountStanding(), contact: ContactStanding(lastInbound: now - .hours(1), optedIn: true),
                                limit: LimitStanding(limit: 250, used: 0, alreadyCounted: false))
        return Policy().decide(SendRequest(id: id, sender: .bot("orders"), to: contact, message: .text(text)), facts: facts,
                               catalog: TemplateCatalog(), at: now)
    }

    func ids(_ records: [JSONValue]) -> [String] {
        records.compactMap { record in
            guard case .object(let fields) = record, case .string(let id)? = fields["id"] else { return nil }
            return id
        }
    }

    @Test("decisions made after a question are in the next answer, by message and by contact, in order")
    func catchesUp() throws {
        let store = InMemoryStore()
        store.appendAudit(decision("out-1", to: alice, "one"))
        store.appendAudit(decision("out-2", to: bob, "two"))
        #expect(ids(store.audit(ofContact: alice)) == ["out-1"])
        store.appendAudit(decision("out-3", to: alice, "three"))
        store.appendAudit(decision("out-1", to: alice, "one, at dispatch"))
        #expect(store.audit(ofMessage: "out-1").count == 2)
        #expect(ids(store.audit(ofContact: alice)) == ["out-1", "out-1", "out-3"])
        #expect(ids(store.audit(ofContact: bob)) == ["out-2"])
    }

    @Test("a failed transaction takes its decisions out of the trail and of its index")
    func rollback() throws {
        let store = InMemoryStore()
        store.appendAudit(decision("out-1", to: alice, "one"))
        #expect(throws: Crash.self) {
            try store.transaction {
                store.appendAudit(decision("out-2", to: alice, "two"))
                #expect(ids(store.audit(ofContact: alice)) == ["out-1", "out-2"])
                throw Crash()
            }
        }
        #expect(ids(store.audit(ofContact: alice)) == ["out-1"])
        store.appendAudit(decision("out-3", to: alice, "three"))
        #expect(ids(store.audit(ofContact: alice)) == ["out-1", "out-3"])
        #expect(store.audit(ofMessage: "out-2").isEmpty)
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
            // closing_within: one hour's writers, both ends on a write's instant (they come every 3 minutes).
            ConversationQuery(lastInboundAfter: windowStart - .hours(1), lastInboundAtOrBefore: windowStart),
            ConversationQuery(lastInboundAfter: windowStart - .minutes(3), lastInboundAtOrBefore: windowStart),
            ConversationQuery(lastInboundAfter: windowStart, lastInboundAtOrBefore: windowStart),
        ]
        for query in queries {
            let scanned = store.allConversations.filter(query.includes).sorted { $0.contact < $1.contact }
            #expect(store.conversations(matching: query).map(\.contact) == scanned.map(\.contact), "\(query)")
        }
        #expect(!store.conversations(matching: ConversationQuery(lastInboundAfter: windowStart)).isEmpty)
    }
}
