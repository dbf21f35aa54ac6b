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
        #expect(try await Client.get(server.url + "/agent/messages/out-999/audit", headers: Client.agent).status == 404)

        // Consent as it now stands: an opt-out stops marketing and keeps the recorded opt-in.
        _ = try await Client.post(base + "/opt_in", body: "", headers: Client.agent)
        let optOut = try JSONValue.parse(try await Client.post(base + "/opt_out", body: "", headers: Client.agent).body)
        #expect(optOut["opted_in"] == true)
        #expect(optOut["marketing_opted_out"] == true)
    }

    @Test("a conversation another agent holds stays theirs, unless a supervisor takes it over")
    func claimConflict() async throws {
        let server = try await RunningServer.start(scripts: ["echo.lua": echoBot])
        defer { Task { await server.stop() } }
        let base = server.url + "/agent/conversations/+14155550101"
        #expect(try await Client.post(base + "/claim", body: #"{"agent":"dana"}"#, headers: Client.agent).status == 200)
        #expect(try await Client.post(base + "/claim", body: #"{"agent":"dana"}"#, headers: Client.agent).status == 200)
        let taken = try await Client.post(base + "/claim", body: #"{"agent":"eve"}"#, headers: Client.agent)
        #expect(taken.status == 409)
        #expect(taken.body.contains("claimed by dana"))
        let over = try await Client.post(base + "/claim", body: #"{"agent":"eve","take_over":true}"#, headers: Client.agent)
        #expect(over.status == 200)
        #expect(try await Client.get(base, headers: Client.agent).body.contains(#""agent":"eve""#))
    }

    @Test("a macro that fails says so, and names the declared params it was not given")
    func macroFailure() async throws {
        let macro = """
        return macro { name = "ship", params = { "order_id", "eta" },
          run = function(conv, args) send(conv, "Order " .. args.order_id .. " arrives " .. args.eta) end }
        """
        let server = try await RunningServer.start(scripts: ["echo.lua": echoBot, "ship.lua": macro])
        defer { Task { await server.stop() } }
        let base = server.url + "/agent/conversations/+14155550101"
        _ = try await Client.webhook(server, textWebhook(from: "14155550101", text: "hi", id: "wamid.in.m1"))
        let failed = try JSONValue.parse(try await Client.post(base + "/macros/ship", body: #"{"order_id":"A1"}"#, headers: Client.agent).body)
        #expect(failed["ok"] == false)
        #expect(failed["missing_params"] == ["eta"])
        #expect(failed["error"]?.stringValue?.contains("eta") == true)
        let ran = try JSONValue.parse(try await Client.post(base + "/macros/ship", body: #"{"order_id":"A1","eta":"today"}"#, headers: Client.agent).body)
        #expect(ran["ok"] == true)
    }
}

@Suite("Messaging limit under load", .serialized)
struct LimitConcurrencyTests {
    @Test("many agents sending templates to new contacts at once never pass the limit")
    func neverOvershoot() async throws {
        let templates = #"{"data":[{"name":"order_update","language":"en_US","status":"APPROVED","category":"UTILITY","components":[{"type":"BODY","text":"Order {{1}} is {{2}}."}]}]}"#
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-limit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try templates.write(to: folder.appendingPathComponent("templates.json"), atomically: true, encoding: .utf8)
        let server = try await RunningServer.start(scripts: ["echo.lua": echoBot], toml: "", folder: folder, templates: "templates.json")
        defer { Task { await server.stop() } }
        let contacts = (0..<300).map { "+1415556\(String(format: "%04d", $0))" }
        for contact in contacts {
            _ = try await Client.post(server.url + "/agent/conversations/\(contact)/opt_in", body: "{}", headers: Client.agent)
        }
        let body = #"{"template":"order_update","params":["A1","late"]}"#
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for contact in contacts {
                group.addTask { try await Client.post(server.url + "/agent/conversations/\(contact)/reply", body: body, headers: Client.agent).body }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let accepted = answers.filter { $0.contains(#""ok":true"#) }.count
        let refused = answers.filter { $0.contains(#""reason":"messaging_limit""#) }.count
        #expect(accepted == 250)
        #expect(refused == 50)
    }
}

@Suite("Template sync", .serialized)
struct TemplateSyncTests {
    static let page1 = #"{"data":[{"name":"order_update","language":"en_US","status":"APPROVED","category":"UTILITY","components":[{"type":"BODY","text":"Order {{1}} is {{2}}."}]}],"paging":{"cursors":{"before":"a","after":"p2"},"next":"http://next"}}"#
    static let page2 = #"{"data":[{"name":"spring_sale","language":"en_US","status":"PAUSED","category":"MARKETING","components":[{"type":"BODY","text":"Sale!"}]}],"paging":{"cursors":{"before":"p2","after":"end"}}}"#

    @Test("serve syncs the catalog from every page at start, and a sent template uses it")
    func syncAtStart() async throws {
        let graph = FakeGraphAPI()
        await graph.serveTemplates(["": Self.page1, "p2": Self.page2])
        let graphURL = try await graph.start()
        let server = try await RunningServer.start(scripts: ["echo.lua": echoBot], live: graphURL)
        defer { Task { await server.stop() } }
        _ = try await Client.post(server.url + "/agent/conversations/+14155550101/opt_in", body: "{}", headers: Client.agent)
        #expect(try await eventually {
            let reply = try await Client.post(server.url + "/agent/conversations/+14155550101/reply",
                                              body: #"{"template":"order_update","params":["A1","late"]}"#, headers: Client.agent)
            return reply.body.contains(#""ok":true"#)
        })
        let paused = try await Client.post(server.url + "/agent/conversations/+14155550101/reply", body: #"{"template":"spring_sale"}"#, headers: Client.agent)
        #expect(paused.body.contains(#""reason":"template_paused""#))
    }
}
