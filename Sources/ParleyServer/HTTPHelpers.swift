import Foundation
import Hummingbird
import ParleyJSON

/// JSON in and out of the HTTP handlers.
enum HTTP {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: value.encoded() + "\n")))
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// An error as JSON: `{"error": "...", "fix": "..."}`.
    static func problem(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(["error": .string(message)], status: status)
    }

    /// The request body as JSON (an object), or a 400 that says what is wrong.
    static func body(_ request: inout Request, limit: Int) async throws -> JSONValue {
        let buffer = try await request.collectBody(upTo: limit)
        let bytes = Array(buffer.readableBytesView)
        if bytes.isEmpty { return .object([:]) }
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw HTTPError(.badRequest, message: "the body is not JSON: \(error)")
        }
    }
}
