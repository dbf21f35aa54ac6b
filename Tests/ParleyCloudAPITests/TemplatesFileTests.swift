import Foundation
import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import Testing

@Suite("Templates file")
struct TemplatesFileTests {
    /// Three templates as `GET /{waba-id}/message_templates` returns them.
    static let graphResponse = #"""
        {
          "data": [
            {
              "name": "hello_world", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "id": "1192339204654487",
              "parameter_format": "POSITIONAL",
              "components": [
                {"type": "HEADER", "format": "TEXT", "text": "Hello World"},
                {"type": "BODY", "text": "Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification."},
                {"type": "FOOTER", "text": "WhatsApp Business Platform sample message"}
              ],
              "quality_score": {"score": "GREEN", "date": 1700000000}
            },
            {
              "name": "order_update", "language": "pt_BR", "status": "PAUSED", "category": "MARKETING",
              "components": [
                {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["https://example.com/h.jpg"]}},
                {"type": "BODY", "text": "Olá {{1}}, seu pedido {{2}} saiu para entrega."},
                {"type": "BUTTONS", "buttons": [
                  {"type": "QUICK_REPLY", "text": "Parar promoções"},
                  {"type": "QUICK_REPLY", "text": "Falar com alguém"},
                  {"type": "URL", "text": "Rastrear", "url": "https://example.com/t/{{1}}"}
                ]}
              ],
              "quality_score": {"score": "YELLOW"}
            },
            {
              "name": "login_code", "language": "en_US", "status": "IN_APPEAL", "category": "AUTHENTICATION",
              "components": [
                {"type": "BODY", "text": "*{{1}}* is your verification code.", "add_security_recommendation": true},
                {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}]},
                {"type": "CAROUSEL", "cards": []}
              ]
            }
          ],
          "paging": {"cursors": {"before": "MAZDZD", "after": "MjQZD"}}
        }
        """#

    static let expected = [
        Template(
            name: "hello_world", language: "en_US", category: .utility, status: .approved, quality: .green,
            header: .text("Hello World"),
            body: "Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification.",
            footer: "WhatsApp Business Platform sample message"),
        Template(
            name: "order_update", language: "pt_BR", category: .marketing, status: .paused, quality: .yellow,
            header: .media("IMAGE"), body: "Olá {{1}}, seu pedido {{2}} saiu para entrega.",
            buttons: [
                .init(type: "QUICK_REPLY", text: "Parar promoções"), .init(type: "QUICK_REPLY", text: "Falar com alguém"),
                .init(type: "URL", text: "Rastrear", url: "https://example.com/t/{{1}}"),
            ]),
        Template(
            name: "login_code", language: "en_US", category: .authentication, status: .other("IN_APPEAL"),
            body: "*{{1}}* is your verification code.", buttons: [.init(type: "OTP", text: "Copy code", otpType: "COPY_CODE")]),
    ]

    static func entries() throws -> [JSONValue] {
        try JSONValue.parse(graphResponse)["data"]?.arrayValue ?? []
    }

    /// The error for a file of the three good templates with `entry` edited.
    static func error(editing index: Int, _ edit: (inout [String: JSONValue]) -> Void) throws -> TemplatesFileError? {
        var entries = try entries()
        guard case .object(var members) = entries[index] else { return nil }
        edit(&members)
        entries[index] = .object(members)
        do {
            _ = try TemplatesFile.decode(.array(entries))
            return nil
        } catch {
            return error
        }
    }

    static func components(_ list: [JSONValue]) -> JSONValue { .array(list) }

    @Test("the Graph API response reads into templates, unknown statuses kept")
    func graphShape() throws {
        let templates = try TemplatesFile.decode(try JSONValue.parse(Self.graphResponse))
        #expect(templates == Self.expected)
        #expect(templates[1].bodyPlaceholders == .positional(2))
    }

    @Test("a bare array reads the same")
    func bareArray() throws {
        #expect(try TemplatesFile.decode(.array(try Self.entries())) == Self.expected)
        #expect(try TemplatesFile.decode([]) == [])
    }

    @Test("a file on disk loads; errors carry its name")
    func loadsFromDisk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parley-templates-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("catalog.json")
        try Self.graphResponse.write(to: good, atomically: true, encoding: .utf8)
        #expect(try TemplatesFile.load(contentsOf: good.path) == Self.expected)

        let bad = dir.appendingPathComponent("broken.json")
        try "{\"data\": [".write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: TemplatesFileError.self) { try TemplatesFile.load(contentsOf: bad.path) }
        do { _ = try TemplatesFile.load(contentsOf: bad.path) } catch {
            #expect(error.file == "broken.json")
            #expect(error.description.hasPrefix("broken.json: is not valid JSON: "))
        }
        do { _ = try TemplatesFile.load(contentsOf: dir.appendingPathComponent("missing.json").path) } catch {
            #expect(error.description.hasPrefix("missing.json: cannot be read; check that "))
        }
    }

    @Test("a missing language names the entry, the template and the fix")
    func missingLanguage() throws {
        var entries = try Self.entries()
        entries.insert(["name": "order_update", "status": "APPROVED", "category": "UTILITY", "components": [["type": "BODY", "text": "x"]]], at: 2)
        do {
            _ = try TemplatesFile.decode(.array(entries))
            Issue.record("accepted a template without a language")
        } catch {
            #expect(
                error.description
                    == #"templates.json: entry 3 ("order_update"): field "language" is missing; give the template's language code, e.g. "en_US""#)
            #expect(error.entry == 3 && error.name == "order_update" && error.field == "language")
        }
    }

    @Test("each problem names its entry and field", arguments: [
        ("name", "templates.json: entry 1: field \"name\" is missing; give the template's name, e.g. \"order_update\""),
        ("badName", "templates.json: entry 1 (\"Hello World\"): field \"name\" is \"Hello World\"; use only lowercase letters, digits and \"_\", e.g. \"order_update\""),
        ("longName", "templates.json: entry 1 (\"" + String(repeating: "a", count: 40) + "…\"): field \"name\" is 513 characters; a template name may have at most 512"),
        ("numberLanguage", "templates.json: entry 1 (\"hello_world\"): field \"language\" is a number, not a string; give the template's language code, e.g. \"en_US\""),
        ("status", "templates.json: entry 1 (\"hello_world\"): field \"status\" is missing; give the template's review status, e.g. \"APPROVED\""),
        ("category", "templates.json: entry 1 (\"hello_world\"): field \"category\" is \"PROMOTION\"; use one of MARKETING, UTILITY, AUTHENTICATION"),
        ("components", "templates.json: entry 1 (\"hello_world\"): field \"components\" is missing; give the template's components, at least [{\"type\": \"BODY\", \"text\": \"...\"}]"),
        ("noBody", "templates.json: entry 1 (\"hello_world\"): field \"components\" has no BODY; add {\"type\": \"BODY\", \"text\": \"...\"}: every template needs one"),
        ("longHeader", "templates.json: entry 1 (\"hello_world\"): field \"components[0].text\" is 61 characters; a text header may have at most 60"),
        ("headerParams", "templates.json: entry 1 (\"hello_world\"): field \"components[0].text\" has 2 parameters; a text header may have at most one"),
        ("headerFormat", "templates.json: entry 1 (\"hello_world\"): field \"components[0].format\" is \"GIF\"; use TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION"),
        ("longBody", "templates.json: entry 1 (\"hello_world\"): field \"components[1].text\" is 1025 characters; a body may have at most 1024"),
        ("longFooter", "templates.json: entry 1 (\"hello_world\"): field \"components[2].text\" is 61 characters; a footer may have at most 60"),
        ("twoBodies", "templates.json: entry 1 (\"hello_world\"): field \"components[3].type\" is a second BODY; a template has at most one"),
    ])
    func entryProblems(problem: String, message: String) throws {
        let error = try Self.error(editing: 0) { t in
            switch problem {
            case "name": t["name"] = nil
            case "badName": t["name"] = "Hello World"
            case "longName": t["name"] = .string(String(repeating: "a", count: 513))
            case "numberLanguage": t["language"] = 1033
            case "status": t["status"] = nil
            case "category": t["category"] = "PROMOTION"
            case "components": t["components"] = nil
            case "noBody": t["components"] = [["type": "HEADER", "format": "TEXT", "text": "Hi"]]
            case "longHeader": t["components"] = [["type": "HEADER", "format": "TEXT", "text": .string(String(repeating: "h", count: 61))], ["type": "BODY", "text": "b"]]
            case "headerParams": t["components"] = [["type": "HEADER", "format": "TEXT", "text": "{{1}} and {{2}}"], ["type": "BODY", "text": "b"]]
            case "headerFormat": t["components"] = [["type": "HEADER", "format": "GIF"], ["type": "BODY", "text": "b"]]
            case "longBody": t["components"] = [["type": "HEADER", "format": "IMAGE"], ["type": "BODY", "text": .string(String(repeating: "b", count: 1025))]]
            case "longFooter": t["components"] = [["type": "HEADER", "format": "IMAGE"], ["type": "BODY", "text": "b"], ["type": "FOOTER", "text": .string(String(repeating: "f", count: 61))]]
            case "twoBodies": t["components"] = [["type": "HEADER", "format": "IMAGE"], ["type": "BODY", "text": "b"], ["type": "FOOTER", "text": "f"], ["type": "body", "text": "again"]]
            default: Issue.record("unknown problem \(problem)")
            }
        }
        #expect(error?.description == message)
        #expect(error?.entry == 1)
    }

    @Test("button rules: label length, per-type caps, total, grouping", arguments: [
        ([["type": "QUICK_REPLY", "text": .string(String(repeating: "x", count: 26))]],
         "templates.json: entry 2 (\"order_update\"): field \"components[2].buttons[0].text\" is 26 characters; a button label may have at most 25"),
        ([["type": "URL", "text": "a"], ["type": "URL", "text": "b"], ["type": "URL", "text": "c"]],
         "templates.json: entry 2 (\"order_update\"): field \"components[2].buttons[2].type\" is one URL button too many; a template may have at most 2"),
        (Array(repeating: ["type": "QUICK_REPLY", "text": "q"], count: 11),
         "templates.json: entry 2 (\"order_update\"): field \"components[2].buttons\" has 11 buttons; a template may have at most 10"),
        ([["type": "QUICK_REPLY", "text": "a"], ["type": "URL", "text": "b"], ["type": "QUICK_REPLY", "text": "c"]],
         "templates.json: entry 2 (\"order_update\"): field \"components[2].buttons\" interleaves QUICK_REPLY with other buttons; group the quick replies before or after the rest"),
        ([["type": "PHONE_NUMBER"]],
         "templates.json: entry 2 (\"order_update\"): field \"components[2].buttons[0].text\" is missing; give the button's label"),
    ] as [([JSONValue], String)])
    func buttonProblems(buttons: [JSONValue], message: String) throws {
        let error = try Self.error(editing: 1) { t in
            guard case .array(var components)? = t["components"] else { return }
            components[2] = ["type": "BUTTONS", "buttons": .array(buttons)]
            t["components"] = .array(components)
        }
        #expect(error?.description == message)
    }

    @Test("a repeated name and language is refused; the same name in another language is not")
    func duplicates() throws {
        var entries = try Self.entries()
        entries.append(entries[0])
        do {
            _ = try TemplatesFile.decode(["data": .array(entries)])
            Issue.record("accepted a duplicate")
        } catch {
            #expect(
                error.description
                    == #"templates.json: entry 4 ("hello_world"): repeats the name and language "hello_world"/"en_US" of entry 1; keep one of them"#)
        }
        guard case .object(var copy) = entries[0] else { return }
        copy["language"] = "es"
        entries[3] = .object(copy)
        #expect(try TemplatesFile.decode(.array(entries)).map(\.key.description) == ["hello_world/en_US", "order_update/pt_BR", "login_code/en_US", "hello_world/es"])
    }

    @Test("the file's shape: neither an array nor {\"data\": [...]} is refused", arguments: [
        (JSONValue.object(["templates": []]), "templates.json: is an object without a \"data\" array; give the Graph API response ({\"data\": [...]}) or a bare array of templates"),
        (JSONValue.string("hello"), "templates.json: is a string; give the Graph API response ({\"data\": [...]}) or a bare array of templates"),
        (JSONValue.array(["hello_world"]), "templates.json: entry 1: is a string; each template must be an object with name, language, status, category and components"),
    ])
    func fileShape(json: JSONValue, message: String) {
        #expect(throws: TemplatesFileError.self) { try TemplatesFile.decode(json) }
        do { _ = try TemplatesFile.decode(json) } catch { #expect(error.description == message) }
    }

    @Test("a header with text but no format is a text header; older categories map to today's")
    func lenientWhereHarmless() throws {
        let templates = try TemplatesFile.decode([
            [
                "name": "shipping", "language": "en", "status": "approved", "category": "TRANSACTIONAL",
                "components": [["type": "header", "text": "Shipped"], ["type": "body", "text": "On its way"]],
            ]
        ])
        #expect(templates.first?.header == .text("Shipped"))
        #expect(templates.first?.category == .utility)
        #expect(templates.first?.status == .approved)
        #expect(templates.first?.quality == .unknown)
    }

    @Test("buttons keep what a send needs: a URL's address, a password button's kind, a copy-code button's example")
    func buttonDetails() throws {
        let templates = try TemplatesFile.decode([
            [
                "name": "coupon", "language": "en_US", "status": "APPROVED", "category": "MARKETING",
                "components": [
                    ["type": "HEADER", "format": "IMAGE"], ["type": "BODY", "text": "Hi {{1}}"],
                    ["type": "BUTTONS", "buttons": [
                        ["type": "URL", "text": "Shop", "url": "https://x.com/{{1}}"],
                        ["type": "URL", "text": "Home", "url": "https://x.com"],
                        ["type": "COPY_CODE", "example": "250FF"],
                        ["type": "QUICK_REPLY", "text": "Stop"],
                    ]],
                ],
            ],
            [
                // As a sync reads it back: the platform turns the OTP button into a URL button
                // on its own address, and a copy-code example into a one-element array.
                "name": "login_code", "language": "en_US", "status": "APPROVED", "category": "AUTHENTICATION",
                "components": [
                    ["type": "BODY", "text": "*{{1}}* is your verification code."],
                    ["type": "BUTTONS", "buttons": [
                        ["type": "URL", "text": "Copy code", "url": "https://www.whatsapp.com/otp/code/?otp_type=ONE_TAP&code=otp{{1}}"],
                    ]],
                ],
            ],
            [
                "name": "coupon_sync", "language": "en_US", "status": "APPROVED", "category": "MARKETING",
                "components": [
                    ["type": "BODY", "text": "Use it"],
                    ["type": "BUTTONS", "buttons": [["type": "COPY_CODE", "text": "Copy offer code", "example": ["250FF"]]]],
                ],
            ],
        ])
        let coupon = templates[0].buttons
        #expect(coupon.map(\.takes) == [.url, nil, .code, .payload])
        #expect(coupon.map(\.needsValue) == [true, false, true, false])
        #expect(coupon[2] == .init(type: "COPY_CODE", text: "", example: "250FF"))
        #expect(templates[1].buttons == [.init(type: "OTP", text: "Copy code", url: "https://www.whatsapp.com/otp/code/?otp_type=ONE_TAP&code=otp{{1}}", otpType: "ONE_TAP")])
        #expect(templates[1].passwordButton?.index == 0)
        #expect(templates[2].buttons == [.init(type: "COPY_CODE", text: "Copy offer code", example: "250FF")])
    }

    @Test("what encode writes, decode reads back the same")
    func roundTrip() throws {
        let file = try TemplatesFile.decode(try JSONValue.parse(Self.graphResponse))
        let coupon = Template(
            name: "coupon", language: "en_US", category: .marketing, header: .media("LOCATION"), body: "Hi",
            buttons: [.init(type: "URL", text: "Shop", url: "https://x.com/{{1}}"), .init(type: "COPY_CODE", text: "", example: "250FF")])
        let templates = file + [coupon]
        #expect(try TemplatesFile.decode(try JSONValue.parse(TemplatesFile.encode(templates))) == templates)
    }
}
