import Foundation
import ParleyJSON
import ParleyPolicy
import ParleyRuntime
@testable import ParleyStorage
import Testing

/// Documents are written by the store's own encoder and read back by Foundation's decoder
/// (through GRDB's records): what one writes, the other reads as it was.
@Suite("Document encoder")
struct DocumentEncoderTests {
    @Test("a conversation with every kind of field reads back equal")
    func conversationRoundTrip() throws {
        var c = Conversation(contact: alice)
        c.userID = ContactID("GB.111")
        c.owner = .human(queue: "support")
        c.state = ["n": 3, "ratio": 0.25, "name": "Ana \"A\"\n", "flags": [true, false, .null], "nested": ["deep": ["x": -7]]]
        c.lastInbound = start
        c.marketingCapStrikes = 2
        c.optedOutAt = start + .minutes(5)
        let text = try DocumentEncoder.text(c)
        #expect(try JSONDecoder().decode(Conversation.self, from: Data(text.utf8)) == c)
        #expect(try DocumentDecoder.decode(Conversation.self, from: text) == c)
    }

    @Test("a dispatch reads back equal, and keys are written sorted")
    func dispatchRoundTrip() throws {
        let dispatch = Dispatch(id: "out-1", to: alice, sender: .agent("ana"), message: .text("hi"))
        let text = try DocumentEncoder.text(dispatch)
        #expect(try DocumentDecoder.decode(Dispatch.self, from: text) == dispatch)
        guard case .object(let members) = try JSONValue.parse(text) else { Issue.record("not an object: \(text)"); return }
        let keys = members.keys.sorted()
        #expect(text.hasPrefix("{\"\(keys[0])\""))
    }

    @Test("a float JSON cannot carry is refused, as GRDB's encoder refused it")
    func nonFiniteRefused() {
        #expect(throws: EncodingError.self) { try DocumentEncoder.text([Double.infinity]) }
        #expect(throws: EncodingError.self) { try DocumentEncoder.text(["x": Double.nan]) }
    }
}
