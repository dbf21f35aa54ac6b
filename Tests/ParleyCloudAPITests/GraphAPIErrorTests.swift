import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import Testing

@Suite("Graph API errors")
struct GraphAPIErrorTests {
    func error(_ code: Int, status: Int = 400) -> GraphAPIError {
        GraphAPIError(body: #"{"error":{"message":"m","type":"OAuthException","code":\#(code),"fbtrace_id":"x"}}"#, httpStatus: status)
    }

    @Test("each policy code maps to the refusal the core gives for the same mistake")
    func reasons() {
        let table: [Int: Reason] = [
            131047: .outsideWindow, 470: .outsideWindow, 132001: .templateNotFound, 132000: .templateParamMismatch,
            132012: .templateParamFormat, 132005: .templateTooLong, 132015: .templatePaused, 132016: .templateDisabled,
            131050: .marketingOptedOut, 130429: .throughputLimit, 131056: .pairRateLimit, 137000: .identityChanged,
            131009: .invalidMessage, 131008: .invalidMessage, 131051: .invalidMessage, 100: .invalidMessage,
            131026: .recipientUndeliverable, 131021: .invalidRecipient, 130497: .numberRestricted,
            131049: .marketingCooldown,
        ]
        for (code, reason) in table { #expect(error(code).reason == reason, "code \(code)") }
        for code in [131000, 131016, 131053, 190, 0, 4, 80007] { #expect(error(code).reason == nil, "code \(code)") }
    }

    @Test("Parley's own refusals and the upstream codes agree both ways")
    func agreesWithReason() {
        for reason in Reason.allCases {
            guard let code = reason.upstreamCode else { continue }
            let back = error(code).reason
            // 132001, 131009 and 131049 each stand for two refusals; upstream they read as the first.
            #expect(back == reason || (code == 132001 && back == .templateNotFound) || (code == 131009 && back == .invalidMessage)
                || (code == 131049 && back == .marketingCooldown))
        }
    }

    @Test("retry: server trouble, throughput and maintenance are transient; the rest never, 131049 included (the contact cools down instead)")
    func retry() {
        for code in [131000, 131016, 130429, 131057] { #expect(error(code).retry == .transient, "code \(code)") }
        for code in [131047, 132001, 131056, 190, 100, 131026, 131049] { #expect(error(code).retry == .never, "code \(code)") }
    }

    @Test("the code decides, never the HTTP status: a 131047 in a 500 is still never, a 131000 in a 400 still transient")
    func codeNotStatus() {
        #expect(error(131047, status: 500).retry == .never)
        #expect(error(131000, status: 400).retry == .transient)
    }

    @Test("only a 5xx with no Graph error to read, or a timeout, is retried on the transport's word")
    func noBody() {
        #expect(GraphAPIError(body: "", httpStatus: 503).retry == .transient)
        #expect(GraphAPIError(body: "", httpStatus: 404).retry == .never)
        #expect(GraphAPIError(body: "{}", httpStatus: 502).retry == .transient)
        #expect(GraphAPIError.timeout(after: 10).retry == .transient)
        #expect(GraphAPIError.timeout(after: 10).reason == nil)
    }

    @Test("token errors stop the sender: 190 (any subcode), 0 and 102")
    func authentication() {
        for code in [190, 0, 102] { #expect(error(code).isAuthentication, "code \(code)") }
        for code in [131047, 100, 10, 200] { #expect(!error(code).isAuthentication, "code \(code)") }
    }

    @Test("a failed status webhook's error classifies the same way")
    func fromWebhook() {
        let failed = GraphAPIError(PlatformError(code: 131049, title: "This message was not delivered to maintain healthy ecosystem engagement."))
        #expect(failed.retry == .never)
        #expect(failed.reason == .marketingCooldown)
        #expect(GraphAPIError(PlatformError(code: 131047)).reason == .outsideWindow)
    }
}
