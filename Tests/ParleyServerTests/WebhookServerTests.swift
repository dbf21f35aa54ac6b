import Foundation
import ParleyJSON
import Testing

/// `parley serve`'s webhook endpoint: signed webhooks in, the Lua bot, and the requests the
/// fake Graph API receives. In process, but for the one test of a real connection.
@Suite("Webhook server", .serialized)
struct WebhookServerTests {
    @Test("over a real connection: a signed webhook reaches the bot, its answer reaches the Graph API, and the server stops")
    func endToEnd() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        let server = try await RunningServer.start(TestDeployment(scripts: ["echo.lua": echoBot], live: graphURL))
        let answer = try await Client.webhook(server, textWebhook(from: "14155550101", text: "hello", id: "wamid.in.1"))
        #expect(answer.status == 200)
        try await graph.waitUntil("one message received") { await $0.received.count == 1 }
        await server.stop()

        let sent = try #require(await graph.received.first)
        #expect(sent.path == "/v23.0/1234/messages")
        #expect(sent.authorization == "Bearer graph-token")
        #expect(sent.body["to"] == "14155550101")
        #expect(sent.body["text"]?["body"] == "echo: hello")
        #expect(sent.idempotencyKey == "out-1")
    }

    @Test("a message to another number of the account is skipped, never answered from this deployment's number")
    func otherNumber() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        try await TestDeployment(scripts: ["echo.lua": echoBot], live: graphURL).withRoutes { routes in
            let theirs = textWebhook(from: "14155550101", text: "to the other number", id: "wamid.other")
                .replacingOccurrences(of: #""phone_number_id":"1234""#, with: #""phone_number_id":"9999""#)
            #expect(try await routes.webhook(theirs).status == 200)
            #expect(try await routes.webhook(textWebhook(from: "14155550101", text: "to ours", id: "wamid.ours")).status == 200)
            try await graph.waitUntil("the reply to ours") { await $0.received.count == 1 }
            #expect(await graph.received.map { $0.body["text"]?["body"] } == ["echo: to ours"])
        }
    }

    @Test("the subscription handshake echoes the challenge for the right token only")
    func handshake() async throws {
        try await TestDeployment(scripts: ["echo.lua": echoBot]).withRoutes { routes in
            let ok = try await routes.get("/webhook?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")
            #expect(ok.status == 200)
            #expect(ok.body == "1158201444")
            let wrong = try await routes.get("/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1")
            #expect(wrong.status == 403)
        }
    }

    @Test("bad input is refused and never reaches the inbox: signature, size, JSON, content type")
    func badInput() async throws {
        try await TestDeployment(scripts: ["echo.lua": echoBot]).withRoutes { routes in
            let body = textWebhook(from: "14155550101", text: "hello", id: "wamid.in.1")
            let unsigned = try await routes.post("/webhook", body: body)
            #expect(unsigned.status == 401)
            let forged = try await routes.webhook(body, secret: "not-the-secret")
            #expect(forged.status == 401)
            let huge = try await routes.webhook(String(repeating: " ", count: 70 * 1024) + body)
            #expect(huge.status == 413)
            let garbage = try await routes.webhook("{not json")
            #expect(garbage.status == 400)
            let form = try await routes.post("/webhook", body: "a=b", contentType: "application/x-www-form-urlencoded")
            #expect(form.status == 415)
            // A refused body is answered before it is kept: nothing is left to process.
            #expect(routes.service.inbox.count() == 0)
        }
    }

    @Test("the same delivery three times gives exactly one reply")
    func duplicates() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        try await TestDeployment(scripts: ["echo.lua": echoBot], live: graphURL).withRoutes { routes in
            let body = textWebhook(from: "14155550101", text: "once", id: "wamid.in.dup")
            for _ in 0..<3 { #expect(try await routes.webhook(body).status == 200) }
            try await routes.settled()
            #expect(await graph.received.count == 1)
        }
    }

    @Test("every fixture webhook is accepted and processed without stopping the server")
    func corpus() async throws {
        try await TestDeployment(scripts: ["echo.lua": echoBot]).withRoutes { routes in
            let folder = fixtures.appendingPathComponent("webhooks")
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
            #expect(names.count == 130, "the corpus's 129 and the 1 made for Parley's tests")
            for name in names {
                let body = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                let answer = try await routes.webhook(body)
                #expect(answer.status == 200, "\(name): \(answer.status) \(answer.body)")
            }
            try await routes.settled()
            #expect(try await routes.service.inboxBacklog() == 0)
            #expect(try await routes.get("/health").json["ok"] == true)
        }
    }

    @Test("a transient Graph API error is retried under the same idempotency key; a permanent one goes to the bot")
    func retries() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        await graph.failNext(1, status: 500, body: #"{"error":{"message":"temporary","code":131000}}"#)
        try await TestDeployment(scripts: ["echo.lua": echoBot], live: graphURL).withRoutes { routes in
            _ = try await routes.webhook(textWebhook(from: "14155550101", text: "retry me", id: "wamid.in.r1"))
            try await graph.waitUntil("the retry delivered") { await $0.delivered == 1 }
            let keys = await graph.received.map(\.idempotencyKey)
            #expect(keys.count == 2)
            #expect(Set(keys).count == 1)

            await graph.failNext(1, status: 400, body: #"{"error":{"message":"Re-engagement message","code":131047}}"#)
            _ = try await routes.webhook(textWebhook(from: "14155550102", text: "fail me", id: "wamid.in.r2"))
            try await routes.settled()
            #expect(try await routes.agent("conversations/+14155550102").json["in_window"] == false)
        }
    }

    @Test("a refused access token holds every message, never gives one up, and /health says why")
    func refusedToken() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        await graph.failNext(1, status: 401, body: #"{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190,"error_subcode":463}}"#)
        try await TestDeployment(scripts: ["echo.lua": echoBot], live: graphURL).withRoutes { routes in
            _ = try await routes.webhook(textWebhook(from: "14155550101", text: "hold me", id: "wamid.in.t1"))
            try await routes.settled()
            let health = try await routes.get("/health").json
            #expect(health["ok"] == false)
            #expect(health["sender"]?.stringValue?.contains("refused the access token") == true)
            #expect(health["deliveries_waiting"] == 1)
            #expect(try await routes.service.deliveryCounts()[.failed] == nil)
        }
    }

    @Test("a success answer too large to read is not sent again: the message may have gone")
    func hugeSuccessAnswer() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        await graph.failNext(1, status: 200, body: "{\"padding\":\"" + String(repeating: "x", count: 2 << 20) + "\"}")
        try await TestDeployment(scripts: ["echo.lua": echoBot], live: graphURL).withRoutes { routes in
            _ = try await routes.webhook(textWebhook(from: "14155550101", text: "big", id: "wamid.in.big"))
            try await routes.settled()
            #expect(try await routes.service.deliveryCounts()[.failed] == 1)
            #expect(await graph.received.count == 1)
        }
    }
}
