import Crypto
import Foundation
import Synchronization

/// A signed-in agent: who, until when, and the session's id (which its CSRF token and a
/// sign-out are tied to).
struct ConsoleSession: Sendable, Equatable {
    let agent: String
    let expires: Date
    let id: String
}

/// Sessions as signed cookies: `base64url(v1|agent|expiry|id).base64url(HMAC-SHA256)`. The
/// server keeps no session table, so any process with the same secret reads the cookie;
/// only signed-out ids are remembered, until they would have expired anyway.
final class ConsoleSessions: Sendable {
    static let cookieName = "parley_console"
    /// The signing key's bytes (SymmetricKey is not Sendable; one is made per use).
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    private let length: TimeInterval
    /// Session ids signed out, with when they would have expired.
    private let signedOut = Mutex<[String: Date]>([:])

    init(secret: [UInt8], length: TimeInterval) {
        // A key of its own for the console, whatever else the secret is used for.
        keyBytes = Array(HMAC<SHA256>.authenticationCode(for: Array("parley console sessions".utf8), using: SymmetricKey(data: secret)))
        self.length = length
    }

    /// A new session for `agent`, and the cookie value that carries it.
    func start(agent: String, now: Date = Date()) -> (session: ConsoleSession, cookie: String) {  // wall-clock ok: a cookie's expiry
        var random = SystemRandomNumberGenerator()
        let id = (0..<16).map { _ in String(UInt8.random(in: .min ... .max, using: &random), radix: 16).leftPadded(to: 2) }.joined()
        let session = ConsoleSession(agent: agent, expires: now.addingTimeInterval(length), id: id)
        let payload = Array("v1|\(agent)|\(Int64(session.expires.timeIntervalSince1970))|\(id)".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return (session, Base64URL.encode(payload) + "." + Base64URL.encode(Array(mac)))
    }

    /// The session a cookie value carries, when its signature holds, it has not expired and
    /// it was not signed out; nil for anything else (a forged, altered or old cookie).
    func session(from cookie: String, now: Date = Date()) -> ConsoleSession? {  // wall-clock ok: a cookie's expiry
        let parts = cookie.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(parts[0]), let mac = Base64URL.decode(parts[1]),
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key)
        else { return nil }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0] == "v1", let seconds = Int64(fields[2]) else { return nil }
        let session = ConsoleSession(agent: String(fields[1]), expires: Date(timeIntervalSince1970: TimeInterval(seconds)), id: String(fields[3]))
        guard now < session.expires, signedOut.withLock({ $0[session.id] == nil }) else { return nil }
        return session
    }

    /// Ends a session before its expiry: its cookie is refused from now on (in this process).
    func signOut(_ session: ConsoleSession, now: Date = Date()) {  // wall-clock ok: a cookie's expiry
        signedOut.withLock { ids in
            ids = ids.filter { $0.value > now }
            ids[session.id] = session.expires
        }
    }

    /// The token every form of this session carries: a cross-site page cannot read it, so
    /// it cannot forge a form that has it.
    func csrfToken(for session: ConsoleSession) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("csrf|\(session.id)".utf8), using: key)
        return Base64URL.encode(Array(mac))
    }

    func isValidCSRF(_ token: String?, for session: ConsoleSession) -> Bool {
        guard let token else { return false }
        return AgentAuthentication.constantTimeEqual(token, csrfToken(for: session))
    }
}

/// Base64 with the URL's alphabet and no padding: safe in a cookie value.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> [UInt8]? {
        guard text.utf8.count <= 4096 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }
}
