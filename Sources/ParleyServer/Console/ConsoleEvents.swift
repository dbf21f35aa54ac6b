import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// Live updates as server-sent events: one `change` event per transcript record, naming
/// its contact, so an open page fetches the fragment it shows again. The stream carries no
/// message text: what a page shows always comes escaped from the server.
///
/// A stream ends when the server stops gracefully (it would hold the stop up otherwise),
/// when the reader goes or its session no longer stands (expired, signed out, its token
/// taken away: a heartbeat every 15 s finds out), or never starts when `maxStreams` are open
/// already, or four of the session's (503: the page tries again later).
struct ConsoleEvents: Sendable {
    let feed: ConsoleFeed
    let maxStreams: Int

    func add(to group: RouterGroup<BasicRequestContext>, session: @escaping @Sendable (Request) -> ConsoleSession?,
             stands: @escaping @Sendable (ConsoleSession) -> Bool)
    {
        group.get("events") { request, _ in
            guard let owner = session(request) else { return ConsoleHTTP.html("", status: .unauthorized) }
            guard let changes = feed.subscribe(maxStreams: maxStreams, owner: owner.id) else {
                return Response(status: .serviceUnavailable, headers: [.retryAfter: "10", .contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "too many live streams are open; the page tries again\n")))
            }
            var headers = ConsoleHTTP.securityHeaders
            headers[.contentType] = "text/event-stream; charset=utf-8"
            headers[HTTPField.Name("X-Accel-Buffering")!] = "no"  // nginx: pass events on as they come
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
                try await withGracefulShutdownHandler {
                    for await change in changes.stream {
                        if change.type == ConsoleFeed.heartbeat, !stands(owner) { break }
                        try await writer.write(ByteBuffer(string: Self.event(change)))
                    }
                    changes.end()
                } onGracefulShutdown: {
                    changes.end()
                }
                try await writer.finish(nil)
            })
        }
    }

    static func event(_ change: ConsoleFeed.Change) -> String {
        if change.type == ConsoleFeed.heartbeat { return ": heartbeat\n\n" }
        // Contacts and record types are plain text without newlines; JSON-quoted to be sure.
        let contact = change.contact.map { "\"\(jsonEscape($0))\"" } ?? "null"
        return "event: change\ndata: {\"contact\":\(contact),\"type\":\"\(jsonEscape(change.type))\"}\n\n"
    }

    private static func jsonEscape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{0}"..."\u{1F}": out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
