import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ParleyConfig
import ParleyJSON
import ParleyPolicy
import ParleyRuntime

/// `GET /webhook`: the subscription handshake. `POST /webhook`: a delivery, checked against
/// its signature, kept in the inbox, and answered at once; processing comes after.
struct WebhookRoutes {
    let service: RuntimeService
    let settings: DeploymentConfig
    let budget: WebhookBodyBudget
    let memory: MemoryReturn

    func add(to router: Router<BasicRequestContext>) {
        router.get("/webhook") { request, _ in verify(request) }
        router.post("/webhook") { request, context in try await receive(request, context) }
    }

    func verify(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        guard query["hub.mode"] == "subscribe", let challenge = query["hub.challenge"] else {
            return HTTP.text("expected hub.mode=subscribe with hub.challenge\n", status: .badRequest)
        }
        guard let expected = settings.cloudAPI.verifyToken, query["hub.verify_token"].map(String.init) == expected else {
            return HTTP.text("the verify token does not match PARLEY_VERIFY_TOKEN\n", status: .forbidden)
        }
        return HTTP.text(String(challenge))
    }

    func receive(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("application/json") else {
            return HTTP.problem(.unsupportedMediaType, "webhook bodies are application/json; got \(contentType.isEmpty ? "none" : contentType)")
        }
        // The body's room is taken before a byte of it is read: its declared length, or the
        // largest body allowed when it declares none.
        let maxBytes = settings.server.maxBodyBytes
        let room = min(request.headers[.contentLength].flatMap(Int.init) ?? maxBytes, maxBytes)
        guard budget.reserve(room) else { return tooBusy(context) }
        defer { budget.release(room) }
        let body = try await readBody(request, upTo: maxBytes)
        memory.noteBody(body.count)
        if let secret = settings.cloudAPI.appSecret {
            let header = request.headers[HTTPField.Name("X-Hub-Signature-256")!]
            guard WebhookSignature.isValid(header, body: body, secret: secret) else {
                context.logger.warning("webhook refused: bad or missing X-Hub-Signature-256")
                return HTTP.problem(.unauthorized, "the X-Hub-Signature-256 header is missing or does not match the body")
            }
        }
        // ParleyJSON has no check short of a parse; the parse is bounded with the body, by
        // the budget.
        guard (try? JSONValue.parse(body))?.objectValue != nil else {
            return HTTP.problem(.badRequest, "the body is not a JSON object")
        }
        do {
            _ = try await service.inbox.accept(body, at: SystemClock().now)
            service.inboxProblem.withLock { if $0 != nil { $0 = nil } }
        } catch {
            // Not kept: the platform must try again, so no 200.
            context.logger.error("webhook not kept: \(error)")
            service.inboxProblem.withLock { $0 = "webhooks cannot be stored (\(error)); Meta is answered 503 and retries" }
            return HTTP.problem(.serviceUnavailable, "the webhook could not be stored; try again")
        }
        service.signals.inbox.signal()
        return HTTP.text("ok\n")
    }

    /// The body as bytes; the received buffer goes when this returns, so only one copy is
    /// held while the body is checked and stored.
    private func readBody(_ request: Request, upTo maxBytes: Int) async throws -> [UInt8] {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBytes)
        return Array(buffer.readableBytesView)
    }

    /// 503 with `Retry-After`: the bodies in hand already fill the budget. Meta retries a
    /// webhook that was not answered 200, so nothing is lost.
    private func tooBusy(_ context: BasicRequestContext) -> Response {
        if let refused = budget.refused(at: SystemClock().now) {
            context.logger.warning("""
                \(refused) webhook(s) refused with 503 since the last such line: the bodies being received already hold \
                \(budget.limit >> 20) MiB; Meta sends them again later
                """)
        }
        var response = HTTP.problem(.serviceUnavailable, "too many webhook bytes in hand (\(budget.limit >> 20) MiB); try again shortly")
        response.headers[.retryAfter] = "\(Self.retryAfterSeconds)"
        return response
    }

    static let retryAfterSeconds = 2
}
