import Foundation
import ParleyJSON
import Synchronization

/// Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// JSON messages ending in a NUL byte, read by Chromium on fd 3, written on fd 4), so the
/// browser test needs no WebSocket client and no port of its own.
final class Chromium: Sendable {
    /// Where Debian's `apt-get install -y chromium` puts it, or PARLEY_CHROMIUM.
    static func locate() -> String? {
        let candidates = [ProcessInfo.processInfo.environment["PARLEY_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private let process: Process
    private let toBrowser: FileHandle
    private let profile: URL
    private let pending = Mutex<[Int: CheckedContinuation<JSONValue, any Error>]>([:])
    private let nextID = Atomic<Int>(1)

    init(path: String) throws {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("parley-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        self.profile = profile
        let log = profile.appendingPathComponent("chromium.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let commands = Pipe(), answers = Pipe()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // fd 3 reads our commands, fd 4 carries the answers; Chromium's own output goes to its log.
        // At the lowest priority and with its background work off: the suites beside this one
        // include wall-clock budgets (the sandbox's), which a browser starting up on two cores
        // would otherwise eat into.
        let flags = "--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --no-default-browser-check --hide-scrollbars"
            + " --disable-background-networking --disable-component-update --disable-sync --disable-extensions --mute-audio"
            + " --renderer-process-limit=1 --remote-debugging-pipe"
        process.arguments = ["-c", #"exec nice -n 19 "$0" \#(flags) --user-data-dir="$1" about:blank 3<&0 4>&1 0</dev/null 1>&2"#, path, profile.path]
        process.standardInput = commands
        process.standardOutput = answers
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        toBrowser = commands.fileHandleForWriting
        let reading = answers.fileHandleForReading
        Thread.detachNewThread { [weak self] in self?.read(reading) }
    }

    /// Answers by id, as they come; events are not needed (pages are waited on by polling).
    private func read(_ handle: FileHandle) {
        var buffer = Data()
        while true {
            let data = handle.availableData
            if data.isEmpty { break }
            buffer.append(data)
            while let end = buffer.firstIndex(of: 0) {
                let message = buffer[buffer.startIndex..<end]
                buffer.removeSubrange(buffer.startIndex...end)
                guard let json = try? JSONValue.parse(Array(message)), let id = json["id"]?.integerValue else { continue }
                let waiter = pending.withLock { $0.removeValue(forKey: Int(id)) }
                if let error = json["error"] {
                    waiter?.resume(throwing: BrowserError("Chromium refused a command: \(error.encoded())"))
                } else {
                    waiter?.resume(returning: json["result"] ?? .null)
                }
            }
        }
        let left = pending.withLock { waiting in defer { waiting.removeAll() }; return Array(waiting.values) }
        for waiter in left { waiter.resume(throwing: BrowserError("Chromium ended; its log is in \(profile.path)/chromium.log")) }
    }

    func send(_ method: String, _ params: [String: JSONValue] = [:], session: String? = nil) async throws -> JSONValue {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        var message: [String: JSONValue] = ["id": .int(Int64(id)), "method": .string(method), "params": .object(params)]
        if let session { message["sessionId"] = .string(session) }
        let bytes = Data(message.json.encoded().utf8) + Data([0])
        return try await withCheckedThrowingContinuation { continuation in
            pending.withLock { $0[id] = continuation }
            toBrowser.write(bytes)
        }
    }

    /// A new tab, 1280×900.
    func newPage() async throws -> BrowserPage {
        let target = try await send("Target.createTarget", ["url": "about:blank"])
        let attached = try await send("Target.attachToTarget", ["targetId": target["targetId"] ?? .null, "flatten": true])
        guard let session = attached["sessionId"]?.stringValue else { throw BrowserError("Chromium gave no session for the new tab") }
        let page = BrowserPage(browser: self, session: session)
        _ = try await page.send("Emulation.setDeviceMetricsOverride", ["width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false])
        return page
    }

    func close() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: profile)
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    var json: JSONValue { .object(self) }
}

/// One tab.
struct BrowserPage: Sendable {
    let browser: Chromium
    let session: String

    func send(_ method: String, _ params: [String: JSONValue] = [:]) async throws -> JSONValue {
        try await browser.send(method, params, session: session)
    }

    /// The value of a JavaScript expression in the page (promises awaited).
    @discardableResult
    func evaluate(_ expression: String) async throws -> JSONValue {
        let answer = try await send("Runtime.evaluate", ["expression": .string(expression), "returnByValue": true, "awaitPromise": true])
        if let exception = answer["exceptionDetails"] {
            throw BrowserError("the page's script failed on \(expression.prefix(120)): \(exception["exception"]?["description"]?.stringValue ?? exception.encoded())")
        }
        return answer["result"]?["value"] ?? .null
    }

    /// Waits until `condition` (JavaScript) is true, checking every 100 ms; throws, with the
    /// page's text, when it is not within `limit` (a bound for a loaded machine, not a measure).
    func waitUntil(_ what: String, _ condition: String, within limit: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + limit  // wall-clock ok: a bound, not an assertion
        while ContinuousClock.now < deadline {  // wall-clock ok
            if (try? await evaluate("Boolean(\(condition))"))?.boolValue == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        let text = (try? await evaluate("document.body ? document.body.innerText : ''"))?.stringValue ?? ""
        throw BrowserError("\(what) did not happen within \(limit); the page (\((try? await evaluate("location.href"))?.stringValue ?? "?")) reads:\n\(text.prefix(3000))")
    }

    /// Loads `url` and waits for the new page to be ready.
    func go(_ url: String) async throws {
        try await leaving { _ = try await send("Page.navigate", ["url": .string(url)]) }
    }

    /// Runs `action` (which leads to another page: a form's submit, a link) and waits until
    /// the page it led to has loaded.
    func leaving(_ action: () async throws -> Void) async throws {
        try await evaluate("window.__parleyLeaving = true")
        try await action()
        try await waitUntil("the next page", "!window.__parleyLeaving && document.readyState === 'complete' && document.body")
    }

    /// Fills a form's fields (by CSS selector of the form) and submits it as a person would.
    func submit(_ form: String, _ fields: [String: String] = [:]) async throws {
        var script = "(function(){ const f = document.querySelector(\(quote(form))); if (!f) throw new Error('no form ' + \(quote(form)));"
        for (i, (name, value)) in fields.sorted(by: { $0.key < $1.key }).enumerated() {
            script += "const e\(i) = f.elements[\(quote(name))]; if (!e\(i)) throw new Error('no field ' + \(quote(name)));"
            script += "if (e\(i).type === 'checkbox') e\(i).checked = true; else e\(i).value = \(quote(value));"
        }
        script += "f.requestSubmit(); })()"
        try await leaving { try await evaluate(script) }
    }

    /// The PNG of what the tab shows.
    func screenshot() async throws -> Data {
        let shot = try await send("Page.captureScreenshot", ["format": "png"])
        guard let data = shot["data"]?.stringValue.flatMap({ Data(base64Encoded: $0) }) else { throw BrowserError("Chromium gave no screenshot") }
        return data
    }

    func text(_ selector: String) async throws -> String {
        try await evaluate("(document.querySelector(\(quote(selector))) || {innerText: ''}).innerText").stringValue ?? ""
    }

    func quote(_ text: String) -> String { JSONValue.string(text).encoded() }
}

struct BrowserError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
