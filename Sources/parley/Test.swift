import ArgumentParser
import Foundation
import ParleyTesting

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the *_spec.lua files under the given paths, each test in a fresh simulated world.",
        discussion: """
        Prints one line per test and a closing line "N passed, N failed" (", N pending" when \
        any). Exit status 1 when a test fails or a spec file cannot load, 2 when a path does \
        not exist.
        """
    )

    @Argument(help: "Spec files, or folders to search for *_spec.lua.")
    var paths: [String]

    @Option(help: "Run only the tests whose full name (describe blocks › test) contains this text.")
    var filter: String?

    @Option(help: "Also write the results as JUnit XML to this file.")
    var junit: String?

    @Flag(help: "Print each test's transcript, and the scripts' logs.")
    var verbose = false

    @Option(help: "The Stdlib folder (default: found as for simulate).")
    var stdlib: String?

    func run() throws {
        let stdlibURL: URL
        switch StdlibLocation.find(given: stdlib) {
        case .success(let url): stdlibURL = url
        case .failure(let missing):
            complain("parley test: \(missing.message)")
            throw Exit.cannotLoad
        }
        let files: [URL]
        do {
            files = try SpecRunner.specFiles(in: paths)
        } catch {
            complain("parley test: \(error)")
            throw Exit.cannotLoad
        }
        let output = BufferedOutput()
        let runner = SpecRunner(stdlib: stdlibURL, filter: filter)
        let summary = runner.run(files, report: { result in
            output.write(Self.line(for: result))
            if let message = result.message, result.isFailure {
                output.write(message.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
            }
            // An assertion's message carries the records around it; an error's does not.
            if result.status == .error, !verbose, !result.transcript.isEmpty {
                let last = result.transcript.suffix(12)
                output.write("    The transcript" + (last.count < result.transcript.count ? ", its last \(last.count) records:" : ":"))
                output.write(last.map { "      " + $0 }.joined(separator: "\n"))
            }
            if verbose, !result.transcript.isEmpty {
                output.write(result.transcript.map { "    " + $0 }.joined(separator: "\n"))
            }
            output.flush()
        }, log: { line in if verbose { complain(line) } })
        if files.isEmpty { output.write("no *_spec.lua files under \(paths.joined(separator: ", "))") }
        output.write(summary.closingLine)
        output.flush()
        // A filter that matches nothing is a typo more often than not; CI must not read it as green.
        if let filter, summary.results.isEmpty, !files.isEmpty {
            complain("parley test: no test's name contains \"\(filter)\"")
            throw Exit.problems
        }
        if let junit {
            guard FileManager.default.createFile(atPath: junit, contents: Data(JUnitReport.xml(summary).utf8)) else {
                complain("parley test: cannot write \(junit)")
                throw Exit.cannotLoad
            }
        }
        if summary.failed > 0 { throw Exit.problems }
    }

    static func line(for result: SpecResult) -> String {
        let mark: String
        switch result.status {
        case .passed: mark = "ok     "
        case .failed: mark = "FAILED "
        case .error: mark = "ERROR  "
        case .pending: mark = "pending"
        }
        return "\(mark) \(result.file): \(printable(result.name))"
    }

    /// A test's name on one line, with no way to send the terminal escape sequences: control
    /// characters are shown as escapes.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += scalar == "\n" ? "\\n" : scalar == "\t" ? "\\t" : String(format: "\\x%02X", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
