import Foundation
import ParleyRuntime
import ParleyServer
import Testing

/// The wake-ups between a server's workers never lose one, the agenda's come when work is
/// set sooner, and the progress marks tests wait on mean what they say. A wake-up lost would
/// leave a wait to its timeout, which here is longer than the suite's time limit: a lost one
/// fails the suite rather than slowing it.
@Suite("Wake-ups and progress marks", .timeLimit(.minutes(1)))
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

    @Test("a wait ends at its own timeout even when the wait before it had a far longer one")
    func shorterTimeoutAfterLonger() async {
        let wake = WakeUp()
        for round in 0..<100 {
            // Most rounds, the long wait suspends before the signal, and a timer is set for it.
            async let long = wake.wait(timeout: Self.never)
            wake.signal()
            #expect(await long, "round \(round): the signal was lost")
            #expect(await wake.wait(timeout: .microseconds(round % 50)) == false, "round \(round)")
        }
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

    @Test("a progress mark not reached in time throws, naming it and how far things got")
    func markNotReached() async throws {
        let signals = ServiceSignals()
        signals.noteInboxProcessed(through: 3)
        try await signals.waitUntilInboxProcessed(through: 3, within: .zero)
        let error = await #expect(throws: ProgressTimeout.self) {
            try await signals.waitUntilInboxProcessed(through: 4, within: .milliseconds(1))
        }
        #expect(error?.description.contains("the inbox processed through 4") == true)
        #expect(error?.progress.inboxProcessed == 3)
    }

    @Test("the sender is idle only after a turn begun after the wait was asked for")
    func senderIdleNeedsAFreshTurn() async throws {
        let signals = ServiceSignals()
        let progress = signals.progress
        progress.update { $0.senderTurns = 1; $0.senderIdleTurn = 1 }  // idle, but before anyone asked
        await #expect(throws: ProgressTimeout.self) { try await signals.waitUntilSenderIdle(within: .milliseconds(1)) }
        #expect(await signals.deliveries.wait(timeout: .zero))  // the turn that wait asked for, which never came

        async let idle: Void = signals.waitUntilSenderIdle(within: Self.never)
        // The sender: woken by the wait, it begins a turn and finds nothing to do.
        #expect(await signals.deliveries.wait(timeout: Self.never))
        progress.update { progress in
            progress.senderTurns += 1
            progress.senderIdleTurn = progress.senderTurns
        }
        try await idle
    }

    @Test("an event that sets the agenda's first item earlier wakes the agenda worker; one that sets a later item does not")
    func agendaWokenForEarlierWork() async throws {
        let timers = """
        return bot {
          name = "timers", escalation = { queue = "support" },
          on_message = function(conv, msg) schedule(conv, msg.text, "t", {}) end,
          on_timer = function(conv, name, data) end,
        }
        """
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-agenda-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let service = try runtimeService(in: folder, scripts: ["timers.lua": timers])
        let agenda = service.signals.agenda
        _ = await agenda.wait(timeout: .zero)  // whatever loading the scripts set

        func schedule(_ delay: String, _ n: Int) async throws -> Bool {
            _ = try await service.inbox.accept(Array(textWebhook(from: "14155550101", text: delay, id: "wamid.agenda.\(n)").utf8), at: SystemClock().now)
            #expect(await service.processInbox() != nil)
            return await agenda.wait(timeout: .zero)  // a signal is pending, or none is
        }
        #expect(try await schedule("2h", 1), "the first item")
        #expect(try await schedule("3h", 2) == false, "after the first")
        #expect(try await schedule("1h", 3), "before the first")
    }
}
