import Testing
@testable import ParleyPolicy

/// docs/rules.md §7 (identity change) and §6 (a human who owns a conversation mutes the bots).
@Suite("Identity change and human ownership")
struct IdentityAndOwnershipTests {
    let inside = t0.plus(hours: 1)

    var identityChanged: World {
        var w = World()
        w.contact.identityChangePending = true
        return w
    }

    func ownedBy(_ owner: Owner) -> World {
        var w = World()
        w.contact.owner = owner
        return w
    }

    // MARK: identity

    @Test("an unacknowledged identity change refuses every send: identity_changed / 137000",
          arguments: [Sender.bot("orders"), .automation("nudge"), .macro("shipping_update"), .agent("dana"), .core])
    func identityChangeRefusesEverySender(sender: Sender) {
        for message in [text(), orderUpdate] {
            let d = identityChanged.decide(message, by: sender, at: inside)
            #expect(d.reason == .identityChanged)
            #expect(d.code == 137000)
            #expect(d.detail.contains("acknowledge"))
        }
    }

    @Test("once acknowledged, sends go out again")
    func acknowledgedIdentity() {
        var w = identityChanged
        w.contact.identityChangePending = false
        #expect(w.decide(text(), at: inside).isAllowed)
    }

    // MARK: ownership

    @Test("while a human owns the conversation, bots and automations are refused: human_owns_conversation",
          arguments: [Sender.bot("orders"), .automation("nudge")])
    func humanOwnerMutesAutomation(sender: Sender) {
        let w = ownedBy(.human(queue: "orders-team"))
        for message in [text(), orderUpdate] {
            let d = w.decide(message, by: sender, at: inside)
            #expect(d.reason == .humanOwnsConversation)
            #expect(d.code == nil)
            #expect(d.detail.contains("human:orders-team"))
        }
    }

    @Test("while a human owns the conversation, agents, their macros and the core still send",
          arguments: [Sender.agent("dana"), .macro("shipping_update"), .core])
    func humanOwnerDoesNotMuteHumans(sender: Sender) {
        let w = ownedBy(.human(queue: "orders-team"))
        #expect(w.decide(text(), by: sender, at: inside).isAllowed)
        #expect(w.decide(orderUpdate, by: sender, at: inside).isAllowed)
    }

    @Test("a bot-owned or unowned conversation takes sends from anyone", arguments: [Owner.nobody, .bot("orders")])
    func botOrNobodyOwns(owner: Owner) {
        let w = ownedBy(owner)
        for sender in [Sender.bot("orders"), .automation("nudge"), .agent(nil), .macro("m"), .core] {
            #expect(w.decide(text(), by: sender, at: inside).isAllowed)
        }
    }

    @Test("once released, the bot sends again")
    func released() {
        #expect(ownedBy(.bot("orders")).decide(text(), by: .bot("orders"), at: inside).isAllowed)
    }

    @Test("owners and senders print as the transcript spells them")
    func spelling() {
        #expect(Owner.bot("orders").description == "bot:orders")
        #expect(Owner.human(queue: "vip").description == "human:vip")
        #expect(Owner.nobody.description == "nobody")
        #expect(Sender.bot("orders").description == "bot:orders")
        #expect(Sender.macro("shipping_update").description == "macro:shipping_update")
        #expect(Sender.automation("nudge").description == "automation:nudge")
        #expect(Sender.agent(nil).description == "agent")
        #expect(Sender.agent("dana").description == "agent:dana")
        #expect(Sender.core.description == "core")
    }

    @Test("owners parse from bot:<name> and human:<queue>, and nothing else")
    func ownerParsing() {
        #expect(Owner(parsing: "bot:orders") == .bot("orders"))
        #expect(Owner(parsing: "human:orders-team") == .human(queue: "orders-team"))
        #expect(Owner(parsing: "human:orders-team")?.isHuman == true)
        #expect(Owner(parsing: "bot:orders")?.isHuman == false)
        for bad in ["bot:", "human:", "orders", "agent:x", ""] { #expect(Owner(parsing: bad) == nil) }
    }

    @Test("only bots and automations are automated senders")
    func automatedSenders() {
        #expect(Sender.bot("b").isAutomated && Sender.automation("a").isAutomated)
        #expect(!Sender.agent("dana").isAutomated && !Sender.macro("m").isAutomated && !Sender.core.isAutomated)
    }
}
