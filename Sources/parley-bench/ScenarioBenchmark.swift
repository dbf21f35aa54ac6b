import Foundation
import ParleyGraphAPI
import ParleyPolicy

/// `parley simulate` on a deployment's scale: the example scripts (the router, the order bot,
/// the hourly nudge automation over `conversations{}`) and two months of 5,600 contacts who
/// each write three to five times, about 23,000 events. Run as operators run it, a child
/// process writing the whole transcript, so the figure includes loading and printing.
struct ScenarioBenchmark {
    let stdlib: URL
    let contacts: Int

    /// Events a second of real time, the median of three runs, and how many events.
    func run() throws -> (eventsPerSecond: Double, events: Int) {
        let scripts = stdlib.deletingLastPathComponent().appendingPathComponent("Scripts")
        guard FileManager.default.fileExists(atPath: scripts.appendingPathComponent("nudge.lua").path) else {
            throw BenchError("no example scripts at \(scripts.path); run from the Parley checkout")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-scenario-\(getpid()).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let lines = scenario()
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        var rates: [Double] = []
        for _ in 0..<3 {
            let seconds = try simulate(file, scripts: scripts)
            rates.append(Double(lines.count) / seconds)
        }
        return (rates.sorted()[1], lines.count)
    }

    /// The scenario, the same on every run: each contact writes on random days at random
    /// times over 60 days, in time order, then two days pass.
    func scenario() -> [String] {
        var random = SeededGenerator(seed: 7)
        let start = Instant(iso8601: "2026-01-05T00:00:00Z")!
        let texts = ["hi", "where is my order?", "It's order 10234", "thanks", "track", "menu"]
        var events: [(at: Instant, from: String, text: String)] = []
        for c in 0..<contacts {
            let from = "+4477009" + String(10_000 + c).suffix(5)
            for _ in 0..<(3 + Int(random.next() % 3)) {
                let at = start + .seconds(Int64(random.next() % (60 * 86_400)))
                let text = random.next() % 100 < 3 ? "I want a human" : texts[Int(random.next() % UInt64(texts.count))]
                events.append((at, from, text))
            }
        }
        events.sort { ($0.at, $0.from) < ($1.at, $1.from) }
        return events.map { #"{"at": "\#($0.at.iso8601)", "type": "inbound", "from": "\#($0.from)", "text": "\#($0.text)"}"# }
            + [#"{"type": "advance", "by": "48h"}"#]
    }

    /// Seconds of real time `parley simulate` took, its transcript thrown away.
    private func simulate(_ scenario: URL, scripts: URL) throws -> Double {
        let process = Process()
        let parley = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("parley")
        guard FileManager.default.isExecutableFile(atPath: parley.path) else {
            throw BenchError("no parley executable beside parley-bench (\(parley.path)); build both: swift build -c release")
        }
        process.executableURL = parley
        process.arguments = ["simulate", "--scripts", scripts.path, "--scenario", scenario.path, "--quiet", "--time-limit", "0", "--stdlib", stdlib.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let start = ContinuousClock.now  // wall-clock ok: a benchmark measures real time
        try process.run()
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - start  // wall-clock ok
        guard process.terminationStatus == 0 else { throw BenchError("parley simulate exited with status \(process.terminationStatus)") }
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
