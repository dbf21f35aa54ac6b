import Testing
@testable import ParleyPolicy

/// docs/rules.md §1: the customer service window.
@Suite("Customer service window")
struct WindowTests {
    let world = World()  // alice last wrote at t0

    @Test("a free-form message goes out at 23:59:59.999 after the last inbound")
    func openOneMillisecondBeforeItsEnd() {
        let d = world.decide(text(), at: t0.plus(hours: 23, minutes: 59, seconds: 59, ms: 999))
        #expect(d.isAllowed)
        #expect(d.rule == "window.open")
        #expect(d.outcome == .allowed(kind: .session, businessInitiated: false))
    }

    @Test("at exactly 24:00:00 after the last inbound the window is closed: outside_window / 131047")
    func closedAtExactly24Hours() {
        let d = world.decide(text(), at: t0.plus(hours: 24))
        #expect(d.reason == .outsideWindow)
        #expect(d.code == 131047)
        #expect(d.detail.contains("closed at 2026-03-03T09:00:00Z"))
    }

    @Test("the window opens at the very instant the contact writes")
    func openAtTheInboundInstant() {
        #expect(world.decide(text(), at: t0).isAllowed)
    }

    @Test("a contact who never wrote has no window: free-form is refused and the detail says so")
    func neverWroteContact() {
        let d = World.coldContact.decide(text(), at: t0)
        #expect(d.reason == .outsideWindow)
        #expect(d.windowEnd == nil)
        #expect(d.detail.contains("never wrote"))
    }

    @Test("an approved template may go out outside the window")
    func templateAllowedOutsideWindow() {
        let d = world.decide(orderUpdate, at: t0.plus(days: 3))
        #expect(d.isAllowed)
        #expect(d.outcome == .allowed(kind: .template, businessInitiated: true))
    }

    @Test("an approved template may go out to a contact who never wrote")
    func templateAllowedToColdContact() {
        let d = World.coldContact.decide(orderUpdate, at: t0)
        #expect(d.isAllowed)
        #expect(d.isBusinessInitiated)
    }

    @Test("a template inside the window is a reply, not business-initiated")
    func templateInsideWindowIsNotBusinessInitiated() {
        let d = world.decide(orderUpdate, at: t0.plus(hours: 1))
        #expect(d.outcome == .allowed(kind: .template, businessInitiated: false))
        #expect(d.rule == "template.in_window")
    }

    static let freeForm: [OutboundMessage] = [
        .text("hello"),
        .media(Media(kind: .image, link: "https://example.com/a.jpg", caption: "your receipt")),
        .buttons(Interactive(body: "Did this help?"), [ReplyButton(id: "y", title: "Yes"), ReplyButton(id: "n", title: "No")]),
        .list(Interactive(body: "Pick a slot"), ListMenu(button: "Slots", sections: [.init(rows: [.init(id: "9", title: "9:00")])])),
    ]

    @Test("every free-form kind goes out inside the window and is refused outside it", arguments: freeForm)
    func everyFreeFormKindNeedsTheWindow(message: OutboundMessage) {
        #expect(world.decide(message, at: t0.plus(hours: 23)).isAllowed)
        #expect(world.decide(message, at: t0.plus(hours: 24)).reason == .outsideWindow)
    }

    @Test("the check is repeated at dispatch: a message asked for in the window is refused once it has closed")
    func dispatchTimeRecheck() {
        let asked = world.decide(text(), at: t0.plus(hours: 23, minutes: 59, seconds: 59))
        let dispatched = world.decide(text(), at: t0.plus(hours: 24), stage: .dispatch)
        #expect(asked.isAllowed)
        #expect(dispatched.reason == .outsideWindow)
        #expect(dispatched.stage == .dispatch)
    }

    @Test("a template allowed as a reply at request becomes business-initiated at dispatch after the window closed")
    func templateReCheckedAtDispatch() {
        var w = world
        w.contact.optedIn = false
        #expect(w.decide(orderUpdate, at: t0.plus(hours: 23)).isAllowed)
        #expect(w.decide(orderUpdate, at: t0.plus(hours: 24), stage: .dispatch).reason == .noOptIn)
    }

    @Test("the decision records when the window ends: last inbound + 24 h")
    func windowEndIsRecorded() {
        #expect(world.decide(text(), at: t0).windowEnd == t0.plus(hours: 24))
        #expect(world.policy.windowEnd(lastInbound: t0) == t0.plus(hours: 24))
        #expect(world.policy.windowEnd(lastInbound: nil) == nil)
    }

    @Test("isWindowOpen is strict at the end and false without an inbound")
    func isWindowOpenHelper() {
        let p = Policy()
        #expect(p.isWindowOpen(lastInbound: t0, at: t0.plus(hours: 24) - .milliseconds(1)))
        #expect(!p.isWindowOpen(lastInbound: t0, at: t0.plus(hours: 24)))
        #expect(!p.isWindowOpen(lastInbound: nil, at: t0))
    }

    @Test("the window length is a configurable default")
    func windowLengthIsConfigurable() {
        var w = world
        w.policy = Policy({ var c = PolicyConfig(); c.windowLength = .hours(1); return c }())
        #expect(w.decide(text(), at: t0.plus(minutes: 59)).isAllowed)
        #expect(w.decide(text(), at: t0.plus(hours: 1)).reason == .outsideWindow)
    }

    @Test("a later inbound restarts the window at 24 h from that inbound")
    func laterInboundRestartsWindow() {
        var w = world
        w.contact.lastInbound = t0.plus(hours: 20)
        #expect(w.decide(text(), at: t0.plus(hours: 43, minutes: 59)).isAllowed)
        #expect(w.decide(text(), at: t0.plus(hours: 44)).reason == .outsideWindow)
    }

    @Test("deciding is pure: the same inputs give the same decision")
    func decisionsArePure() {
        let at = t0.plus(hours: 5)
        #expect(world.decide(orderUpdate, at: at) == world.decide(orderUpdate, at: at))
    }
}
