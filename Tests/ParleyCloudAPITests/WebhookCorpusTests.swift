import ParleyCloudAPI
import ParleyJSON
import Testing

/// The whole conformance corpus: real payloads from public client libraries.
@Suite("Webhook corpus")
struct WebhookCorpusTests {
    @Test("the corpus holds all 129 webhook bodies, and the 1 made for Parley's tests")
    func corpusIsComplete() {
        #expect(Fixtures.webhookNames.count == 130)
        #expect(Fixtures.webhookNames.filter { $0.hasPrefix("madefortest__") }.count == 1)
    }

    @Test("every fixture decodes into at least one event or a note", arguments: Fixtures.webhookNames)
    func everyFixtureAccountsForItself(name: String) throws {
        let batch = try Fixtures.batch(name)
        #expect(!batch.events.isEmpty || !batch.skipped.isEmpty)
    }

    @Test("decoding is deterministic", arguments: Fixtures.webhookNames)
    func decodingIsDeterministic(name: String) throws {
        #expect(try Fixtures.batch(name) == Fixtures.batch(name))
    }

    @Test("fixtures with real numbers decode without a single note")
    func realPayloadsDecodeCleanly() throws {
        // The platform's own "cannot show this" messages, the unreadable interactive one and
        // the two template/account notices are expected to leave notes; everything else that
        // carries real numbers must decode completely.
        let expectedNotes: Set = [
            "bindambc__accountreview.json", "bindambc__messagedeleted.json",
            "pywa__message__interactive_message_with_err.json", "pywa__message__unsupported.json",
            "pywa__message__unsupported_with_type.json", "pywa__template_components_update__element.json",
        ]
        for name in Fixtures.webhookNames where name.hasPrefix("pywa__") || name.hasPrefix("bindambc__") {
            let batch = try Fixtures.batch(name)
            if expectedNotes.contains(name) {
                #expect(!batch.skipped.isEmpty, "\(name)")
            } else {
                #expect(batch.skipped.isEmpty, "\(name): \(batch.skipped)")
                #expect(!batch.events.isEmpty, "\(name)")
            }
        }
    }

    @Test("placeholder senders such as \"PHONE_NUMBER\" are skipped with a note naming them")
    func placeholderSendersAreSkipped() throws {
        let batch = try Fixtures.batch("netflie__text_notification.json")
        #expect(batch.events.isEmpty)
        #expect(batch.skipped == [
            "entry[0].changes[0] (messages).messages[0]: message wamid.ID has no usable sender (from \"PHONE_NUMBER\", wa_id \"PHONE_NUMBER\", user_id missing); skipped"
        ])
    }

    @Test("a body that is not JSON throws; one that is JSON never does")
    func onlyNonJSONThrows() {
        #expect(throws: JSONParseError.self) { try WebhookDecoder().decode("{\"object\": ") }
        let batch = WebhookDecoder().decode(JSONValue.array([1, 2]))
        #expect(batch.events.isEmpty)
        #expect(batch.skipped == ["body: is an array, not an object; nothing decoded"])
    }

    @Test("another product's webhook is refused as a whole")
    func otherObjectsAreRefused() {
        let batch = WebhookDecoder().decode(["object": "page", "entry": []])
        #expect(batch.skipped == ["body: \"object\" is \"page\", not \"whatsapp_business_account\"; nothing decoded"])
    }

    @Test("an unknown field is skipped with its name, and the rest of the batch survives")
    func unknownFieldsAreNamed() throws {
        let text = try Fixtures.text("pywa__message__text.json")
        var body = try JSONValue.parse(text)
        guard case .object(var root) = body, case .array(var entries)? = root["entry"], case .object(var entry) = entries[0],
            case .array(var changes)? = entry["changes"]
        else { Issue.record("fixture shape changed"); return }
        changes.insert(["field": "brand_new_thing", "value": ["anything": 1]], at: 0)
        entry["changes"] = .array(changes)
        entries[0] = .object(entry)
        root["entry"] = .array(entries)
        body = .object(root)

        let batch = WebhookDecoder().decode(body)
        #expect(batch.skipped == ["entry[0].changes[0] (brand_new_thing): unknown field \"brand_new_thing\"; skipped"])
        #expect(batch.messages.count == 1)
    }
}
