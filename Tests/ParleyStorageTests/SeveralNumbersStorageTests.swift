import ParleyPolicy
import ParleyRuntime
import ParleyStorage
import Testing

/// A conversation is a contact on a number: in SQLite, each number's conversation with one
/// person is its own row, and the limit's count of the person survives a restart once.
@Suite("Several numbers in SQLite")
struct SeveralNumbersStorageTests {
    let uk = ContactID("+447700900103")!

    @Test("two numbers' conversations with one person are kept apart across a restart; the limit counts the person once")
    func keptApart() throws {
        var config = RuntimeConfig()
        config.policy.pacing.numbersPerSecond = ["sales": 20]
        let counter = """
            return bot {
              name = "counter",
              escalation = { queue = "support" },
              on_message = function(conv, msg)
                conv.state.count = (conv.state.count or 0) + 1
                send(conv, conv.number .. " " .. conv.state.count)
              end,
            }
            """
        let deployment = try Deployment(scripts: ["counter.lua": counter], config: config)
        let sales = uk.on("sales")
        try deployment.handle(.inbound(Inbound(from: sales, content: .text("hi"))))
        try deployment.handle(.inbound(Inbound(from: uk, content: .text("hi"))))
        try deployment.boot()
        try deployment.handle(.inbound(Inbound(from: sales, content: .text("again"))))
        #expect(deployment.sentTexts == ["sales 1", "main 1", "sales 2"])
        #expect(try deployment.store.conversation(sales)?.contact == sales)
        #expect(try deployment.store.conversation(uk)?.contact == uk)

        // Business-initiated templates to the person from both numbers: one count, kept as the person.
        try deployment.advance(.hours(25))
        for contact in [uk, sales] {
            try deployment.handle(.optIn(contact))
            try deployment.handle(.agentReply(.template(TemplateRequest(name: "order_update", body: .positional(["A1", "late"]))), to: contact.description))
        }
        let counts = try deployment.store.limitCounts(after: deployment.clock.now - .hours(1))
        #expect(counts.map(\.contact) == [uk])
    }
}
