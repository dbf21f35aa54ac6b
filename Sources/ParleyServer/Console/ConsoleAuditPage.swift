import ParleyJSON

/// "Why was this sent or blocked?": a message's audit records (at request, and at dispatch
/// when it waited), each with the rule that decided and every input it was decided on.
extension ConsoleView {
    func auditPage(id: String, records: [JSONValue]) -> String {
        let contact = records.last?["to"]?.stringValue
        let back = contact.map { "<p><a href=\"\(base)/c/\(HTML.pathSegment($0))\">Back to \(HTML.escape($0))</a></p>" } ?? ""
        guard !records.isEmpty else {
            return page("Message \(id)", page: "audit", "<h1>Message \(HTML.escape(id))</h1><p class=\"empty\">No decision is recorded for this message.</p>")
        }
        let items = records.map { r -> String in
            let refused = r["outcome"]?.stringValue == "refused"
            let verdict = refused
                ? "<strong>Refused</strong>: \(HTML.escape(r["detail"]?.stringValue ?? "")) <span class=\"code\">\(HTML.escape(r["reason"]?.stringValue ?? ""))\(r["code"]?.textValue.map { ", code " + HTML.escape($0) } ?? "")</span>"
                : "<strong>Allowed</strong>" + (r["business_initiated"]?.boolValue == true ? " (business-initiated)" : "")
            let inputs = (r["inputs"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
                .map { "<tr><th>\(HTML.escape($0.key))</th><td><code>\(HTML.escape($0.value.textValue ?? $0.value.encoded()))</code></td></tr>" }.joined()
            return """
                <section class="decision \(refused ? "refused" : "allowed")"><h2>At \(HTML.escape(r["stage"]?.stringValue ?? "")), \(HTML.escape(r["at"]?.stringValue ?? ""))</h2>
                <p>\(verdict)</p>
                <p>Rule: \(HTML.escape(r["rule"]?.stringValue ?? "")) · by \(HTML.escape(r["by"]?.stringValue ?? "")) · \(HTML.escape(r["kind"]?.stringValue ?? ""))</p>
                <table class="inputs"><caption>Inputs</caption>\(inputs)</table></section>
                """
        }
        return page("Why \(id)", page: "audit", "<h1>Why message \(HTML.escape(id)) went, or did not</h1>\(back)\(items.joined())")
    }

    func signInPage(problem: String?, named: String = "", needsToken: Bool, off: String?) -> String {
        if let off {
            return page("Sign in", page: "signin", "<h1>The console is off</h1><p class=\"notice refused\">\(HTML.escape(off))</p>")
        }
        let error = problem.map { "<div class=\"notice refused\" role=\"alert\">\(HTML.escape($0))</div>" } ?? ""
        let token = needsToken
            ? "<label>Token <input name=\"token\" type=\"password\" autocomplete=\"current-password\" required></label>"
            : "<p class=\"hint\">Sandbox: no agent tokens are set, so your name is enough.</p>"
        return page("Sign in", page: "signin", """
            <h1>Sign in</h1>\(error)
            \(form("signin", fields: "<label>Your name <input name=\"name\" value=\"\(HTML.escape(named))\" autocomplete=\"username\"></label>\(token)", button: "Sign in", class: "signin"))
            <p class="hint">Your name as the agent API knows it; with a token of your own (PARLEY_AGENT_TOKENS) the token says who you are.</p>
            """)
    }
}
