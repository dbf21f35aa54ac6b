import Foundation
import ParleyCloudAPI
import ParleyPolicy
import ParleyRuntime
@testable import ParleyServer
import ParleyStorage
import Testing

/// Between the runtime and the sender, without a transaction of the sender's own: a message
/// the sender has room for is handed to it by the event that queues it, and a plain
/// acceptance is written down by the next event.
@Suite("Sender hand-off")
struct SenderHandOffTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-handoff-\(UUID().uuidString)")

    /// The service's database, read through a connection of its own: what a crash would leave.
    func committed(_ id: String) throws -> Delivery? {
        try SQLiteStore(path: folder.appendingPathComponent("data/parley.sqlite").path).delivery(id)
    }

    func reply(from service: RuntimeService, to contact: String, id: String) async throws -> Delivery {
        _ = try await service.inbox.accept(Array(textWebhook(from: contact, text: "hi", id: id).utf8), at: SystemClock().now)
        #expect(await service.processInbox() != nil)
        let handed = service.handOff.takeHanded()
        #expect(handed.count == 1)
        return try #require(handed.first)
    }

    @Test("the event that queues a reply hands it over taken, once, and leased in the file")
    func handedOnce() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let service = try runtimeService(in: folder)
        let delivery = try await reply(from: service, to: "14155550101", id: "wamid.handoff.1")
        #expect(delivery.attempts == 1)
        #expect(try committed(delivery.id)?.state == .sending)  // a crash now: sent again at restart, under its id
        #expect(await service.settle([], thenTake: 10).isEmpty)  // taken already: not taken again
        #expect(!service.handOff.isIdle)  // its slot is taken until its attempt ends
    }

    @Test("an acceptance is written down by the next event, durably; an event that rolls back leaves it to the next")
    func acceptanceInNextEvent() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let service = try runtimeService(in: folder)
        let delivery = try await reply(from: service, to: "14155550102", id: "wamid.handoff.2")
        _ = service.handOff.takeQueueMayHaveDue()  // as a sender that has read the queue
        #expect(!service.handOff.finish(.accepted(id: delivery.id, wamid: "wamid.sent.2")))  // no need to wake it

        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await service.event { () throws -> Int in throw Refused() } }
        #expect(try committed(delivery.id)?.state == .sending)
        #expect(!service.handOff.isIdle)  // still waiting to be written down

        await service.tick()  // any event
        let written = try #require(try committed(delivery.id))
        #expect(written.state == .accepted)
        #expect(written.wamid == "wamid.sent.2")
        #expect(service.handOff.isIdle)
    }

    @Test("news for the runtime wakes the sender, which records it itself")
    func failureWakesSender() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let service = try runtimeService(in: folder)
        let delivery = try await reply(from: service, to: "14155550103", id: "wamid.handoff.3")
        let refused = GraphAPIError(code: 131026, title: "Message undeliverable", message: "undeliverable")
        #expect(service.handOff.finish(.failed(delivery, refused, retryAt: nil)))
        #expect(service.handOff.takeAcceptances().isEmpty)  // an event leaves it to the sender
        #expect(await service.settle(service.handOff.takeOutcomes(), thenTake: 0).isEmpty)
        #expect(try committed(delivery.id)?.state == .failed)
    }
}
