import Foundation
import ParleyJSON
import Testing

@Suite("Agent API", .serialized)
struct AgentAPITests {
    @Test("queue, claim, reply, macro, release and audit")
    func agentFlow() async throws {
        let macro = #"return macro { name = "thanks", run = function(conv, args) send(conv, "Thanks, " .. (args.name or "friend")) end }"#
        try await TestDeployment(scripts: ["echo.lua": echoBot, "thanks.lua": macro]).withRoutes { routes in
            let base = "conversations/+14155550101"
            #expect(try await routes.get("/agent/queue").status == 401)
            _ = try await routes.webhook(textWebhook(from: "14155550101", text: "human", id: "wamid.in.a1"))
            try await routes.settled()
            #expect(try await routes.agent("queue").body.contains("+14155550101"))

            let claim = try await routes.agent(base + "/claim", body: #"{"agent":"dana"}"#)
            #expect(claim.body.contains(#""queue":"support""#))
            let reply = try await routes.agent(base + "/reply", body: #"{"text":"Hi, Dana here"}"#)
            #expect(reply.body.contains(#""ok":true"#))
            let refused = try await routes.agent(base + "/reply", body: #"{"template":"nope"}"#)
            #expect(refused.body.contains(#""reason":"template_not_found""#))
            let ran = try await routes.agent(base + "/macros/thanks", body: #"{"name":"Ana"}"#)
            #expect(ran.body.contains("Thanks, Ana"))
            let missing = try await routes.agent(base + "/macros/nope", body: "{}")
            #expect(missing.status == 404)
            let released = try await routes.agent(base + "/release", body: #"{"note":"done"}"#)
            #expect(released.body.contains(#""owner":"bot:echo""#))

            let records = try await routes.agent(base + "/audit").json.arrayValue ?? []
            #expect(records.contains { $0["reason"] == "template_not_found" })
            #expect(try await routes.agent("conversations/hello").status == 400)
            #expect(try await routes.agent("messages/out-999/audit").status == 404)

            // Consent as it now stands: an opt-out (the contact asked to stop) stops every
            // business-initiated message, keeps the recorded opt-in for after START, and is not
            // the platform's promotions control.
            _ = try await routes.agent(base + "/opt_in", body: "")
            let optOut = try await routes.agent(base + "/opt_out", body: "").json
            #expect(optOut["opted_in"] == true)
            #expect(optOut["opted_out"] == true)
            #expect(optOut["marketing_opted_out"] == false)
        }
    }

    @Test("a conversation another agent holds stays theirs, unless a supervisor takes it over")
    func claimConflict() async throws {
        try await TestDeployment(scripts: ["echo.lua": echoBot]).withRoutes { routes in
            let base = "conversations/+14155550101"
            #expect(try await routes.agent(base + "/claim", body: #"{"agent":"dana"}"#).status == 200)
            #expect(try await routes.agent(base + "/claim", body: #"{"agent":"dana"}"#).status == 200)
            let taken = try await routes.agent(base + "/claim", body: #"{"agent":"eve"}"#)
            #expect(taken.status == 409)
            #expect(taken.json["error"]?.stringValue?.contains("claimed by dana") == true)
            #expect(taken.json["fix"]?.stringValue?.contains("\"take_over\": true") == true)
            let over = try await routes.agent(base + "/claim", body: #"{"agent":"eve","take_over":true}"#)
            #expect(over.status == 200)
            #expect(try await routes.agent(base).body.contains(#""agent":"eve""#))
        }
    }

    @Test("agents by name: a per-agent token names its agent, the shared one needs a name, and replies, claims and releases say who")
    func agentsByName() async throws {
        try await TestDeployment(scripts: ["echo.lua": echoBot], live: "http://127.0.0.1:9").withRoutes { routes in
            let base = "conversations/+14155550101"
            _ = try await routes.webhook(textWebhook(from: "14155550101", text: "hi", id: "wamid.in.n1"))
            try await routes.settled()
            let nameless = try await routes.agent(base + "/reply", body: #"{"text":"hello"}"#, as: nil)
            #expect(nameless.status == 400)
            #expect(nameless.json["fix"]?.stringValue?.contains("X-Parley-Agent") == true)
            let eve = [("Authorization", "Bearer eve-token-01234567890")]
            let posing = try await routes.agent(base + "/reply", body: #"{"text":"hello","agent":"dana"}"#, as: nil, headers: eve)
            #expect(posing.status == 403)
            // Eve writes into the conversation the bot holds: she claims it first, so the bot is muted.
            let reply = try await routes.agent(base + "/reply", body: #"{"text":"Eve here"}"#, as: nil, headers: eve)
            #expect(reply.json["ok"] == true)
            let conversation = try await routes.agent(base).json
            #expect(conversation["owner"] == "human:support")
            #expect(conversation["handoff"]?["agent"] == "eve")
            // Dana cannot write over Eve without taking over.
            #expect(try await routes.agent(base + "/reply", body: #"{"text":"Dana here"}"#).status == 409)
            let released = try await routes.agent(base + "/release", body: "{}", as: nil, headers: eve)
            #expect(released.json["owner"] == "bot:echo")
            let transcript = await routes.service.transcript()
            #expect(transcript.contains { $0.contains(#""type":"claimed""#) && $0.contains(#""agent":"eve""#) && $0.contains(#""implicitly":"by replying""#) })
            #expect(transcript.contains { $0.contains(#""by":"agent:eve""#) })
            #expect(transcript.contains { $0.contains(#""type":"released""#) && $0.contains(#""agent":"eve""#) })
        }
    }

    @Test("a macro that fails says so, and names the declared params it was not given")
    func macroFailure() async throws {
        let macro = """
        return macro { name = "ship", params = { "order_id", "eta" },
          run = function(conv, args) send(conv, "Order " .. args.order_id .. " arrives " .. args.eta) end }
        """
        try await TestDeployment(scripts: ["echo.lua": echoBot, "ship.lua": macro]).withRoutes { routes in
            let base = "conversations/+14155550101"
            _ = try await routes.webhook(textWebhook(from: "14155550101", text: "hi", id: "wamid.in.m1"))
            try await routes.settled()
            let failed = try await routes.agent(base + "/macros/ship", body: #"{"order_id":"A1"}"#).json
            #expect(failed["ok"] == false)
            #expect(failed["missing_params"] == ["eta"])
            #expect(failed["error"]?.stringValue?.contains("eta") == true)
            let records = failed["transcript"]?.arrayValue ?? []
            #expect(records.map { $0["type"] } == ["macro_refused"])   // nothing ran, nothing was sent
            #expect(records.first?["missing"] == ["eta"])
            let empty = try await routes.agent(base + "/macros/ship", body: #"{"order_id":"A1","eta":""}"#).json
            #expect(empty["missing_params"] == ["eta"])
            let ran = try await routes.agent(base + "/macros/ship", body: #"{"order_id":"A1","eta":"today"}"#).json
            #expect(ran["ok"] == true)
            #expect(ran["refused"] == nil)
        }
    }

    @Test("a macro whose send the policy refused is not ok, and lists the refusal")
    func macroRefusedSend() async throws {
        let macro = #"return macro { name = "nudge", run = function(conv, args) send(conv, "Still there?") end }"#
        try await TestDeployment(scripts: ["echo.lua": echoBot, "nudge.lua": macro]).withRoutes { routes in
            // The contact never wrote: no window, so free text is refused.
            let answer = try await routes.agent("conversations/+14155550101/macros/nudge", body: "{}").json
            #expect(answer["ok"] == false)
            #expect(answer["error"] == nil)
            let refused = answer["refused"]?.arrayValue ?? []
            #expect(refused.count == 1)
            #expect(refused.first?["reason"] == "outside_window")
            #expect(refused.first?["code"] == 131047)
        }
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
        let deployment = try TestDeployment(scripts: ["echo.lua": echoBot], folder: folder, templates: "templates.json")
        try await deployment.withRoutes { routes in
            let contacts = (0..<300).map { "+1415556\(String(format: "%04d", $0))" }
            for contact in contacts {
                _ = try await routes.agent("conversations/\(contact)/opt_in", body: "{}")
            }
            let body = #"{"template":"order_update","params":["A1","late"]}"#
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for contact in contacts {
                    group.addTask { try await routes.agent("conversations/\(contact)/reply", body: body).body }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let accepted = answers.filter { $0.contains(#""ok":true"#) }.count
            let refused = answers.filter { $0.contains(#""reason":"messaging_limit""#) }.count
            #expect(accepted == 250)
            #expect(refused == 50)
        }
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
        try await TestDeployment(scripts: ["echo.lua": echoBot], live: graphURL).withRoutes { routes in
            try await routes.service.signals.waitUntilTemplateSyncs(1)
            _ = try await routes.agent("conversations/+14155550101/opt_in", body: "{}")
            let reply = try await routes.agent("conversations/+14155550101/reply", body: #"{"template":"order_update","params":["A1","late"]}"#)
            #expect(reply.body.contains(#""ok":true"#))
            let paused = try await routes.agent("conversations/+14155550101/reply", body: #"{"template":"spring_sale"}"#)
            #expect(paused.body.contains(#""reason":"template_paused""#))
        }
    }
}
