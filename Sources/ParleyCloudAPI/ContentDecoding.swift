import ParleyJSON
import ParleyPolicy

/// The body of one inbound (or echoed) message, by its `type`.
enum ContentDecoding {
    /// Never fails: what cannot be read becomes `.unsupported` with a note, because even an
    /// unreadable message is a sign of life from the contact.
    static func content(of json: JSONValue, id: String, at place: String, notes: inout Notes, nested: Bool = false)
        -> InboundContent
    {
        let rawType = json.text("type") ?? "unknown"
        let type = rawType.lowercased()
        // Some payloads upper-case the type ("TEXT") but not the key that holds the body.
        let body = json.object(type) ?? json.object(rawType)
        func unreadable(_ why: String) -> InboundContent {
            notes.add(place, "message \(id): \(why); kept as .unsupported(\"\(type)\")")
            return .unsupported(type: type)
        }

        switch type {
        case "text":
            guard let text = body?["body"]?.textValue else { return unreadable("text without a \"body\"") }
            return .text(text)
        case "image", "video", "audio", "document", "sticker":
            guard let body, let kind = InboundContent.Media.Kind(rawValue: type) else {
                return unreadable("\(type) without its \"\(type)\" object")
            }
            return .media(
                InboundContent.Media(
                    kind: kind, id: body.text("id"), mimeType: body.text("mime_type"), sha256: body.text("sha256"),
                    caption: body["caption"]?.textValue, filename: body["filename"]?.textValue, url: body.text("url"),
                    isVoice: body.flag("voice") ?? false, isAnimated: body.flag("animated") ?? false))
        case "location":
            guard let body else { return unreadable("location without its \"location\" object") }
            return .location(
                InboundContent.Location(
                    latitude: body.number("latitude"), longitude: body.number("longitude"), name: body.text("name"),
                    address: body.text("address"), url: body.text("url")))
        case "contacts":
            guard let cards = json["contacts"]?.arrayValue else { return unreadable("contacts without a \"contacts\" array") }
            return .contacts(cards.filter { $0.objectValue != nil }.map(sharedContact))
        case "reaction":
            guard let target = body?.text("message_id") else { return unreadable("reaction without a \"message_id\"") }
            return .reaction(messageID: target, emoji: body?.text("emoji"))
        case "button":
            let payload = body?.text("payload")
            guard let text = body?["text"]?.textValue ?? payload else {
                return unreadable("button without \"text\" or \"payload\"")
            }
            return .button(text: text, payload: payload)
        case "interactive":
            guard let body else { return unreadable("interactive without its \"interactive\" object") }
            return interactive(body, unreadable: unreadable)
        case "order":
            guard let body else { return unreadable("order without its \"order\" object") }
            return .order(
                InboundContent.Order(
                    catalogID: body.text("catalog_id"), text: body["text"]?.textValue,
                    items: body.list("product_items").compactMap(orderItem)))
        case "revoke":
            guard let original = body?.text("original_message_id") else {
                return unreadable("deletion without an \"original_message_id\"")
            }
            return .deleted(originalMessageID: original)
        case "edit":
            // An edit holds a whole message; one level only, so a hostile payload cannot recurse.
            guard !nested, let original = body?.text("original_message_id"), let inner = body?.object("message") else {
                return unreadable("edit without an \"original_message_id\" and a \"message\"")
            }
            return .edited(
                originalMessageID: original, content: content(of: inner, id: id, at: place, notes: &notes, nested: true))
        default:
            // `unsupported` and `unknown` are the platform's own words for "cannot show this";
            // some payloads say what it was (`"unsupported": {"type": "pool"}`).
            let detail = body?.text("type").map { " (\"\($0)\")" } ?? ""
            notes.add(place, "message \(id): type \"\(type)\"\(detail) is not one this decoder reads; kept as .unsupported")
            return .unsupported(type: type)
        }
    }

    private static func interactive(_ body: JSONValue, unreadable: (String) -> InboundContent) -> InboundContent {
        let known = ["button_reply", "list_reply", "nfm_reply", "call_permission_reply"]
        let kind = body.text("type")?.lowercased() ?? known.first { body.object($0) != nil } ?? "none"
        let reply = body.object(kind)
        switch kind {
        case "button_reply":
            guard let id = reply?.text("id") else { return unreadable("button reply without an \"id\"") }
            return .buttonReply(id: id, title: reply?["title"]?.textValue ?? "")
        case "list_reply":
            guard let id = reply?.text("id") else { return unreadable("list reply without an \"id\"") }
            return .listReply(id: id, title: reply?["title"]?.textValue ?? "", description: reply?["description"]?.textValue)
        case "nfm_reply":
            // `response_json` is JSON text; a payload that sends the object itself is accepted too.
            guard let response = reply?["response_json"] else { return unreadable("flow reply without \"response_json\"") }
            let text = response.stringValue ?? response.encoded()
            let answers = response.objectValue != nil ? response : (try? JSONValue.parse(text, maxDepth: 32))
            return .flowCompletion(
                InboundContent.FlowCompletion(
                    name: reply?.text("name"), body: reply?["body"]?.textValue, responseJSON: text,
                    flowToken: answers?.text("flow_token")))
        case "call_permission_reply":
            switch reply?.text("response")?.lowercased() {
            case "accept": return .callPermissionReply(accepted: true, expires: reply?.instant("expiration_timestamp"))
            case "reject": return .callPermissionReply(accepted: false, expires: nil)
            default: return unreadable("call permission reply without an \"accept\" or \"reject\" response")
            }
        default:
            return unreadable("interactive reply of type \"\(kind)\"")
        }
    }

    private static func sharedContact(_ card: JSONValue) -> InboundContent.SharedContact {
        let name = card.object("name")
        let given = [name?.text("first_name"), name?.text("last_name")].compactMap { $0 }.joined(separator: " ")
        return InboundContent.SharedContact(
            name: name?.text("formatted_name") ?? (given.isEmpty ? nil : given),
            phones: card.list("phones").compactMap { phone in
                phone.text("phone").map {
                    InboundContent.SharedContact.Phone(number: $0, waID: phone.text("wa_id"), type: phone.text("type"))
                }
            },
            emails: card.list("emails").compactMap { $0.text("email") })
    }

    private static func orderItem(_ item: JSONValue) -> InboundContent.Order.Item? {
        guard let product = item.text("product_retailer_id") else { return nil }
        return InboundContent.Order.Item(
            productRetailerID: product, quantity: item.integer("quantity"), itemPrice: item.number("item_price"),
            currency: item.text("currency"))
    }
}
