import ParleyJSON
import ParleyPolicy

/// A failed Graph API call, as the platform explained it: the `{"error": {...}}` body of an
/// HTTP error, the bare error object some clients log, an `errors` entry of a failed status
/// webhook, or no explanation at all (a timeout, a gateway's HTML page).
///
/// Decoding never fails: whatever the body, the result says as much as the body did, and
/// `reason`, `retry` and `isAuthentication` key on the numeric `code`.
public struct GraphAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int?
    public var subcode: Int?
    /// `OAuthException`, `GraphMethodException`...: nearly every error is an OAuthException,
    /// so this is for people, not for logic.
    public var type: String?
    /// `error_user_title` of a Graph error, `title` of a webhook error.
    public var title: String?
    public var message: String?
    /// `error_data.details`, else `error_user_msg`: the sentence that says what to fix.
    public var details: String?
    /// `fbtrace_id`: what Meta support asks for.
    public var traceID: String?
    public var httpStatus: Int?
    /// No answer came back in time: the request may or may not have been accepted.
    public var isTimeout: Bool

    public init(
        code: Int?, subcode: Int? = nil, type: String? = nil, title: String? = nil, message: String? = nil,
        details: String? = nil, traceID: String? = nil, httpStatus: Int? = nil, isTimeout: Bool = false
    ) {
        self.code = code
        self.subcode = subcode
        self.type = type
        self.title = title
        self.message = message
        self.details = details
        self.traceID = traceID
        self.httpStatus = httpStatus
        self.isTimeout = isTimeout
    }

    /// The most characters kept of a body that is not JSON.
    public static let excerptLimit = 200

    /// A request that got no answer in time.
    public static func timeout(after seconds: Double) -> GraphAPIError {
        GraphAPIError(code: nil, message: "no answer within \(seconds)s", isTimeout: true)
    }

    /// The same classification for an error a status webhook carried.
    public init(_ error: PlatformError) {
        self.init(code: error.code, title: error.title, message: error.message, details: error.details)
    }

    public init(body: String, httpStatus: Int?) {
        self.init(body: Array(body.utf8), httpStatus: httpStatus)
    }

    /// A body that is not JSON (a proxy's HTML page, a truncated reply) keeps a short,
    /// tag-free excerpt as its message.
    public init(body: [UInt8], httpStatus: Int?) {
        if let json = try? JSONValue.parse(body, maxDepth: 32) {
            self.init(json: json, httpStatus: httpStatus)
        } else {
            self.init(code: nil, message: Excerpt.of(body), httpStatus: httpStatus)
        }
    }

    public init(json: JSONValue, httpStatus: Int? = nil) {
        // `{"error": {...}}` from the API; the inner object alone from clients that unwrap it.
        // (Typed: JSONValue is nil-literal convertible, so a bare `nil` here would be `.null`.)
        let error: JSONValue? = json.object("error") ?? (json["code"] != nil ? json : Optional.none)
        guard let error else {
            self.init(code: nil, message: json["error"]?.stringValue ?? json.text("message") ?? json.stringValue, httpStatus: httpStatus)
            return
        }
        let data = error["error_data"]
        self.init(
            code: error.integer("code"), subcode: error.integer("error_subcode"), type: error.text("type"),
            title: error.text("error_user_title") ?? error.text("title"), message: error.text("message"),
            details: data?.text("details") ?? data?.stringValue ?? error.text("error_user_msg") ?? error.text("details"),
            traceID: error.text("fbtrace_id"), httpStatus: httpStatus)
    }

    public var description: String {
        var text = code.map { "(#\($0)\(subcode.map { "/\($0)" } ?? ""))" } ?? (isTimeout ? "(no answer)" : "(no code)")
        if let title { text += " \(title)" }
        if let message, message != title { text += (title == nil ? " " : ": ") + message }
        if let details { text += " — \(details)" }
        if let httpStatus { text += " [HTTP \(httpStatus)]" }
        return text
    }
}

/// A short, readable excerpt of a body that is not JSON.
enum Excerpt {
    static let limit = GraphAPIError.excerptLimit

    static func of(_ body: [UInt8]) -> String? {
        var text = ""
        var inTag = false
        for scalar in String(decoding: body.prefix(64 * 1024), as: UTF8.self).unicodeScalars {
            switch scalar {
            case "<": inTag = true
            case ">" where inTag: inTag = false; text.append(" ")
            case _ where inTag: continue
            default: text.unicodeScalars.append(scalar)
            }
        }
        let words = text.split(whereSeparator: { $0.isWhitespace || $0.isNewline })
        guard !words.isEmpty else { return nil }
        let joined = words.joined(separator: " ")
        return joined.count > limit ? String(joined.prefix(limit)) + "…" : joined
    }
}
