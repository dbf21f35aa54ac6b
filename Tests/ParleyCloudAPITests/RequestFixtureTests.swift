import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import Testing

/// Every send body in `requests/` that Parley can produce: read back into the message a
/// script would have asked for, encoded again, and compared with the fixture as JSON.
@Suite("Request fixtures")
struct RequestFixtureTests {
    /// What Parley cannot send, and why. Everything else in `requests/` must come out the same.
    static let notProducible: [String: String] = [
        "bindambc__expectedmessage4.json": "date_time parameters: template parameters are text",
        "bindambc__expectedmessage5.json": "date_time and currency parameters",
        "bindambc__expectedmessage10.json": "contacts message",
        "bindambc__expectedmessage13.json": "location message",
        "bindambc__expectedmessage14.json": "image header on reply buttons: interactive headers are text",
        "bindambc__expectedmessage15.json": "video header on reply buttons: interactive headers are text",
        "bindambc__expectedmessage16.json": "document header on reply buttons: interactive headers are text",
        "bindambc__expectedmessage17.json": "a read receipt, not a message: ReadReceiptRequestTests holds mark_read to it",
        "meta_openapi__send_catalog_message.json": "interactive catalog_message",
        "meta_openapi__send_catalog_template_message.json": "catalog button parameter",
        "meta_openapi__send_contact_message.json": "contacts message",
        "meta_openapi__send_draft_flow_by_id.json": "interactive flow",
        "meta_openapi__send_draft_flow_by_name.json": "interactive flow",
        "meta_openapi__send_flow_template_message.json": "flow button parameter",
        "meta_openapi__send_location_message.json": "location message",
        "meta_openapi__send_message_template_interactive.json": "currency and date_time parameters",
        "meta_openapi__send_message_template_media.json": "currency and date_time parameters",
        "meta_openapi__send_message_template_text.json": "currency and date_time parameters",
        "meta_openapi__send_multi_product_message.json": "interactive product_list",
        "meta_openapi__send_order_details_message.json": "interactive order_details",
        "meta_openapi__send_order_status_message.json": "interactive order_status",
        "meta_openapi__send_published_flow_by_id.json": "interactive flow",
        "meta_openapi__send_published_flow_by_name.json": "interactive flow",
        "meta_openapi__send_reply_to_contact_message.json": "contacts message",
        "meta_openapi__send_reply_to_location_message.json": "location message",
        "meta_openapi__send_reply_with_reaction_message.json": "reaction",
        "meta_openapi__send_sample_issue_resolution_template.json": "quick-reply buttons given a boolean text parameter instead of a payload",
        "meta_openapi__send_sample_shipping_confirmation_template.json": "currency and date_time parameters",
        "meta_openapi__send_sample_text_message.json": "currency and date_time parameters",
        "meta_openapi__send_single_product_message.json": "interactive product",
        "meta_openapi__send_text_message_with_preview_url.json": "link preview on: Parley always sends preview_url false",
        "meta_openapi__send_typing_indicator_and_read_receipt.json": "a read receipt, not a message: ReadReceiptRequestTests holds mark_read to it",
        "rubysdk__messages_read_message_with_a_valid_response.json": "a read receipt, not a message: ReadReceiptRequestTests holds mark_read to it",
        "rubysdk__messages_read_message_with_an_invalid_response.json": "a read receipt, not a message: ReadReceiptRequestTests holds mark_read to it",
        "rubysdk__messages_send_contacts_with_success_response.json": "contacts message",
        "rubysdk__messages_send_location_message_with_success_response.json": "location message",
        "rubysdk__messages_send_reaction_with_success_response.json": "reaction",
        "rubysdk__messages_send_text_handles_error_response.json": "recipient 56789 is not a valid number: the core refuses it before encoding",
        "rubysdk__messages_send_typing_indicator_with_success_response.json": "a read receipt, not a message: ReadReceiptRequestTests holds mark_read to it",
    ]

    static let all = SenderFixtures.names(in: "requests")
    static let producible = all.filter { notProducible[$0] == nil }

    @Test("the corpus still has its 90 request fixtures and the 3 made for Parley's tests, and every one is produced or listed above")
    func everyFixtureAccountedFor() {
        #expect(Self.all.count == 93)
        #expect(Self.all.filter { $0.hasPrefix("madefortest__") }.count == 3)
        #expect(Set(Self.notProducible.keys).isSubset(of: Set(Self.all)))
        #expect(Self.producible.count == 54)
    }

    @Test("Parley encodes the same body", arguments: producible)
    func reproduces(_ name: String) throws {
        let fixture = try SenderFixtures.json("requests", name)
        let read = try RequestFixtureReader(fixture)
        let request = try MessageRequest(to: read.to, message: read.message, replyTo: read.replyTo)
        let expected = Self.normalized(fixture)
        #expect(request.body == expected, "\n  parley:  \(request.encoded())\n  fixture: \(expected.encoded())")
    }

    @Test("what is listed as not producible really is not", arguments: notProducible.keys.sorted())
    func listedAsNotProducible(_ name: String) throws {
        #expect(throws: RequestFixtureReader.Unsupported.self) { try RequestFixtureReader(try SenderFixtures.json("requests", name)) }
    }

    /// The fixture as Parley spells what the platform takes either way:
    /// - `to` as a string of digits (rubysdk sends a JSON number); a `{{placeholder}}` becomes
    ///   the reader's test number;
    /// - `recipient_type: "individual"` and `text.preview_url: false` stated, as Parley always
    ///   does (both are the platform's defaults);
    /// - `type` stated where Meta's reply-to-list example leaves it out;
    /// - enum values in lower case (`"BUTTON"`, `"LIST"`, `"TEXT"`);
    /// - a button's `index` as a string, as Meta's examples give it (Bindambc sends a number).
    /// Fields Parley does not emit and drops here: `template.language.policy` (`"deterministic"`,
    /// the only value there is). No producible fixture has any other.
    static func normalized(_ fixture: JSONValue) -> JSONValue {
        guard var body = fixture.objectValue else { return fixture }
        if let to = body["to"]?.textValue {
            body["to"] = .string(to.hasPrefix("{{") ? String(RequestFixtureReader.placeholderContact.dropFirst()) : to)
        }
        if body["recipient_type"] == nil { body["recipient_type"] = "individual" }
        if body["type"] == nil { body["type"] = .string(RequestFixtureReader.inferredType(fixture)) }
        if case .object(var text)? = body["text"], text["preview_url"] == nil {
            text["preview_url"] = false
            body["text"] = .object(text)
        }
        if case .object(var interactive)? = body["interactive"], let type = interactive["type"]?.stringValue {
            interactive["type"] = .string(type.lowercased())
            body["interactive"] = .object(interactive)
        }
        if case .object(var template)? = body["template"] {
            if case .object(var language)? = template["language"] {
                language.removeValue(forKey: "policy")
                template["language"] = .object(language)
            }
            template["components"] = template["components"].map(lowercasedParameterTypes)
            body["template"] = .object(template)
        }
        return .object(body)
    }

    static func lowercasedParameterTypes(_ components: JSONValue) -> JSONValue {
        .array((components.arrayValue ?? []).map { component in
            guard var c = component.objectValue else { return component }
            if let index = c["index"]?.textValue { c["index"] = .string(index) }
            c["parameters"] = c["parameters"].map { params in
                .array((params.arrayValue ?? []).map { p in
                    guard var o = p.objectValue, let type = o["type"]?.stringValue else { return p }
                    o["type"] = .string(type.lowercased())
                    return .object(o)
                })
            }
            return .object(c)
        })
    }
}
