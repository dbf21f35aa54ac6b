import Foundation
import ParleySandbox

/// The queues a script names in its text: `queue = "billing"` (an escalation path, an
/// `escalate_to_human` call) and `"human:billing"` (a router's answer). Read from the
/// source, so a load and `parley check` can name the file and line of a queue nobody
/// declared, before any conversation needs it.
enum QueueReferences {
    struct Reference: Equatable {
        let queue: String
        let line: Int
    }

    /// The literal is the second capture; a first or third one means it is joined with `..`
    /// to more text, so the queue is computed, and checked when the call runs.
    nonisolated(unsafe) private static let patterns = [
        try! Regex(#"\bqueue\s*=\s*()["']([^"'\n]+)["'](\s*\.\.)?"#),
        try! Regex(#"(\.\.\s*)?["']human:([^"'\n]+)["'](\s*\.\.)?"#),
    ]

    static func named(in source: String) -> [Reference] {
        var found: [Reference] = []
        for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let code = line.range(of: "--").map { line[..<$0.lowerBound] } ?? line[...]  // comments name nothing
            for pattern in patterns {
                for match in code.matches(of: pattern) {
                    let joined = (match.output[1].substring.map { !$0.isEmpty } ?? false) || match.output[3].substring != nil
                    if !joined, let name = match.output[2].substring { found.append(Reference(queue: String(name), line: index + 1)) }
                }
            }
        }
        return found
    }

    /// What is wrong with a queue name against the declared ones, or nil.
    static func problem(_ queue: String, declared: [String: QueueHours]) -> String? {
        guard declared[queue] == nil else { return nil }
        let hint = Spelling.closest(to: queue, among: declared.keys).map { "did you mean \"\($0)\"? " } ?? ""
        return "queue \"\(queue)\" is not declared in parley.toml (declared: \(declared.keys.sorted().joined(separator: ", "))); \(hint)declare it with [queues.\(queue)] and its hours, or name a declared one"
    }
}
