import Foundation
import Testing

/// The sandbox a newcomer starts with: no credentials, messages posted with curl, the bot's
/// answers and the policy's decisions read back as transcript lines.
@Suite("Sandbox")
struct SandboxTests {
    static let bot = """
    return bot {
      name = "echo",
      escalation = { queue = "support" },
      on_message = function(conv, msg) send(conv, "echo: " .. msg.text) end,
      on_delivery_failed = function(conv, id, reason, code) send(conv, "noted: " .. id .. " " .. reason .. " " .. code) end,
    }
    """

    @Test("a message posted to /sandbox/inbound is answered by the bot, and the answer shows")
    func inbound() async throws {
        try await TestDeployment(scripts: ["echo.lua": Self.bot]).withRoutes { routes in
            let answer = try await routes.post("/sandbox/inbound", body: #"{"from":"+14155550101","text":"where is 10234?"}"#)
            #expect(answer.status == 200)
            #expect(answer.body.contains(#""type":"inbound""#))
            #expect(answer.body.contains(#""text":"echo: where is 10234?""#))
            let transcript = try await routes.get("/sandbox/transcript")
            #expect(transcript.body.contains(#""text":"echo: where is 10234?""#))

            let bad = try await routes.post("/sandbox/inbound", body: #"{"from":"nobody","text":"hi"}"#)
            #expect(bad.status == 400)
            #expect(bad.json["error"]?.stringValue?.contains("phone number") == true)
        }
    }

    @Test("a failed status told twice reaches the bot once")
    func statusOnce() async throws {
        try await TestDeployment(scripts: ["echo.lua": Self.bot]).withRoutes { routes in
            _ = try await routes.post("/sandbox/inbound", body: #"{"from":"+14155550101","text":"hi"}"#)
            try await routes.settled()
            #expect(try await routes.service.deliveryCounts()[.accepted] == 1)
            let status = """
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"1234"},"statuses":[{"id":"wamid.sandbox.out-1","status":"failed","timestamp":"1767603600","recipient_id":"14155550101","errors":[{"code":131026,"title":"Message undeliverable"}]}]}}]}]}
            """
            for _ in 0..<2 { #expect(try await routes.webhook(status).status == 200) }
            try await routes.settled()
            let lines = try await routes.get("/sandbox/transcript").body.split(separator: "\n")
            #expect(lines.filter { $0.contains("noted: out-1") && $0.contains(#""type":"sent""#) }.count == 1)
        }
    }

    @Test("messages posted after a restart are new messages, not retries of the first ones")
    func idsAcrossRestarts() async throws {
        let first = try TestDeployment(scripts: ["echo.lua": Self.bot])
        try await first.withRoutes { routes in
            _ = try await routes.post("/sandbox/inbound", body: #"{"from":"+14155550101","text":"one"}"#)
        }
        try await TestDeployment(scripts: [:], folder: first.folder).withRoutes { routes in
            let answer = try await routes.post("/sandbox/inbound", body: #"{"from":"+14155550102","text":"two"}"#)
            #expect(answer.body.contains(#""text":"echo: two""#))
            #expect(answer.body.contains("wamid.sandbox.in.2"))
        }
    }

    @Test("/health answers within a second while scripts hold the runtime")
    func healthWhileBusy() async throws {
        // Eight calls of 0.4 s each, in one event: once the first has begun, the runtime stays
        // held for 2.8 s more, longer than the one second /health waits for it.
        let slow = """
        return bot { name = "slow", escalation = { queue = "support" },
          on_message = function(conv, msg) log("busy now"); local t = os.clock(); while os.clock() - t < 0.4 do end end }
        """
        let logs = LogRecorder()
        let deployment = try TestDeployment(scripts: ["slow.lua": slow], toml: "[budget]\nwall_ms = 500\ninstructions = 1000000000\n")
        try await deployment.withRoutes(ServerOptions(logger: logs.logger)) { routes in
            let messages = (0..<8).map { #"{"from":"14155550\#(200 + $0)","id":"wamid.busy.\#($0)","timestamp":"1767603600","type":"text","text":{"body":"hi"}}"# }
            let body = #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"1234"},"messages":["# + messages.joined(separator: ",") + "]}}]}]}"
            #expect(try await routes.webhook(body).status == 200)
            try await logs.waitForLine(containing: "busy now")
            let health = try await routes.get("/health")
            #expect(health.status == 200)
            #expect(health.json["runtime_busy"] == true)
            #expect(health.json["ok"] == true)  // busy with calls inside their budget is not stuck
        }
    }
}
