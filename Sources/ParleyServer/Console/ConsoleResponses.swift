import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The console's answers: pages with headers that keep them from running anything but the
/// console's own script, from being framed, cached or sniffed as another type.
enum ConsoleHTTP {
    static let securityHeaders: HTTPFields = [
        HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        .cacheControl: "no-store",
    ]

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// After a form: the browser loads `location` with GET, so a reload does not post again.
    static func redirect(_ location: String, cookie: String? = nil) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    /// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's
    /// page sends it), scoped to the console's path, Secure over https.
    static func sessionCookie(_ value: String, path: String, maxAge: Int, secure: Bool) -> String {
        "\(ConsoleSessions.cookieName)=\(value); Path=\(path); Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    static func isHTTPS(_ request: Request) -> Bool {
        request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https" || request.head.scheme == "https"
    }
}

/// The notice each session sees once, on the page an action sends it back to.
final class ConsoleFlash: Sendable {
    private let notices = Mutex<[String: ConsoleNotice]>([:])

    func set(_ notice: ConsoleNotice, for session: String) {
        notices.withLock { notices in
            if notices.count > 10_000 { notices.removeAll() }  // abandoned ones; a bound, not a policy
            notices[session] = notice
        }
    }

    func take(for session: String) -> ConsoleNotice? {
        notices.withLock { $0.removeValue(forKey: session) }
    }
}
