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
            return HTTP.problem(.badRequest, "not a subscription handshake: hub.mode=subscribe and hub.challenge are missing",
                                fix: "subscribe this URL in the app's webhook settings: Meta sends both when it checks it")
        }
        guard let expected = settings.cloudAPI.verifyToken else {
            return HTTP.problem(.forbidden, "PARLEY_VERIFY_TOKEN is not set, so no handshake can match",
                                fix: "set PARLEY_VERIFY_TOKEN to the verify token given in the app's webhook settings, and restart")
        }
        guard query["hub.verify_token"].map(String.init) == expected else {
            return HTTP.problem(.forbidden, "hub.verify_token does not match PARLEY_VERIFY_TOKEN",
                                fix: "give the app's webhook settings the same verify token as PARLEY_VERIFY_TOKEN")
        }
        return HTTP.text(String(challenge))
    }

    func receive(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("application/json") else {
            return HTTP.problem(.unsupportedMediaType, "webhook bodies are application/json; got \(contentType.isEmpty ? "none" : contentType)",
                                fix: "send Content-Type: application/json, as Meta does")
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
                return HTTP.problem(.unauthorized, "the X-Hub-Signature-256 header is missing or does not match the body",
                                    fix: "set PARLEY_APP_SECRET to the secret of the Meta app that sends the webhooks")
            }
        }
        // ParleyJSON has no check short of a parse; the parse is bounded with the body, by
        // the budget.
        guard (try? JSONValue.parse(body))?.objectValue != nil else {
            return HTTP.problem(.badRequest, "the body is not a JSON object", fix: "send the webhook payload as Meta sends it")
        }
        do {
            let id = try await service.inbox.accept(body, at: SystemClock().now)
            service.metrics.replyLatency.webhookKept(id)
            service.inboxProblem.withLock { if $0 != nil { $0 = nil } }
        } catch {
            // Not kept: the platform must try again, so no 200.
            context.logger.error("webhook not kept: \(error)")
            service.inboxProblem.withLock { $0 = "webhooks cannot be stored (\(error)); Meta is answered 503 and retries" }
            return HTTP.problem(.serviceUnavailable, "the webhook could not be stored", fix: "send it again; /health and the server's log say why")
        }
        service.signals.inbox.signal()
        return HTTP.text("ok\n")
    }

    /// The body as bytes; the received buffer goes when this returns, so only one copy is
    /// held while the body is checked and stored.
    private func readBody(_ request: Request, upTo maxBytes: Int) async throws -> [UInt8] {
        var request = request
        return try await HTTP.collect(&request, upTo: maxBytes) {
            Problem(.contentTooLarge, "the body is over [server] max_body_kb (\(maxBytes >> 10) KiB)",
                    fix: "raise [server] max_body_kb in parley.toml if Meta's webhooks are larger")
        }
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
        var problem = Problem(.serviceUnavailable, "too many webhook bytes in hand (\(budget.limit >> 20) MiB)",
                              fix: "send it again after Retry-After seconds, as Meta does")
        problem.headers[.retryAfter] = "\(Self.retryAfterSeconds)"
        return problem.response
    }

    static let retryAfterSeconds = 2
}
