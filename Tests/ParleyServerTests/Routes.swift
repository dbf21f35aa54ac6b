import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ParleyJSON
@testable import ParleyServer

extension TestDeployment {
    /// Runs `body` against the server's routes in process: each request goes straight to its
    /// router (HummingbirdTesting's `.router`: no port, no connection), with its workers
    /// running. When `body` returns they stop gracefully, as at SIGTERM: the inbox drained,
    /// the deliveries in hand sent.
    func withRoutes<Value: Sendable>(_ options: ServerOptions = ServerOptions(),
                                     _ body: @escaping @Sendable (Routes) async throws -> Value) async throws -> Value {
        let server = try server(options)
        await server.service.start()
        return try await server.application.test(.router) { client in
            try await body(Routes(client: client, server: server, folder: folder))
        }
    }
}

/// What a test asks of a server's routes in process, as Meta and agents ask over HTTP.
struct Routes: Sendable {
    let client: any TestClientProtocol
    let server: ParleyServer
    let folder: URL

    var service: RuntimeService { server.service }

    /// An answer: its status, headers, and body as text.
    struct Answer: Sendable {
        let status: Int
        let headers: HTTPFields
        let body: String

        /// The body as JSON; null when it is not JSON.
        var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Answer {
        try await execute(path, method: .get, headers: headers, body: nil)
    }

    func post(_ path: String, body: String, headers: [(String, String)] = [], contentType: String = "application/json") async throws -> Answer {
        try await execute(path, method: .post, headers: [("Content-Type", contentType)] + headers, body: body)
    }

    /// An agent API call, with the shared token, as Dana unless `as` says otherwise.
    func agent(_ path: String, body: String? = nil, as name: String? = "dana", headers: [(String, String)] = Client.agent) async throws -> Answer {
        let headers = headers + (name.map { [("X-Parley-Agent", $0)] } ?? [])
        guard let body else { return try await get("/agent/" + path, headers: headers) }
        return try await post("/agent/" + path, body: body, headers: headers)
    }

    /// A webhook body signed as Meta signs it.
    func webhook(_ body: String, secret: String = appSecret) async throws -> Answer {
        try await post("/webhook", body: body, headers: [("X-Hub-Signature-256", Client.signature(body, secret: secret))])
    }

    /// Waits until every webhook accepted so far has taken effect, and the sender has tried
    /// every delivery queued by then and recorded the outcome.
    func settled() async throws {
        try await service.signals.waitUntilInboxProcessed(through: try service.inbox.lastID())
        try await service.signals.waitUntilSenderIdle()
    }

    private func execute(_ path: String, method: HTTPRequest.Method, headers: [(String, String)], body: String?) async throws -> Answer {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        let response = try await client.execute(uri: path, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) })
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
    }
}
