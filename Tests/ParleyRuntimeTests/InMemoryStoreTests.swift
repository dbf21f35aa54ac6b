import ParleyJSON
import ParleyPolicy
import ParleyRuntime
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
        #expect(store.conversations { _ in true }.map(\.contact) == [alice])
    }
}
