import Foundation
import ParleyJSON
import ParleyPolicy
@testable import ParleyRuntime
import ParleySimulation
import Testing

/// `TranscriptSchema` is the one description of what a transcript record holds: the
/// builders write records of its shapes, and the spec library checks assertions with it.
/// These tests hold the runtime to it.
@Suite("Transcript schema")
struct TranscriptSchemaTests {
    static let contact = ContactID(alice)!
    static let at = World.start
    static let template = World.templates[0]

    /// Every kind of message a `sent` record can describe.
    static let messages: [OutboundMessage] = [
        .text("Your order is out for delivery."),
        .buttons(Interactive(body: "Did it arrive?"), [ReplyButton(id: "yes", title: "Yes"), ReplyButton(id: "no", title: "No")]),
        .list(Interactive(body: "Pick an order"), ListMenu(button: "Orders", sections: [.init(title: "Open", rows: [.init(id: "10234", title: "10234")])])),
        .template(TemplateRequest(name: "order_update", language: "en_US")),
        .template(TemplateRequest(name: "order_update", language: "en_US", header: .media(Media(kind: .image, link: "https://example.com/c.jpg")),
                                  buttons: [.init(index: 0, kind: .url, value: "A1")], code: "123456")),
        .template(TemplateRequest(name: "order_update", language: "en_US",
                                  header: .location(TemplateLocation(latitude: 1.5, longitude: 2.5, name: "Store", address: "1 Main St")))),
    ] + Media.Kind.allCases.map { .media(Media(kind: $0, link: "https://example.com/file", caption: "Your receipt")) }

    @Test("each builder, given every optional field, writes a record of its kind's shape")
    func builders() {
        var records = Self.messages.map { message in
            let isTemplate = message.kind == .template
            let dispatch = Dispatch(id: "out-1", to: Self.contact, sender: .bot("orders"), message: message,
                                    template: isTemplate ? Self.template : nil, renderedText: isTemplate ? "Update on order 1: it is late." : nil,
                                    pricing: Pricing(category: .utility, type: .regular, cost: Money(0.0034), market: "1"))
            return Records.sent(dispatch, at: Self.at)
        }
        let contents: [Inbound.Content] = [
            .text("hi"), .button(payload: "track", text: "Track"), .reply(id: "yes", title: "Yes"),
            .media(kind: "image", id: "media-1", caption: "the parcel"), .other(type: "location", text: nil),
        ]
        records += contents.map { Records.inbound(Inbound(id: "wamid.1", from: Self.contact, content: $0, referral: Inbound.Referral(sourceType: "ad", sourceID: "120208")),
                                                  owner: .bot("orders"), at: Self.at) }
        records += [
            Records.escalated(Self.contact, queue: "orders-team", reason: "keyword", route: "contact", bot: "orders", at: Self.at),
            Records.routed(Self.contact, owner: .bot("orders"), by: "router:main", at: Self.at),
            Records.released(Self.contact, owner: .bot("orders"), at: Self.at),
            Records.template("template_status", Self.template.key, ("status", "PAUSED"), until: Self.at, at: Self.at),
            Records.template("template_quality", Self.template.key, ("quality", "RED"), at: Self.at),
            Records.template("template_category", Self.template.key, ("category", "MARKETING"), at: Self.at),
            Records.status(DeliveryStatus(id: "out-1", status: "failed", contact: Self.contact, errors: [UpstreamError(code: 131053, title: "Media upload error")],
                                          pricing: BilledPricing(billable: true, category: "utility", type: "regular", model: "PMP"),
                                          estimate: Pricing(category: .utility, type: .freeEntryPoint, cost: .zero)), at: Self.at),
        ]
        records += ["opted_in", "identity_changed", "identity_ack"].map { Records.contact($0, Self.contact, at: Self.at) }
        records += ["opted_out", "resumed"].map { Records.consent($0, Self.contact, scope: .marketing, at: Self.at) }
        for record in records {
            #expect(TranscriptSchema.problem(with: record) == nil, "\(record.line)")
        }
    }

    @Test("every record a running world writes matches its schema, and the runtime writes every kind the schema declares")
    func everyKindTheRuntimeWrites() throws {
        let bot = bot(#"""
            if msg.text == "fail" then error("the order service is down") end
            if msg.text == "menu" then return send(conv, { text = "Did it arrive?", buttons = { { id = "yes", title = "Yes" } } }) end
            mark_read(msg, { typing = true })
            send(conv, "Order 10234 is out for delivery.")
            """#, name: "orders", queue: "orders-team")
        let macro = #"return macro { name = "ship", params = { "eta" }, run = function(conv, args) end }"#
        let pass = #"return macro { name = "pass", run = function(conv, args) hand_off(conv, "bot:orders", { note = "back" }) end }"#
        // Prices, and a budget that warns at the first message priced (and refuses none).
        var config = RuntimeConfig()
        config.policy.pricing.rates = [.service: RateCard(default: Money(0.0034)!)]
        config.policy.budgets.deployment.daily = Money(1000)
        config.policy.budgets.warnAt = 0.000001
        let world = try World(scripts: ["orders.lua": bot, "ship.lua": macro, "pass.lua": pass], config: config, queues: ["orders-team"])
        let scenario = try Scenario(parsing: """
            {"at": "\(World.start.iso8601)", "type": "inbound", "from": "\(alice)", "text": "hi"}
            {"type": "inbound", "from": "\(alice)", "text": "menu"}
            {"type": "inbound", "from": "\(alice)", "text": "fail"}
            {"type": "release", "to": "\(alice)", "note": "back to the bot"}
            {"type": "macro", "name": "ship", "to": "\(alice)", "args": {}}
            {"type": "resolve", "to": "\(alice)", "agent": "dana", "note": "answered"}
            {"type": "macro", "name": "pass", "to": "\(alice)", "args": {}}
            {"type": "agent_reply", "to": "\(bob)", "text": "Hello?", "agent": "agent-7"}
            {"type": "opt_out", "contact": "\(alice)"}
            {"type": "opt_in", "contact": "\(alice)"}
            {"type": "inbound", "from": "\(alice)", "text": "START", "referral": {"source_type": "ad", "source_id": "120208"}}
            {"type": "identity_changed", "contact": "\(alice)"}
            {"type": "identity_ack", "contact": "\(alice)"}
            {"type": "template_status", "name": "order_update", "language": "en_US", "status": "PAUSED"}
            {"type": "template_quality", "name": "order_update", "language": "en_US", "quality": "RED"}
            {"type": "template_category", "name": "order_update", "language": "en_US", "category": "MARKETING"}
            {"type": "limit", "tier": "TIER_2K"}
            {"type": "number_status", "status": "FLAGGED"}
            {"type": "webhook", "body": \(Self.webhook(["messages": [["from": "14155550101", "id": "wamid.2", "timestamp": "1767607200", "type": "system",
                "system": ["type": "user_changed_number", "body": "changed", "wa_id": "14155550109"]]]]).encoded())}
            {"type": "webhook", "body": \(Self.webhook(["statuses": [["id": "wamid.3", "status": "failed", "timestamp": "1767607200",
                "recipient_id": "14155550102", "errors": [["code": 131053, "title": "Media upload error"]]]]]).encoded())}
            {"type": "webhook", "body": \(Self.webhook(["event": "ACCOUNT_RESTRICTION", "restriction_info": [["restriction_type": "RESTRICTED_BIZ_INITIATED_MESSAGING",
                "expiration": 1767650400]]], field: "account_update").encoded())}
            {"type": "status", "id": "out-1", "status": "failed", "code": 131026}
            {"type": "status", "id": "out-2", "status": "delivered", "pricing": {"billable": false, "category": "service", "type": "free_customer_service", "pricing_model": "PMP"}}
            """)
        for step in scenario.steps { world.simulation.apply(step) }
        // What only `parley serve` does: an agent claims a conversation, and the platform fails a delivery.
        try world.runtime.handle(.claim(ContactID(bob)!, agent: "agent-7", queue: nil, takeOver: false))
        try world.runtime.handle(.deliveryFailed(DeliveryFailure(messageID: "out-1", to: Self.contact, by: .bot("orders"), reason: .outsideWindow,
                                                                 code: 131047, detail: "the window closed")))

        for record in world.records {
            #expect(TranscriptSchema.problem(with: record) == nil, "\(record.line)")
        }
        #expect(Set(world.records.map(\.type)) == Set(TranscriptSchema.kinds.keys), "\(world.transcript)")
    }

    @Test("the schema names what is wrong with a record: a field its kind lacks, a value of another type, a field out of order")
    func problems() {
        func record(_ fields: [(String, JSONValue)]) -> TranscriptRecord { Records.fields("blocked", at: Self.at, fields) }
        #expect(TranscriptSchema.problem(with: record([("to", "+14155550101"), ("code", 131047)])) == nil)
        #expect(TranscriptSchema.problem(with: record([("txt", "hi")])) == "blocked records have no field 'txt'")
        #expect(TranscriptSchema.problem(with: record([("code", "131047")])) == "in blocked records, 'code' is of type number, not string")
        #expect(TranscriptSchema.problem(with: record([("code", 131047), ("to", "+14155550101")]))
            == "in blocked records, 'to' comes after 'code' but belongs before it")
        #expect(TranscriptSchema.problem(with: Records.fields("shipped", at: Self.at, [])) == "no kind of record is called 'shipped'")
    }

    /// A Cloud API webhook body with one change.
    static func webhook(_ value: JSONValue, field: String = "messages") -> JSONValue {
        var value = value.objectValue ?? [:]
        if field == "messages" {
            value["messaging_product"] = "whatsapp"
            value["metadata"] = ["display_phone_number": "14155550100", "phone_number_id": "1122334455"]
        }
        return ["object": "whatsapp_business_account", "entry": [["id": "1", "changes": [["field": .string(field), "value": .object(value)]]]]]
    }
}
