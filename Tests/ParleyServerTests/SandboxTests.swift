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
        let server = try await RunningServer.start(scripts: ["echo.lua": Self.bot])
        defer { Task { await server.stop() } }
        let answer = try await Client.post(server.url + "/sandbox/inbound", body: #"{"from":"+14155550101","text":"where is 10234?"}"#)
        #expect(answer.status == 200)
        #expect(answer.body.contains(#""type":"inbound""#))
        #expect(answer.body.contains(#""text":"echo: where is 10234?""#))
        let transcript = try await Client.get(server.url + "/sandbox/transcript")
        #expect(transcript.body.contains(#""text":"echo: where is 10234?""#))

        let bad = try await Client.post(server.url + "/sandbox/inbound", body: #"{"from":"nobody","text":"hi"}"#)
        #expect(bad.status == 400)
        #expect(bad.body.contains("phone number"))
    }

    @Test("a failed status told twice reaches the bot once")
    func statusOnce() async throws {
        let server = try await RunningServer.start(scripts: ["echo.lua": Self.bot])
        defer { Task { await server.stop() } }
        _ = try await Client.post(server.url + "/sandbox/inbound", body: #"{"from":"+14155550101","text":"hi"}"#)
        let status = """
        {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"1234"},"statuses":[{"id":"wamid.sandbox.out-1","status":"failed","timestamp":"1767603600","recipient_id":"14155550101","errors":[{"code":131026,"title":"Message undeliverable"}]}]}}]}]}
        """
        #expect(try await eventually { await server.server.service.deliveryCounts()[.accepted] == 1 })
        for _ in 0..<2 { #expect(try await Client.webhook(server, status).status == 200) }
        #expect(try await eventually { try await Client.get(server.url + "/sandbox/transcript").body.contains("noted: out-1") })
        try await Task.sleep(for: .milliseconds(300))
        let lines = try await Client.get(server.url + "/sandbox/transcript").body.split(separator: "\n")
        #expect(lines.filter { $0.contains("noted: out-1") && $0.contains(#""type":"sent""#) }.count == 1)
    }

    @Test("messages posted after a restart are new messages, not retries of the first ones")
    func idsAcrossRestarts() async throws {
        let first = try await RunningServer.start(scripts: ["echo.lua": Self.bot])
        _ = try await Client.post(first.url + "/sandbox/inbound", body: #"{"from":"+14155550101","text":"one"}"#)
        await first.stop()
        let second = try await RunningServer.start(scripts: [:], folder: first.folder)
        defer { Task { await second.stop() } }
        let answer = try await Client.post(second.url + "/sandbox/inbound", body: #"{"from":"+14155550102","text":"two"}"#)
        #expect(answer.body.contains(#""text":"echo: two""#))
        #expect(answer.body.contains("wamid.sandbox.in.2"))
    }

    @Test("/health answers within a second while scripts hold the runtime")
    func healthWhileBusy() async throws {
        let slow = """
        return bot { name = "slow", escalation = { queue = "support" },
          on_message = function(conv, msg) local t = os.clock(); while os.clock() - t < 0.4 do end end }
        """
        let server = try await RunningServer.start(scripts: ["slow.lua": slow], toml: "[budget]\nwall_ms = 500\ninstructions = 1000000000\n")
        defer { Task { await server.stop() } }
        let messages = (0..<8).map { #"{"from":"14155550\#(200 + $0)","id":"wamid.busy.\#($0)","timestamp":"1767603600","type":"text","text":{"body":"hi"}}"# }
        let body = #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"1234"},"messages":["# + messages.joined(separator: ",") + "]}}]}]}"
        #expect(try await Client.webhook(server, body).status == 200)
        try await Task.sleep(for: .milliseconds(300))
        let health = try await Client.get(server.url + "/health")
        #expect(health.status == 200)
        #expect(health.body.contains(#""runtime_busy":true"#))
        #expect(health.body.contains(#""ok":true"#))  // busy with calls inside their budget is not stuck
    }
}
