import ParleyJSON
import ParleyPolicy

/// The frame every console page shares, and the small pieces pages are made of. Every value
/// that did not come from this file goes through `HTML.escape` (or `HTML.pathSegment` for a
/// link), and pages carry no inline script: the Content-Security-Policy forbids it, so even
/// markup that slipped through could not run.
struct ConsoleView: Sendable {
    /// The console's root as the browser reaches it: the path prefix and `/console`.
    let base: String
    /// The signed-in agent and the session's CSRF token, on pages behind sign-in.
    var agent: String?
    var csrf: String?

    /// A whole page. `page` names it for the stylesheet and for tests (`data-page`).
    func page(_ title: String, page: String, _ body: String) -> String {
        let who = agent.map { agent in
            """
            <div class="who">Signed in as <strong>\(HTML.escape(agent))</strong>
            \(form("signout", button: "Sign out", class: "inline"))</div>
            """
        } ?? ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · Parley</title>
            <link rel="stylesheet" href="\(base)/assets/console.css"></head>
            <body data-page="\(page)" data-base="\(base)">
            <header><a class="brand" href="\(base)/">Parley</a><nav>\(agent == nil ? "" : "<a href=\"\(base)/\">Queue</a>")</nav>\(who)</header>
            <main>\(body)</main>
            <script src="\(base)/assets/console.js"></script>
            </body></html>
            """
    }

    /// A form that posts to `action` (under the console's root) with the session's CSRF
    /// token, `fields` inside and one submit button.
    func form(_ action: String, fields: String = "", button: String, class className: String = "", confirm: Bool = false) -> String {
        let token = csrf.map { "<input type=\"hidden\" name=\"csrf\" value=\"\(HTML.escape($0))\">" } ?? ""
        return """
            <form method="post" action="\(base)/\(action)" class="\(className)">\(token)\(fields)<button type="submit">\(HTML.escape(button))</button></form>
            """
    }

    /// A notice above the page's content: what an action did, or why it was refused.
    static func notice(_ notice: ConsoleNotice?) -> String {
        guard let notice else { return "" }
        let code = notice.code.map { " <span class=\"code\">\(HTML.escape($0))</span>" } ?? ""
        return "<div class=\"notice \(notice.refused ? "refused" : "done")\" role=\"status\">\(HTML.escape(notice.text))\(code)\(notice.extra)</div>"
    }
}

/// What an action did, shown once on the page the browser is sent back to.
struct ConsoleNotice: Sendable, Equatable {
    var refused: Bool
    var text: String
    /// The reason code (`outside_window`, `131047`), shown beside the words.
    var code: String?
    /// Markup the console made itself (a "why" link), already escaped where needed.
    var extra: String = ""
}

/// Times as people read them.
enum Wording {
    /// `3 min`, `2 h 5 min`, `1 d 4 h`; seconds under a minute.
    static func duration(seconds: Int64) -> String {
        let s = max(seconds, 0)
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min" }
        if s < 86_400 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(s / 86_400) d \(s % 86_400 / 3600) h"
    }

    /// Seconds from `iso` to `now`; 0 when `iso` is not a time.
    static func secondsSince(_ iso: String?, now: Instant) -> Int64 {
        guard let iso, let then = Instant(iso8601: iso) else { return 0 }
        return max((now - then).milliseconds / 1000, 0)
    }

    /// The window's state: a live countdown (`console.js` counts `data-seconds` down) or
    /// "closed".
    static func window(_ summary: JSONValue) -> String {
        let left = summary["seconds_left"]?.integerValue ?? 0
        guard summary["in_window"]?.boolValue == true, left > 0 else {
            return "<span class=\"window closed\">window closed: templates only</span>"
        }
        return "<span class=\"window open\" data-seconds=\"\(left)\">\(duration(seconds: left)) left</span>"
    }

    /// Why a conversation went to a person, in words, with the reason as recorded. The core's
    /// reasons are few and known; a script's own (`medical`) is shown as the script named it.
    static func handoffReason(_ reason: String?) -> String {
        guard let reason else { return "" }
        let words = switch reason {
        case "keyword": "asked for a person"
        case "not_understood": "the bot did not understand"
        case "bot_error": "the bot failed"
        case "agent": "an agent stepped in"
        case "routed": "routed to a person"
        case "script": "the bot handed it over"
        default: "the bot handed it over"
        }
        return "\(HTML.escape(words)) <span class=\"code\">\(HTML.escape(reason))</span>"
    }

    /// How long ago, kept current by `console.js` (`data-age`).
    static func age(_ seconds: Int64) -> String {
        "<span data-age=\"\(seconds)\">\(duration(seconds: seconds))</span>"
    }

    /// The flags an agent should see before writing: consent and identity.
    static func flags(_ summary: JSONValue) -> String {
        var flags: [(String, String, String)] = []
        if summary["opted_out"]?.boolValue == true { flags.append(("bad", "opted out", "the contact asked to stop: no business-initiated messages")) }
        if summary["marketing_opted_out"]?.boolValue == true { flags.append(("warn", "no marketing", "the contact turned marketing messages off")) }
        if summary["opted_in"]?.boolValue == true { flags.append(("ok", "opted in", "consent to business-initiated messages is recorded")) }
        else if summary["opted_out"]?.boolValue != true { flags.append(("warn", "no opt-in", "no consent recorded: templates need an opt-in")) }
        if summary["identity_change_pending"]?.boolValue == true {
            flags.append(("bad", "identity changed", "the contact's number may belong to someone new: confirm who you are writing to"))
        }
        return flags.map { "<span class=\"flag \($0.0)\" title=\"\(HTML.escape($0.2))\">\(HTML.escape($0.1))</span>" }.joined(separator: " ")
    }
}
