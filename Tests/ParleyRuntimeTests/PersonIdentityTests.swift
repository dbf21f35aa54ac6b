import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import ParleySimulation
import Testing

/// One conversation per person (docs/rules.md §7.3), however the platform names them: since
/// April 2026 payloads carry a business-scoped user id, and the phone number is withheld
/// when there was no contact in the last 30 days.
@Suite("People known by number, by user id, or both")
struct PersonIdentityTests {
    static let phone = "+447700900150"
    static let userID = "GB.13491208655302741918"

    /// A bot that counts the person's messages in conv.state and says the count back.
    func world() throws -> World {
        try World(scripts: ["b.lua": bot(#"""
            conv.state.seen = (conv.state.seen or 0) + 1
            send(conv, "message " .. conv.state.seen)
            """#)])
    }

    /// A messages webhook from the person, with the number, the user id, or both: the shape
    /// of Meta's 2026 payloads (`contacts[].user_id`, `from_user_id`; made for the test).
    static func webhook(text: String, id: String, phone: String?, userID: String?) -> JSONValue {
        var contact: [String: JSONValue] = ["profile": ["name": "Ana"]]
        var message: [String: JSONValue] = ["id": .string(id), "timestamp": "1767603600", "type": "text", "text": ["body": .string(text)]]
        if let phone {
            contact["wa_id"] = .string(String(phone.dropFirst()))
            message["from"] = .string(String(phone.dropFirst()))
        }
        if let userID {
            contact["user_id"] = .string(userID)
            message["from_user_id"] = .string(userID)
        }
        return ["object": "whatsapp_business_account", "entry": [["id": "1", "changes": [["field": "messages", "value": [
            "messaging_product": "whatsapp", "metadata": ["display_phone_number": "15550001111", "phone_number_id": "1234"],
            "contacts": [.object(contact)], "messages": [.object(message)],
        ]]]]]]
    }

    @Test("the number disappears mid-conversation: window, state and ownership stay with the person, and replies still go to the number")
    func numberWithheld() throws {
        let world = try world()
        world.simulation.apply(.webhook(Self.webhook(text: "hi", id: "wamid.1", phone: Self.phone, userID: Self.userID)))
        world.advance("2h")
        world.simulation.apply(.webhook(Self.webhook(text: "still there?", id: "wamid.2", phone: nil, userID: Self.userID)))
        #expect(world.sentTexts == ["message 1", "message 2"])
        #expect(world.sent.map { $0["to"] } == [.string(Self.phone), .string(Self.phone)])
        let summary = try world.runtime.summary(of: ContactID(Self.userID)!)
        #expect(summary["contact"] == .string(Self.phone))
        #expect(summary["owner"] == "bot:test")
        #expect(world.of("session_started").count == 1, "one person, one session")
    }

    @Test("known first by user id, then the number: the conversation moves to the number, audited")
    func numberLearnt() throws {
        let world = try world()
        world.simulation.apply(.webhook(Self.webhook(text: "hi", id: "wamid.1", phone: nil, userID: Self.userID)))
        #expect(world.sent.last?["to"] == .string(Self.userID))
        world.simulation.apply(.webhook(Self.webhook(text: "again", id: "wamid.2", phone: Self.phone, userID: Self.userID)))
        let moved = try #require(world.of("rekeyed").first)
        #expect(moved["contact"] == .string(Self.userID))
        #expect(moved["new_contact"] == .string(Self.phone))
        #expect(moved["because"] == "phone_number_learnt")
        #expect(world.sentTexts == ["message 1", "message 2"])
        #expect(world.sent.last?["to"] == .string(Self.phone))
    }

    @Test("user_changed_number moves the conversation to the new number: consent and state follow")
    func numberChanged() throws {
        let world = try world()
        let old = ContactID("+447700900151")!, new = ContactID("+447700900152")!
        world.handle(.optIn(old))
        world.inbound(old.value, "hi")
        world.handle(.numberChanged(from: old, to: new))
        #expect(world.of("rekeyed").first?["because"] == "user_changed_number")
        let summary = try world.runtime.summary(of: new)
        #expect(summary["opted_in"] == true)
        #expect(summary["state"]?["seen"] == 1)
        world.inbound(new.value, "it's me")
        #expect(world.sentTexts.last == "message 2")
        #expect(try world.runtime.summary(of: old)["contact"] == .string(new.value), "the old number leads to the person")
    }

    @Test("user_changed_user_id: the new id leads to the same conversation")
    func userIDChanged() throws {
        let world = try world()
        let newID = ContactID("GB.99999999999999999999")!
        world.simulation.apply(.webhook(Self.webhook(text: "hi", id: "wamid.1", phone: Self.phone, userID: Self.userID)))
        world.handle(.userIDChanged(from: ContactID(Self.userID)!, to: newID))
        #expect(world.of("rekeyed").first?["kept_under"] == .string(Self.phone))
        world.simulation.apply(.webhook(Self.webhook(text: "new id", id: "wamid.2", phone: nil, userID: newID.value)))
        #expect(world.sentTexts == ["message 1", "message 2"])
    }

    @Test("an authentication template to a person known only by user id is refused before sending; with a number it goes")
    func authenticationNeedsPhone() throws {
        let templates = World.templates + [Template(name: "login_code", language: "en_US", category: .authentication, body: "{{1}} is your code.")]
        let world = try World(scripts: ["b.lua": bot("")], templates: templates)
        let code = OutboundMessage.template(TemplateRequest(name: "login_code", body: .positional(["482913"])))
        world.simulation.apply(.webhook(Self.webhook(text: "code please", id: "wamid.1", phone: nil, userID: Self.userID)))
        world.handle(.agentReply(code, to: Self.userID))
        #expect(world.blocked.last?["reason"] == "phone_number_required")
        world.simulation.apply(.webhook(Self.webhook(text: "+44 here", id: "wamid.2", phone: Self.phone, userID: Self.userID)))
        world.handle(.agentReply(code, to: Self.userID))
        #expect(world.sent.last?["template"] == "login_code")
        #expect(world.sent.last?["to"] == .string(Self.phone))
    }

    @Test("pick_template judges for the person's current key, as send does: a user id leads to the number")
    func pickByUserID() throws {
        let templates = World.templates + [Template(name: "login_code", language: "en_US", category: .authentication, body: "{{1}} is your code.")]
        let world = try World(scripts: ["b.lua": bot(#"""
            local t, reason = pick_template { name = "login_code", to = "\#(Self.userID)" }
            conv.state.picked = t and t.name or reason
            """#)], templates: templates)
        world.simulation.apply(.webhook(Self.webhook(text: "hi", id: "wamid.1", phone: nil, userID: Self.userID)))
        #expect(try world.runtime.summary(of: ContactID(Self.userID)!)["state"]?["picked"] == "phone_number_required")
        world.simulation.apply(.webhook(Self.webhook(text: "hi", id: "wamid.2", phone: Self.phone, userID: Self.userID)))
        #expect(try world.runtime.summary(of: ContactID(Self.phone)!)["state"]?["picked"] == "login_code")
    }
}
