import ParleySandbox

/// The `reason` of an escalation, as transcripts, the audit and the agents' queue show it
/// (docs/rules.md §6.8). A script names its own (`escalate_to_human(conv, {reason =
/// "medical"})`); the core's reasons are reserved, so a record always says who decided.
enum EscalationReason {
    /// `escalate_to_human` without a reason.
    static let script = "script"
    /// The core's own: an escalation keyword, the not-understood limit, a failing script,
    /// an agent's claim, a route to `human:<queue>` (a router's or the default).
    static let keyword = "keyword", notUnderstood = "not_understood", botError = "bot_error", agent = "agent", routed = "routed"
    static let reserved: Set<String> = [script, keyword, notUnderstood, botError, agent, routed]
    /// A script's reason is an identifier, short enough to filter and count by.
    static let maxBytes = 40

    /// The reason a script gave, or `script` with the problem when it cannot be one. The
    /// hand-off happens either way: a person must get the conversation.
    static func scripted(_ given: String?) -> (reason: String, problem: String?) {
        guard let given else { return (script, nil) }
        if reserved.contains(given) {
            return (script, "reason \"\(given)\" is one of the core's own (\(reserved.sorted().joined(separator: ", "))); name the script's, e.g. \"medical\"")
        }
        let bytes = given.utf8
        let isIdentifier = !bytes.isEmpty && bytes.count <= maxBytes && (bytes.first.map { $0 >= 97 && $0 <= 122 } ?? false)
            && bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
        guard isIdentifier else {
            return (script, "reason \(TextBytes.preview(given)) is not a short identifier (a-z, 0-9 and _, from a letter, at most \(maxBytes) bytes, e.g. \"medical\"); it was recorded as \"script\", with the text in the note")
        }
        return (given, nil)
    }
}
