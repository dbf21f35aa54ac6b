import Foundation
import ParleyPolicy
import ParleyRuntime
import ParleyStorage
import Testing

@Suite("Retention")
struct RetentionTests {
    @Test("audit records and finished deliveries older than the cutoff go; newer ones and conversations stay")
    func prunesOldRecords() throws {
        let d = try Deployment(scripts: ["b.lua": timerBot])
        let bob = ContactID("+14155550102")!
        try d.handle(.inbound(Inbound(from: alice, content: .text("hello"))))
        try d.event {
            for id in ["old-1", "old-2"] { try d.store.enqueueDelivery(Dispatch(id: id, to: alice, sender: .agent(nil), message: .text("x")), at: d.clock.now) }
        }
        try d.event { try d.store.deliveryAccepted("old-1", wamid: "wamid.old", at: d.clock.now) }
        try d.advance(.days(100))
        try d.handle(.inbound(Inbound(from: bob, content: .text("hello"))))
        #expect(try !d.store.audit(ofContact: alice).isEmpty)

        var removed = 0
        while case let n = try d.store.pruneRecords(before: d.clock.now - .days(90), batch: 1), n > 0 { removed += n }
        #expect(removed > 0)
        #expect(try d.store.audit(ofContact: alice).isEmpty)
        #expect(try !d.store.audit(ofContact: bob).isEmpty)
        #expect(try d.store.delivery("old-1") == nil)          // accepted long ago
        #expect(try d.store.delivery("old-2") != nil)          // never finished: kept
        #expect(try d.store.conversation(alice)?.state["seen"] == 1)
    }
}
