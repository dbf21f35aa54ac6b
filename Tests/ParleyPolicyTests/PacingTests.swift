import Testing
@testable import ParleyPolicy

/// docs/rules.md §4: throughput and pair rate. The core paces rather than drops: a message
/// waits for its slot and is refused only past its deadline or over the outbox bound.
@Suite("Throughput and pacing")
struct PacingTests {
    func pacer(_ change: (inout PacingConfig) -> Void = { _ in }) -> Pacer {
        var c = PacingConfig()
        change(&c)
        return Pacer(c)
    }

    /// Plans `n` messages to `contact` at `now`, as an outbox would (each one waiting
    /// behind the ones before it), and returns their send times.
    func planMany(_ pacer: inout Pacer, to contact: ContactID, _ n: Int, at now: Instant, alreadyWaiting: Int = 0) -> [Instant] {
        (0..<n).map { i in
            guard case .sendAt(let at) = pacer.plan(to: contact, at: now, waiting: alreadyWaiting + i) else {
                Issue.record("message \(i + 1) was refused")
                return now
            }
            return at
        }
    }

    // MARK: the gate

    @Test("pair rate: a burst of 45 goes at once, then one message every 6 s")
    func rateGateBurstThenRate() {
        var gate = RateGate(interval: .seconds(6), burst: 45)
        for _ in 0..<45 {
            #expect(gate.earliest(after: t0) == t0)
            gate.take(at: t0)
        }
        #expect(gate.earliest(after: t0) == t0.plus(seconds: 6))
        gate.take(at: t0.plus(seconds: 6))
        #expect(gate.earliest(after: t0) == t0.plus(seconds: 12))
    }

    @Test("a gate recovers one message per interval, up to its full burst")
    func rateGateRecovers() {
        var gate = RateGate(interval: .seconds(6), burst: 45)
        for _ in 0..<45 { gate.take(at: t0) }
        #expect(!gate.isIdle(at: t0.plus(seconds: 269)))
        #expect(gate.isIdle(at: t0.plus(seconds: 270)))
        // 60 s later, 10 more have been earned back
        let later = t0.plus(seconds: 60 + 6)  // the 46th slot is at +6 s; ten more by +66 s
        var taken = 0
        while gate.earliest(after: later) == later { gate.take(at: later); taken += 1 }
        #expect(taken == 11)
    }

    @Test("number throughput: 80 per second with the default burst; the 81st waits 1/80 s (rounded up to the ms)")
    func rateGateNumberThroughput() {
        var gate = RateGate(perSecond: 80, burst: 80)
        for _ in 0..<80 { gate.take(at: gate.earliest(after: t0)) }
        #expect(gate.earliest(after: t0) == t0 + .milliseconds(13))
    }

    @Test("property: a gate never admits more than burst + elapsed/interval in any span",
          arguments: [(Span.seconds(6), 45), (.milliseconds(12), 80), (.milliseconds(7), 1), (.seconds(1), 3)])
    func rateGateBound(interval: Span, burst: Int) {
        var rng = SeededGenerator(seed: UInt64(interval.milliseconds) &* 31 &+ UInt64(burst))
        var gate = RateGate(interval: interval, burst: burst)
        var now = t0
        var sent: [Instant] = []
        for _ in 0..<600 {
            now = now + .milliseconds(Int64.random(in: 0...(interval.milliseconds * 2), using: &rng))
            let at = gate.earliest(after: now)
            #expect(at >= now)
            gate.take(at: at)
            sent.append(at)
        }
        expectBound(sent.sorted(), interval: interval.milliseconds * 1000, burst: burst)
    }

    // MARK: the pacer

    @Test("the pacer sends a burst of 45 to one contact at once, then one every 6 s")
    func pairRateBurst() {
        var p = pacer()
        let times = planMany(&p, to: alice, 47, at: t0)
        #expect(times.prefix(45).allSatisfy { $0 == t0 })
        #expect(times[45] == t0.plus(seconds: 6))
        #expect(times[46] == t0.plus(seconds: 12))
    }

    @Test("the pacer sends 80 messages to 80 contacts at once; the 81st and 82nd follow 1/80 s apart")
    func numberThroughput() {
        var p = pacer()
        let times = contacts(82).map { c -> Instant in
            guard case .sendAt(let at) = p.plan(to: c, at: t0, waiting: 0) else { return .init(millisecondsSinceEpoch: 0) }
            return at
        }
        #expect(times.prefix(80).allSatisfy { $0 == t0 })
        #expect(times[80] == t0 + .milliseconds(13))  // 12.5 ms, rounded up
        #expect(times[81] == t0 + .milliseconds(25))
    }

    @Test("without a burst, 80 per second are spread 1/80 s apart and no second ever holds more than 80")
    func numberThroughputWithoutBurst() {
        var p = pacer { $0.numberBurst = 1 }
        let times = contacts(161).map { c -> Instant in
            guard case .sendAt(let at) = p.plan(to: c, at: t0, waiting: 0) else { return .init(millisecondsSinceEpoch: 0) }
            return at
        }
        #expect(times[0] == t0)
        #expect(times[1] == t0 + .milliseconds(13))  // 12.5 ms, rounded up
        #expect(times[2] == t0 + .milliseconds(25))
        #expect(times[79] == t0 + .milliseconds(988))
        #expect(times[80] == t0.plus(seconds: 1))
        #expect(times[160] == t0.plus(seconds: 2))
        for (i, start) in times.enumerated() {
            let inASecond = times[i...].prefix { $0 < start + .seconds(1) }.count
            #expect(inASecond <= 80)
        }
    }

    @Test("one contact's paced messages do not hold up other contacts' messages")
    func pairPacingDoesNotBlockOthers() {
        var p = pacer()
        let aliceTimes = planMany(&p, to: alice, 50, at: t0)
        #expect(aliceTimes.last == t0.plus(seconds: 30))
        #expect(p.plan(to: bob, at: t0, waiting: 0) == .sendAt(t0))
        #expect(p.plan(to: bob, at: t0.plus(seconds: 1), waiting: 0) == .sendAt(t0.plus(seconds: 1)))
    }

    @Test("a message the pair rate cannot fit before its deadline: pair_rate_limit / 131056")
    func pairRateDeadline() {
        var p = pacer { $0.maxQueueDelay = .seconds(10) }
        _ = planMany(&p, to: alice, 46, at: t0)  // the 46th at +6 s
        guard case .refuse(let r) = p.plan(to: alice, at: t0, waiting: 46) else {
            Issue.record("the 47th (at +12 s) should be past the 10 s deadline")
            return
        }
        #expect(r.reason == .pairRateLimit)
        #expect(r.code == 131056)
        #expect(r.detail.contains("1 message per 6s to one contact"))
    }

    @Test("a message the number's throughput cannot fit before its deadline: throughput_limit / 130429")
    func throughputDeadline() {
        var p = pacer {
            $0.numberPerSecond = 1
            $0.numberBurst = 1
            $0.maxQueueDelay = .seconds(2)
        }
        let people = contacts(4)
        #expect(p.plan(to: people[0], at: t0, waiting: 0) == .sendAt(t0))
        #expect(p.plan(to: people[1], at: t0, waiting: 0) == .sendAt(t0.plus(seconds: 1)))
        #expect(p.plan(to: people[2], at: t0, waiting: 0) == .sendAt(t0.plus(seconds: 2)))  // exactly at the deadline
        guard case .refuse(let r) = p.plan(to: people[3], at: t0, waiting: 0) else {
            Issue.record("the 4th should be past the deadline")
            return
        }
        #expect(r.reason == .throughputLimit)
        #expect(r.code == 130429)
        #expect(r.detail.contains("1 messages per second"))
    }

    @Test("the outbox bound per contact: 50 may wait, the 51st is refused with pair_rate_limit")
    func outboxBound() {
        var p = pacer()
        #expect(p.plan(to: alice, at: t0, waiting: 49) == .sendAt(t0))
        guard case .refuse(let r) = p.plan(to: alice, at: t0, waiting: 50) else {
            Issue.record("over the bound")
            return
        }
        #expect(r.reason == .pairRateLimit)
        #expect(r.detail.contains("bound 50"))
    }

    @Test("a refused message takes no slot")
    func refusalTakesNoSlot() {
        var p = pacer { $0.maxQueueDelay = .seconds(10) }
        _ = planMany(&p, to: alice, 46, at: t0)
        _ = p.plan(to: alice, at: t0, waiting: 46)  // refused
        #expect(p.plan(to: alice, at: t0.plus(seconds: 6), waiting: 0) == .sendAt(t0.plus(seconds: 12)))
    }

    @Test("the defaults are the platform's: 80/s per number, 1 per 6 s with bursts of 45 per contact")
    func defaults() {
        let c = PacingConfig()
        #expect(c.numberPerSecond == 80)
        #expect(c.pairInterval == .seconds(6))
        #expect(c.pairBurst == 45)
        #expect(c.outboxBoundPerContact == 50)
    }

    @Test("property: whatever the arrivals, the pacer keeps every contact and the number within burst + elapsed/interval",
          arguments: [7, 8, 9] as [UInt64])
    func pacerBound(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var p = pacer {
            $0.numberPerSecond = 10
            $0.numberBurst = 4
            $0.pairInterval = .seconds(1)
            $0.pairBurst = 3
            $0.outboxBoundPerContact = 1000
            $0.maxQueueDelay = .hours(10)
        }
        let people = contacts(6)
        var now = t0
        var all: [Instant] = []
        var byContact: [ContactID: [Instant]] = [:]
        for _ in 0..<1500 {
            now = now + .milliseconds(Int64.random(in: 0...120, using: &rng))
            let c = people.randomElement(using: &rng)!
            guard case .sendAt(let at) = p.plan(to: c, at: now, waiting: 0) else {
                Issue.record("refused within a 10 h deadline")
                return
            }
            #expect(at >= now)
            all.append(at)
            byContact[c, default: []].append(at)
        }
        expectBound(all.sorted(), interval: 100_000, burst: 4)
        for times in byContact.values { expectBound(times.sorted(), interval: 1_000_000, burst: 3) }
    }

    @Test("a pacer that saw many contacts and messages forgets the idle ones and still paces correctly")
    func pacerForgetsIdleContacts() {
        var p = pacer()
        var now = t0
        for c in contacts(10_000, prefix: "+141520") {
            _ = p.plan(to: c, at: now, waiting: 0)
            now = now + .milliseconds(20)
        }
        let times = planMany(&p, to: alice, 46, at: now)
        #expect(times[44] == now)
        #expect(times[45] == now.plus(seconds: 6))
    }
}

/// Checks that in every span [a, b] of `sorted` send times there are at most
/// burst + ⌊(b − a) / interval⌋ messages.
func expectBound(_ sorted: [Instant], interval micros: Int64, burst: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    var worst = 0
    for i in sorted.indices {
        for j in i..<sorted.count {
            let span = (sorted[j].millisecondsSinceEpoch - sorted[i].millisecondsSinceEpoch) * 1000
            let allowed = burst + Int(span / micros)
            worst = max(worst, (j - i + 1) - allowed)
        }
    }
    #expect(worst <= 0, "a span held \(worst) message(s) more than burst + elapsed/interval", sourceLocation: sourceLocation)
}
