import AsyncHTTPClient
import Foundation
import ParleyCloudAPI
import ParleyGraphAPI
import ParleyPolicy
import Testing

/// `MessageSender` against the fake Graph API: what each kind of answer means for the
/// message (sent, tried again, given up).
@Suite("Message sender")
struct MessageSenderTests {
    let request = try! MessageRequest(to: ContactID("+14155550101")!, message: .text("hi"))

    func sender(_ url: String, timeoutMilliseconds: Int = 10_000) -> MessageSender {
        var settings = CloudAPISettings()
        settings.baseURL = url
        settings.phoneNumberID = "1234"
        settings.accessToken = "token"
        settings.timeoutMilliseconds = timeoutMilliseconds
        return MessageSender(client: HTTPClient.shared, settings: settings, backoff: Backoff(base: .seconds(1), cap: .seconds(60), maxAttempts: 6))
    }

    @Test("an accepted message brings back its wamid, under its idempotency key")
    func accepted() async throws {
        let graph = FakeGraphAPI()
        let sender = sender(try await graph.start())
        guard case .accepted(let wamid, held: false) = await sender.send(request, idempotencyKey: "m1", attempt: 1) else {
            Issue.record("not accepted")
            return
        }
        #expect(wamid == "wamid.fake.1")
        #expect(await graph.received.first?.idempotencyKey == "m1")
        #expect(await graph.received.first?.path == "/v23.0/1234/messages")
    }

    @Test("an answer over 1 MiB: after a 2xx the message may have gone and is not sent again; after a 5xx it is")
    func tooLarge() async throws {
        let graph = FakeGraphAPI()
        let sender = sender(try await graph.start())
        let page = String(repeating: "x", count: (1 << 20) + 1)
        await graph.failNext(1, status: 200, body: page)
        guard case .failed(let error, let retry) = await sender.send(request, idempotencyKey: "m1", attempt: 1) else {
            Issue.record("a 2xx over 1 MiB was taken for a success")
            return
        }
        #expect(error.httpStatus == 200)
        #expect(retry == nil)
        await graph.failNext(1, status: 502, body: page)
        guard case .failed(let proxyError, let proxyRetry) = await sender.send(request, idempotencyKey: "m1", attempt: 1) else {
            Issue.record("a 5xx over 1 MiB was taken for a success")
            return
        }
        #expect(proxyError.httpStatus == 502)
        #expect(proxyRetry != nil)
    }

    @Test("no answer within the timeout: a transient failure, tried again")
    func timeout() async throws {
        let graph = FakeGraphAPI()
        await graph.answerAfter(.seconds(2))
        let sender = sender(try await graph.start(), timeoutMilliseconds: 50)
        guard case .failed(let error, let retry) = await sender.send(request, idempotencyKey: "m1", attempt: 1) else {
            Issue.record("a send with no answer was taken for a success")
            return
        }
        #expect(error.isTimeout)
        #expect(retry != nil)
    }
}
