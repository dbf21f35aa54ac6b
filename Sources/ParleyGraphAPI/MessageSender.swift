import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
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
        await withCheckedContinuation { done in
            send(request, idempotencyKey: idempotencyKey, attempt: attempt) { done.resume(returning: $0) }
        }
    }

    /// The same, with no task of its own: the request leaves from the caller's thread and
    /// `completion` runs on the client's event loop, so a send costs no hop through the task
    /// pool there and back.
    public func send(_ request: MessageRequest, idempotencyKey: String, attempt: Int,
                     completion: @escaping @Sendable (Outcome) -> Void) {
        let url = settings.baseURL + request.path(version: settings.version, phoneNumberID: settings.phoneNumberID(of: request.to.number) ?? "")
        let http: HTTPClient.Request
        do {
            http = try HTTPClient.Request(url: url, method: .POST, headers: [
                "Authorization": "Bearer \(settings.accessToken ?? "")",
                "Content-Type": "application/json",
                "Idempotency-Key": idempotencyKey,
            ], body: .byteBuffer(ByteBuffer(string: request.encoded())))
        } catch {
            // A base URL that cannot be requested: as a connection that failed.
            let failure = GraphAPIError(code: nil, message: "\(error)", isTimeout: true)
            completion(.failed(failure, retryAfter: retryDelay(for: failure, attempt: attempt)))
            return
        }
        let answer = GraphAnswer(upTo: 1 << 20)
        let deadline = NIODeadline.now() + .milliseconds(Int64(settings.timeoutMilliseconds))
        client.execute(request: http, delegate: answer, deadline: deadline).futureResult.whenComplete { result in
            completion(outcome(of: result, attempt: attempt))
        }
    }

    private func outcome(of result: Result<GraphAnswer.Answer, any Error>, attempt: Int) -> Outcome {
        let failure: GraphAPIError
        switch result {
        case .success(let answer) where answer.tooLarge:
            // No Graph API answer is that large. After a 2xx the message may have gone, so it
            // is not sent again; after a 5xx (a proxy's page) it is, as for any 5xx.
            let tooLarge = GraphAPIError(code: nil, message: "an answer of over 1 MiB", httpStatus: answer.status)
            return .failed(tooLarge, retryAfter: (200..<300).contains(answer.status) ? nil : retryDelay(for: tooLarge, attempt: attempt))
        case .success(let answer):
            let text = String(buffer: answer.body)
            if (200..<300).contains(answer.status) {
                if let sent = try? SendResponse(body: text) { return .accepted(wamid: sent.messageID, held: sent.isHeld) }
                failure = GraphAPIError(code: nil, message: "unexpected success body: \(text.prefix(200))", httpStatus: answer.status)
            } else {
                failure = GraphAPIError(body: text, httpStatus: answer.status)
            }
        case .failure(let e as HTTPClientError) where e == .deadlineExceeded || e == .readTimeout || e == .connectTimeout:
            failure = .timeout(after: Double(settings.timeoutMilliseconds) / 1000)
        case .failure(let error):
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

/// A Graph API answer: its status and up to `limit` bytes of its body. A longer body is
/// not read further, and the answer says so, with its status: what a too-large answer means
/// depends on it.
final class GraphAnswer: HTTPClientResponseDelegate {
    struct Answer: Sendable {
        var status = 0
        var body = ByteBuffer()
        var tooLarge = false
    }

    private let limit: Int
    private let answer = Mutex(Answer())

    init(upTo limit: Int) { self.limit = limit }

    func didReceiveHead(task: HTTPClient.Task<Answer>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        answer.withLock { $0.status = Int(head.status.code) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Answer>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
        answer.withLock { answer in
            guard !answer.tooLarge else { return }
            if answer.body.readableBytes + part.readableBytes > limit {
                answer.tooLarge = true
                answer.body.clear()
            } else {
                var part = part
                answer.body.writeBuffer(&part)
            }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Answer>) throws -> Answer {
        answer.withLock { $0 }
    }
}
