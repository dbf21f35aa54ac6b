import Foundation
import ParleyJSON

/// A real `parley serve` process on a free port, its standard error kept in a file. For
/// what may hang or crash a server: a process that does cannot take the test runner with
/// it, and its exit status is what a supervisor would see.
final class ServeProcess: @unchecked Sendable {
    static let parley = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("parley")

    let process: Process
    let folder: URL
    let log: URL
    private(set) var url = ""

    /// Starts `parley serve` on `folder/parley.toml` (port 0) and waits until it listens.
    /// Logs at info level, so its warnings and critical lines can be read back.
    static func launch(_ folder: URL, environment: [String: String], arguments: [String] = []) async throws -> ServeProcess {
        let log = folder.appendingPathComponent("serve-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = parley
        process.arguments = ["serve", "--config", folder.appendingPathComponent("parley.toml").path, "--stdlib", stdlib.path,
                             "--log-level", "info", "--port", "0"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        let serve = ServeProcess(process: process, folder: folder, log: log)
        try await serve.waitUntilListening()
        return serve
    }

    private init(process: Process, folder: URL, log: URL) {
        self.process = process
        self.folder = folder
        self.log = log
    }

    /// What the process wrote to standard error so far.
    var errors: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// The port from the "listening" line; throws, with what the process said, when it
    /// exits first (or, as a safety net, has not listened after a minute).
    private func waitUntilListening() async throws {
        let deadline = ContinuousClock.now + .seconds(60)  // wall-clock ok: a safety net, not an assertion
        while ContinuousClock.now < deadline {  // wall-clock ok
            if let match = errors.firstMatch(of: /address=[^ ]*:(\d+)/), let port = Int(match.1) {
                url = "http://127.0.0.1:\(port)"
                return
            }
            if !process.isRunning { throw ServeProcessError("parley serve exited (\(process.terminationStatus)) before listening:\n\(errors)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        throw ServeProcessError("parley serve did not listen within a minute:\n\(errors)")
    }

    /// Waits for the process to exit and returns its status; a process that outlives
    /// `limit` (a safety net: the server's own stop deadline is far shorter) is killed and
    /// reported as -9.
    func exitStatus(limit: Duration = .seconds(120)) async -> Int32 {
        let deadline = ContinuousClock.now + limit  // wall-clock ok: a safety net, not an assertion
        while process.isRunning {
            if ContinuousClock.now > deadline {  // wall-clock ok
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return -9
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// SIGTERM, as a supervisor stops a server; returns the exit status.
    func terminate() async -> Int32 {
        if process.isRunning { process.terminate() }
        return await exitStatus()
    }

    func health() async -> JSONValue? {
        guard let answer = try? await Client.get(url + "/health") else { return nil }
        return try? JSONValue.parse(answer.body)
    }
}

struct ServeProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A folder for a deployment: `scripts` written into it, and a `parley.toml` with the
/// `[server]` keys tests need before `toml`.
func deploymentFolder(_ name: String, scripts: [String: String], toml: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (file, source) in scripts { try source.write(to: folder.appendingPathComponent(file), atomically: true, encoding: .utf8) }
    try ("[server]\ndatabase = \"data/parley.sqlite\"\n" + toml).write(to: folder.appendingPathComponent("parley.toml"), atomically: true, encoding: .utf8)
    return folder
}

/// The `[cloud_api]` table that sends to a fake Graph API.
func liveConfig(_ graphURL: String) -> String {
    "[cloud_api]\nbase_url = \"\(graphURL)\"\nphone_number_id = \"1234\"\nmax_attempts = 4\ntimeout_ms = 2000\n"
}

/// The environment of a live server: every secret.
let liveEnvironment = ["PARLEY_APP_SECRET": appSecret, "PARLEY_ACCESS_TOKEN": "graph-token", "PARLEY_AGENT_TOKEN": "agent-token"]
