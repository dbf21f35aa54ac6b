import Foundation
import Hummingbird
import Logging
import NIOCore

/// A stand-in for the Graph API's send endpoint on loopback, for benchmarks and staging
/// without a WhatsApp account: it accepts every message, answers with a wamid, and tells
/// the caller what arrived and when.
public struct LoopbackGraphAPI: Sendable {
    /// Called with each message body, as it arrives.
    public var onMessage: @Sendable ([UInt8]) async -> Void

    public init(onMessage: @escaping @Sendable ([UInt8]) async -> Void) {
        self.onMessage = onMessage
    }

    /// Serves on a free port of 127.0.0.1 until cancelled; `onRunning` hears the base URL.
    public func run(onRunning: @escaping @Sendable (String) async -> Void) async throws {
        let router = Router()
        let counter = Counter()
        router.post("/:version/:account/messages") { request, _ -> Response in
            var request = request
            let body = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            await onMessage(body)
            let n = await counter.next()
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(
                string: #"{"messaging_product":"whatsapp","contacts":[{"input":"x","wa_id":"x"}],"messages":[{"id":"wamid.loopback.\#(n)"}]}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in await onRunning("http://127.0.0.1:\(channel.localAddress?.port ?? 0)") },
                              logger: Logger(label: "loopback-graph", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await app.run()
    }

    private actor Counter {
        var value = 0
        func next() -> Int {
            value += 1
            return value
        }
    }
}
