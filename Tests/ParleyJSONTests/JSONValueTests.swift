import ParleyJSON
import Testing

/// The JSON every transcript, audit record and stored document is written in: escapes as
/// JSON requires, everything else byte for byte, and back again unchanged.
@Suite("JSON values")
struct JSONValueTests {
    @Test("strings are escaped as JSON requires, and nothing else is", arguments: [
        ("plain", #""plain""#),
        ("quote \" and backslash \\", #""quote \" and backslash \\""#),
        ("line\nreturn\rtab\t", #""line\nreturn\rtab\t""#),
        ("bell\u{07} and nul\u{00}", #""bell\u0007 and nul\u0000""#),
        ("olá, 注文, 📦", #""olá, 注文, 📦""#),
        ("", #""""#),
        ("\"", #""\"""#),
    ])
    func escapes(text: String, json: String) throws {
        #expect(JSONValue.string(text).encoded() == json)
        #expect(try JSONValue.parse(Array(json.utf8)) == .string(text))
    }

    @Test("objects encode with sorted keys, so the same value always gives the same bytes")
    func stableObjects() {
        let value: JSONValue = ["b": 1, "a": [true, .null, 2.5], "c": ["z": "x", "y": "w"]]
        #expect(value.encoded() == #"{"a":[true,null,2.5],"b":1,"c":{"y":"w","z":"x"}}"#)
    }

    @Test("ordered objects keep the order members were added in")
    func orderedObjects() {
        var record = OrderedJSONObject()
        record.append("type", "sent")
        record.append("at", "2026-01-05T09:00:00Z")
        record.append("skipped", nil)
        #expect(record.encoded() == #"{"type":"sent","at":"2026-01-05T09:00:00Z"}"#)
    }

    @Test("integers are read from numbers and from strings of digits, as payloads send them")
    func lenientIntegers() {
        #expect(JSONValue.string("1767603600").integerValue == 1_767_603_600)
        #expect(JSONValue.string(" 42 ").integerValue == 42)
        #expect(JSONValue.double(7).integerValue == 7)
        #expect(JSONValue.string("7x").integerValue == nil)
    }
}
