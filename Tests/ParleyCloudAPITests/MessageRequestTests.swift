import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import Testing

@Suite("Message request")
struct MessageRequestTests {
    let phone = contact("+1 (415) 555-0100")
    let bsuid = contact("US.13491208655302741918")

    @Test("a text goes to the number's digits, without +, with link previews off: these exact bytes")
    func textBytes() throws {
        let request = try MessageRequest(to: phone, message: .text("Order 10234 is out for delivery."))
        #expect(request.encoded() == #"{"messaging_product":"whatsapp","recipient_type":"individual","text":{"body":"Order 10234 is out for delivery.","preview_url":false},"to":"14155550100","type":"text"}"#)
    }

    @Test("a business-scoped user id goes in recipient, and there is no to")
    func businessScopedUser() throws {
        let body = try MessageRequest(to: bsuid, message: .text("hi")).body
        #expect(body["recipient"] == "US.13491208655302741918")
        #expect(body["to"] == nil)
        #expect(body["recipient_type"] == "individual")
    }

    @Test("a reply carries context.message_id, and Parley's id rides along as biz_opaque_callback_data")
    func replyAndCallbackData() throws {
        let body = try MessageRequest(to: phone, message: .text("gracias"), replyTo: "wamid.HBgL123", callbackData: "out-12").body
        #expect(body["context"] == ["message_id": "wamid.HBgL123"])
        #expect(body["biz_opaque_callback_data"] == "out-12")
    }

    @Test("callback data over 512 characters is refused rather than cut")
    func callbackDataLimit() {
        #expect(throws: Refusal.self) { try MessageRequest(to: phone, message: .text("x"), callbackData: String(repeating: "a", count: 513)) }
    }

    @Test("media goes by id or by link with caption and filename; neither or both is refused")
    func media() throws {
        let doc = Media(kind: .document, id: "1753306975419607", caption: "Your invoice", filename: "invoice.pdf")
        let body = try MessageRequest(to: phone, message: .media(doc)).body
        #expect(body["type"] == "document")
        #expect(body["document"] == ["id": "1753306975419607", "caption": "Your invoice", "filename": "invoice.pdf"])
        let neither = Media(kind: .image)
        let both = Media(kind: .image, link: "https://example.com/a.jpg", id: "1")
        for media in [neither, both] {
            #expect(throws: Refusal(.invalidMessage, "image needs exactly one of link or id")) { try MessageRequest(to: phone, message: .media(media)) }
        }
    }

    @Test("a template sends its header then its body parameters, positional ones as plain text")
    func positionalTemplate() throws {
        let request = TemplateRequest(name: "order_update", language: "en_US", body: .positional(["10234", "today"]), header: .positional(["Ana"]))
        let body = try MessageRequest(to: phone, message: .template(request)).body
        #expect(body["template"] == [
            "name": "order_update",
            "language": ["code": "en_US"],
            "components": [
                ["type": "header", "parameters": [["type": "text", "text": "Ana"]]],
                ["type": "body", "parameters": [["type": "text", "text": "10234"], ["type": "text", "text": "today"]]],
            ],
        ])
    }

    @Test("named parameters carry parameter_name, in the template's order when it is known, else sorted")
    func namedTemplate() throws {
        let template = Template(name: "shipped", language: "en_US", category: .utility, body: "Order {{order_id}} is on its way, {{customer}}.")
        let request = TemplateRequest(name: "shipped", body: .named(["customer": "Ana", "order_id": "10234"]))
        let resolved = try MessageRequest(to: phone, message: .template(request), template: template).body
        #expect(resolved["template"]?["components"] == [
            ["type": "body", "parameters": [
                ["type": "text", "parameter_name": "order_id", "text": "10234"],
                ["type": "text", "parameter_name": "customer", "text": "Ana"],
            ]]
        ])
        #expect(resolved["template"]?["language"] == ["code": "en_US"])  // from the catalog entry
        var alone = request
        alone.language = "en_US"
        let sorted = try MessageRequest(to: phone, message: .template(alone)).body
        #expect(sorted["template"]?["components"]?.arrayValue?.first?["parameters"]?.arrayValue?.first?["parameter_name"] == "customer")
    }

    @Test("a template without parameters has no components; one without any language is refused")
    func templateEdges() throws {
        let hello = try MessageRequest(to: phone, message: .template(TemplateRequest(name: "hello_world", language: "en_US"))).body
        #expect(hello["template"] == ["name": "hello_world", "language": ["code": "en_US"]])
        #expect(throws: Refusal.self) { try MessageRequest(to: phone, message: .template(TemplateRequest(name: "hello_world"))) }
    }

    @Test("a list's sections keep their titles, rows their descriptions; a header is text")
    func list() throws {
        let menu = ListMenu(button: "Choose", sections: [.init(rows: [.init(id: "a", title: "Apples")])])
        let body = try MessageRequest(to: phone, message: .list(Interactive(body: "Fruit?", header: "Menu"), menu)).body
        #expect(body["interactive"] == [
            "type": "list", "header": ["type": "text", "text": "Menu"], "body": ["text": "Fruit?"],
            "action": ["button": "Choose", "sections": [["rows": [["id": "a", "title": "Apples"]]]]],
        ])
    }

    @Test("the same message gives the same bytes, however its named values were built")
    func deterministic() throws {
        var forward: [String: String] = [:], backward: [String: String] = [:]
        let names = (1...40).map { "p\($0)" }
        for name in names { forward[name] = name.uppercased() }
        for name in names.reversed() { backward[name] = name.uppercased() }
        let a = try MessageRequest(to: phone, message: .template(TemplateRequest(name: "t", language: "en", body: .named(forward))))
        let b = try MessageRequest(to: phone, message: .template(TemplateRequest(name: "t", language: "en", body: .named(backward))))
        #expect(a.encoded() == b.encoded())
        #expect(a.encoded() == (try MessageRequest(to: phone, message: a.message)).encoded())
    }

    @Test("the path names the version and the phone number id")
    func path() throws {
        let text = try MessageRequest(to: ContactID("+16505551234")!, message: .text("hi"), marketingEndpoint: true)
        #expect(text.path(version: "v23.0", phoneNumberID: "106540352242922") == "/v23.0/106540352242922/messages")
    }

    @Test("with the Marketing Messages API on, a template goes there by its category: marketing only, the same body")
    func marketingEndpoint() throws {
        let to = ContactID("+447700900103")!
        func template(_ category: TemplateCategory) -> Template {
            Template(name: "t", language: "en", category: category, body: "Hi {{1}}")
        }
        let message = OutboundMessage.template(TemplateRequest(name: "t", language: "en", body: .positional(["Ana"])))
        let marketing = try MessageRequest(to: to, message: message, template: template(.marketing), marketingEndpoint: true)
        #expect(marketing.path(version: "v23.0", phoneNumberID: "1") == "/v23.0/1/marketing_messages")
        let off = try MessageRequest(to: to, message: message, template: template(.marketing))
        #expect(off.endpoint == .messages)
        #expect(off.encoded() == marketing.encoded())
        let utility = try MessageRequest(to: to, message: message, template: template(.utility), marketingEndpoint: true)
        #expect(utility.endpoint == .messages)
    }
}
