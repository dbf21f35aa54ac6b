import Crypto
import Foundation
import Synchronization

/// A signed-in agent: who, until when, and the session's id (which its CSRF token and a
/// sign-out are tied to).
struct ConsoleSession: Sendable, Equatable {
    let agent: String
    let expires: Date
    let id: String
    /// A fingerprint of the token the agent signed in with: once that token is gone from
    /// the configuration, the session is refused (`ConsoleSignIn.admits`).
    var credential = ""
}

/// Sessions as signed cookies: `base64url(v2|agent|expiry|id|credential).base64url(HMAC-SHA256)`. The
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
    func start(agent: String, credential: String = "", now: Date = Date()) -> (session: ConsoleSession, cookie: String) {  // wall-clock ok: a cookie's expiry
        var random = SystemRandomNumberGenerator()
        let id = (0..<16).map { _ in String(UInt8.random(in: .min ... .max, using: &random), radix: 16).leftPadded(to: 2) }.joined()
        let session = ConsoleSession(agent: agent, expires: now.addingTimeInterval(length), id: id, credential: fingerprint(credential))
        let payload = Array("v2|\(agent)|\(Int64(session.expires.timeIntervalSince1970))|\(id)|\(session.credential)".utf8)
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
        guard fields.count == 5, fields[0] == "v2", let seconds = Int64(fields[2]) else { return nil }
        let session = ConsoleSession(agent: String(fields[1]), expires: Date(timeIntervalSince1970: TimeInterval(seconds)), id: String(fields[3]),
                                     credential: String(fields[4]))
        guard now < session.expires, signedOut.withLock({ $0[session.id] == nil }) else { return nil }
        return session
    }

    /// Whether `session`, read from a cookie earlier, still stands: not expired, not signed out.
    func isCurrent(_ session: ConsoleSession, now: Date = Date()) -> Bool {  // wall-clock ok: a cookie's expiry
        now < session.expires && signedOut.withLock { $0[session.id] == nil }
    }

    /// Ends a session before its expiry: its cookie is refused from now on (in this process).
    func signOut(_ session: ConsoleSession, now: Date = Date()) {  // wall-clock ok: a cookie's expiry
        signedOut.withLock { ids in
            ids = ids.filter { $0.value > now }
            ids[session.id] = session.expires
        }
    }

    /// What a session keeps of the token it was signed in with: enough to tell whether that
    /// token is still configured, nothing that would let the cookie's reader recover it.
    func fingerprint(_ credential: String) -> String {
        Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Array("credential|\(credential)".utf8), using: key).prefix(12)))
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
