import ParleyJSON
import ParleyRuntime

/// The transcript as a chat: the contact on one side; the bot, the core and agents on the
/// other; refused messages with their reason in words; everything else (hand-offs, claims,
/// sessions, statuses) as quiet lines between.
extension ConsoleView {
    func transcript(_ records: [TranscriptRecord], contact: String) -> String {
        guard !records.isEmpty else {
            return "<p class=\"empty\">Nothing since the server started. Earlier decisions are in the audit trail below.</p>"
        }
        return "<ol class=\"chat\">" + records.map { item($0, contact: contact) }.joined() + "</ol>"
    }

    private func item(_ r: TranscriptRecord, contact: String) -> String {
        let at = r.at.iso8601
        let time = "<time datetime=\"\(HTML.escape(at))\">\(HTML.escape(String(at.dropFirst(11).prefix(8))))</time>"
        func text(_ key: String) -> String? { r[key]?.stringValue }
        switch r.type {
        case "inbound":
            let body = text("text") ?? "(\(text("msg_type") ?? "message"))"
            return "<li class=\"msg inbound\"><div class=\"meta\">contact \(time)</div><div class=\"body\">\(HTML.escape(body))</div></li>"
        case "sent":
            let by = text("by") ?? ""
            let template = text("template").map { "<div class=\"template\">template \(HTML.escape($0))</div>" } ?? ""
            return """
                <li class="msg out \(senderClass(by))"><div class="meta">\(HTML.escape(by)) \(time) \(why(text("id")))</div>
                \(template)<div class="body">\(HTML.escape(text("text") ?? "(\(text("kind") ?? "message"))"))</div></li>
                """
        case "blocked":
            let code = r["code"]?.textValue.map { ", code \($0)" } ?? ""
            return """
                <li class="msg out blocked"><div class="meta">\(HTML.escape(text("by") ?? "")) \(time) \(why(text("id")))</div>
                <div class="body"><strong>Not sent</strong>: \(HTML.escape(text("detail") ?? ""))
                <span class="code">\(HTML.escape(text("reason") ?? ""))\(HTML.escape(code))</span></div></li>
                """
        default:
            return "<li class=\"event\">\(time) \(HTML.escape(describe(r)))</li>"
        }
    }

    private func senderClass(_ by: String) -> String {
        if by.hasPrefix("agent") || by.hasPrefix("macro:") { return "agent" }
        if by == "core" { return "core" }
        return "bot"
    }

    /// A link to "why was this sent or blocked": the message's audit records.
    func why(_ id: String?) -> String {
        guard let id else { return "" }
        return "<a class=\"why\" href=\"\(base)/messages/\(HTML.pathSegment(id))\">why?</a>"
    }

    /// A line of words for a record that is not a message.
    private func describe(_ r: TranscriptRecord) -> String {
        func text(_ key: String) -> String { r[key]?.textValue ?? "" }
        switch r.type {
        case "escalated": return "Handed to a person (queue \(text("queue")), \(text("reason")))"
        case "claimed": return "Claimed by \(text("agent").isEmpty ? text("by") : text("agent"))"
        case "released": return "Released to \(text("owner"))"
        case "routed": return "Routed to \(text("owner")) by \(text("by"))"
        case "session_started": return "Session \(text("session")) started"
        case "session_ended": return "Session \(text("session")) ended (\(text("reason")))" + (r["note"] == nil ? "" : ": \(text("note"))")
        case "status": return "Message \(text("id")) \(text("status"))" + (r["error"] == nil ? "" : ": \(text("error"))")
        case "script_error": return "Script error in \(text("script")): \(text("error"))"
        default:
            let fields = r.fields.members.filter { $0.key != "to" && $0.key != "from" }.prefix(4)
                .map { "\($0.key) \($0.value.textValue ?? $0.value.encoded())" }
            return ([r.type.replacingOccurrences(of: "_", with: " ")] + fields).joined(separator: " · ")
        }
    }
}
