import Foundation
import ParleyRuntime
import ParleyTesting
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A folder with an echo bot and the given spec files; runs them and returns the summary.
func run(_ specs: [String: String], filter: String? = nil, wallMilliseconds: Int = 10_000) throws -> SpecSummary {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-spec-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try """
    return bot {
      name = "echo",
      escalation = { queue = "support" },
      on_message = function(conv, msg)
        conv.state.count = (conv.state.count or 0) + 1
        send(conv, "echo " .. conv.state.count .. ": " .. msg.text)
      end,
    }
    """.write(to: folder.appendingPathComponent("echo.lua"), atomically: true, encoding: .utf8)
    for (name, source) in specs {
        try source.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    var runner = SpecRunner(stdlib: repositoryRoot.appendingPathComponent("Stdlib"), filter: filter)
    runner.budget = .init(instructions: 5_000_000, memoryBytes: 64 << 20, wallMilliseconds: wallMilliseconds)
    return runner.run(try SpecRunner.specFiles(in: [folder.path]))
}

func statuses(_ summary: SpecSummary) -> [String: SpecResult.Status] {
    Dictionary(uniqueKeysWithValues: summary.results.map { ($0.name, $0.status) })
}

@Suite("parley test")
struct SpecRunnerTests {
    @Test("a world advancing past the test's time budget stops there, and the report says where it got to")
    func longAdvanceStops() throws {
        let summary = try run([
            "every_minute.lua": #"return automation { name = "tick", every = "1m", run = function() end }"#,
            "a_spec.lua": """
            it("runs ten years of a one-minute automation", function()
              local w = world{}
              w:advance("3650d")
            end)
            it("still runs the next test", function() assert.equals(1, 1) end)
            """,
        ], wallMilliseconds: 1000)
        #expect(summary.results.map(\.status) == [.error, .passed])
        let message = summary.results.first?.message ?? ""
        #expect(message.contains("ran out while its world advanced, at 20"))
    }

    @Test("assert.cost holds what was sent to a bound, and a failure names the amount, the bound and each message priced")
    func costAssertion() throws {
        let summary = try run([
            "parley.toml": "[pricing.service]\n\"44\" = 0.022\ndefault = 0.004",
            "a_spec.lua": #"""
            it("passes", function()
              local w = world{}
              w:inbound("+447700900141", "hi")
              w:inbound("+5511999990000", "oi")
              assert.cost(w, { max = 0.026, min = 0.026 })
              assert.cost(w, { category = "service", max = 0.03 })
              assert.same({ currency = "USD", total = 0.026, marketing = 0, utility = 0, authentication = 0, service = 0.026, priced = 2, free = 0 }, w:cost())
            end)
            it("fails", function()
              local w = world{}
              w:inbound("+447700900141", "hi")
              w:inbound("+447700900141", "again")
              assert.cost(w, { max = 0.04 })
            end)
            it("takes only max, min and category", function() assert.cost(world{}, { most = 1 }) end)
            """#,
        ])
        #expect(summary.results.map(\.status) == [.passed, .failed, .failed])
        #expect(summary.results[1].message?.contains("""
            expected the estimated cost of what was sent since the last clear to be at most 0.04 USD, but it is 0.044 USD. The messages priced:
              out-1 to +447700900141: service, regular, 0.022
              out-2 to +447700900141: service, regular, 0.022
            """) == true, "\(summary.results[1].message ?? "")")
        #expect(summary.results[2].message?.contains("assert.cost: unknown field \"most\"; it takes max, min and category") == true)
    }

    @Test("a test cannot replace an assertion for the tests after it, and an error with a table shows the table")
    func assertionsStay() throws {
        let summary = try run(["a_spec.lua": """
        it("replaces", function() assert.equals = function() end end)
        it("still asserts", function() assert.equals(1, 2) end)
        it("raises a table", function() error({ code = 1 }) end)
        """])
        #expect(summary.results.map(\.status) == [.error, .failed, .error])
        #expect(summary.results[0].message?.contains("assert.equals belongs to the spec library") == true)
        #expect(summary.results[2].message == "error with a table: {code = 1}")
    }

    @Test("a test may hold 100 worlds, not a million")
    func worldsPerTest() throws {
        let summary = try run(["a_spec.lua": """
        it("makes worlds in a loop", function()
          local all = {}
          for i = 1, 1000 do all[i] = world{} end
        end)
        """])
        #expect(summary.results.first?.message?.contains("at most 100 worlds") == true)
    }

    @Test("an assertion names a field the record does not have, a value of the wrong type and a broken pattern")
    func strictAssertions() throws {
        let summary = try run(["a_spec.lua": """
        local w
        before_each(function() w = world{}; w:inbound("+14155550101", "hi") end)
        it("misspelt", function() assert.not_sent(w, { txt = "echo" }) end)
        it("typed", function() assert.blocked(w, { code = "131047" }) end)
        it("pattern", function() assert.sent(w, { text = "echo (" }) end)
        it("plain text that is no pattern", function() w:inbound("+14155550101", "(draft"); assert.sent(w, { text = "(draft" }) end)
        """])
        let messages = summary.results.map { $0.message ?? "" }
        #expect(summary.results.map(\.status) == [.failed, .failed, .failed, .passed])
        #expect(messages[0].contains("a sent record has no field \"txt\"; its fields:"))
        #expect(messages[1].contains("code is compared as a number, got \"131047\""))
        #expect(messages[2].contains("is not a valid Lua pattern: a ( is not closed; it was matched as plain text only"))
    }

    @Test("the fields an assertion may compare, and their types, are those of the runtime's transcript schema")
    func fieldsFromTheSchema() throws {
        let kinds = ["sent", "blocked", "escalated"]
        let summary = try run(["a_spec.lua": """
        local w
        before_each(function() w = world{} end)
        it("sent", function() assert.sent(w, { txt = "echo" }) end)
        it("blocked", function() assert.blocked(w, { txt = "echo" }) end)
        it("escalated", function() assert.escalated(w, { txt = "echo" }) end)
        it("a table field", function() assert.sent(w, { buttons = "yes" }) end)
        """])
        for (kind, result) in zip(kinds, summary.results) {
            let fields = (TranscriptSchema.common + TranscriptSchema.kinds[kind, default: []]).map(\.name).filter { $0 != "type" }.sorted()
            let article = kind == "escalated" ? "an" : "a"
            #expect(result.message?.hasSuffix("assert.\(kind): \(article) \(kind) record has no field \"txt\"; its fields: \(fields.joined(separator: ", "))") == true,
                    "\(result.message ?? "")")
        }
        #expect(summary.results.last?.message?.hasSuffix(#"assert.sent: buttons is compared as a table, got "yes" (a string)"#) == true)
    }

    @Test("the record a failure names reads as the transcript writes it, its fields in the same order")
    func recordsReadAsTheTranscript() throws {
        let summary = try run(["a_spec.lua": """
        local w
        before_each(function() w = world{}; w:inbound("+14155550101", "hi") end)
        it("not_sent", function() assert.not_sent(w, { text = "echo" }) end)
        it("nothing_sent", function() assert.nothing_sent(w) end)
        """])
        #expect(summary.results.map(\.status) == [.failed, .failed])
        for result in summary.results {
            let sent = try #require(result.transcript.first { $0.contains(#""type":"sent""#) })
            #expect(result.message?.contains("but \(sent) was. The transcript:") == true, "\(result.message ?? "")")
        }
    }

    @Test("a passing test passes, and a failing assertion fails with the spec's line and the transcript")
    func failingAssertion() throws {
        let summary = try run(["a_spec.lua": """
        describe("echo", function()
          it("passes", function()
            local w = world{}
            w:inbound("+14155550101", "hi")
            assert.sent(w, { text = "echo 1: hi" })
          end)
          it("fails", function()
            local w = world{}
            w:inbound("+14155550101", "hi")
            assert.sent(w, { text = "something else" })
          end)
        end)
        """])
        #expect(statuses(summary) == ["echo › passes": .passed, "echo › fails": .failed])
        let message = try #require(summary.results.last?.message)
        #expect(message.contains("a_spec.lua:10: expected a sent record with {text = \"something else\"}"))
        #expect(message.contains(#""text":"echo 1: hi""#))
        #expect(summary.closingLine == "1 passed, 1 failed")
    }

    @Test("a test that errors is reported and does not stop the others")
    func erroringTest() throws {
        let summary = try run(["a_spec.lua": """
        it("errors", function() local t = nil; return t.x end)
        it("runs after", function() assert.equals(2, 1 + 1) end)
        """])
        #expect(statuses(summary) == ["errors": .error, "runs after": .passed])
        #expect(summary.failed == 1)
    }

    @Test("a spec file that cannot load is reported, and the other files still run")
    func brokenFile() throws {
        let summary = try run([
            "a_spec.lua": "describe('broken', function() it('x', function() end) end",
            "b_spec.lua": "it('still runs', function() assert.truthy(true) end)",
        ])
        #expect(summary.results.count == 2)
        #expect(summary.results.first?.status == .error)
        #expect(summary.results.first?.message?.contains("a_spec.lua") == true)
        #expect(summary.results.last?.status == .passed)
    }

    @Test("pending tests are counted, not run")
    func pending() throws {
        let summary = try run(["a_spec.lua": """
        pending("later")
        it("now", function() end)
        """])
        #expect(summary.pending == 1)
        #expect(summary.closingLine == "1 passed, 0 failed, 1 pending")
    }

    @Test("each test gets a fresh world: nothing leaks from one test into the next")
    func isolation() throws {
        let summary = try run(["a_spec.lua": """
        local kept
        describe("isolation", function()
          local w
          before_each(function() w = world{} end)
          it("first", function()
            w:inbound("+14155550101", "hi")
            w:opt_out("+14155550101")
            kept = w
            assert.equals(1, w:conversation("+14155550101").state.count)
          end)
          it("second starts from nothing", function()
            w:inbound("+14155550101", "hi")
            assert.sent(w, { text = "echo 1: hi" })
            assert.falsy(w:conversation("+14155550101").marketing_opted_out)
          end)
          it("an earlier test's world is gone", function()
            assert.has_error(function() kept:inbound("+14155550101", "hi") end, "earlier test")
          end)
        end)
        """])
        #expect(summary.failed == 0, "\(summary.results.compactMap(\.message))")
        #expect(summary.passed == 3)
    }

    @Test("a world made outside a test is refused, since tests must not share one")
    func worldAtTopLevel() throws {
        let summary = try run(["a_spec.lua": "local w = world{}\nit('x', function() end)"])
        #expect(summary.results.first?.status == .error)
        #expect(summary.results.first?.message?.contains("belongs inside it or before_each") == true)
    }

    @Test("an endless loop in a test is stopped by its budget; the next test runs")
    func endlessLoop() throws {
        let summary = try run(["a_spec.lua": """
        it("spins", function() while true do end end)
        it("runs after", function() assert.truthy(true) end)
        """])
        #expect(statuses(summary) == ["spins": .error, "runs after": .passed])
        #expect(summary.results.first?.message?.contains("instruction budget") == true)
    }

    @Test("the policy assertions: blocked, escalated, nothing_sent, not_sent, and clear")
    func policyAssertions() throws {
        let summary = try run(["a_spec.lua": """
        it("checks the policy", function()
          local w = world{}
          w:agent_reply("+14155550109", "hello?")
          assert.blocked(w, { reason = "outside_window", code = 131047, to = "+1 (415) 555-0109" })
          assert.nothing_sent(w)
          w:inbound("+14155550101", "human")
          assert.escalated(w, { queue = "support", reason = "keyword", bot = "echo" })
          assert.not_sent(w, { by = "bot:echo" })
          w:clear()
          assert.same({}, w:transcript())
          assert.has_error(function() assert.sent(w, {}) end, "none of the 0 sent records")
        end)
        """])
        #expect(summary.failed == 0, "\(summary.results.compactMap(\.message))")
    }

    @Test("a test's error is an error even when it reads like an assertion a pcall caught")
    func errorClassification() throws {
        let summary = try run(["a_spec.lua": """
        it("errs", function()
          pcall(assert.equals, 1, 2)
          error("expected 1, got 2")
        end)
        """])
        #expect(summary.results.first?.status == .error)
    }

    @Test("each result carries its worlds' transcript, for --verbose and JUnit")
    func transcripts() throws {
        let summary = try run(["a_spec.lua": """
        it("talks", function()
          local w = world{}
          w:inbound("+14155550101", "hi")
        end)
        """])
        #expect(summary.results.first?.transcript.contains { $0.contains(#""type":"sent""#) } == true)
    }

    @Test("a stale world is reported at the spec's line")
    func staleWorldLine() throws {
        let summary = try run(["a_spec.lua": """
        local kept
        it("keeps", function() kept = world{} end)
        it("uses", function()
          kept:transcript()
        end)
        """])
        #expect(summary.results.last?.message?.contains("a_spec.lua:4:") == true, "\(summary.results.last?.message ?? "")")
    }

    @Test("--filter runs only the tests whose name contains it")
    func filter() throws {
        let summary = try run(["a_spec.lua": """
        describe("group", function()
          it("alpha", function() end)
          it("beta", function() end)
        end)
        """], filter: "beta")
        #expect(summary.results.map(\.name) == ["group › beta"])
    }

    @Test("a mistake in world{...}, or an assertion on a stale world, names the spec's line and no line of the spec library")
    func mistakesNameOnlyTheSpec() throws {
        let summary = try run(["a_spec.lua": """
        local kept
        it("keeps", function() kept = world{} end)
        it("misspells an option", function()
          world { tire = "TIER_2K" }
        end)
        it("asserts on a stale world", function()
          assert.sent(kept, { text = "hi" })
        end)
        """])
        let messages = summary.results.map { $0.message ?? "" }
        #expect(messages.allSatisfy { !$0.contains("parley/spec") }, "\(messages)")
        #expect(messages[1].hasSuffix("a_spec.lua:4: world{...}: unknown option 'tire' (known: scripts, templates, config, tier, start)"), "\(messages[1])")
        #expect(messages[2].hasSuffix("a_spec.lua:7: this world belonged to an earlier test; make a new one with world{...} in this test or in before_each"),
                "\(messages[2])")
    }

    @Test("a mistake in an event names the spec's line")
    func eventMistake() throws {
        let summary = try run(["a_spec.lua": """
        it("advances badly", function()
          local w = world{}
          w:advance("soon")
        end)
        """])
        #expect(summary.results.first?.status == .error)
        #expect(summary.results.first?.message?.hasSuffix(#"a_spec.lua:3: advance: "by": "soon" is not a delay: write a number and a unit, such as "90s", "15m", "23h" or "2d", up to 3650d"#) == true)
    }

    @Test("the JUnit report is well-formed XML with a test case per test")
    func junit() throws {
        let summary = try run(["a_spec.lua": """
        it("passes", function() end)
        it("fails <&>", function() assert.equals(1, 2) end)
        pending("later")
        """])
        let xml = JUnitReport.xml(summary)
        let parser = XMLParser(data: Data(xml.utf8))
        let counter = ElementCounter()
        parser.delegate = counter
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        #expect(counter.counts["testcase"] == 3)
        #expect(counter.counts["failure"] == 1)
        #expect(counter.counts["skipped"] == 1)
    }

    @Test("in JUnit the describe blocks are the class and the test's own title its name, › and all")
    func junitNames() throws {
        let summary = try run(["a_spec.lua": """
        describe("menu", function() it("picks 1 › 2", function() end) end)
        """])
        let xml = JUnitReport.xml(summary)
        #expect(xml.contains(#"<testcase classname="menu" name="picks 1 › 2""#))
    }
}

final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
    }
}
