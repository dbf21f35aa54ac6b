import Foundation
import ParleyJSON
import Testing

@Suite("Metrics", .serialized)
struct MetricsTests {
    /// A bot that answers, hands "human" to a person, fails on "boom" and loops on "spin".
    static let bot = """
        return bot {
          name = "echo",
          escalation = { queue = "support" },
          on_message = function(conv, msg)
            if msg.text == "boom" then error("boom") end
            if msg.text == "spin" then while true do end end
            send(conv, "echo: " .. (msg.text or ""))
          end,
        }
        """

    @Test("/metrics counts messages, decisions, sends, script calls and escalations as they happen")
    func figuresMoveWithTheLoad() async throws {
        try await TestDeployment(scripts: ["echo.lua": Self.bot]).withRoutes { routes in
            let before = try await Scrape(routes)
            for i in 1...3 { _ = try await routes.webhook(textWebhook(from: "1415555010\(i)", text: "hello", id: "wamid.in.m\(i)")) }
            try await routes.settled()
            let after = try await Scrape(routes)
            #expect(after.delta(before, #"parley_inbound_messages_total{msg_type="text"}"#) == 3)
            #expect(after.delta(before, #"parley_decisions_total{stage="request",outcome="allowed",kind="session"}"#) == 3)
            #expect(after.delta(before, #"parley_sends_total{outcome="accepted"}"#) == 3)
            #expect(after.delta(before, #"parley_script_call_seconds_count{script="bot:echo"}"#) == 3)
            #expect(after.delta(before, "parley_webhook_to_reply_seconds_count") == 3)
            #expect(after[#"parley_deliveries{state="accepted"}"#] == 3)
            #expect(after["parley_inbox_backlog"] == 0)
            #expect(after["parley_messaging_limit_used"] == 0)

            _ = try await routes.webhook(textWebhook(from: "14155550101", text: "human", id: "wamid.in.h"))
            _ = try await routes.webhook(textWebhook(from: "14155550102", text: "boom", id: "wamid.in.b"))
            _ = try await routes.webhook(textWebhook(from: "14155550103", text: "spin", id: "wamid.in.s"))
            try await routes.settled()
            _ = try await routes.agent("conversations/+14155550101/claim", body: #"{"agent":"dana"}"#)
            _ = try await routes.agent("conversations/+14155550101/reply", body: #"{"template":"nope"}"#)
            let later = try await Scrape(routes)
            #expect(later.delta(after, #"parley_escalations_total{queue="support",reason="keyword"}"#) == 1)
            #expect(later.delta(after, #"parley_script_failures_total{script="bot:echo",cause="error"}"#) == 1)
            #expect(later.delta(after, #"parley_script_failures_total{script="bot:echo",cause="budget_instructions"}"#) == 1)
            #expect(later.delta(after, #"parley_decisions_total{stage="request",outcome="refused",reason="template_not_found",code="132001"}"#) == 1)
        }
    }

    @Test("a send tried again and one given up are counted with the Graph API's code")
    func sendsByUpstreamCode() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        await graph.failNext(1, status: 500, body: #"{"error":{"message":"temporary","code":131000}}"#)
        try await TestDeployment(scripts: ["echo.lua": echoBot], live: graphURL).withRoutes { routes in
            _ = try await routes.webhook(textWebhook(from: "14155550101", text: "retry me", id: "wamid.in.r1"))
            try await graph.waitUntil("the retry delivered") { await $0.delivered == 1 }
            await graph.failNext(1, status: 400, body: #"{"error":{"message":"Re-engagement message","code":131047}}"#)
            _ = try await routes.webhook(textWebhook(from: "14155550102", text: "fail me", id: "wamid.in.r2"))
            try await routes.settled()
            let scrape = try await Scrape(routes)
            #expect(scrape[#"parley_sends_total{outcome="retrying",code="131000"}"#] == 1)
            #expect(scrape[#"parley_send_retries_total{code="131000"}"#] == 1)
            #expect(scrape[#"parley_sends_total{outcome="failed",code="131047"}"#] == 1)
            #expect(scrape[#"parley_sends_total{outcome="accepted"}"#] == 1)
            // The retried reply counts once its retry is accepted; the one given up never does.
            #expect(scrape["parley_webhook_to_reply_seconds_count"] == 1)
            #expect(scrape[#"parley_deliveries{state="failed"}"#] == 1)
        }
    }

    @Test("/metrics is protected like the agent API, and opens to its own token, which opens nothing else")
    func protected() async throws {
        let deployment = try TestDeployment(scripts: ["echo.lua": echoBot], environment: ["PARLEY_METRICS_TOKEN": "metrics-token-0123456789"])
        try await deployment.withRoutes { routes in
            #expect(try await routes.get("/metrics").status == 401)
            #expect(try await routes.get("/metrics", headers: [("Authorization", "Bearer wrong")]).status == 401)
            let agent = try await routes.get("/metrics", headers: Client.agent)
            #expect(agent.status == 200)
            #expect(agent.body.contains("parley_inbox_backlog"))
            let scraper = [("Authorization", "Bearer metrics-token-0123456789")]
            #expect(try await routes.get("/metrics", headers: scraper).status == 200)
            #expect(try await routes.get("/agent/queue", headers: scraper).status == 401)
        }
    }
}

/// One scrape of `/metrics`: each sample's value by its name and labels, as written.
struct Scrape {
    let samples: [String: Double]

    init(_ routes: Routes) async throws {
        let answer = try await routes.get("/metrics", headers: Client.agent)
        #expect(answer.status == 200)
        var samples: [String: Double] = [:]
        for line in answer.body.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        self.samples = samples
    }

    subscript(_ sample: String) -> Double? { samples[sample] }

    /// How much `sample` grew since `before` (a sample not yet written counts as 0).
    func delta(_ before: Scrape, _ sample: String) -> Double {
        (samples[sample] ?? 0) - (before.samples[sample] ?? 0)
    }
}
