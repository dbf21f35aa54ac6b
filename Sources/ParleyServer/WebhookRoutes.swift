import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ParleyConfig
import ParleyJSON
import ParleyPolicy

/// `GET /webhook`: the subscription handshake. `POST /webhook`: a delivery, checked against
/// its signature, kept in the inbox, and answered at once; processing comes after.
struct WebhookRoutes {
    let service: RuntimeService
    let settings: DeploymentConfig

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
        var request = request
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("application/json") else {
            return HTTP.problem(.unsupportedMediaType, "webhook bodies are application/json; got \(contentType.isEmpty ? "none" : contentType)")
        }
        let buffer = try await request.collectBody(upTo: settings.server.maxBodyBytes)
        let body = Array(buffer.readableBytesView)
        if let secret = settings.cloudAPI.appSecret {
            let header = request.headers[HTTPField.Name("X-Hub-Signature-256")!]
            guard WebhookSignature.isValid(header, body: body, secret: secret) else {
                context.logger.warning("webhook refused: bad or missing X-Hub-Signature-256")
                return HTTP.problem(.unauthorized, "the X-Hub-Signature-256 header is missing or does not match the body")
            }
        }
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
}
