import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import Testing

@Suite("Inbound messages")
struct InboundMessageTests {
    let sender = contact("+972987654321")

    func message(_ name: String) throws -> InboundMessage? {
        let batch = try Fixtures.batch(name)
        guard case .message(let message)? = batch.only else {
            Issue.record("\(name) did not give exactly one message: \(batch)")
            return nil
        }
        return message
    }

    @Test("a text message carries its sender, profile, time and business number")
    func text() throws {
        let m = try #require(try message("pywa__message__text.json"))
        #expect(m.id == "wamid.xyzxyz")
        #expect(m.from == sender)
        #expect(m.userID == "US.13491208655302741918")
        #expect(m.profileName == "Test Name")
        #expect(m.timestamp == Instant(secondsSinceEpoch: 1_697_043_223))
        #expect(m.phoneNumberID == "1122334455667")
        #expect(m.displayPhoneNumber == "972123456789")
        #expect(m.content == .text("Body Text"))
        #expect(m.contextMessageID == nil)
        #expect(!m.isForwarded)
        #expect(m.referral == nil)
    }

    @Test("a reply names the message it answers")
    func reply() throws {
        let m = try #require(try message("pywa__message__reply.json"))
        #expect(m.content == .text("replied text"))
        #expect(m.contextMessageID == "wamid.xyzxyz==")
    }

    @Test("forwarded and frequently forwarded flags come from the context")
    func forwarded() throws {
        let once = try #require(try message("pywa__message__forwarded.json"))
        #expect(once.isForwarded && !once.isFrequentlyForwarded)
        let often = try #require(try message("pywa__message__forwarded_many_times.json"))
        #expect(often.isFrequentlyForwarded)
    }

    @Test("each media kind keeps its id, mime type, caption and file name")
    func media() throws {
        let image = try #require(try message("pywa__message__image.json"))
        #expect(image.content == .media(.init(kind: .image, id: "65463453", mimeType: "image/jpeg", sha256: "4654+8g=")))

        let video = try #require(try message("pywa__message__video.json"))
        guard case .media(let v) = video.content else { Issue.record("not media"); return }
        #expect(v.kind == .video && v.id == "765756756" && v.caption == "caption" && v.mimeType == "video/mp4")

        let document = try #require(try message("pywa__message__document.json"))
        guard case .media(let d) = document.content else { Issue.record("not media"); return }
        #expect(d.kind == .document && d.filename == "filename.pdf" && d.caption == "caption")

        let voice = try #require(try message("pywa__message__voice.json"))
        guard case .media(let a) = voice.content else { Issue.record("not media"); return }
        #expect(a.kind == .audio && a.isVoice && a.mimeType == "audio/ogg; codecs=opus")

        let audio = try #require(try message("pywa__message__audio.json"))
        guard case .media(let plain) = audio.content else { Issue.record("not media"); return }
        #expect(plain.kind == .audio && !plain.isVoice)

        let sticker = try #require(try message("pywa__message__animated_sticker.json"))
        guard case .media(let s) = sticker.content else { Issue.record("not media"); return }
        #expect(s.kind == .sticker && s.isAnimated && s.mimeType == "image/webp")

        let linked = try #require(try message("pywa__message__media_with_url.json"))
        guard case .media(let l) = linked.content else { Issue.record("not media"); return }
        #expect(l.url?.hasPrefix("https://lookaside.fbsbx.com/") == true)
    }

    @Test("a template quick-reply tap gives its text and payload")
    func templateButton() throws {
        let m = try #require(try message("pywa__callback_button__quick_reply.json"))
        #expect(m.content == .button(text: "title", payload: "callback_data"))
        #expect(m.contextMessageID == "wamid.xyzxyz==")
    }

    @Test("interactive replies: reply button and list row, with and without description")
    func interactiveReplies() throws {
        #expect(try message("pywa__callback_button__button.json")?.content == .buttonReply(id: "callback_data", title: "title"))
        #expect(
            try message("pywa__callback_selection__callback.json")?.content
                == .listReply(id: "callback_data", title: "title", description: nil))
        #expect(
            try message("pywa__callback_selection__description.json")?.content
                == .listReply(id: "callback_data", title: "title", description: "description"))
    }

    @Test("a completed flow keeps its answers and reads the flow token from them")
    func flowCompletion() throws {
        let m = try #require(try message("pywa__flow_completion__completion.json"))
        guard case .flowCompletion(let flow) = m.content else { Issue.record("not a flow: \(m.content)"); return }
        #expect(flow.name == "flow" && flow.body == "Sent")
        #expect(flow.flowToken == "AQAAAAACS5FpgQ_cAAAAAD0QI3s.")
        #expect(flow.responseJSON.contains("\"delivery_rating\":\"4\""))

        let tokenless = try #require(try message("pywa__flow_completion__without_flow_token.json"))
        guard case .flowCompletion(let bare) = tokenless.content else { Issue.record("not a flow"); return }
        #expect(bare.flowToken == nil)
    }

    @Test("a reaction names its target; a removed one has no emoji, whether empty or absent")
    func reactions() throws {
        #expect(try message("pywa__message__reaction.json")?.content == .reaction(messageID: "wamid.yzxyzx=", emoji: "😮"))
        #expect(try message("pywa__message__unreaction_empty.json")?.content == .reaction(messageID: "wamid.yzxyzx=", emoji: nil))
        #expect(try message("pywa__message__unreaction_no_emoji.json")?.content == .reaction(messageID: "wamid.yzxyzx=", emoji: nil))
    }

    @Test("locations: a chosen place with name and address, a bare pin, and placeholders read as unknown")
    func locations() throws {
        #expect(
            try message("pywa__message__chosen_location.json")?.content
                == .location(
                    .init(
                        latitude: 37.4611978, longitude: -122.2164385, name: "Facebook HQ",
                        address: "1 Hacker Way, Menlo Park, CA 94025", url: "https://maps.google.com/?cid=2000000000000000000")))
        #expect(try message("pywa__message__current_location.json")?.content == .location(.init(latitude: 12.25089, longitude: 43.90539)))

        let placeholders = try Fixtures.batch("netflie__location_notification.json", replacing: [("PHONE_NUMBER", "16315551234")])
        guard case .location(let pin)? = placeholders.messages.first?.content else { Issue.record("no location"); return }
        #expect(pin.latitude == nil && pin.name == "LOCATION_NAME")
    }

    @Test("shared contacts keep names and phone numbers")
    func sharedContacts() throws {
        let m = try #require(try message("pywa__message__contacts.json"))
        guard case .contacts(let cards) = m.content else { Issue.record("not contacts"); return }
        #expect(cards.map(\.name) == ["Chandler Bing", "Monica", "Rachel Green"])
        #expect(cards[0].phones == [.init(number: "+1 555-555-5555", waID: "972987654321", type: "CELL")])
    }

    @Test("an order lists its items with numeric quantities and prices")
    func order() throws {
        let m = try #require(try message("pywa__message__order.json"))
        guard case .order(let order) = m.content else { Issue.record("not an order"); return }
        #expect(order.catalogID == "354160437058781")
        #expect(order.items.count == 3)
        #expect(order.items[0] == .init(productRetailerID: "HAMBURGER", quantity: 3, itemPrice: 30, currency: "ILS"))
    }

    @Test("a Click-to-WhatsApp referral keeps its source fields and click id")
    func referral() throws {
        let m = try #require(try message("pywa__message__referral.json"))
        #expect(m.content == .text("BODY"))
        #expect(
            m.referral
                == Referral(
                    sourceURL: "AD_OR_POST_FB_URL", sourceID: "ADID", sourceType: "ad or post", headline: "AD_TITLE",
                    body: "AD_DESCRIPTION", mediaType: "image or video", imageURL: "RAW_IMAGE_URL",
                    videoURL: "RAW_VIDEO_URL", thumbnailURL: "RAW_THUMBNAIL_URL", clickID: "CTWA_CLID"))
    }

    @Test("unsupported messages are kept, with their type, errors and a note")
    func unsupported() throws {
        let batch = try Fixtures.batch("pywa__message__unsupported_with_type.json")
        let m = try #require(batch.messages.first)
        #expect(m.content == .unsupported(type: "unsupported"))
        #expect(m.errors.map(\.code) == [131051])
        #expect(batch.skipped.count == 1)
        #expect(batch.skipped[0].contains("\"pool\""))

        let empty = try Fixtures.batch("pywa__message__interactive_message_with_err.json")
        #expect(empty.messages.first?.content == .unsupported(type: "interactive"))
        #expect(empty.skipped.contains { $0.contains("131000") })
    }

    @Test("edits carry the new content; deletions the original id")
    func editedAndDeleted() throws {
        let edited = try #require(try message("pywa__edited_message__image.json"))
        guard case .edited(let original, .media(let media)) = edited.content else { Issue.record("not an edit: \(edited.content)"); return }
        #expect(original == "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=")
        #expect(media.caption == "Updated image caption")
        #expect(edited.from == contact("+16505551234"))

        // The sender is a placeholder here; the contacts block supplies the number.
        let deleted = try #require(try message("pywa__deleted_message__revoke.json"))
        #expect(deleted.content == .deleted(originalMessageID: "<ORIGINAL_WHATSAPP_MESSAGE_ID>"))
        #expect(deleted.from == sender)
    }

    @Test("a call permission reply says whether the contact accepted, and until when")
    func callPermission() throws {
        #expect(
            try message("pywa__call_permission_update__accept.json")?.content
                == .callPermissionReply(accepted: true, expires: Instant(secondsSinceEpoch: 1_753_186_982)))
        #expect(try message("pywa__call_permission_update__reject.json")?.content == .callPermissionReply(accepted: false, expires: nil))
    }

    @Test("with a phone number and a user id, the phone number is the contact")
    func phoneNumberWins() throws {
        let batch = try Fixtures.batch(
            "netflie__can_keep_wa_id_priority_when_user_id_is_present.json",
            replacing: [("PHONE_NUMBER", "16315551234"), ("WHATSAPP_ID", "16315551234"), ("BSUID_123", "US.13491208655302741918")])
        let m = try #require(batch.messages.first)
        #expect(m.from == contact("+16315551234"))
        #expect(m.from.kind == .phone)
        #expect(m.userID == "US.13491208655302741918")
    }

    @Test("with only a business-scoped user id, that id is the contact")
    func userIDOnly() throws {
        let batch = try Fixtures.batch(
            "netflie__notification_with_bsuid_only_and_no_from.json", replacing: [("BSUID_123", "US.13491208655302741918")])
        let m = try #require(batch.messages.first)
        #expect(m.from == contact("US.13491208655302741918"))
        #expect(m.from.kind == .businessScopedUser)
        #expect(m.content == .text("MESSAGE_BODY"))

        // As published, the id is a placeholder no contact can be keyed by.
        let raw = try Fixtures.batch("netflie__notification_with_bsuid_only_and_no_from.json")
        #expect(raw.events.isEmpty)
        #expect(raw.skipped.first?.contains("user_id \"BSUID_123\"") == true)
    }

    @Test("real-world quirks: numeric ids and timestamps, upper-case types, padded wa_id")
    func quirks() {
        let body: JSONValue = [
            "object": "whatsapp_business_account",
            "entry": [[
                "id": 880_480_571_844_883,
                "changes": [[
                    "field": "messages",
                    "value": [
                        "metadata": ["phone_number_id": 409_552_778_964_973, "display_phone_number": 43_330_585_569],
                        "contacts": [["wa_id": "5511999998888 ", "profile": ["name": "Ana"]]],
                        "messages": [[
                            "from": 5_511_999_998_888, "id": "wamid.A", "timestamp": 1_673_020_315, "type": "TEXT",
                            "text": ["body": "Oi"],
                        ]],
                    ],
                ]],
            ]],
        ]
        let batch = WebhookDecoder().decode(body)
        #expect(batch.skipped.isEmpty)
        let m = batch.messages.first
        #expect(m?.from == contact("+5511999998888"))
        #expect(m?.profileName == "Ana")
        #expect(m?.phoneNumberID == "409552778964973")
        #expect(m?.timestamp == Instant(secondsSinceEpoch: 1_673_020_315))
        #expect(m?.content == .text("Oi"))
    }

    @Test("several changes in one body come out in payload order")
    func batchOrder() throws {
        let batch = try Fixtures.batch("netflie__multiple_text_notification.json", replacing: [("PHONE_NUMBER", "16315551234")])
        #expect(batch.messages.map(\.content) == [.text("MESSAGE_BODY"), .text("MESSAGE_BODY2")])
    }
}
