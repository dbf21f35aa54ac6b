import Testing

/// A spec's world names the number an event is on: a conversation is a contact on a number.
@Suite("parley test: several numbers")
struct SeveralNumbersSpecTests {
    @Test("w:inbound(contact, {text =, number =}) reaches that number's own conversation")
    func inboundOnANumber() throws {
        let summary = try run([
            "a_spec.lua": #"""
            it("keeps a conversation per number", function()
              local w = world{}
              w:inbound("+447700900123", { text = "hi", number = "sales" })
              w:inbound("+447700900123", { text = "again", number = "sales" })
              w:inbound("+447700900123", "hi")
              assert.equals(2, w:conversation("+447700900123@sales").state.count)
              assert.equals(1, w:conversation("+447700900123").state.count)
            end)
            """#,
        ])
        #expect(summary.results.map(\.status) == [.passed], "\(summary.results.map(\.message))")
    }
}
