import Foundation
import HTTPTypes
import Hummingbird

/// A submitted HTML form (`application/x-www-form-urlencoded`): the fields in order, a
/// repeated name keeping its first value.
struct ConsoleForm: Sendable {
    private(set) var fields: [(name: String, value: String)] = []

    subscript(name: String) -> String? { fields.first { $0.name == name }?.value }

    init(_ text: String) {
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            fields.append((Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : ""))
        }
    }

    /// `+` is a space and `%XX` a byte; a malformed escape is kept as written.
    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), utf8.count >= 2,
                      let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The request's form, at most `limit` bytes; a `Problem` (shown as a page) otherwise.
    static func read(_ request: inout Request, limit: Int = 64 << 10) async throws -> ConsoleForm {
        let type = request.headers[.contentType] ?? ""
        guard type.lowercased().hasPrefix("application/x-www-form-urlencoded") else {
            throw Problem(.unsupportedMediaType, "the console takes forms (application/x-www-form-urlencoded), not \(type.isEmpty ? "a body without a type" : type)",
                          fix: "submit the console's own forms; programs use the agent API under /agent")
        }
        let bytes = try await HTTP.collect(&request, upTo: limit) {
            Problem(.contentTooLarge, "the form is over \(limit >> 10) KiB", fix: "shorten the message")
        }
        return ConsoleForm(String(decoding: bytes, as: UTF8.self))
    }
}

/// Cross-site request checks for every state-changing request: the browser's own word on
/// where the request came from (Sec-Fetch-Site, Origin) must be this site. With the session's
/// CSRF token in the form and the SameSite=Strict cookie, a page elsewhere cannot act as an
/// agent even in a browser that sends none of these headers.
enum SameOrigin {
    /// Why the request is refused, or nil when it may go on.
    static func problem(_ request: Request) -> String? {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin" {
            return "the browser says this form came from another site (Sec-Fetch-Site: \(site.prefix(32)))"
        }
        guard let origin = request.headers[HTTPField.Name("Origin")!] else { return nil }
        let host = request.headers[HTTPField.Name("X-Forwarded-Host")!] ?? request.head.authority ?? request.headers[HTTPField.Name("Host")!] ?? ""
        guard let url = URL(string: origin), let originHost = url.host else {
            return "the form's origin (\(origin.prefix(64))) is not this site"
        }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        let hostWithoutDefaultPort = host.hasSuffix(":80") || host.hasSuffix(":443") ? String(host.split(separator: ":").first ?? "") : host
        guard originAuthority.lowercased() == host.lowercased() || originAuthority.lowercased() == hostWithoutDefaultPort.lowercased() else {
            return "the form came from \(origin.prefix(64)), not from this site (\(host.prefix(64)))"
        }
        return nil
    }
}
