import Foundation
import HTTPTypes
@testable import ParleyServer

/// An agent's browser against the console's routes in process: it keeps the session cookie,
/// and sends forms as a browser does (form-encoded, with this site's Origin and the page's
/// CSRF token).
struct ConsoleBrowser: Sendable {
    let routes: Routes
    var cookie: String?
    var headers: [(String, String)] = [("Origin", "http://localhost"), ("Host", "localhost")]

    init(_ routes: Routes) { self.routes = routes }

    /// Signs in; a test checks `cookie` (nil when refused) or the answer.
    @discardableResult
    mutating func signIn(name: String = "", token: String) async throws -> Routes.Answer {
        let answer = try await routes.post("/console/signin", body: Self.form(["name": name, "token": token]), headers: headers,
                                           contentType: "application/x-www-form-urlencoded")
        if let setCookie = answer.headers[.setCookie], let value = setCookie.split(separator: ";").first, !value.hasSuffix("=") {
            cookie = String(value)
        }
        return answer
    }

    func get(_ path: String, extra: [(String, String)] = []) async throws -> Routes.Answer {
        try await routes.get(path, headers: headers + extra + (cookie.map { [("Cookie", $0)] } ?? []))
    }

    /// Posts a form; `csrf: nil` takes the token from the console's queue page, as the
    /// page's own forms carry it.
    func post(_ path: String, _ fields: [String: String], csrf: String? = nil, extra: [(String, String)] = [], origin: Bool = true) async throws -> Routes.Answer {
        var fields = fields
        if fields["csrf"] == nil {
            if let csrf { fields["csrf"] = csrf } else { fields["csrf"] = try await token() }
        }
        // A header in `extra` replaces the browser's own of that name.
        let own = headers.filter { header in (origin || header.0 != "Origin") && !extra.contains { $0.0 == header.0 } }
        let sent = own + extra + (cookie.map { [("Cookie", $0)] } ?? [])
        return try await routes.post(path, body: Self.form(fields), headers: sent, contentType: "application/x-www-form-urlencoded")
    }

    /// The CSRF token the console's pages carry for this session.
    func token() async throws -> String {
        let page = try await get("/console/").body
        guard let start = page.range(of: #"name="csrf" value=""#) else { return "" }
        return String(page[start.upperBound...].prefix { $0 != "\"" })
    }

    /// Posts an action on a conversation, then follows the redirect to its page, as a browser
    /// does; returns that page.
    func act(_ action: String, on contact: String, _ fields: [String: String] = [:]) async throws -> String {
        let answer = try await post("/console/c/\(contact)/\(action)", fields)
        guard answer.status == 303, let location = answer.headers[.location] else { return "status \(answer.status): \(answer.body)" }
        return try await get(location).body
    }

    static func form(_ fields: [String: String]) -> String {
        fields.sorted { $0.key < $1.key }.map { "\(escape($0.key))=\(escape($0.value))" }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }
}

/// The notice a page shows after an action, as plain text (without its markup).
func notice(in page: String) -> String? {
    guard let start = page.range(of: #"<div class="notice"#), let end = page[start.upperBound...].range(of: "</div>") else { return nil }
    return String(page[start.lowerBound..<end.upperBound]).replacingOccurrences(of: #"<[^>]+>"#, with: "", options: .regularExpression)
}

let consoleTemplates = repositoryRoot.appendingPathComponent("Scripts/templates.json").path

let thanksMacro = """
return macro { name = "thanks", description = "Thank the contact by name", params = { "name" },
  run = function(conv, args) send(conv, "Thanks, " .. args.name) end }
"""
