import AsyncHTTPClient
import Foundation
import NIOCore
@testable import ParleyServer
import Testing

@Suite("Console live updates", .serialized)
struct ConsoleLiveTests {
    @Test("the event stream tells of a new message, and ends when the server stops, without holding the stop up")
    func eventsEndAtStop() async throws {
        let server = try await RunningServer.start(try TestDeployment(scripts: ["echo.lua": echoBot]))
        var signIn = HTTPClientRequest(url: server.url + "/console/signin")
        signIn.method = .POST
        signIn.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        signIn.body = .bytes(ByteBuffer(string: "token=dana-token-0123456789"))
        // Not followed: the answer's cookie is what the test needs.
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { _ = client.shutdown() }
        let signedIn = try await client.execute(signIn, timeout: .seconds(30))
        let cookie = try #require(signedIn.headers["set-cookie"].first?.split(separator: ";").first.map(String.init))

        var events = HTTPClientRequest(url: server.url + "/console/events")
        events.headers.add(name: "Cookie", value: cookie)
        let stream = try await HTTPClient.shared.execute(events, timeout: .seconds(300))
        #expect(stream.headers["content-type"].first?.hasPrefix("text/event-stream") == true)
        var chunks = stream.body.makeAsyncIterator()
        var seen = String(buffer: try #require(try await chunks.next()))
        #expect(seen.contains(": connected"))

        _ = try await Client.webhook(server, textWebhook(from: "14155550101", text: "hello", id: "wamid.in.live1"))
        while !seen.contains(#""type":"inbound""#), let chunk = try await chunks.next() { seen += String(buffer: chunk) }
        #expect(seen.contains(#"data: {"contact":"+14155550101","type":"inbound"}"#))

        await server.stop()  // returns only once every connection is done: the stream ended
        while (try? await chunks.next()) != nil {}  // to the stream's end
        #expect(server.server.service.consoleFeed.openStreams == 0)
    }
}
