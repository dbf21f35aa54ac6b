import Foundation
import ParleySandbox
import ParleySimulation

/// `parley test`: finds `*_spec.lua` files, runs each test in a fresh world, and reports.
public struct SpecRunner {
    public var stdlib: URL
    /// Only tests whose full name contains this text run.
    public var filter: String?
    /// What each test's spec code may spend (scripts keep their own budgets).
    /// A spec's own budget: its events may carry whole webhook payloads, so its data crosses
    /// in larger pieces than a script's.
    public var budget = Budget(instructions: 200_000_000, memoryBytes: 256 << 20, wallMilliseconds: 60_000, dataBytes: 16 << 20)

    public init(stdlib: URL, filter: String? = nil) {
        self.stdlib = stdlib
        self.filter = filter
    }

    /// The spec files under `paths` (files or folders, searched recursively), in path order.
    public static func specFiles(in paths: [String]) throws(SpecError) -> [URL] {
        var found: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw SpecError("\(path): no such file or folder")
            }
            let url = URL(fileURLWithPath: path)
            if !isDirectory.boolValue {
                found.append(url)
                continue
            }
            guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil) else { continue }
            for case let file as URL in walker where file.lastPathComponent.hasSuffix("_spec.lua") { found.append(file) }
        }
        // A file named twice (or found twice, under two of the paths) runs once.
        return Set(found.map(\.standardizedFileURL)).sorted { $0.path < $1.path }
    }

    /// Runs every test of `files`; `report` hears each result as it comes, `log` the logs.
    public func run(_ files: [URL], report: (SpecResult) -> Void = { _ in }, log: @escaping (String) -> Void = { _ in }) -> SpecSummary {
        var summary = SpecSummary()
        let cache = SpecCache()
        for url in files {
            let file = SpecFile(url: url, stdlib: stdlib, budget: budget, cache: cache)
            file.worlds.onLog = log
            let tests: [(name: String, title: String, pending: Bool)]
            do {
                tests = try file.load()
            } catch {
                let result = SpecResult(file: file.path, name: "(the file)", status: .error, message: error.description)
                summary.results.append(result)
                report(result)
                continue
            }
            for (index, test) in tests.enumerated() {
                if let filter, !test.name.contains(filter) { continue }
                let outcome = file.run(index + 1)
                let result = SpecResult(file: file.path, name: test.name, title: test.title, status: outcome.status, message: outcome.message,
                                        records: file.worlds.finished.flatMap { $0 })
                summary.results.append(result)
                report(result)
                if outcome.status == .passed { summary.escalatedBots.formUnion(file.worlds.escalatedBots) }
            }
        }
        return summary
    }
}

public struct SpecError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
