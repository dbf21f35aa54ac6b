import Foundation
import ParleyRuntime

/// How the agents' console signs its sessions and builds its links. Read from the
/// environment by `parley serve` (`ConsoleSettings.fromEnvironment`), given directly in tests.
struct ConsoleSettings: Sendable {
    /// The key sessions are signed with. From PARLEY_CONSOLE_SECRET when set; otherwise
    /// random for this process, so a restart signs every agent out.
    var secret: [UInt8]
    /// Whether the secret came from the environment, for the log line at start.
    var secretIsConfigured: Bool
    /// `Secure` on the session cookie: always, never, or when the request came over https
    /// (directly or as X-Forwarded-Proto says).
    var secureCookies: SecureCookies = .whenHTTPS
    /// The path the console is published under behind a proxy (`/parley`), when the proxy
    /// does not say it with X-Forwarded-Prefix.
    var pathPrefix: String = ""
    /// How long a sign-in lasts.
    var sessionLength: TimeInterval = 12 * 3600
    /// The most live-update streams open at once: each holds a connection.
    var maxStreams = 64

    enum SecureCookies: String, Sendable {
        case always, never, whenHTTPS = "auto"
    }

    init(secret: [UInt8]? = nil, secureCookies: SecureCookies = .whenHTTPS, pathPrefix: String = "") {
        if let secret, !secret.isEmpty {
            self.secret = secret
            secretIsConfigured = true
        } else {
            var random = SystemRandomNumberGenerator()
            self.secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
            secretIsConfigured = false
        }
        self.secureCookies = secureCookies
        self.pathPrefix = ConsoleSettings.validPrefix(pathPrefix) ?? ""
    }

    /// PARLEY_CONSOLE_SECRET (any text, at least 16 characters), PARLEY_CONSOLE_SECURE_COOKIES
    /// (`always`, `never`, `auto`) and PARLEY_CONSOLE_PREFIX (`/parley`).
    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ConsoleSettings {
        let secret = environment["PARLEY_CONSOLE_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        if let secret, secret.utf8.count < 16 {
            throw ConfigError("PARLEY_CONSOLE_SECRET is \(secret.utf8.count) characters; use at least 16 (e.g. `openssl rand -hex 32`), or leave it unset for a random one per process")
        }
        var secure = SecureCookies.whenHTTPS
        if let raw = environment["PARLEY_CONSOLE_SECURE_COOKIES"], !raw.isEmpty {
            guard let value = SecureCookies(rawValue: raw.lowercased()) else {
                throw ConfigError("PARLEY_CONSOLE_SECURE_COOKIES is \"\(raw)\"; use always, never or auto")
            }
            secure = value
        }
        let prefix = environment["PARLEY_CONSOLE_PREFIX"] ?? ""
        if !prefix.isEmpty, validPrefix(prefix) == nil {
            throw ConfigError("PARLEY_CONSOLE_PREFIX is \"\(prefix)\"; use a path such as /parley (letters, digits, '-', '_', '.', '~' between slashes)")
        }
        return ConsoleSettings(secret: secret.map { Array($0.utf8) }, secureCookies: secure, pathPrefix: prefix)
    }

    /// `prefix` without its trailing slash when it is a plain path (`/a/b`), "" for `/` or
    /// nothing; nil when it holds anything else, so a forged header cannot put markup or
    /// another host into the console's links.
    static func validPrefix(_ prefix: String) -> String? {
        var trimmed = Substring(prefix)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if trimmed.isEmpty { return "" }
        guard trimmed.hasPrefix("/"), trimmed.utf8.count <= 200 else { return nil }
        let segments = trimmed.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments {
            guard !segment.isEmpty, segment != ".", segment != "..",
                  segment.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic && $0.isASCII || ("0"..."9").contains($0) || "-_.~".unicodeScalars.contains($0) })
            else { return nil }
        }
        return String(trimmed)
    }
}
