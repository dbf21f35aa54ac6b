import Foundation
import ParleyJSON
import Testing

@Suite("Agent API", .serialized)
struct AgentAPITests {
    @Test("queue, claim, reply, macro, release and audit")
    func agentFlow() async throws {
        let macro = #"return macro { name = "thanks", run = function(conv, args) send(conv, "Thanks, " .. (args.name or "friend")) end }"#
        let server = try await RunningServer.start(scripts: ["echo.lua": echoBot, "thanks.lua": macro])
        defer { Task { await server.stop() } }
        let base = server.url + "/agent/conversations/+14155550101"

        #expect(try await Client.get(server.url + "/agent/queue").status == 401)
        _ = try await Client.webhook(server, textWebhook(from: "14155550101", text: "human", id: "wamid.in.a1"))
        #expect(try await eventually { (try await Client.get(server.url + "/agent/queue", headers: Client.agent)).body.contains("+14155550101") })

        let claim = try await Client.post(base + "/claim", body: #"{"agent":"dana"}"#, headers: Client.agent)
        #expect(claim.body.contains(#""queue":"support""#))
        let reply = try await Client.post(base + "/reply", body: #"{"text":"Hi, Dana here"}"#, headers: Client.agent)
        #expect(reply.body.contains(#""ok":true"#))
        let refused = try await Client.post(base + "/reply", body: #"{"template":"nope"}"#, headers: Client.agent)
        #expect(refused.body.contains(#""reason":"template_not_found""#))
        let ran = try await Client.post(base + "/macros/thanks", body: #"{"name":"Ana"}"#, headers: Client.agent)
        #expect(ran.body.contains("Thanks, Ana"))
        let missing = try await Client.post(base + "/macros/nope", body: "{}", headers: Client.agent)
        #expect(missing.status == 404)
        let released = try await Client.post(base + "/release", body: #"{"note":"done"}"#, headers: Client.agent)
        #expect(released.body.contains(#""owner":"bot:echo""#))

        let audit = try await Client.get(base + "/audit", headers: Client.agent)
        let records = try JSONValue.parse(audit.body).arrayValue ?? []
        #expect(records.contains { $0["reason"] == "template_not_found" })
        let bad = try await Client.get(server.url + "/agent/conversations/hello", headers: Client.agent)
        #expect(bad.status == 400)
    }
}
