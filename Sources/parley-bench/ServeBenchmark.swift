import AsyncHTTPClient
import Foundation
import NIOCore
import ParleyJSON
import ParleyServer

#if canImport(Glibc)
import Glibc
#endif

/// `parley-bench --serve`: a real `parley serve` in a child process, with durable SQLite
/// state and a Lua bot that answers every message; this process posts it signed webhooks
/// and plays the Graph API on loopback. Measures webhook-to-reply throughput and latency,
/// and the server's memory over time.
///
/// Load is open-loop at `rate` messages a second (0: as fast as `connections` allow), so a
/// server that falls behind shows it as a growing backlog and latency, not as a slower
/// client.
struct ServeBenchmark {
    let stdlib: URL
    let seconds: Int
    let connections: Int
    let rate: Int

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-serve-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let replies = ReplyLog()
        let graphURL = Rendezvous<String>()
        let graph = Task { try await LoopbackGraphAPI(onMessage: { await replies.arrived($0) }).run { await graphURL.set($0) } }
        defer { graph.cancel() }
        let port = try Self.freePort()
        try Self.writeDeployment(in: folder, graph: await graphURL.value, port: port)
        let server = try launchServer(folder)
        defer { if server.isRunning { server.terminate() } }
        let base = "http://127.0.0.1:\(port)"
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(connectionPool: .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)))
        do {
            try await measure(base, client, server, replies)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func measure(_ base: String, _ client: HTTPClient, _ server: Process, _ replies: ReplyLog) async throws {
        try await waitUntilHealthy(base, client)

        let load = rate > 0 ? "\(rate) messages/s offered" : "as fast as \(connections) connections allow"
        print("parley-bench --serve: \(seconds) s, \(load), one contact per 10 messages (under the pair-rate burst); the server in its own process, SQLite in WAL mode")
        let start = ContinuousClock.now  // wall-clock ok: a benchmark measures real time
        let cpuAtStart = Self.cpuSeconds(of: server.processIdentifier)
        let sampler = Task { try await sampleEveryTenSeconds(base, client, server.processIdentifier, replies) }
        let posted = try await postWebhooks(to: base + "/webhook", client, replies, until: start + .seconds(seconds))
        let postedAt = ContinuousClock.now  // wall-clock ok
        // Let the server drain, for up to a minute.
        for _ in 0..<600 where await replies.count < posted {
            try await Task.sleep(for: .milliseconds(100))
        }
        let finished = ContinuousClock.now  // wall-clock ok
        let cpu = Self.cpuSeconds(of: server.processIdentifier) - cpuAtStart
        sampler.cancel()
        let memory = (try? await sampler.value) ?? []

        let stopping = ContinuousClock.now  // wall-clock ok
        server.terminate()
        while server.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        let stopped = ContinuousClock.now - stopping  // wall-clock ok

        let answered = await replies.count
        let latencies = await replies.latencies.sorted()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print(Self.row("webhooks accepted (200 returned)", "\(Int(Double(posted) / postedAt.seconds(since: start))) /s", "\(posted) in all"))
        print(Self.row("replies at the Graph API", "\(Int(Double(answered) / finished.seconds(since: start))) /s", "\(answered) in all; target ≥ 2,000/s"))
        print(Self.row("webhook-to-reply latency", String(format: "p50 %.1f ms, p99 %.1f ms", percentile(0.5), percentile(0.99)), "target p99 < 50 ms"))
        print(Self.row("server CPU per message", String(format: "%.0f µs", cpu / Double(max(answered, 1)) * 1e6),
                       String(format: "%.2f cores on average", cpu / finished.seconds(since: start))))
        print(Self.row("server resident memory", "\((memory.first ?? 0) >> 20) MiB at start, \((memory.max() ?? 0) >> 20) MiB at most",
                       "every 10 s: " + memory.map { "\($0 >> 20)" }.joined(separator: " ")))
        print(Self.row("graceful stop (SIGTERM to exit)", String(format: "%.2f s", stopped.inSeconds), "exit status \(server.terminationStatus)"))
    }

    // MARK: The server

    private static func writeDeployment(in folder: URL, graph: String, port: Int) throws {
        try """
        return bot {
          name = "echo",
          escalation = { queue = "support" },
          on_message = function(conv, msg)
            conv.state.seen = (conv.state.seen or 0) + 1
            send(conv, "echo: " .. msg.text)
          end,
        }
        """.write(to: folder.appendingPathComponent("echo.lua"), atomically: true, encoding: .utf8)
        try """
        [server]
        port = \(port)
        database = "data/parley.sqlite"
        [cloud_api]
        base_url = "\(graph)"
        phone_number_id = "1234"
        concurrent_sends = 32
        [policy]
        throughput = 100000
        """.write(to: folder.appendingPathComponent("parley.toml"), atomically: true, encoding: .utf8)
    }

    private static let secret = "bench-secret"

    private func launchServer(_ folder: URL) throws -> Process {
        let process = Process()
        // `parley`, built beside this benchmark: the server is measured as operators run it.
        let parley = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("parley")
        guard FileManager.default.isExecutableFile(atPath: parley.path) else {
            throw BenchError("no parley executable beside parley-bench (\(parley.path)); build both: swift build -c release")
        }
        process.executableURL = parley
        process.arguments = ["serve", "--config", folder.appendingPathComponent("parley.toml").path, "--log-level", "error", "--stdlib", stdlib.path]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["PARLEY_ACCESS_TOKEN": "bench", "PARLEY_APP_SECRET": Self.secret], uniquingKeysWith: { $1 })
        try process.run()
        return process
    }

    private func waitUntilHealthy(_ base: String, _ client: HTTPClient) async throws {
        for _ in 0..<300 {
            if (try? await health(base, client)) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("parley serve did not answer GET /health within 30 s")
    }

    private func health(_ base: String, _ client: HTTPClient) async throws -> JSONValue {
        let response = try await client.execute(HTTPClientRequest(url: base + "/health"), timeout: .seconds(5))
        return try JSONValue.parse(Array((try await response.body.collect(upTo: 1 << 16)).readableBytesView))
    }

    /// Every 10 s: the server's memory, and a progress line with its queues.
    private func sampleEveryTenSeconds(_ base: String, _ client: HTTPClient, _ pid: Int32, _ replies: ReplyLog) async throws -> [Int] {
        var samples = [Self.residentBytes(of: pid)]
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(10)) } catch { break }
            samples.append(Self.residentBytes(of: pid))
            let queues = try? await health(base, client)
            print("  \((samples.count - 1) * 10) s: \(await replies.count) replies; inbox backlog \(queues?["inbox_backlog"]?.integerValue ?? -1), "
                + "deliveries waiting \(queues?["deliveries_waiting"]?.integerValue ?? -1); \(samples.last! >> 20) MiB")
        }
        return samples
    }

    /// User and system CPU time the process has used, from /proc/<pid>/stat.
    private static func cpuSeconds(of pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        // After the command name: state is field 3, utime 14 and stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private static func residentBytes(of pid: Int32) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }

    // MARK: The load

    /// Posts webhooks on `connections` connections until `end`; returns how many the server
    /// accepted.
    private func postWebhooks(to url: String, _ client: HTTPClient, _ replies: ReplyLog, until end: ContinuousClock.Instant) async throws -> Int {
        let interval: Duration? = rate > 0 ? .nanoseconds(Int64(1e9 * Double(connections) / Double(rate))) : nil
        let start = ContinuousClock.now  // wall-clock ok
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<connections {
                group.addTask {
                    var n = 0
                    var due = start + (interval ?? .zero) * Double(worker) / Double(connections)
                    while due < end {
                        if let interval {
                            if due > .now { try await Task.sleep(until: due) }  // wall-clock ok
                            due += interval
                        } else {
                            due = .now  // wall-clock ok
                        }
                        let id = "w\(worker)-\(n)"
                        let contact = "1415\(String(format: "%07d", worker * 100_000 + n / 10))"
                        let body = Self.webhook(from: contact, id: id)
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.headers.add(name: "X-Hub-Signature-256", value: WebhookSignature.header(for: Array(body.utf8), secret: Self.secret))
                        request.body = .bytes(ByteBuffer(string: body))
                        await replies.posted(id)
                        let response = try await client.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 16)
                        guard response.status == .ok else { throw BenchError("the server answered a webhook with \(response.status)") }
                        n += 1
                    }
                    return n
                }
            }
            return try await group.reduce(0, +)
        }
    }

    private static func webhook(from contact: String, id: String) -> String {
        #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"1234"},"contacts":[{"profile":{"name":"A"},"wa_id":"\#(contact)"}],"messages":[{"from":"\#(contact)","id":"wamid.\#(id)","timestamp":"1767603600","type":"text","text":{"body":"\#(id)"}}]}}]}]}"#
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("cannot open a socket to find a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw BenchError("cannot find a free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func row(_ what: String, _ figure: String, _ note: String) -> String {
        func pad(_ text: String, _ width: Int) -> String { text.count >= width ? text + " " : text.padding(toLength: width, withPad: " ", startingAt: 0) }
        return pad(what, 38) + pad(figure, 34) + note
    }
}

/// When each message was posted, and when its reply reached the Graph API.
private actor ReplyLog {
    private var postedAt: [String: ContinuousClock.Instant] = [:]
    private(set) var latencies: [Double] = []
    private(set) var count = 0

    func posted(_ id: String) { postedAt[id] = .now }  // wall-clock ok

    /// A message body from the server: `"echo: <id>"`.
    func arrived(_ body: [UInt8]) {
        count += 1
        guard let json = try? JSONValue.parse(body), let text = json["text"]?["body"]?.stringValue,
            let start = postedAt.removeValue(forKey: String(text.dropFirst("echo: ".count)))
        else { return }
        latencies.append((ContinuousClock.now - start).inSeconds * 1000)  // wall-clock ok
    }
}

/// A value one task provides and others wait for.
actor Rendezvous<Value: Sendable> {
    private var value_: Value?
    private var waiters: [CheckedContinuation<Value, Never>] = []

    func set(_ value: Value) {
        value_ = value
        for waiter in waiters { waiter.resume(returning: value) }
        waiters.removeAll()
    }

    var value: Value {
        get async {
            if let value_ { return value_ }
            return await withCheckedContinuation { waiters.append($0) }
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension ContinuousClock.Instant {
    func seconds(since start: Self) -> Double { (self - start).inSeconds }
}
