import Foundation
import ParleyJSON
import Testing

/// A real `parley serve` process, killed with SIGKILL in the middle of its work and started
/// again: no accepted webhook is lost, no message goes out twice, timers still fire.
@Suite("Crash and restart", .serialized)
struct DurabilityTests {
    static let parley = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("parley")

    static let laterBot = """
    return bot {
      name = "later",
      escalation = { queue = "support" },
      on_message = function(conv, msg)
        send(conv, "echo " .. msg.text)
        schedule(conv, "2s", "later", { text = msg.text })
      end,
      on_timer = function(conv, name, data) send(conv, "later " .. data.text) end,
    }
    """

    /// A folder with the later bot and a config that sends to `graphURL`; returns the folder
    /// and the port the server will listen on.
    func deployment(_ name: String, graphURL: String, extraConfig: String = "") throws -> (folder: URL, port: Int) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.laterBot.write(to: folder.appendingPathComponent("later.lua"), atomically: true, encoding: .utf8)
        let port = 21000 + Int.random(in: 0..<4000)
        try """
        [server]
        port = \(port)
        database = "data/parley.sqlite"
        [cloud_api]
        base_url = "\(graphURL)"
        phone_number_id = "1234"
        \(extraConfig)
        """.write(to: folder.appendingPathComponent("parley.toml"), atomically: true, encoding: .utf8)
        return (folder, port)
    }

    /// `parley serve` on `folder`'s config; `errors` keeps its standard error in a pipe.
    func launch(_ folder: URL, port: Int, errors: Bool = false) throws -> Process {
        let process = Process()
        process.executableURL = Self.parley
        process.arguments = ["serve", "--config", folder.appendingPathComponent("parley.toml").path, "--stdlib", stdlib.path,
                             "--log-level", "error", "--port", "\(port)"]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["PARLEY_APP_SECRET": appSecret, "PARLEY_ACCESS_TOKEN": "graph-token", "PARLEY_AGENT_TOKEN": "agent-token"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors ? Pipe() : FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test("kill -9 mid-stream, restart: every message answered once, every timer fired")
    func killAndRestart() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        let (folder, port) = try deployment("crash", graphURL: graphURL)
        let url = "http://127.0.0.1:\(port)"

        var process = try launch(folder, port: port)
        #expect(try await eventually { (try? await Client.get(url + "/health"))?.status == 200 })
        let contacts = (0..<40).map { "141555502\(String(format: "%02d", $0))" }
        for (i, contact) in contacts.enumerated() {
            if i == 20 {
                kill(process.processIdentifier, SIGKILL)   // in the middle of the stream
                process.waitUntilExit()
                process = try launch(folder, port: port)
                #expect(try await eventually { (try? await Client.get(url + "/health"))?.status == 200 })
            }
            let answer = try await Client.webhook(url: url, textWebhook(from: contact, text: "m\(i)", id: "wamid.crash.\(i)"))
            #expect(answer.status == 200)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        process = try launch(folder, port: port)
        defer { process.terminate() }

        #expect(try await eventually(20) { await graph.delivered == 80 })
        let texts = await graph.received.compactMap { $0.body["text"]?["body"]?.stringValue }
        let distinct = Set(zip(await graph.received.map(\.idempotencyKey), texts).map { "\($0.0 ?? "")|\($0.1)" })
        #expect(distinct.count == 80)
        for i in 0..<40 {
            #expect(texts.contains("echo m\(i)"))
            #expect(texts.contains("later m\(i)"))
        }
        // Settled: nothing waits in the inbox or the delivery queue, so nothing more can go out.
        #expect(try await eventually {
            guard let health = try? await Client.get(url + "/health"), let json = try? JSONValue.parse(health.body) else { return false }
            return json["inbox_backlog"] == 0 && json["deliveries_waiting"] == 0
        })
        #expect(await graph.delivered == 80)
    }

    @Test("SIGTERM: every webhook accepted before it is answered before the process exits")
    func gracefulStopDrains() async throws {
        let graph = FakeGraphAPI()
        await graph.answerAfter(.milliseconds(100))  // slow, so the sends outlast the signal
        let graphURL = try await graph.start()
        let (folder, port) = try deployment("stop", graphURL: graphURL, extraConfig: "concurrent_sends = 2")
        let url = "http://127.0.0.1:\(port)"
        let process = try launch(folder, port: port)
        #expect(try await eventually { (try? await Client.get(url + "/health"))?.status == 200 })

        for i in 0..<20 {
            let answer = try await Client.webhook(url: url, textWebhook(from: "14155550\(300 + i)", text: "m\(i)", id: "wamid.stop.\(i)"))
            #expect(answer.status == 200)
        }
        #expect(await graph.delivered < 20)  // work is left when the signal comes
        process.terminate()
        process.waitUntilExit()

        #expect(process.terminationStatus == 0)
        let texts = await graph.received.compactMap { $0.body["text"]?["body"]?.stringValue }
        for i in 0..<20 { #expect(texts.contains("echo m\(i)")) }
    }

    @Test("SIGTERM while the Graph API fails: the stop does not wait out the retries, which go at the next start")
    func stopDuringOutage() async throws {
        let graph = FakeGraphAPI()
        await graph.failNext(1_000, status: 500, body: #"{"error":{"message":"An unknown error has occurred.","type":"OAuthException","code":131000,"fbtrace_id":"x"}}"#)
        let graphURL = try await graph.start()
        let (folder, port) = try deployment("outage", graphURL: graphURL)
        let url = "http://127.0.0.1:\(port)"
        var process = try launch(folder, port: port)
        #expect(try await eventually { (try? await Client.get(url + "/health"))?.status == 200 })
        for i in 0..<5 {
            #expect(try await Client.webhook(url: url, textWebhook(from: "14155550\(400 + i)", text: "m\(i)", id: "wamid.outage.\(i)")).status == 200)
        }
        #expect(try await eventually { await graph.received.count >= 5 })
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(await graph.delivered == 0)

        await graph.recover()
        process = try launch(folder, port: port)
        defer { process.terminate() }
        // The echoes, retried after the restart (the timers' "later" messages come too).
        #expect(try await eventually(20) {
            let texts = await graph.received.compactMap { $0.body["text"]?["body"]?.stringValue }
            return await graph.delivered >= 5 && (0..<5).allSatisfy { texts.contains("echo m\($0)") }
        })
    }

    @Test("a second serve on the same database stops at once, naming the first")
    func oneServerPerDatabase() async throws {
        let (folder, port) = try deployment("twice", graphURL: "http://127.0.0.1:9")
        let first = try launch(folder, port: port)
        defer { first.terminate() }
        #expect(try await eventually { (try? await Client.get("http://127.0.0.1:\(port)/health"))?.status == 200 })
        let second = try launch(folder, port: port + 1, errors: true)
        second.waitUntilExit()
        #expect(second.terminationStatus != 0)
        let said = String(decoding: (second.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        #expect(said.contains("in use by process \(first.processIdentifier)"))
    }
}
