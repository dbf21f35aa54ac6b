import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import ParleyCloudAPI
import ParleyJSON

/// One call on the business account's own objects (its templates, its profile), as the
/// command line makes them: the token from the environment, an answer read whole, and a
/// failure kept as the platform explained it.
struct AccountCall {
    let client: HTTPClient
    let settings: CloudAPISettings

    /// The token, or the error that says to set it.
    func token(for purpose: String) throws -> String {
        guard let token = settings.accessToken else { throw SyncError("set PARLEY_ACCESS_TOKEN to \(purpose)") }
        return token
    }

    func perform(_ method: HTTPMethod, _ url: String, body: JSONValue? = nil, token: String) async -> Result<JSONValue, GraphAPIError> {
        await perform(method, url, bytes: body.map { Array($0.encoded().utf8) }, headers: body == nil ? [] : [("Content-Type", "application/json")],
                      authorization: "Bearer \(token)")
    }

    /// A call with a raw body and headers of its own (an upload).
    func perform(_ method: HTTPMethod, _ url: String, bytes: [UInt8]?, headers: [(String, String)], authorization: String) async
        -> Result<JSONValue, GraphAPIError>
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: authorization)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let bytes { request.body = .bytes(ByteBuffer(bytes: bytes)) }
        let status: Int, text: String
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(settings.timeoutMilliseconds)))
            status = Int(response.status.code)
            text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        } catch {
            return .failure(GraphAPIError(code: nil, message: "no answer from \(settings.baseURL): \(error)", isTimeout: true))
        }
        guard (200..<300).contains(status) else { return .failure(GraphAPIError(body: text, httpStatus: status)) }
        return .success((try? JSONValue.parse(text)) ?? .null)
    }
}
