import Testing
@testable import ParleyPolicy

/// docs/rules.md §5: opt-in for business-initiated templates; marketing opt-out.
@Suite("Opt-in and opt-out")
struct ConsentTests {
    let inside = t0.plus(hours: 1)
    let outside = t0.plus(days: 2)

    var notOptedIn: World {
        var w = World()
        w.contact.optedIn = false
        return w
    }

    var optedOut: World {
        var w = World()
        w.contact.marketingOptedOut = true
        return w
    }

    @Test("a business-initiated template needs a recorded opt-in: no_opt_in, no upstream code")
    func businessInitiatedNeedsOptIn() {
        let d = notOptedIn.decide(orderUpdate, at: outside)
        #expect(d.reason == .noOptIn)
        #expect(d.code == nil)
        #expect(d.detail.contains("opt-in"))
    }

    @Test("a contact who never wrote and never opted in cannot be reached at all")
    func coldContactWithoutOptIn() {
        var w = notOptedIn
        w.contact.lastInbound = nil
        #expect(w.decide(orderUpdate, at: t0).reason == .noOptIn)
        #expect(w.decide(text(), at: t0).reason == .outsideWindow)
    }

    @Test("inside the window no opt-in is needed: the contact wrote first", arguments: [text(), orderUpdate, springPromo])
    func noOptInNeededInsideWindow(message: OutboundMessage) {
        #expect(notOptedIn.decide(message, to: bob, at: inside).isAllowed)
    }

    @Test("after an opt-out, marketing templates are refused inside and outside the window")
    func optedOutRefusesMarketing() {
        #expect(optedOut.decide(springPromo, at: inside).reason == .marketingOptedOut)
        #expect(optedOut.decide(springPromo, at: outside).reason == .marketingOptedOut)
    }

    @Test("after an opt-out, utility and authentication templates and in-window replies still go out",
          arguments: [orderUpdate, loginCode])
    func optedOutKeepsTheRest(message: OutboundMessage) {
        #expect(optedOut.decide(message, at: outside).isAllowed)
        #expect(optedOut.decide(message, at: inside).isAllowed)
        #expect(optedOut.decide(text("You won't receive offers any more."), at: inside).isAllowed)
    }

    @Test("the consent confirmation the core sends itself goes out while the window is open")
    func coreConfirmationInsideWindow() {
        #expect(optedOut.decide(text("You have been unsubscribed."), by: .core, at: inside).isAllowed)
    }

    @Test("opting out of marketing says so before a missing opt-in does")
    func optOutBeforeOptIn() {
        var w = optedOut
        w.contact.optedIn = false
        #expect(w.decide(springPromo, at: outside).reason == .marketingOptedOut)
    }
}
