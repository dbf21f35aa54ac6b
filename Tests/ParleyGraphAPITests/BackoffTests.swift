import ParleyCloudAPI
import ParleyGraphAPI
import Testing

@Suite("Backoff")
struct BackoffTests {
    let backoff = Backoff(base: .milliseconds(500), multiplier: 2, cap: .seconds(8), maxAttempts: 7)

    @Test("the ceiling doubles from the base and stops at the cap")
    func ceilings() {
        let ceilings = (1...6).map { backoff.ceiling(afterAttempt: $0) }
        #expect(ceilings == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8)])
    }

    @Test("every delay lies between zero and its ceiling (full jitter), over many seeds")
    func withinBounds() {
        for seed in UInt64(0)..<500 {
            var rng = SeededGenerator(seed: seed)
            let delays = backoff.delays(using: &rng)
            #expect(delays.count == 6)
            for (i, delay) in delays.enumerated() {
                #expect(delay >= .zero && delay <= backoff.ceiling(afterAttempt: i + 1))
            }
        }
    }

    @Test("the jitter spreads: over many seeds the first delay covers its range")
    func spreads() {
        let firsts = (UInt64(0)..<1000).map { seed -> Duration in
            var rng = SeededGenerator(seed: seed)
            return backoff.delay(afterAttempt: 1, using: &rng)!
        }
        #expect(firsts.min()! < .milliseconds(25))
        #expect(firsts.max()! > .milliseconds(475))
        #expect(Set(firsts).count > 900)
    }

    @Test("the same seed gives the same schedule; another seed another")
    func reproducible() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let first = backoff.delays(using: &a)
        #expect(first == backoff.delays(using: &b))
        #expect(first != backoff.delays(using: &c))
    }

    @Test("no delay after the last attempt, nor for an attempt that never happened")
    func attempts() {
        var rng = SeededGenerator(seed: 1)
        #expect(backoff.delay(afterAttempt: 6, using: &rng) != nil)
        #expect(backoff.delay(afterAttempt: 7, using: &rng) == nil)
        #expect(backoff.delay(afterAttempt: 0, using: &rng) == nil)
        #expect(Backoff(base: .seconds(1), cap: .seconds(1), maxAttempts: 1).delays(using: &rng).isEmpty)
    }

    @Test("the standard schedule waits at most 15 s in all, inside a minute")
    func standard() {
        let worst = (1..<Backoff.standard.maxAttempts).map { Backoff.standard.ceiling(afterAttempt: $0) }.reduce(.zero, +)
        #expect(worst == .seconds(15))
    }

    @Test("huge attempt numbers and settings out of range neither overflow nor trap")
    func extremes() {
        var rng = SeededGenerator(seed: 9)
        let wild = Backoff(base: .seconds(1), multiplier: 1e9, cap: .seconds(Int64.max), maxAttempts: Int.max)
        #expect(wild.ceiling(afterAttempt: 1_000_000) > .zero)
        #expect(wild.delay(afterAttempt: Int.max - 1, using: &rng) != nil)
        let odd = Backoff(base: .seconds(-5), multiplier: .nan, cap: .seconds(-1), maxAttempts: -3)
        #expect(odd.base == .zero && odd.cap == .zero && odd.multiplier == 1 && odd.maxAttempts == 1)
    }
}
