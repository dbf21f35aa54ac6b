import ParleyServer
import Testing

/// The wake-ups between a server's workers never lose one. A wake-up lost would leave a wait
/// to its timeout, which here is longer than the suite's time limit: a lost one fails the
/// suite rather than slowing it.
@Suite("Wake-ups", .timeLimit(.minutes(1)))
struct WakeUpTests {
    /// Far longer than the suite may run: a wait with it that returns was woken by a signal.
    static let never = Duration.seconds(3600)

    @Test("a signal sent right after a wait timed out wakes the next wait at once")
    func signalAfterTimeout() async {
        let wake = WakeUp()
        #expect(await wake.wait(timeout: .milliseconds(1)) == false)
        wake.signal()
        #expect(await wake.wait(timeout: Self.never))
    }

    @Test("a signal racing a wait's timeout is taken by exactly one wait, every time")
    func signalRacingTimeout() async {
        let wake = WakeUp()
        for round in 0..<1_000 {
            async let first = wake.wait(timeout: .microseconds(round % 50))
            wake.signal()
            if await first {
                #expect(await wake.wait(timeout: .zero) == false, "round \(round): one signal woke two waits")
            } else {
                #expect(await wake.wait(timeout: Self.never), "round \(round): the signal was lost")
            }
        }
    }

    @Test("a suspended wait wakes at a signal; signals sent before a wait wake it once")
    func wakesOnce() async {
        let wake = WakeUp()
        let waiter = Task { await wake.wait(timeout: Self.never) }
        wake.signal()
        #expect(await waiter.value)

        for _ in 0..<3 { wake.signal() }
        #expect(await wake.wait(timeout: Self.never))
        #expect(await wake.wait(timeout: .zero) == false)
    }

    @Test("cancelling a waiting task ends its wait")
    func cancelled() async {
        let wake = WakeUp()
        let waiter = Task { await wake.wait(timeout: Self.never) }
        waiter.cancel()
        #expect(await waiter.value == false)
    }

    @Test("each wait on a watched value ends when its own condition is met, or at its timeout")
    func watchedConditions() async {
        let value = Watched(0)
        async let two = value.wait(until: { $0 >= 2 }, timeout: Self.never)
        async let one = value.wait(until: { $0 >= 1 }, timeout: Self.never)
        value.update { $0 = 1 }
        value.update { $0 = 2 }
        #expect(await two == 2)
        #expect(await one.map { $0 >= 1 } == true)
        #expect(await value.wait(until: { $0 > 2 }, timeout: .milliseconds(1)) == nil)
    }
}
