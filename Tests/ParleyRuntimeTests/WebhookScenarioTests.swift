import Foundation
import ParleyCloudAPI
import ParleyConfig
import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import ParleySimulation
import Testing

/// A scenario's `webhook` event goes through the same decoder as the server.
@Suite("Webhooks in simulation")
struct WebhookScenarioTests {
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/cloud-api/webhooks")
    static let names = ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()

    func body(_ name: String) throws -> JSONValue {
        try JSONValue.parse(String(contentsOf: Self.fixtures.appendingPathComponent(name), encoding: .utf8))
    }

    @Test("every fixture webhook runs through a world without stopping it", arguments: names)
    func fixture(_ name: String) throws {
        let world = try World(scripts: ["b.lua": bot(#"send(conv, "got " .. msg.type)"#)])
        world.simulation.apply(.webhook(try body(name)))
        world.clear()
        world.inbound(alice, "still alive?")
        // The bot answers; the core sends it, or refuses it with a reason (a banned number).
        let answer = try #require(world.records.last)
        #expect(answer["text"] == "got text" || answer.type == "blocked")
    }

    @Test("a text message webhook reaches the bot, which answers inside the window")
    func textMessage() throws {
        let world = try World(scripts: ["b.lua": bot(#"send(conv, "you said: " .. msg.text)"#)])
        world.simulation.apply(.webhook(try body("pywa__message__text.json")))
        let inbound = try #require(world.of("inbound").first)
        #expect(world.sent.first?["to"] == inbound["from"])
        #expect(world.sentTexts.first?.hasPrefix("you said: ") == true)
    }

    @Test("a retried delivery of the same message is handled once")
    func deduplication() throws {
        let world = try World(scripts: ["b.lua": bot(#"send(conv, "once")"#)])
        let payload = try body("pywa__message__text.json")
        world.simulation.apply(.webhook(payload))
        world.simulation.apply(.webhook(payload))
        #expect(world.sentTexts == ["once"])
    }

    @Test("a template status webhook pauses the template in the catalog")
    func templateStatus() throws {
        let templates = [Template(name: "order_update", language: "en_US", category: .utility, body: "Order {{1}} is {{2}}.")]
        let world = try World(scripts: ["b.lua": bot("")], templates: templates)
        let payload: JSONValue = [
            "object": "whatsapp_business_account",
            "entry": [["id": "1", "changes": [["field": "message_template_status_update", "value": [
                "event": "PAUSED", "message_template_id": 1, "message_template_name": "order_update",
                "message_template_language": "en_US", "reason": "NONE",
            ]]]]],
        ]
        world.simulation.apply(.webhook(payload))
        #expect(world.of("template_status").first?["status"] == "PAUSED")
    }

    @Test("a marketing stop from user_preferences opts the contact out")
    func marketingStop() throws {
        let world = try World(scripts: ["b.lua": bot("")])
        var payload = try body("pywa__user_marketing_preferences__resume.json").encoded()
        payload = payload.replacingOccurrences(of: "\"resume\"", with: "\"stop\"")
        world.simulation.apply(.webhook(try JSONValue.parse(payload)))
        #expect(world.of("opted_out").count == 1)
    }
}

@Suite("Scenario files")
struct ScenarioFileTests {
    func error(_ text: String) -> String? {
        do {
            _ = try Scenario(parsing: text, file: "s.jsonl")
            return nil
        } catch {
            return error.description
        }
    }

    @Test("the clock starts at the first at, or 2026-01-01")
    func start() throws {
        #expect(try Scenario(parsing: #"{"type":"advance","by":"1h"}"#).start == Scenario.defaultStart)
        let s = try Scenario(parsing: """
        {"type":"inbound","from":"+14155550101","text":"hi"}
        {"at":"2026-03-01T10:00:00Z","type":"advance","by":"0s"}
        {"type":"advance","by":"90m"}
        """)
        #expect(s.start == Instant(iso8601: "2026-03-01T10:00:00Z"))
        #expect(s.steps.map(\.at.iso8601) == ["2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z", "2026-03-01T11:30:00Z"])
    }

    @Test("errors name the file, the line and the fix")
    func errors() {
        #expect(error("{\"type\":\"inbound\",\"from\":\"+14155550101\",\"txt\":\"hi\"}")?.hasPrefix("s.jsonl:1: inbound needs exactly one of") == true)
        #expect(error("\n{\"type\":\"teleport\"}")?.hasPrefix("s.jsonl:2: unknown event type \"teleport\"") == true)
        #expect(error("{\"type\":\"advance\",\"by\":\"soon\"}")?.contains("\"soon\" is not a delay: write a number and a unit") == true)
        #expect(error("{\"type\":\"inbound\",\"from\":\"hello\",\"text\":\"hi\"}")?.contains("is not a phone number") == true)
        #expect(error("{not json}")?.contains("not valid JSON") == true)
        #expect(error("{\"type\":\"limit\",\"tier\":\"TIER_3\"}")?.contains("TIER_250") == true)
        #expect(error("{\"type\":\"opt_in\",\"contact\":\"+14155550101\",\"extra\":1}")?.contains("unknown field \"extra\"") == true)
    }

    @Test("time that goes backwards is refused before anything runs")
    func backwards() {
        let text = """
        {"at":"2026-01-02T00:00:00Z","type":"advance","by":"0s"}
        {"at":"2026-01-01T00:00:00Z","type":"inbound","from":"+14155550101","text":"hi"}
        """
        #expect(error(text)?.hasPrefix("s.jsonl:2: \"at\" 2026-01-01T00:00:00Z is before") == true)
    }

    @Test("an unknown macro or template is refused with its line")
    func validation() throws {
        let world = try World(scripts: ["b.lua": bot("")])
        let scenario = try Scenario(parsing: """
        {"type":"inbound","from":"+14155550101","text":"hi"}
        {"type":"macro","name":"nope","to":"+14155550101"}
        """)
        #expect(throws: ScenarioError.self) { try world.simulation.validate(scenario) }
    }
}

@Suite("Configuration file")
struct ConfigFileTests {
    @Test("the example configuration reads")
    func example() throws {
        let config = try ConfigFile.load(contentsOf: examples.appendingPathComponent("parley.toml"))
        #expect(config.queues["orders-team"]?.isOpen(at: Instant(iso8601: "2026-01-05T10:00:00Z")!) == true)
        #expect(config.queues["orders-team"]?.isOpen(at: Instant(iso8601: "2026-01-10T10:00:00Z")!) == false)
        #expect(config.defaultContactRoute == "Write to help@example.com.")
    }

    @Test("a wrong key or value names the key and the fix")
    func errors() {
        func message(_ text: String) -> String? {
            do { _ = try ConfigFile.parse(text); return nil } catch { return error.message }
        }
        #expect(message("defualt_queue = \"x\"")?.contains("defualt_queue: unknown key; known keys here:") == true)
        #expect(message("[queues.a]\nhours = \"Mon-Fri 9-5\"")?.contains("queues.a") == true)
        #expect(message("default_route = \"orders\"")?.contains("\"bot:<name>\" or \"human:<queue>\"") == true)
        #expect(message("[budget]\nmemory_mb = \"lots\"")?.contains("budget.memory_mb") == true)
        #expect(message("a = ")?.contains("line 1") == true)
        #expect(message("[policy]\npair_interval = \"fast\"")?.contains("policy.pair_interval") == true)
    }

    @Test("opening hours")
    func hours() throws {
        let hours = try QueueHours(parsing: "Mon-Fri 09:00-17:00, Sat 10:00-14:00", tz: "-05:00")
        #expect(hours.isOpen(at: Instant(iso8601: "2026-01-05T14:00:00Z")!))   // Mon 09:00 local
        #expect(!hours.isOpen(at: Instant(iso8601: "2026-01-05T13:59:00Z")!))
        #expect(hours.isOpen(at: Instant(iso8601: "2026-01-10T15:00:00Z")!))   // Sat 10:00 local
        #expect(!hours.isOpen(at: Instant(iso8601: "2026-01-11T15:00:00Z")!))  // Sunday
        #expect(throws: ConfigError.self) { try QueueHours(parsing: "weekdays") }
        let weekend = try QueueHours(parsing: "Mon-Fri 09:00-17:00, Sat,Sun 10:00-14:00")
        #expect(weekend.isOpen(at: Instant(iso8601: "2026-01-11T10:30:00Z")!))   // Sunday
    }
}
