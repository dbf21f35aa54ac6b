import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ParleyConfig
import ParleyJSON
@testable import ParleyServer
import Synchronization

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let stdlib = repositoryRoot.appendingPathComponent("Stdlib")
let appSecret = "test-app-secret"
let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/cloud-api")

/// A stand-in for the Graph API on loopback: it records every send, answers with a wamid,
/// and honours the idempotency key (a key seen before gets the same wamid, and does not
/// count as a new message). It can be told to fail the next requests.
actor FakeGraphAPI {
    struct Received: Sendable {
        let path: String
        let authorization: String?
        let idempotencyKey: String?
        let body: JSONValue
    }

    private(set) var received: [Received] = []
    private var wamids: [String: String] = [:]
    /// Requests answered so far: what `waitUntil` waits on.
    private nonisolated let answered = Watched(0)
    private var failures: [(status: Int, body: String)] = []

    /// Distinct messages delivered (by idempotency key).
    var delivered: Int { wamids.count }

    /// How long each send waits before it is answered: a slow platform.
    private(set) var delay: Duration = .zero

    func answerAfter(_ delay: Duration) { self.delay = delay }

    func failNext(_ count: Int, status: Int, body: String) {
        failures += Array(repeating: (status, body), count: count)
    }

    /// Answers every request from now on.
    func recover() { failures.removeAll() }

    /// The next `count` sends are accepted but held for a quality assessment (template pacing).
    private var holds = 0
    private var heldKeys: Set<String> = []
    func holdNext(_ count: Int) { holds += count }

    func handle(path: String, authorization: String?, key: String?, body: [UInt8]) -> (status: Int, body: String) {
        received.append(Received(path: path, authorization: authorization, idempotencyKey: key, body: (try? JSONValue.parse(body)) ?? .null))
        defer { answered.update { $0 += 1 } }
        if !failures.isEmpty { return failures.removeFirst() }
        let id = key ?? UUID().uuidString
        let seen = wamids[id] != nil
        let wamid = wamids[id] ?? "wamid.fake.\(wamids.count + 1)"
        wamids[id] = wamid
        // A retry under the same key is answered as the first attempt was, held or not.
        if !seen, holds > 0 {
            heldKeys.insert(id)
            holds -= 1
        }
        let status = heldKeys.contains(id) ? #","message_status":"held_for_quality_assessment""# : ""
        return (200, #"{"messaging_product":"whatsapp","contacts":[{"input":"x","wa_id":"x"}],"messages":[{"id":"\#(wamid)"\#(status)}]}"#)
    }

    /// Waits until `condition` holds of what the fake has received, checking again at each
    /// request it answers; throws, naming `what`, when it has not within `limit` (a bound
    /// for a machine under load, not a measure).
    nonisolated func waitUntil(_ what: String, within limit: Duration = .seconds(60),
                               _ condition: @escaping @Sendable (FakeGraphAPI) async -> Bool) async throws {
        let deadline = ContinuousClock.now + limit  // wall-clock ok: a bound, not an assertion
        while true {
            let seen = answered.value
            if await condition(self) { return }
            let left = deadline - ContinuousClock.now  // wall-clock ok
            guard left > .zero else {
                throw WaitTimeout("the fake Graph API: \(what) did not happen within \(limit); it received \(await received.count) request(s)")
            }
            _ = await answered.wait(until: { $0 > seen }, timeout: left)
        }
    }

    /// Template pages served at GET /{version}/{waba}/message_templates, by `after` cursor.
    private var templatePages: [String: String] = [:]

    func serveTemplates(_ pages: [String: String]) { templatePages = pages }

    /// Template drafts submitted: each is answered with an id, PENDING and its category.
    private(set) var submittedTemplates: [Received] = []

    func createTemplate(path: String, authorization: String?, body: [UInt8]) -> (status: Int, body: String) {
        let draft = (try? JSONValue.parse(body)) ?? .null
        submittedTemplates.append(Received(path: path, authorization: authorization, idempotencyKey: nil, body: draft))
        if !failures.isEmpty { return failures.removeFirst() }
        let category = draft["category"]?.stringValue ?? "UTILITY"
        return (200, #"{"id":"59400000000000\#(submittedTemplates.count)","status":"PENDING","category":"\#(category)"}"#)
    }

    /// The business profile as the fake holds it, each update's body, and the uploads.
    private(set) var profile: JSONValue = ["messaging_product": "whatsapp", "about": "Hello", "vertical": "RETAIL"]
    private(set) var profileUpdates: [JSONValue] = []
    private(set) var uploadSessions: [String] = []
    private(set) var uploads: [(bytes: Int, authorization: String?, offset: String?)] = []

    func updateProfile(_ body: [UInt8]) -> (status: Int, body: String) {
        let update = (try? JSONValue.parse(body)) ?? .null
        profileUpdates.append(update)
        if !failures.isEmpty { return failures.removeFirst() }
        var fields = profile.objectValue ?? [:]
        for (key, value) in update.objectValue ?? [:] { fields[key] = value }
        profile = .object(fields)
        return (200, #"{"success":true}"#)
    }

    func openUpload(query: String) -> String {
        uploadSessions.append(query)
        return #"{"id":"upload:MTphdHRhY2htZW50"}"#
    }

    func receiveUpload(_ bytes: [UInt8], authorization: String?, offset: String?) -> String {
        uploads.append((bytes.count, authorization, offset))
        return #"{"h":"4::aW1hZ2UvcG5n:ARb-handle"}"#
    }

    /// The query of each DELETE of templates (`name=...&hsm_id=...`).
    private(set) var deletedTemplates: [String] = []

    func deleteTemplate(query: String) -> (status: Int, body: String) {
        deletedTemplates.append(query)
        if !failures.isEmpty { return failures.removeFirst() }
        return (200, #"{"success":true}"#)
    }

    /// Pages of templates read so far.
    private(set) var templatePageReads = 0

    func templatesPage(after: String?) -> (status: Int, body: String) {
        templatePageReads += 1
        guard let page = templatePages[after ?? ""] else { return (400, #"{"error":{"message":"bad cursor","code":100}}"#) }
        return (200, page)
    }

    /// Starts on a free port; returns the base URL. It runs until the test process ends:
    /// cancelling it while the server under test still sends to it can trap in NIO, when a
    /// connection is accepted but no longer served (swift-nio#2637).
    nonisolated func start() async throws -> String {
        let router = Router()
        // The Marketing Messages API takes the same body as the messages endpoint.
        for endpoint in ["messages", "marketing_messages"] {
            router.post("/:version/:account/\(endpoint)") { request, context -> Response in
                var request = request
                let body = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
                try await Task.sleep(for: await self.delay)
                let answer = await self.handle(path: request.uri.path, authorization: request.headers[.authorization],
                                               key: request.headers[HTTPField.Name("Idempotency-Key")!], body: body)
                return Response(status: .init(code: answer.status), headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: answer.body)))
            }
        }
        router.post("/:version/:account/message_templates") { request, _ -> Response in
            var request = request
            let body = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            let answer = await self.createTemplate(path: request.uri.path, authorization: request.headers[.authorization], body: body)
            return Response(status: .init(code: answer.status), headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        // The business profile, and the resumable upload API its photo goes through.
        router.get("/:version/:account/whatsapp_business_profile") { _, _ -> Response in
            let profile = await self.profile
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"data":[{"business_profile":\#(profile.encoded())}]}"#)))
        }
        router.post("/:version/:account/whatsapp_business_profile") { request, _ -> Response in
            var request = request
            let body = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            let answer = await self.updateProfile(body)
            return Response(status: .init(code: answer.status), headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        router.post("/:version/:account/uploads") { request, _ -> Response in
            let query = request.uri.query ?? ""
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: await self.openUpload(query: query))))
        }
        router.post("/:version/:account") { request, _ -> Response in
            var request = request
            let bytes = Array(try await request.collectBody(upTo: 8 << 20).readableBytesView)
            let answer = await self.receiveUpload(bytes, authorization: request.headers[.authorization], offset: request.headers[HTTPField.Name("file_offset")!])
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        router.delete("/:version/:account/message_templates") { request, _ -> Response in
            let answer = await self.deleteTemplate(query: request.uri.query ?? "")
            return Response(status: .init(code: answer.status), headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        router.get("/:version/:account/message_templates") { request, _ -> Response in
            let answer = await self.templatesPage(after: request.uri.queryParameters["after"].map(String.init))
            return Response(status: .init(code: answer.status), headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        let port = PortPromise()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in await port.fulfil(channel.localAddress?.port ?? 0) },
                              logger: Logger(label: "fake-graph", factory: { _ in SwiftLogNoOpLogHandler() }))
        Task { try await app.run() }
        return "http://127.0.0.1:\(await port.value)"
    }
}

actor PortPromise {
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    func fulfil(_ value: Int) {
        port = value
        for w in waiters { w.resume(returning: value) }
        waiters.removeAll()
    }

    var value: Int {
        get async {
            if let port { return port }
            return await withCheckedContinuation { waiters.append($0) }
        }
    }
}

/// A deployment's folder and settings, as `parley serve` loads them: `scripts` written into a
/// folder of its own (or into `existing`), and a `parley.toml` on port 0 with its own database.
struct TestDeployment {
    let folder: URL
    let settings: DeploymentConfig

    /// - Parameters:
    ///   - live: the Graph API's base URL, for a live deployment; nil for the sandbox.
    ///   - secret: `PARLEY_APP_SECRET`; nil leaves it unset.
    ///   - allowUnsigned: `--allow-unsigned-webhooks`.
    init(scripts: [String: String], toml: String = "", live graphURL: String? = nil, folder existing: URL? = nil,
         templates: String? = nil, secret: String? = appSecret, allowUnsigned: Bool = false, environment extra: [String: String] = [:]) throws {
        let folder = existing ?? FileManager.default.temporaryDirectory.appendingPathComponent("parley-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, source) in scripts { try source.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        var environment = ["PARLEY_VERIFY_TOKEN": "verify-me", "PARLEY_AGENT_TOKEN": "agent-token",
                           "PARLEY_AGENT_TOKENS": "dana=dana-token-0123456789,eve=eve-token-01234567890"]
        environment["PARLEY_APP_SECRET"] = secret
        environment.merge(extra) { $1 }
        var cloud = ""
        if let graphURL {
            environment["PARLEY_ACCESS_TOKEN"] = "graph-token"
            cloud = "[cloud_api]\nbase_url = \"\(graphURL)\"\nphone_number_id = \"1234\"\nwaba_id = \"5678\"\nmax_attempts = 4\ntimeout_ms = 2000\n"
        }
        let seed = templates.map { "templates = \"\($0)\"\n" } ?? ""
        let text = "[server]\nport = 0\ndatabase = \"data/parley.sqlite\"\nmax_body_kb = 64\n" + seed + cloud + toml
        try text.write(to: folder.appendingPathComponent("parley.toml"), atomically: true, encoding: .utf8)
        var settings = try ConfigFile.loadDeployment(contentsOf: folder.appendingPathComponent("parley.toml"), environment: environment)
        settings.server.allowUnsignedWebhooks = allowUnsigned
        self.folder = folder
        self.settings = settings
    }

    /// The server `parley serve` makes of it; `onRunning` hears the port it listens on.
    func server(_ options: ServerOptions = ServerOptions(), onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> ParleyServer {
        try ParleyServer.make(settings: settings, stdlib: stdlib, logger: options.logger,
                              watchdog: WatchdogSetup(deadlines: options.deadlines, exit: options.exit),
                              bodyBudget: options.bodyBudget, onRunning: onRunning)
    }
}

/// A running `parley serve` on a free port of loopback: for what only a real connection
/// shows (a graceful stop with requests in flight). Route tests go in process instead
/// (`TestDeployment.withRoutes`).
struct RunningServer {
    let url: String
    let server: ParleyServer
    let run: StoppableRun
    let folder: URL

    static func start(_ deployment: TestDeployment, options: ServerOptions = ServerOptions()) async throws -> RunningServer {
        let port = PortPromise()
        let server = try deployment.server(options) { await port.fulfil($0) }
        let run = server.runUntilStopped()
        return RunningServer(url: "http://127.0.0.1:\(await port.value)", server: server, run: run, folder: deployment.folder)
    }

    /// The same graceful stop as SIGTERM.
    func stop() async { await run.stop() }
}

/// A runtime service alone, without a server or its workers, on the sandbox deployment of
/// `folder` (made, with `scripts` written into it, if new): a test drives it by hand.
func runtimeService(in folder: URL, scripts: [String: String] = ["echo.lua": echoBot]) throws -> RuntimeService {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, source) in scripts { try source.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    try "[server]\ndatabase = \"data/parley.sqlite\"\n".write(to: folder.appendingPathComponent("parley.toml"), atomically: true, encoding: .utf8)
    let settings = try ConfigFile.loadDeployment(contentsOf: folder.appendingPathComponent("parley.toml"), environment: [:])
    return try RuntimeService(settings: settings, stdlib: stdlib, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
}

/// What a test may give `ParleyServer.make` besides the settings.
struct ServerOptions {
    var logger = Logger(label: "parley-test", factory: { _ in SwiftLogNoOpLogHandler() })
    var deadlines: Deadlines?
    var bodyBudget = WebhookBodyBudget()
    /// A test process must not end: the watchdog's exit is only recorded.
    var exit: @Sendable (Int32) -> Void = { _ in }
}

/// A value behind a lock, shared with closures.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    var value: Value { mutex.withLock { $0 } }
    func change(_ body: (inout Value) -> Void) { mutex.withLock { body(&$0) } }
}

/// Log lines, kept for a test to read, or to wait for.
final class LogRecorder: Sendable {
    private let lines = Watched<[(level: Logger.Level, message: String)]>([])

    var logger: Logger {
        Logger(label: "parley-test") { _ in Handler(recorder: self) }
    }

    func messages(at level: Logger.Level) -> [String] { lines.value.filter { $0.level == level }.map(\.message) }

    /// Waits until a line containing `text` is logged; throws when none is within `limit`
    /// (a bound for a machine under load, not a measure).
    func waitForLine(containing text: String, within limit: Duration = .seconds(60)) async throws {
        guard await lines.wait(until: { $0.contains { $0.message.contains(text) } }, timeout: limit) == nil else { return }
        throw WaitTimeout("no log line containing \"\(text)\" within \(limit)")
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.lines.update { $0.append((event.level, event.message.description)) }
        }
    }
}

/// Posting to a server, as Meta and agents do.
enum Client {
    static func post(_ url: String, body: String, headers: [(String, String)] = [], contentType: String = "application/json") async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 22)))
    }

    static func get(_ url: String, headers: [(String, String)] = []) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 22)))
    }

    /// A webhook body signed as Meta signs it.
    static func webhook(_ server: RunningServer, _ body: String, secret: String = appSecret) async throws -> (status: Int, body: String) {
        try await webhook(url: server.url, body, secret: secret)
    }

    static func webhook(url: String, _ body: String, secret: String = appSecret) async throws -> (status: Int, body: String) {
        try await post(url + "/webhook", body: body, headers: [("X-Hub-Signature-256", signature(body, secret: secret))])
    }

    static func signature(_ body: String, secret: String) -> String { WebhookSignature.header(for: Array(body.utf8), secret: secret) }

    static let agent = [("Authorization", "Bearer agent-token")]
}

/// A text message webhook from `from` with message id `id`.
func textWebhook(from: String, text: String, id: String) -> String {
    """
    {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"1234"},"contacts":[{"profile":{"name":"Ana"},"wa_id":"\(from)"}],"messages":[{"from":"\(from)","id":"\(id)","timestamp":"1767603600","type":"text","text":{"body":"\(text)"}}]}}]}]}
    """
}

/// A wait for something a test needs that did not come within its bound.
struct WaitTimeout: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls until `condition` holds or `seconds` pass: for a server in a process of its own,
/// which has no progress marks to wait on. In process, wait on the marks
/// (`ServiceSignals.waitUntilInboxProcessed`, `waitUntilSenderIdle`, `Routes.settled`).
func eventually(_ seconds: Double = 10, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)  // wall-clock ok: a test waits for a live server
    while Date() < deadline {  // wall-clock ok
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

let echoBot = """
return bot {
  name = "echo",
  escalation = { queue = "support" },
  on_message = function(conv, msg) send(conv, "echo: " .. (msg.text or msg.type)) end,
  on_delivery_failed = function(conv, id, reason, code) log("failed", id, reason, code) end,
}
"""
