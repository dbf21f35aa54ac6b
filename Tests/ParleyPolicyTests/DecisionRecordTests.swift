import Testing
@testable import ParleyPolicy

/// Every decision is an audit record with its inputs (docs/architecture.md), and the rules run in
/// the fixed order Policy.swift documents: the first refusal wins.
@Suite("Decisions as audit records, and rule order")
struct DecisionRecordTests {
    let outside = t0.plus(days: 2)

    // MARK: audit trail

    @Test("a decision keeps the request, the instant, the stage, the facts and the rule that settled it")
    func keepsItsInputs() {
        var w = World()
        w.contact.owner = .bot("orders")
        w.limit = LimitStanding(limit: 250, used: 17, alreadyCounted: false)
        let d = w.decide(orderUpdate, at: outside, stage: .dispatch)
        #expect(d.at == outside)
        #expect(d.stage == .dispatch)
        #expect(d.request.id == "m1")
        #expect(d.request.recipient == alice)
        #expect(d.request.message == orderUpdate)
        #expect(d.facts == w.facts)
        #expect(d.facts.contact.owner == .bot("orders"))
        #expect(d.facts.limit == LimitStanding(limit: 250, used: 17, alreadyCounted: false))
        #expect(d.windowEnd == t0.plus(hours: 24))
        #expect(d.rule == "template.business_initiated")
    }

    @Test("a refusal keeps its inputs too: the window's end and the owner")
    func refusalKeepsItsInputs() {
        var w = World()
        w.contact.owner = .human(queue: "vip")
        let d = w.decide(text(), at: outside)
        #expect(d.reason == .humanOwnsConversation)
        #expect(d.facts.contact.owner == .human(queue: "vip"))
        #expect(d.windowEnd == t0.plus(hours: 24))
        #expect(d.rule == "ownership")
    }

    @Test("the template is kept as it stood, even when a later webhook changes the catalog")
    func templateSnapshot() {
        var w = World()
        let d = w.decide(orderUpdate, at: outside)
        w.catalog.apply(status: .paused, to: Fixture.orderUpdate.key, at: outside, pauses: [.hours(3)])
        #expect(d.template == Fixture.orderUpdate)
        #expect(d.template?.status == .approved)
    }

    @Test("a refused template is kept with the status that refused it")
    func refusedTemplateSnapshot() {
        var w = World()
        w.catalog.apply(status: .paused, to: Fixture.orderUpdate.key, at: outside, pauses: [.hours(3)])
        let d = w.decide(orderUpdate, at: outside.plus(hours: 1))
        #expect(d.template?.status == .paused)
        #expect(d.template?.pausedUntil == outside.plus(hours: 3))
    }

    @Test("a template whose pause ran out is recorded as APPROVED, the status it was sent under")
    func expiredPauseSnapshot() {
        var w = World()
        w.catalog.apply(status: .paused, to: Fixture.orderUpdate.key, at: outside, pauses: [.hours(3), .hours(6)])
        let d = w.decide(orderUpdate, at: outside.plus(hours: 4))
        #expect(d.isAllowed)
        #expect(d.template?.status == .approved)
        #expect(d.template?.pauseCount == 1)
    }

    @Test("a business-initiated send to a new contact counts toward the limit; to a counted one it does not")
    func countsTowardLimit() {
        var w = World()
        #expect(w.decide(orderUpdate, at: outside).countsTowardLimit)
        w.limit.alreadyCounted = true
        #expect(!w.decide(orderUpdate, at: outside).countsTowardLimit)
        #expect(!w.decide(text(), at: t0).countsTowardLimit)
    }

    // MARK: rule order

    @Test("an invalid recipient is refused before anything else, even a banned number")
    func recipientFirst() {
        var w = World()
        w.account.numberStatus = .other("BANNED")
        w.contact.identityChangePending = true
        #expect(w.decide(text(), toRaw: "nobody", at: t0).reason == .invalidRecipient)
    }

    @Test("a number that cannot send beats an identity change")
    func numberStatusBeatsIdentity() {
        var w = World()
        w.account.numberStatus = .other("DISCONNECTED")
        w.contact.identityChangePending = true
        #expect(w.decide(text(), at: t0).reason == .numberRestricted)
    }

    @Test("an identity change beats the window, for free-form and templates alike")
    func identityBeatsWindow() {
        var w = World()
        w.contact.identityChangePending = true
        #expect(w.decide(text(), at: outside).reason == .identityChanged)
        #expect(w.decide(template("ghost"), at: outside).reason == .identityChanged)
    }

    @Test("an identity change beats human ownership")
    func identityBeatsOwnership() {
        var w = World()
        w.contact.identityChangePending = true
        w.contact.owner = .human(queue: "q")
        #expect(w.decide(text(), at: t0).reason == .identityChanged)
    }

    @Test("human ownership beats the message's shape and the window")
    func ownershipBeatsShapeAndWindow() {
        var w = World()
        w.contact.owner = .human(queue: "q")
        #expect(w.decide(.text(""), at: outside).reason == .humanOwnsConversation)
    }

    @Test("a missing template is reported before the contact's consent")
    func existenceBeforeConsent() {
        var w = World()
        w.contact.optedIn = false
        w.contact.marketingOptedOut = true
        #expect(w.decide(template("ghost"), at: outside).reason == .templateNotFound)
    }

    @Test("template status beats parameters; parameters beat length")
    func statusThenParametersThenLength() {
        var w = World()
        w.catalog[Fixture.orderUpdate.key]?.status = .pending
        #expect(w.decide(template("order_update", "en_US", ["x"]), at: outside).reason == .templateNotApproved)
        #expect(World().decide(template("order_update", "en_US", [.of(2000)]), at: outside).reason == .templateParamMismatch)
    }

    @Test("for a business-initiated template: restriction, then opt-in, then the messaging limit")
    func businessInitiatedOrder() {
        var w = World()
        w.account.numberStatus = .restricted
        w.contact.optedIn = false
        w.limit.used = 250
        #expect(w.decide(orderUpdate, at: outside).reason == .numberRestricted)
        w.account.numberStatus = .connected
        #expect(w.decide(orderUpdate, at: outside).reason == .noOptIn)
        w.contact.optedIn = true
        #expect(w.decide(orderUpdate, at: outside).reason == .messagingLimit)
    }
}
