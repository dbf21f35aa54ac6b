import Testing
@testable import ParleyPolicy

/// docs/rules.md §3: unique contacts reached by business-initiated messages in a rolling 24 h.
@Suite("Messaging limit")
struct MessagingLimitTests {
    let outside = t0.plus(days: 2)

    // MARK: the decision

    @Test("the 250th unique contact is allowed at TIER_250")
    func twoHundredFiftiethAllowed() {
        var w = World()
        w.limit = LimitStanding(limit: 250, used: 249, alreadyCounted: false)
        let d = w.decide(orderUpdate, at: outside)
        #expect(d.isAllowed)
        #expect(d.countsTowardLimit)
    }

    @Test("the 251st unique contact is refused: messaging_limit, with the figures in the detail")
    func twoHundredFiftyFirstRefused() {
        var w = World()
        w.limit = LimitStanding(limit: 250, used: 250, alreadyCounted: false)
        let d = w.decide(orderUpdate, at: outside)
        #expect(d.reason == .messagingLimit)
        #expect(d.code == nil)
        #expect(d.detail.contains("250 of 250"))
        #expect(d.detail.contains("TIER_250"))
    }

    @Test("a contact already counted in the rolling 24 h adds nothing, even at the limit")
    func alreadyCountedAtTheLimit() {
        var w = World()
        w.limit = LimitStanding(limit: 250, used: 250, alreadyCounted: true)
        let d = w.decide(orderUpdate, at: outside)
        #expect(d.isAllowed)
        #expect(d.isBusinessInitiated)
        #expect(!d.countsTowardLimit)
    }

    @Test("a template inside the window never counts and is never refused for the limit")
    func inWindowTemplateNeverCounts() {
        var w = World()
        w.limit = LimitStanding(limit: 250, used: 250, alreadyCounted: false)
        let d = w.decide(orderUpdate, at: t0.plus(hours: 1))
        #expect(d.isAllowed)
        #expect(!d.countsTowardLimit)
    }

    @Test("free-form messages never count")
    func freeFormNeverCounts() {
        #expect(!World().decide(text(), at: t0).countsTowardLimit)
    }

    @Test("an unlimited tier never refuses")
    func unlimitedNeverRefuses() {
        var w = World()
        w.account.tier = .unlimited
        w.limit = LimitStanding(limit: nil, used: 5_000_000, alreadyCounted: false)
        #expect(w.decide(orderUpdate, at: outside).isAllowed)
    }

    // MARK: the ledger

    @Test("the ledger counts up to the limit and refuses the next unique contact")
    func ledgerReservesUpToTheLimit() {
        var ledger = MessagingLimitLedger(window: PolicyConfig().limitWindow)
        let people = contacts(251)
        let first250 = people.prefix(250).map { ledger.reserve($0, limit: 250, at: t0) }
        #expect(first250.allSatisfy { $0 })
        #expect(ledger.used == 250)
        let the251st = ledger.reserve(people[250], limit: 250, at: t0)
        #expect(!the251st)
        #expect(ledger.used == 250, "a refused reservation takes nothing")
    }

    @Test("the same contact twice counts once, and may be sent to again at the limit")
    func sameContactCountsOnce() {
        var ledger = MessagingLimitLedger(window: PolicyConfig().limitWindow)
        let first = ledger.reserve(alice, limit: 1, at: t0)
        let again = ledger.reserve(alice, limit: 1, at: t0.plus(hours: 5))
        #expect(first && again)
        #expect(ledger.used == 1)
        let someoneElse = ledger.reserve(bob, limit: 1, at: t0.plus(hours: 5))
        #expect(!someoneElse)
    }

    @Test("a count expires exactly 24 h after the contact was first counted, not after the last send")
    func countsExpireAt24HoursAfterFirstCount() {
        var ledger = MessagingLimitLedger(window: PolicyConfig().limitWindow)
        _ = ledger.reserve(alice, limit: 1, at: t0)
        _ = ledger.reserve(alice, limit: 1, at: t0.plus(hours: 23))  // adds nothing, does not extend
        let justBefore = ledger.standing(of: alice, limit: 1, at: t0.plus(hours: 24) - .milliseconds(1))
        #expect(justBefore == LimitStanding(limit: 1, used: 1, alreadyCounted: true))
        let bobJustBefore = ledger.reserve(bob, limit: 1, at: t0.plus(hours: 24) - .milliseconds(1))
        #expect(!bobJustBefore)
        let at24 = ledger.standing(of: alice, limit: 1, at: t0.plus(hours: 24))
        #expect(at24 == LimitStanding(limit: 1, used: 0, alreadyCounted: false))
        let bobAt24 = ledger.reserve(bob, limit: 1, at: t0.plus(hours: 24))
        #expect(bobAt24)
    }

    @Test("counts expire one by one, in the order they were made")
    func rollingExpiry() {
        var ledger = MessagingLimitLedger(window: PolicyConfig().limitWindow)
        let people = contacts(3)
        for (i, c) in people.enumerated() { _ = ledger.reserve(c, limit: 3, at: t0.plus(hours: Int64(i))) }
        #expect(ledger.standing(of: people[0], limit: 3, at: t0.plus(hours: 24)).used == 2)
        #expect(ledger.standing(of: people[0], limit: 3, at: t0.plus(hours: 25)).used == 1)
        #expect(ledger.standing(of: people[0], limit: 3, at: t0.plus(hours: 26)).used == 0)
    }

    @Test("release gives the slot back for a message that was never sent")
    func releaseGivesTheSlotBack() {
        var ledger = MessagingLimitLedger(window: PolicyConfig().limitWindow)
        _ = ledger.reserve(alice, limit: 1, at: t0)
        ledger.release(alice, reservedAt: t0)
        #expect(ledger.used == 0)
        let bobGetsIt = ledger.reserve(bob, limit: 1, at: t0.plus(seconds: 1))
        #expect(bobGetsIt)
    }

    @Test("releasing a stale reservation does not undo a later count")
    func releaseOfStaleReservation() {
        var ledger = MessagingLimitLedger(window: PolicyConfig().limitWindow)
        _ = ledger.reserve(alice, limit: 5, at: t0)
        ledger.release(alice, reservedAt: t0)
        _ = ledger.reserve(alice, limit: 5, at: t0.plus(hours: 2))
        ledger.release(alice, reservedAt: t0)  // the old one, again
        #expect(ledger.standing(of: alice, limit: 5, at: t0.plus(hours: 3)).alreadyCounted)
        // ...and the stale queue entry does not expire the new count early
        #expect(ledger.standing(of: alice, limit: 5, at: t0.plus(hours: 25)).alreadyCounted)
        #expect(!ledger.standing(of: alice, limit: 5, at: t0.plus(hours: 26)).alreadyCounted)
    }

    @Test("a second send to an already counted contact, released, does not free the original count")
    func releaseOfARepeatKeepsTheFirstCount() {
        var ledger = MessagingLimitLedger(window: PolicyConfig().limitWindow)
        _ = ledger.reserve(alice, limit: 5, at: t0)
        _ = ledger.reserve(alice, limit: 5, at: t0.plus(hours: 1))
        ledger.release(alice, reservedAt: t0.plus(hours: 1))
        #expect(ledger.used == 1)
    }

    @Test("the standing the ledger reports is what the decision uses")
    func ledgerStandingFeedsTheDecision() {
        var ledger = MessagingLimitLedger(window: PolicyConfig().limitWindow)
        for c in contacts(250) { _ = ledger.reserve(c, limit: 250, at: outside) }
        var w = World()
        w.limit = ledger.standing(of: alice, limit: 250, at: outside.plus(hours: 1))
        #expect(w.decide(orderUpdate, at: outside.plus(hours: 1)).reason == .messagingLimit)
        w.limit = ledger.standing(of: contacts(1)[0], limit: 250, at: outside.plus(hours: 1))
        #expect(w.decide(orderUpdate, at: outside.plus(hours: 1)).isAllowed)
    }

    @Test("a lowered limit refuses new contacts but keeps the ones already counted")
    func loweredLimit() {
        var ledger = MessagingLimitLedger(window: PolicyConfig().limitWindow)
        let people = contacts(10)
        for c in people { _ = ledger.reserve(c, limit: 10, at: t0) }
        let newContact = ledger.reserve(alice, limit: 5, at: t0)
        let countedContact = ledger.reserve(people[9], limit: 5, at: t0)
        #expect(!newContact)
        #expect(countedContact)
    }

    @Test("the ledger's window is configurable")
    func ledgerWindowIsConfigurable() {
        var ledger = MessagingLimitLedger(window: .hours(1))
        _ = ledger.reserve(alice, limit: 1, at: t0)
        let before = ledger.reserve(bob, limit: 1, at: t0.plus(minutes: 59))
        let after = ledger.reserve(bob, limit: 1, at: t0.plus(hours: 1))
        #expect(!before)
        #expect(after)
    }

    @Test("property: random reserves, releases and clock moves never exceed the limit and match a naive model",
          arguments: [1, 2, 3, 4, 5] as [UInt64])
    func ledgerMatchesNaiveModel(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let limit = 7
        let people = contacts(15)
        var ledger = MessagingLimitLedger(window: .minutes(60))
        var model: [ContactID: Instant] = [:]  // first counted
        var now = t0
        for _ in 0..<4000 {
            now = now + .milliseconds(Int64.random(in: 0...90_000, using: &rng))
            model = model.filter { now < $0.value + .minutes(60) }
            let c = people.randomElement(using: &rng)!
            if Int.random(in: 0..<10, using: &rng) == 0, let at = model[c] {
                ledger.release(c, reservedAt: at)
                model[c] = nil
            } else {
                let expected = model[c] != nil || model.count < limit
                let reserved = ledger.reserve(c, limit: limit, at: now)
                #expect(reserved == expected)
                if expected, model[c] == nil { model[c] = now }
            }
            // `used` is as of the last expiry; standing(of:at:) expires up to now first.
            let used = ledger.standing(of: c, limit: limit, at: now).used
            #expect(used <= limit)
            #expect(used == model.count)
        }
    }

    @Test("200,000 contacts over 55 h: the ledger stays exact as expired entries are compacted away")
    func ledgerAtScale() {
        var ledger = MessagingLimitLedger(window: PolicyConfig().limitWindow)
        var now = t0
        let people = (0..<200_000).map { ContactID("+1555" + String(1_000_000 + $0))! }
        for c in people {
            _ = ledger.reserve(c, limit: nil, at: now)
            now = now + .seconds(1)  // 3,600 an hour: 86,400 in a window
        }
        let last = now - .seconds(1)
        #expect(ledger.standing(of: people[0], limit: nil, at: last) == LimitStanding(limit: nil, used: 86_400, alreadyCounted: false))
        #expect(ledger.standing(of: people[200_000 - 86_400], limit: nil, at: last).alreadyCounted)
        #expect(!ledger.standing(of: people[200_000 - 86_401], limit: nil, at: last).alreadyCounted)
    }
}

/// docs/rules.md §3: the tiers as the platform names them.
@Suite("Messaging tiers")
struct MessagingTierTests {
    @Test("current, legacy and numeric tier names parse to their limits", arguments: [
        ("TIER_50", 50), ("TIER_250", 250), ("TIER_1K", 1000), ("TIER_2K", 2000), ("TIER_10K", 10_000),
        ("TIER_100K", 100_000), ("TIER_NOT_SET", 250), ("tier_2k", 2000), (" TIER_10K ", 10_000),
        ("250", 250), ("2000", 2000), ("10000", 10_000), ("100000", 100_000),
    ])
    func limitedTiers(name: String, limit: Int) {
        #expect(MessagingTier(platform: name) == .limited(limit))
        #expect(MessagingTier(platform: name)?.limit == limit)
    }

    @Test("TIER_UNLIMITED and max_daily_conversations_per_business -1 are unlimited", arguments: ["TIER_UNLIMITED", "UNLIMITED", "-1"])
    func unlimitedTiers(name: String) {
        #expect(MessagingTier(platform: name) == .unlimited)
        #expect(MessagingTier(platform: name)?.limit == nil)
    }

    @Test("anything else is not a tier", arguments: ["", "TIER_3", "TIER_", "0", "-2", "lots", "TIER_1M"])
    func invalidTiers(name: String) {
        #expect(MessagingTier(platform: name) == nil)
    }

    @Test("a platform tier's name reads back as the same tier", arguments: [50, 250, 1000, 2000, 10_000, 100_000])
    func tierNamesRoundTrip(limit: Int) {
        let tier = MessagingTier.limited(limit)
        #expect(MessagingTier(platform: tier.description) == tier)
        #expect(MessagingTier(platform: MessagingTier.unlimited.description) == .unlimited)
    }

    @Test("the current ladder: 250 → 2,000 → 10,000 → 100,000 → unlimited; legacy tiers step onto it")
    func ladder() {
        #expect(MessagingTier.limited(250).next == .limited(2000))
        #expect(MessagingTier.limited(2000).next == .limited(10_000))
        #expect(MessagingTier.limited(10_000).next == .limited(100_000))
        #expect(MessagingTier.limited(100_000).next == .unlimited)
        #expect(MessagingTier.unlimited.next == .unlimited)
        #expect(MessagingTier.limited(50).next == .limited(250))
        #expect(MessagingTier.limited(1000).next == .limited(2000))
    }

    @Test("one step down the ladder: a legacy 1K drops to 250, the bottom has none below")
    func stepDown() {
        #expect(MessagingTier.unlimited.previous == .limited(100_000))
        #expect(MessagingTier.limited(2000).previous == .limited(250))
        #expect(MessagingTier.limited(1000).previous == .limited(250))
        #expect(MessagingTier.limited(250).previous == nil)
        #expect(MessagingTier(platform: "TIER_1K") == .limited(1000))
    }
}
