import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import Testing

/// Bodies that are not the documented shape. None may trap, and each says what it can.
@Suite("Odd error bodies")
struct OddErrorBodyTests {
    @Test("a code written as a string still counts")
    func codeAsString() {
        let e = GraphAPIError(body: #"{"error":{"message":"(#131047) Re-engagement message","code":"131047","error_subcode":"2494010"}}"#, httpStatus: 400)
        #expect(e.code == 131047 && e.subcode == 2_494_010 && e.reason == .outsideWindow)
    }

    @Test("missing fields leave those fields empty")
    func missingFields() {
        let bare = GraphAPIError(body: #"{"error":{"code":131000}}"#, httpStatus: 500)
        #expect(bare.code == 131000 && bare.message == nil && bare.title == nil && bare.details == nil)
        #expect(bare.retry == .transient)
        let noCode = GraphAPIError(body: #"{"error":{"message":"Something went wrong"}}"#, httpStatus: 400)
        #expect(noCode.code == nil && noCode.message == "Something went wrong" && noCode.retry == .never)
        let stringError = GraphAPIError(body: #"{"error":"Service unavailable"}"#, httpStatus: 503)
        #expect(stringError.message == "Service unavailable" && stringError.retry == .transient)
    }

    @Test("an HTML page from a gateway keeps a short text excerpt")
    func html() {
        let page = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"
        let e = GraphAPIError(body: page, httpStatus: 502)
        #expect(e.code == nil)
        #expect(e.message == "502 Bad Gateway 502 Bad Gateway")
        #expect(e.retry == .transient)
        #expect(GraphAPIError(body: page, httpStatus: 400).retry == .never)
    }

    @Test("non-JSON, truncated, binary and enormous bodies decode without trapping")
    func hostile() {
        let long = String(repeating: "x", count: 1_000_000)
        let bodies: [[UInt8]] = [
            Array("Internal Server Error".utf8), Array(#"{"error":{"code":131"#.utf8), [0xFF, 0xFE, 0x00, 0x80],
            Array(long.utf8), Array(String(repeating: "[", count: 10_000).utf8), Array("null".utf8), Array("[1,2]".utf8),
            Array(#"{"error":{"code":99999999999999999999999}}"#.utf8), Array(#"{"error":{"code":-1,"error_data":"{\"x\":1}"}}"#.utf8),
            Array(#"{"error":{"code":1.5e300,"error_data":[1]}}"#.utf8), Array(#"{"code":{"nested":true}}"#.utf8),
        ]
        for body in bodies {
            let e = GraphAPIError(body: body, httpStatus: 500)
            #expect(e.retry == (e.code == nil ? .transient : .never))
            #expect((e.message?.count ?? 0) <= GraphAPIError.excerptLimit + 1)
            _ = e.description
        }
        let stringData = GraphAPIError(body: #"{"error":{"code":100,"error_data":"{\"blame_field_specs\":[[\"to\"]]}"}}"#, httpStatus: 400)
        #expect(stringData.details == #"{"blame_field_specs":[["to"]]}"#)
    }
}
