import Foundation
import ParleyPolicy
@testable import ParleyRuntime
@testable import ParleyServer
import Testing

/// What the console keeps in memory stays bounded, and one session cannot take every stream.
@Suite("Console feed bounds")
struct ConsoleFeedTests {
    static func record(from contact: String, second: Int64) -> TranscriptRecord {
        var record = TranscriptRecord("inbound", at: Instant(millisecondsSinceEpoch: 1_800_000_000_000 + second * 1000))
        record.add("from", contact)
        return record
    }

    @Test("records per contact, contacts and records in all stay within their bounds; the quiet go first")
    func bounded() {
        let feed = ConsoleFeed(perContact: 4, maxContacts: 6, maxRecords: 20)
        var second: Int64 = 0
        for round in 0..<50 {
            for contact in 0..<8 where contact < 3 || round % 10 == 0 {
                second += 1
                feed.add(Self.record(from: "+1415555000\(contact)", second: second))
            }
        }
        let held = (0..<8).map { feed.records(of: ["+1415555000\($0)"]).count }
        #expect(held.allSatisfy { $0 <= 5 }, "per contact: \(held)")
        #expect(held.filter { $0 > 0 }.count <= 6)
        #expect(held.reduce(0, +) <= 20)
        // The three who keep writing are kept.
        #expect(held[0...2].allSatisfy { $0 >= 4 })
    }

    @Test("a conversation waiting for a person is kept over busier ones with the bot")
    func personFirst() {
        let feed = ConsoleFeed(perContact: 4, maxContacts: 4, maxRecords: 100)
        var escalated = TranscriptRecord("escalated", at: Instant(millisecondsSinceEpoch: 1_800_000_000_000))
        escalated.add("to", "+14155550999")
        feed.add(escalated)
        for second in 1...40 { feed.add(Self.record(from: "+1415555000\(second % 8)", second: Int64(second))) }
        #expect(feed.records(of: ["+14155550999"]).map(\.type) == ["escalated"])
    }

    @Test("one session holds at most four live streams; others still get theirs")
    func streamsPerSession() {
        let feed = ConsoleFeed()
        let mine = (0..<5).map { _ in feed.subscribe(maxStreams: 64, owner: "session-a") }
        #expect(mine.prefix(4).allSatisfy { $0 != nil })
        #expect(mine[4] == nil)
        let theirs = feed.subscribe(maxStreams: 64, owner: "session-b")
        #expect(theirs != nil)
        for subscription in mine.compactMap({ $0 }) + [theirs].compactMap({ $0 }) { subscription.end() }
    }
}

/// The reply-latency bookkeeping holds nothing for ever, whatever order the route and the
/// runtime see a body in.
@Suite("Reply latency bookkeeping")
struct ReplyLatencyTests {
    @Test("a body the runtime took before the route told of it, or one set aside, leaves nothing behind")
    func nothingLeaks() {
        let latency = ReplyLatency()
        latency.webhookKept(1)
        latency.webhookKept(2)  // set aside: never in a batch
        latency.processing(3...3)
        latency.processed(committed: true)
        latency.webhookKept(3)  // told of after its batch ran: too late, not kept
        #expect(latency.heldArrivals == 0)
        latency.webhookKept(4)
        latency.processing(4...4)
        latency.queued("out-1")
        latency.processed(committed: true)
        #expect(latency.accepted("out-1") != nil)
        #expect(latency.accepted("out-1") == nil)
    }
}

/// Guessing tokens at the sign-in form is slowed to a few a minute.
@Suite("Console sign-in throttle")
struct ConsoleSignInThrottleTests {
    @Test("past ten failures in a minute every sign-in waits out the minute; then they are taken again")
    func throttled() {
        let throttle = ConsoleSignInThrottle(limit: 10)
        let start = ContinuousClock.now
        for second in 0..<10 {
            #expect(throttle.wait(now: start + .seconds(second)) == nil)
            throttle.failed(now: start + .seconds(second))
        }
        #expect(throttle.wait(now: start + .seconds(20)) == .seconds(40))
        #expect(throttle.wait(now: start + .seconds(61)) == nil)
    }

    @Test("the form answers 429 with Retry-After, even to the right token, once the failures pile up")
    func refusedInWords() async throws {
        try await TestDeployment(scripts: ["echo.lua": echoBot]).withRoutes { routes in
            var browser = ConsoleBrowser(routes)
            for _ in 0..<10 { #expect(try await browser.signIn(token: "not-a-token").status == 401) }
            let refused = try await browser.signIn(token: "dana-token-0123456789")
            #expect(refused.status == 429)
            #expect(refused.headers[.retryAfter] != nil)
            #expect(refused.body.contains("Too many failed sign-ins in the last minute"))
            #expect(browser.cookie == nil)
        }
    }
}
