import Testing
@testable import ParleyPolicy

/// docs/rules.md §3, phone number status: CONNECTED and FLAGGED send; RESTRICTED refuses only
/// business-initiated sends; BANNED, DISCONNECTED or anything unknown refuses everything.
@Suite("Phone number status")
struct NumberStatusTests {
    let inside = t0.plus(hours: 1)
    let outside = t0.plus(days: 2)

    func world(_ status: String) -> World {
        var w = World()
        w.account.numberStatus = NumberStatus(status)
        return w
    }

    @Test("CONNECTED and FLAGGED send free-form, in-window templates and business-initiated templates",
          arguments: ["CONNECTED", "FLAGGED", "connected"])
    func connectedAndFlaggedSend(status: String) {
        let w = world(status)
        #expect(w.decide(text(), at: inside).isAllowed)
        #expect(w.decide(orderUpdate, at: inside).isAllowed)
        #expect(w.decide(orderUpdate, at: outside).isAllowed)
    }

    @Test("RESTRICTED refuses a business-initiated template: number_restricted")
    func restrictedRefusesBusinessInitiated() {
        let d = world("RESTRICTED").decide(orderUpdate, at: outside)
        #expect(d.reason == .numberRestricted)
        #expect(d.detail.contains("RESTRICTED"))
    }

    @Test("RESTRICTED still answers inside the window, free-form or template")
    func restrictedStillAnswersInsideTheWindow() {
        let w = world("RESTRICTED")
        #expect(w.decide(text(), at: inside).isAllowed)
        #expect(w.decide(orderUpdate, at: inside).isAllowed)
    }

    @Test("the account restriction RESTRICTED_BIZ_INITIATED_MESSAGING acts like RESTRICTED")
    func accountRestriction() {
        var w = World()
        w.account.businessInitiatedRestricted = true
        let d = w.decide(orderUpdate, at: outside)
        #expect(d.reason == .numberRestricted)
        #expect(d.detail.contains("business-initiated"))
        #expect(w.decide(text(), at: inside).isAllowed)
    }

    @Test("BANNED, DISCONNECTED or an unknown status refuses every send, even a reply inside the window",
          arguments: ["BANNED", "DISCONNECTED", "PENDING", "UNVERIFIED", "WHATEVER_COMES_NEXT", ""])
    func unknownOrBannedRefusesAll(status: String) {
        let w = world(status)
        for message in [text(), orderUpdate] {
            let d = w.decide(message, at: inside)
            #expect(d.reason == .numberRestricted)
            #expect(d.rule == "number.status")
        }
        #expect(w.decide(text(), by: .agent(nil), at: inside).reason == .numberRestricted)
        #expect(w.decide(text(), by: .core, at: inside).reason == .numberRestricted)
    }

    @Test("status strings parse case-insensitively and print as the platform spells them")
    func statusParsing() {
        #expect(NumberStatus("flagged") == .flagged)
        #expect(NumberStatus("Restricted") == .restricted)
        #expect(NumberStatus("banned") == .other("BANNED"))
        #expect(NumberStatus("banned").description == "BANNED")
        #expect(NumberStatus.connected.canSend && NumberStatus.flagged.canSend && NumberStatus.restricted.canSend)
        #expect(!NumberStatus("BANNED").canSend)
    }
}
