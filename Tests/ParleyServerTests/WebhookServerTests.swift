import Foundation
import ParleyJSON
import Testing

/// `parley serve` end to end, on loopback: signed webhooks in, the Lua bot, and the
/// requests the fake Graph API receives.
@Suite("Webhook server", .serialized)
struct WebhookServerTests {
    @Test("a signed webhook reaches the bot, and its answer reaches the Graph API")
    func endToEnd() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        let server = try await RunningServer.start(scripts: ["echo.lua": echoBot], live: graphURL)
        defer { Task { await server.stop() } }

        let answer = try await Client.webhook(server, textWebhook(from: "14155550101", text: "hello", id: "wamid.in.1"))
        #expect(answer.status == 200)
        #expect(try await eventually { await graph.received.count == 1 })
        let sent = try #require(await graph.received.first)
        #expect(sent.path == "/v23.0/1234/messages")
        #expect(sent.authorization == "Bearer graph-token")
        #expect(sent.body["to"] == "14155550101")
        #expect(sent.body["text"]?["body"] == "echo: hello")
        #expect(sent.idempotencyKey == "out-1")
    }

    @Test("the subscription handshake echoes the challenge for the right token only")
    func handshake() async throws {
        let server = try await RunningServer.start(scripts: ["echo.lua": echoBot])
        defer { Task { await server.stop() } }
        let ok = try await Client.get(server.url + "/webhook?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")
        #expect(ok.status == 200)
        #expect(ok.body == "1158201444")
        let wrong = try await Client.get(server.url + "/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1")
        #expect(wrong.status == 403)
    }

    @Test("bad input is refused and nothing is processed: signature, size, JSON, content type")
    func badInput() async throws {
        let server = try await RunningServer.start(scripts: ["echo.lua": echoBot])
        defer { Task { await server.stop() } }
        let body = textWebhook(from: "14155550101", text: "hello", id: "wamid.in.1")

        let unsigned = try await Client.post(server.url + "/webhook", body: body)
        #expect(unsigned.status == 401)
        let forged = try await Client.webhook(server, body, secret: "not-the-secret")
        #expect(forged.status == 401)
        let huge = try await Client.webhook(server, String(repeating: " ", count: 70 * 1024) + body)
        #expect(huge.status == 413)
        let garbage = try await Client.webhook(server, "{not json")
        #expect(garbage.status == 400)
        let form = try await Client.post(server.url + "/webhook", body: "a=b", contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 415)

        try await Task.sleep(for: .milliseconds(300))
        let transcript = try await Client.get(server.url + "/agent/conversations/+14155550101", headers: Client.agent)
        #expect(transcript.body.contains(#""owner":"nobody""#))
    }

    @Test("the same delivery twice gives exactly one reply")
    func duplicates() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        let server = try await RunningServer.start(scripts: ["echo.lua": echoBot], live: graphURL)
        defer { Task { await server.stop() } }
        let body = textWebhook(from: "14155550101", text: "once", id: "wamid.in.dup")
        for _ in 0..<3 { #expect(try await Client.webhook(server, body).status == 200) }
        #expect(try await eventually { await graph.received.count >= 1 })
        try await Task.sleep(for: .milliseconds(500))
        #expect(await graph.received.count == 1)
    }

    @Test("every fixture webhook is accepted and processed without stopping the server")
    func corpus() async throws {
        let server = try await RunningServer.start(scripts: ["echo.lua": echoBot])
        defer { Task { await server.stop() } }
        let folder = fixtures.appendingPathComponent("webhooks")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(names.count == 129)
        for name in names {
            let body = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let answer = try await Client.webhook(server, body)
            #expect(answer.status == 200, "\(name): \(answer.status) \(answer.body)")
        }
        #expect(try await eventually { (try await Client.get(server.url + "/health")).status == 200 })
        #expect(try await eventually { await server.server.service.inboxBacklog() == 0 })
    }

    @Test("a transient Graph API error is retried under the same idempotency key; a permanent one goes to the bot")
    func retries() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        await graph.failNext(1, status: 500, body: #"{"error":{"message":"temporary","code":131000}}"#)
        let server = try await RunningServer.start(scripts: ["echo.lua": echoBot], live: graphURL)
        defer { Task { await server.stop() } }
        _ = try await Client.webhook(server, textWebhook(from: "14155550101", text: "retry me", id: "wamid.in.r1"))
        #expect(try await eventually(15) { await graph.delivered == 1 })
        let keys = await graph.received.map(\.idempotencyKey)
        #expect(keys.count == 2)
        #expect(Set(keys).count == 1)

        await graph.failNext(1, status: 400, body: #"{"error":{"message":"Re-engagement message","code":131047}}"#)
        _ = try await Client.webhook(server, textWebhook(from: "14155550102", text: "fail me", id: "wamid.in.r2"))
        #expect(try await eventually {
            let audit = try await Client.get(server.url + "/agent/conversations/+14155550102", headers: Client.agent)
            return audit.body.contains(#""in_window":false"#)
        })
    }

    @Test("a refused access token holds every message, never gives one up, and /health says why")
    func refusedToken() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        await graph.failNext(1, status: 401, body: #"{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190,"error_subcode":463}}"#)
        let server = try await RunningServer.start(scripts: ["echo.lua": echoBot], live: graphURL)
        defer { Task { await server.stop() } }
        _ = try await Client.webhook(server, textWebhook(from: "14155550101", text: "hold me", id: "wamid.in.t1"))
        #expect(try await eventually { try await Client.get(server.url + "/health").body.contains("refused the access token") })
        let health = try JSONValue.parse(try await Client.get(server.url + "/health").body)
        #expect(health["ok"] == false)
        #expect(health["deliveries_waiting"] == 1)
        #expect(await server.server.service.deliveryCounts()[.failed] == nil)
    }

    @Test("a success answer too large to read is not sent again: the message may have gone")
    func hugeSuccessAnswer() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        await graph.failNext(1, status: 200, body: "{\"padding\":\"" + String(repeating: "x", count: 2 << 20) + "\"}")
        let server = try await RunningServer.start(scripts: ["echo.lua": echoBot], live: graphURL)
        defer { Task { await server.stop() } }
        _ = try await Client.webhook(server, textWebhook(from: "14155550101", text: "big", id: "wamid.in.big"))
        #expect(try await eventually { await server.server.service.deliveryCounts()[.failed] == 1 })
        #expect(await graph.received.count == 1)
    }
}
