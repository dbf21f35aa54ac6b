import ParleyJSON
import ParleyPolicy
import ParleyRuntime

/// One conversation: who holds it and its state, the transcript as a chat (kept current by
/// live updates), and the actions an agent takes on it.
extension ConsoleView {
    struct Macro: Sendable {
        let name: String
        let description: String?
        let params: [String]
    }

    func conversationPage(_ c: RuntimeService.ConsoleConversation, offers: [TemplateOffer], macros: [Macro], notice: ConsoleNotice?) -> String {
        let contact = c.summary["contact"]?.stringValue ?? "?"
        let names = [contact, c.summary["user_id"]?.stringValue].compactMap { $0 }.map(HTML.escape).joined(separator: " ")
        return page(contact, page: "conversation", """
            <h1>\(HTML.escape(contact))</h1>
            \(ConsoleView.notice(notice))
            <div class="columns"><div class="left">
            <div id="live" data-live="\(base)/c/\(HTML.pathSegment(contact))/fragment" data-contacts="\(names)">\(conversationFragment(c))</div>
            </div><div class="right">
            \(actions(c.summary, contact: contact))
            \(templatePicker(offers, contact: contact))
            \(macroForms(macros, contact: contact))
            </div></div>
            """)
    }

    /// The part of the page that live updates replace: the state and the transcript.
    func conversationFragment(_ c: RuntimeService.ConsoleConversation) -> String {
        let contact = c.summary["contact"]?.stringValue ?? "?"
        return status(c) + "<section><h2>Transcript</h2>\(transcript(c.records, contact: contact))</section>" + auditList(c.audit)
    }

    private func status(_ c: RuntimeService.ConsoleConversation) -> String {
        let s = c.summary
        let handoff = s["handoff"]
        var rows: [(String, String)] = [("Owner", HTML.escape(s["owner"]?.stringValue ?? "")), ("Window", Wording.window(s)), ("Flags", Wording.flags(s))]
        if let h = handoff {
            let holder = h["agent"]?.stringValue.map { "held by <strong>\(HTML.escape($0))</strong>" } ?? "waiting for a person"
            rows.append(("Hand-off", "\(holder) in \(HTML.escape(h["queue"]?.stringValue ?? "")) for \(Wording.age(Wording.secondsSince(h["since"]?.stringValue, now: c.now)))"))
            rows.append(("Why", Wording.handoffReason(h["reason"]?.stringValue) + (h["note"]?.stringValue.map { ": " + HTML.escape($0) } ?? "")))
        }
        if let session = s["session"] {
            rows.append(("Session", "\(session["number"]?.integerValue ?? 0), since \(HTML.escape(session["since"]?.stringValue ?? ""))"))
        }
        rows.append(("State", "<code>\(HTML.escape(s["state"]?.encoded() ?? "null"))</code>"))
        return "<dl class=\"status\">" + rows.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }.joined() + "</dl>"
    }

    /// Every decision about the contact, from the database: what survives a restart.
    private func auditList(_ audit: [JSONValue]) -> String {
        guard !audit.isEmpty else { return "" }
        let items = audit.suffix(50).reversed().map { r -> String in
            let outcome = r["outcome"]?.stringValue ?? ""
            let reason = r["reason"]?.stringValue.map { " — \(HTML.escape($0))" } ?? ""
            return "<li class=\"\(outcome == "refused" ? "refused" : "allowed")\">\(HTML.escape(r["at"]?.stringValue ?? "")) \(HTML.escape(r["by"]?.stringValue ?? "")) "
                + "\(HTML.escape(r["kind"]?.stringValue ?? "")): \(HTML.escape(outcome))\(reason) \(why(r["id"]?.stringValue))</li>"
        }
        return "<details class=\"audit\"><summary>Audit trail (\(audit.count) decisions)</summary><ul>\(items.joined())</ul></details>"
    }

    private func actions(_ s: JSONValue, contact: String) -> String {
        let path = "c/\(HTML.pathSegment(contact))"
        let holder = s["handoff"]?["agent"]?.stringValue
        var html = "<section class=\"actions\"><h2>Actions</h2>"
        if holder != agent {
            let takeOver = holder == nil ? "" : "<label><input type=\"checkbox\" name=\"take_over\" value=\"1\"> take it over from \(HTML.escape(holder!))</label>"
            html += form("\(path)/claim", fields: takeOver, button: holder == nil ? "Claim" : "Claim from \(holder!)", class: "claim")
        }
        html += form("\(path)/reply", fields: "<label>Reply <textarea name=\"text\" rows=\"3\" required></textarea></label>", button: "Send reply", class: "reply")
        html += form("\(path)/release", fields: "<label>Note for the bot <input name=\"note\" autocomplete=\"off\"></label>", button: "Release to the bot", class: "release")
        html += form("\(path)/resolve", fields: "<label>Resolution note <input name=\"note\" autocomplete=\"off\"></label>", button: "Resolve", class: "resolve")
        return html + "</section>"
    }

    private func macroForms(_ macros: [Macro], contact: String) -> String {
        guard !macros.isEmpty else { return "" }
        let forms = macros.map { m -> String in
            let fields = "<input type=\"hidden\" name=\"macro\" value=\"\(HTML.escape(m.name))\">"
                + (m.description.map { "<p class=\"hint\">\(HTML.escape($0))</p>" } ?? "")
                + m.params.map { field("arg.\($0)", label: $0, placeholder: "") }.joined()
            return "<details class=\"macro\" data-macro=\"\(HTML.escape(m.name))\"><summary>\(HTML.escape(m.name))</summary>"
                + form("c/\(HTML.pathSegment(contact))/macro", fields: fields, button: "Run \(m.name)") + "</details>"
        }
        return "<section class=\"macros\"><h2>Macros</h2>\(forms.joined())</section>"
    }
}
