import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ParleyCloudAPI
import ParleyPolicy

/// Sends one message to the Graph API: `POST {base_url}/{version}/{phone_number_id}/messages`,
/// from the number the recipient's conversation is on, with the bearer token, and the message's own id as the idempotency key of every attempt,
/// so a retry after a lost answer is never a second message.
public struct MessageSender: Sendable {
    let client: HTTPClient
    let settings: CloudAPISettings
    let backoff: Backoff

    public init(client: HTTPClient, settings: CloudAPISettings, backoff: Backoff) {
        self.client = client
        self.settings = settings
        self.backoff = backoff
    }

    public enum Outcome: Sendable {
        /// `held`: the platform holds it for a quality assessment; a status says what became of it.
        case accepted(wamid: String, held: Bool)
        /// Failed; `retryAfter` is when to try again, `nil` to give up.
        case failed(GraphAPIError, retryAfter: Duration?)
    }

    /// Attempt number `attempt` (from 1) to send `request`, keyed by `idempotencyKey`.
    public func send(_ request: MessageRequest, idempotencyKey: String, attempt: Int) async -> Outcome {
        var http = HTTPClientRequest(url: settings.baseURL + request.path(version: settings.version, phoneNumberID: settings.phoneNumberID(of: request.to.number) ?? ""))
        http.method = .POST
        http.headers.add(name: "Authorization", value: "Bearer \(settings.accessToken ?? "")")
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "Idempotency-Key", value: idempotencyKey)
        http.body = .bytes(ByteBuffer(string: request.encoded()))
        let failure: GraphAPIError
        do {
            let response = try await client.execute(http, timeout: .milliseconds(Int64(settings.timeoutMilliseconds)))
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: 1 << 20)
            } catch is NIOTooManyBytesError {
                // No Graph API answer is that large. After a 2xx the message may have gone, so
                // it is not sent again; after a 5xx (a proxy's page) it is, as for any 5xx.
                let status = Int(response.status.code)
                let tooLarge = GraphAPIError(code: nil, message: "an answer of over 1 MiB", httpStatus: status)
                return .failed(tooLarge, retryAfter: (200..<300).contains(status) ? nil : retryDelay(for: tooLarge, attempt: attempt))
            }
            let text = String(buffer: body)
            if (200..<300).contains(response.status.code) {
                if let sent = try? SendResponse(body: text) { return .accepted(wamid: sent.messageID, held: sent.isHeld) }
                failure = GraphAPIError(code: nil, message: "unexpected success body: \(text.prefix(200))", httpStatus: Int(response.status.code))
            } else {
                failure = GraphAPIError(body: text, httpStatus: Int(response.status.code))
            }
        } catch let e as HTTPClientError where e == .deadlineExceeded || e == .readTimeout || e == .connectTimeout {
            failure = .timeout(after: Double(settings.timeoutMilliseconds) / 1000)
        } catch {
            // The connection failed: as transient as a timeout.
            failure = GraphAPIError(code: nil, message: "\(error)", isTimeout: true)
        }
        return .failed(failure, retryAfter: retryDelay(for: failure, attempt: attempt))
    }

    /// Posts a read receipt (and the typing indicator): one attempt, no retry, since a late
    /// "typing…" is worse than none. Sent from `number`, the one the message came to.
    /// Returns the error, if any, for the log.
    public func markRead(_ receipt: ReadReceiptRequest, on number: String? = nil) async -> GraphAPIError? {
        var http = HTTPClientRequest(url: settings.baseURL + "/\(settings.version)/\(settings.phoneNumberID(of: number) ?? "")/messages")
        http.method = .POST
        http.headers.add(name: "Authorization", value: "Bearer \(settings.accessToken ?? "")")
        http.headers.add(name: "Content-Type", value: "application/json")
        http.body = .bytes(ByteBuffer(string: receipt.encoded()))
        do {
            let response = try await client.execute(http, timeout: .milliseconds(Int64(settings.timeoutMilliseconds)))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 16))
            return (200..<300).contains(response.status.code) ? nil : GraphAPIError(body: text, httpStatus: Int(response.status.code))
        } catch {
            return GraphAPIError(code: nil, message: "\(error)", isTimeout: true)
        }
    }

    /// How long a message waits while the access token is refused: the fault is the
    /// deployment's, not the message's, so it is never given up for it.
    public static let authenticationPause = Duration.seconds(60)

    private func retryDelay(for error: GraphAPIError, attempt: Int) -> Duration? {
        if error.isAuthentication { return Self.authenticationPause }
        switch error.retry {
        case .never: return nil
        case .transient:
            var random = SystemRandomNumberGenerator()
            return backoff.delay(afterAttempt: attempt, using: &random)
        }
    }
}
