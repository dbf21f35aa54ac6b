/// Results as JUnit XML, which CI systems read: a test suite per spec file, a test case
/// per test, with failures, errors and skipped tests marked.
public enum JUnitReport {
    public static func xml(_ summary: SpecSummary) -> String {
        var files: [String] = []
        for r in summary.results where !files.contains(r.file) { files.append(r.file) }
        let errors = summary.results.filter { $0.status == .error }.count
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        out += #"<testsuites name="parley test" tests="\#(summary.results.count)" failures="\#(summary.failed - errors)" errors="\#(errors)" skipped="\#(summary.pending)">"# + "\n"
        for file in files {
            let results = summary.results.filter { $0.file == file }
            let fileErrors = results.filter { $0.status == .error }.count
            let fileFailures = results.filter { $0.status == .failed }.count
            let skipped = results.filter { $0.status == .pending }.count
            out += #"  <testsuite name="\#(escape(file))" tests="\#(results.count)" failures="\#(fileFailures)" errors="\#(fileErrors)" skipped="\#(skipped)">"# + "\n"
            for r in results {
                // The describe blocks are the class; a test's own title may hold " › " too.
                let blocks = r.name.hasSuffix(r.title) ? String(r.name.dropLast(r.title.count)) : ""
                let classname = blocks.hasSuffix(" › ") ? String(blocks.dropLast(3)) : file
                out += #"    <testcase classname="\#(escape(classname))" name="\#(escape(r.title))" file="\#(escape(file))""#
                switch r.status {
                case .passed:
                    out += "/>\n"
                    continue
                case .pending:
                    out += ">\n      <skipped/>\n"
                case .failed, .error:
                    let tag = r.status == .failed ? "failure" : "error"
                    let message = r.message ?? ""
                    let firstLine = message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
                    out += ">\n      <\(tag) message=\"\(escape(firstLine))\">\(escape(message))</\(tag)>\n"
                }
                if !r.transcript.isEmpty {
                    out += "      <system-out>\(escape(r.transcript.joined(separator: "\n")))</system-out>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    /// Escapes text for XML, dropping the control characters XML 1.0 cannot hold.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
