import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import Testing

/// Every kind of template component a script can fill, asked for as a script asks (the
/// template from the catalog, the values by component), against a request fixture: media
/// headers (image, video, document with a filename), a location header, URL suffixes,
/// quick-reply payloads, a copy-code coupon and an authentication template's password. Then
/// each against Meta's OpenAPI description, where it describes the component.
@Suite("Template request bodies")
struct TemplateRequestBodyTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let fixture: String
        let template: Template
        let request: TemplateRequest
        var testDescription: String { fixture }
    }

    static func quickReply(_ label: String) -> Template.Button { .init(type: "QUICK_REPLY", text: label) }

    static let cases: [Case] = [
        Case(fixture: "bindambc__expectedmessage9.json",
             template: Template(name: "auth_app", language: "pt_BR", category: .utility, header: .media("IMAGE"), body: "Código {{1}}"),
             request: TemplateRequest(name: "auth_app", language: "pt_BR", body: .positional(["T87-G74-876"]),
                                      header: .media(Media(kind: .image, id: "554066036582230")))),
        Case(fixture: "bindambc__expectedmessage8.json",
             template: Template(name: "video_tm", language: "en_US", category: .marketing, header: .media("VIDEO"), body: "Hi {{1}}"),
             request: TemplateRequest(name: "video_tm", body: .positional(["Mauricio Binda"]), header: .media(Media(kind: .video, id: "4548775454857854")))),
        Case(fixture: "bindambc__expectedmessage6.json",
             template: Template(name: "new_classes_pdf", language: "en_US", category: .marketing, header: .media("DOCUMENT"), body: "Hi {{1}}",
                                buttons: [.init(type: "URL", text: "Classes", url: "https://www.linkedin.com/learning/{{1}}")]),
             request: TemplateRequest(name: "new_classes_pdf", body: .positional(["Mauricio Binda"]),
                                      header: .media(Media(kind: .document, id: "928860901494862", filename: "Class.pdf")),
                                      buttons: [.init(index: 0, kind: .url, value: "career-academy/?trk_ref=globalnav")])),
        Case(fixture: "bindambc__expectedmessage3.json",
             template: Template(name: "schedule_confirmation3", language: "pt_BR", category: .utility, body: "{{1}}, {{2}} {{3}}?",
                                buttons: [quickReply("Sim"), quickReply("Não"), quickReply("Mudar")]),
             request: TemplateRequest(name: "schedule_confirmation3", language: "pt_BR", body: .positional(["Mauricio", "04/11/2022", "14:30"]),
                                      buttons: [.init(index: 0, kind: .payload, value: "OP_YES_48547"), .init(index: 1, kind: .payload, value: "OP_NO_48548"),
                                                .init(index: 2, kind: .payload, value: "OP_CH_48549")])),
        Case(fixture: "madefortest__send_location_template.json",
             template: Template(name: "order_delivery_update", language: "en_US", category: .utility, header: .media("LOCATION"),
                                body: "Good news {{1}}! Your order #{{2}} is on its way to the location above."),
             request: TemplateRequest(name: "order_delivery_update", body: .positional(["Mark", "566701"]),
                                      header: .location(TemplateLocation(latitude: 37.483307, longitude: -122.148981, name: "Pablo Morales",
                                                                         address: "1 Hacker Way, Menlo Park, CA 94025")))),
        Case(fixture: "madefortest__send_coupon_template_copy_code.json",
             template: Template(name: "coupon_code_fall2023_25off", language: "en_US", category: .marketing,
                                body: "Shop now through November and use code {{1}} to get {{2}} off of all merchandise!",
                                buttons: [quickReply("Unsubscribe"), .init(type: "COPY_CODE", text: "", example: "250FF")]),
             request: TemplateRequest(name: "coupon_code_fall2023_25off", body: .positional(["25OFF", "25%"]),
                                      buttons: [.init(index: 0, kind: .payload, value: "unsubscribe"), .init(index: 1, kind: .code, value: "25OFF")])),
        Case(fixture: "madefortest__send_authentication_template_otp.json",
             template: Template(name: "login_code", language: "en_US", category: .authentication, body: "*{{1}}* is your verification code.",
                                buttons: [.init(type: "OTP", text: "Copy code", otpType: "COPY_CODE")]),
             request: TemplateRequest(name: "login_code", code: "123456")),
    ]

    static func body(_ c: Case) throws -> JSONValue {
        let fixture = try SenderFixtures.json("requests", c.fixture)
        let to = ContactID(fixture["to"]?.textValue ?? "")!
        return try MessageRequest(to: to, message: .template(c.request), template: c.template).body
    }

    @Test("each component kind, asked as a script asks, is the fixture's body", arguments: cases)
    func matchesFixture(_ c: Case) throws {
        let expected = RequestFixtureTests.normalized(try SenderFixtures.json("requests", c.fixture))
        let body = try Self.body(c)
        #expect(body == expected, "\n  parley:  \(body.encoded())\n  fixture: \(expected.encoded())")
    }

    @Test("a password without its catalog entry cannot be placed: invalid_message, not a guess")
    func passwordNeedsTheTemplate() throws {
        let request = TemplateRequest(name: "login_code", language: "en_US", code: "123456")
        #expect(throws: Refusal.self) { try MessageRequest(to: ContactID("+16505551234")!, message: .template(request)) }
    }

    // MARK: Meta's OpenAPI description

    static let schemas: JSONValue = {
        let path = Fixtures.root.appendingPathComponent("schemas/meta-openapi/business-messaging-api_v23.0.json").path
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "{}"
        return (try? JSONValue.parse(text))?["components"]?["schemas"] ?? [:]
    }()

    /// A schema's own properties and required names, with those of what it extends (`allOf`).
    static func shape(_ name: String) -> (properties: [String: JSONValue], required: [String]) {
        let schema = schemas[name] ?? [:]
        var properties = schema["properties"]?.objectValue ?? [:]
        var required = schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for part in schema["allOf"]?.arrayValue ?? [] {
            let inherited = part["$ref"]?.stringValue.map { shape(String($0.split(separator: "/").last!)) }
            properties.merge(inherited?.properties ?? part["properties"]?.objectValue ?? [:]) { _, new in new }
            required += inherited?.required ?? part["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        return (properties, required)
    }

    static func allowed(_ schema: String, _ property: String) -> [String] {
        shape(schema).properties[property]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// What the v23.0 description predates: copy-code buttons and location headers, which
    /// the fixtures made from Meta's guides check instead.
    static let undescribed: Set<String> = ["copy_code", "location"]

    @Test("every component, as the OpenAPI description's template schemas give it", arguments: cases)
    func matchesSchema(_ c: Case) throws {
        #expect(!Self.allowed("TemplateComponent", "type").isEmpty, "the schema was not found")
        let components = try Self.body(c)["template"]?["components"]?.arrayValue ?? []
        for component in components {
            let type = component["type"]?.stringValue ?? "?"
            #expect(Self.allowed("TemplateComponent", "type").contains(type))
            let parameters = component["parameters"]?.arrayValue ?? []
            #expect(!parameters.isEmpty)
            switch type {
            case "button":
                let required = Self.shape("ButtonComponent").required
                #expect(required.allSatisfy { component[$0] != nil }, "\(required)")
                #expect(component["index"]?.stringValue != nil, "index is a string in the schema")
                let subType = component["sub_type"]?.stringValue ?? "?"
                if Self.undescribed.contains(subType) { continue }
                #expect(Self.allowed("ButtonComponent", "sub_type").contains(subType))
                for p in parameters { try Self.check(p, against: "ButtonParameterObject") }
            case "header", "body":
                for p in parameters where !Self.undescribed.contains(p["type"]?.stringValue ?? "") {
                    try Self.check(p, against: "ParameterObject")
                }
            default:
                Issue.record("a \(type) component")
            }
        }
    }

    /// The parameter's type is one the schema lists, it carries what that type's schema
    /// requires, and media come by exactly one of id and link (MediaObject's oneOf).
    static func check(_ parameter: JSONValue, against base: String) throws {
        let type = parameter["type"]?.stringValue ?? "?"
        #expect(allowed(base, "type").contains(type), "\(base) has no type \(type)")
        let mapped = schemas[base]?["discriminator"]?["mapping"]?[type]?.stringValue.map { String($0.split(separator: "/").last!) } ?? "?"
        let required = shape(mapped).required
        #expect(!required.isEmpty && required.allSatisfy { parameter[$0] != nil }, "\(mapped) requires \(required)")
        if ["image", "video", "document"].contains(type) {
            let media = parameter[type]
            #expect((media?["id"] != nil) != (media?["link"] != nil))
        }
    }
}
