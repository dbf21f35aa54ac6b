import ParleyJSON
import ParleyPolicy

/// The queue: conversations waiting for a person, then those each agent holds (the signed-in
/// agent's own first), each with how long it has waited, its hand-off, its window and flags.
extension ConsoleView {
    func queuePage(_ conversations: [JSONValue], now: Instant, notice: ConsoleNotice? = nil) -> String {
        page("Queue", page: "queue", """
            \(ConsoleView.notice(notice))
            <div id="live" data-live="\(base)/queue/fragment">\(queueFragment(conversations, now: now))</div>
            """)
    }

    /// The part of the queue page that live updates replace.
    func queueFragment(_ conversations: [JSONValue], now: Instant) -> String {
        let waiting = conversations.filter { $0["handoff"]?["agent"]?.stringValue == nil }
        let held = Dictionary(grouping: conversations.filter { $0["handoff"]?["agent"]?.stringValue != nil }) {
            $0["handoff"]?["agent"]?.stringValue ?? ""
        }
        let holders = held.keys.sorted { ($0 == agent ? 0 : 1, $0) < ($1 == agent ? 0 : 1, $1) }
        var html = "<section><h1>Waiting for a person <span class=\"count\">\(waiting.count)</span></h1>"
        html += waiting.isEmpty ? "<p class=\"empty\">Nobody is waiting.</p>" : table(waiting, now: now)
        html += "</section>"
        for holder in holders {
            let title = holder == agent ? "Yours" : "Held by \(HTML.escape(holder))"
            html += "<section><h2>\(title) <span class=\"count\">\(held[holder]!.count)</span></h2>\(table(held[holder]!, now: now))</section>"
        }
        return html
    }

    private func table(_ conversations: [JSONValue], now: Instant) -> String {
        let rows = conversations.map { c -> String in
            let contact = c["contact"]?.stringValue ?? "?"
            let handoff = c["handoff"]
            let note = handoff?["note"]?.stringValue.map { "<div class=\"note\">\(HTML.escape($0))</div>" } ?? ""
            return """
                <tr data-contact="\(HTML.escape(contact))">
                <td><a href="\(base)/c/\(HTML.pathSegment(contact))">\(HTML.escape(contact))</a></td>
                <td>\(HTML.escape(handoff?["queue"]?.stringValue ?? ""))</td>
                <td><div class="reason">\(Wording.handoffReason(handoff?["reason"]?.stringValue))</div>\(note)</td>
                <td>\(Wording.age(Wording.secondsSince(handoff?["since"]?.stringValue, now: now)))</td>
                <td>\(Wording.window(c))</td>
                <td>\(Wording.flags(c))</td>
                </tr>
                """
        }
        return """
            <table class="queue"><thead><tr><th>Contact</th><th>Queue</th><th>Why a person</th><th>Waiting</th><th>Window</th><th>Flags</th></tr></thead>
            <tbody>\(rows.joined())</tbody></table>
            """
    }
}
