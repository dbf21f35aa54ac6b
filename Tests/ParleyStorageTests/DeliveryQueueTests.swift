import Foundation
import ParleyPolicy
import ParleyRuntime
import ParleyStorage
import Testing

/// The outbound queue: an attempt in flight is leased, never handed out twice; one a
/// previous process left in flight is tried again at once after a restart.
@Suite("Delivery queue")
struct DeliveryQueueTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-queue-\(UUID().uuidString).sqlite").path
    let lease = Span.seconds(15)

    func enqueue(_ ids: [String], in store: SQLiteStore) throws {
        try store.transaction {
            for id in ids { try store.enqueueDelivery(Dispatch(id: id, to: alice, sender: .agent(nil), message: .text("hi")), at: start) }
        }
    }

    @Test("a taken delivery is not taken again until its lease ends")
    func leased() throws {
        let store = try SQLiteStore(path: path)
        try enqueue(["m1", "m2"], in: store)
        let first = try store.transaction { try store.takeDueDeliveries(at: start, limit: 1, lease: lease) }
        #expect(first.map(\.id) == ["m1"])
        #expect(first.first?.attempts == 1)
        let second = try store.transaction { try store.takeDueDeliveries(at: start, limit: 10, lease: lease) }
        #expect(second.map(\.id) == ["m2"])  // m1 is in flight
        #expect(try store.transaction { try store.takeDueDeliveries(at: start + .seconds(14), limit: 10, lease: lease) }.isEmpty)
        let expired = try store.transaction { try store.takeDueDeliveries(at: start + .seconds(16), limit: 10, lease: lease) }
        #expect(expired.map(\.id) == ["m1", "m2"])
        #expect(expired.map(\.attempts) == [2, 2])
        #expect(try store.deliveriesWaiting() == 2)
        try store.transaction { try store.deliveryAccepted("m1", wamid: "wamid.1", at: start) }
        #expect(try store.deliveriesWaiting() == 1)
    }

    @Test("a delivery reads the same taken first (kept in memory) and taken again (read from the file); one rolled back is never taken")
    func takenAsQueued() throws {
        let store = try SQLiteStore(path: path)
        let dispatch = Dispatch(id: "m1", to: alice, sender: .agent("ana"), message: .text("hi there"))
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try store.transaction {
                try store.enqueueDelivery(Dispatch(id: "gone", to: alice, sender: .agent(nil), message: .text("never")), at: start)
                throw Refused()
            }
        }
        try store.transaction { try store.enqueueDelivery(dispatch, at: start) }
        let first = try store.transaction { try store.takeDueDeliveries(at: start, limit: 10, lease: lease) }
        #expect(first.map(\.dispatch) == [dispatch])
        let again = try store.transaction { try store.takeDueDeliveries(at: start + .seconds(16), limit: 10, lease: lease) }
        #expect(again.map(\.dispatch) == [dispatch])
        #expect(try store.delivery("gone") == nil)
    }

    @Test("a stopping server takes first attempts only: retries wait for the next start")
    func untriedOnly() throws {
        let store = try SQLiteStore(path: path)
        try enqueue(["m1", "m2"], in: store)
        _ = try store.transaction { try store.takeDueDeliveries(at: start, limit: 1, lease: lease) }  // m1 tried once
        let later = start + .seconds(16)  // m1's lease is over: it is due again
        let stopping = try store.transaction { try store.takeDueDeliveries(at: later, limit: 10, lease: lease, untriedOnly: true) }
        #expect(stopping.map(\.id) == ["m2"])
    }

    @Test("a failure that was not the message's gives its attempt back")
    func attemptGivenBack() throws {
        let store = try SQLiteStore(path: path)
        try enqueue(["m1"], in: store)
        for round in 0..<10 {
            let at = start + .seconds(Int64(round) * 60)
            _ = try store.transaction { try store.takeDueDeliveries(at: at, limit: 1, lease: lease) }
            try store.transaction { try store.deliveryFailed("m1", error: "190", retryAt: at + .seconds(60), at: at, counting: false) }
        }
        #expect(try store.delivery("m1")?.attempts == 0)
        #expect(try store.delivery("m1")?.state == .pending)
    }

    @Test("after a restart, attempts left in flight are due at once, under the same id")
    func resumedAfterRestart() throws {
        do {
            let store = try SQLiteStore(path: path)
            try enqueue(["m1"], in: store)
            _ = try store.transaction { try store.takeDueDeliveries(at: start, limit: 10, lease: lease) }
        }  // the process dies with m1 in flight
        try expectTriedAgainAfterRestart("m1")
    }

    @Test("a delivery queued taken is leased like a taken one, and after a crash is tried once more under its id")
    func queuedTaken() throws {
        do {
            let store = try SQLiteStore(path: path)
            let dispatch = Dispatch(id: "m1", to: alice, sender: .agent(nil), message: .text("hi"))
            let handed = try store.transaction { try store.enqueueTakenDelivery(dispatch, at: start, lease: lease) }
            #expect(handed?.dispatch == dispatch)
            #expect(handed?.attempts == 1)
            #expect(try store.transaction { try store.enqueueTakenDelivery(dispatch, at: start, lease: lease) } == nil)  // queued once
            #expect(try store.transaction { try store.takeDueDeliveries(at: start + .seconds(14), limit: 10, lease: lease) }.isEmpty)  // in flight
            #expect(try store.deliveriesWaiting() == 1)
        }  // the process dies with m1 in flight
        let store = try expectTriedAgainAfterRestart("m1")
        #expect(try store.transaction { try store.takeDueDeliveries(at: start + .seconds(2), limit: 10, lease: lease) }.isEmpty)
    }

    /// A restart finds `id` left in flight and takes it again, for its second attempt.
    @discardableResult
    func expectTriedAgainAfterRestart(_ id: String) throws -> SQLiteStore {
        let store = try SQLiteStore(path: path)
        try store.transaction { try store.resumeInterruptedDeliveries(at: start + .seconds(1)) }
        let again = try store.transaction { try store.takeDueDeliveries(at: start + .seconds(1), limit: 10, lease: lease) }
        #expect(again.map(\.id) == [id])
        #expect(again.first?.attempts == 2)
        return store
    }

    @Test("a delivery queued taken in a transaction that rolls back leaves no row")
    func queuedTakenRolledBack() throws {
        let store = try SQLiteStore(path: path)
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try store.transaction {
                _ = try store.enqueueTakenDelivery(Dispatch(id: "gone", to: alice, sender: .agent(nil), message: .text("never")), at: start, lease: lease)
                throw Refused()
            }
        }
        #expect(try store.delivery("gone") == nil)
        #expect(try store.transaction { try store.takeDueDeliveries(at: start + .seconds(60), limit: 10, lease: lease) }.isEmpty)
    }
}
