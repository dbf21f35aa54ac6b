import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import Testing

/// A template's every component from a script: `send` with a media or location header,
/// button values and a password, through the policy, into the transcript and onto the wire;
/// and `pick_template` saying what each template needs.
@Suite("Template components from scripts")
struct TemplateComponentScriptTests {
    static let templates = World.templates + [
        Template(name: "coupon", language: "en_US", category: .marketing, header: .media("IMAGE"), body: "Hi {{1}}, 20% off today.",
                 buttons: [.init(type: "URL", text: "Shop", url: "https://shop.example.com/c/{{1}}"), .init(type: "QUICK_REPLY", text: "Stop promotions")]),
        Template(name: "store", language: "en_US", category: .utility, header: .media("LOCATION"), body: "We moved here."),
        Template(name: "login_code", language: "en_US", category: .authentication, body: "*{{1}}* is your verification code.",
                 buttons: [.init(type: "OTP", text: "Copy code", otpType: "COPY_CODE")]),
    ]

    /// A world whose bot sends `message` (Lua) to whoever writes.
    static func world(sending message: String) throws -> World {
        let world = try World(scripts: ["b.lua": bot("send(conv, \(message))")], templates: templates)
        world.inbound(carla, "hi")
        return world
    }

    /// The body the channel would post for the first message the world sent.
    static func wire(_ world: World) throws -> JSONValue? {
        guard let d = (world.runtime.channel as? RecordingChannel)?.delivered.first else { return nil }
        return try MessageRequest(to: d.to, message: d.message, template: d.template).body["template"]
    }

    @Test("an image header, a URL suffix and a payload: sent, with what went in the transcript and on the wire")
    func coupon() throws {
        let world = try Self.world(sending: #"""
            { template = "coupon", params = { "Ana" }, header = { image = { link = "https://cdn.example.com/c.jpg" } },
              buttons = { { url = "ANA20" }, { payload = "stop" } } }
            """#)
        let sent = try #require(world.sent.first, "\(world.transcript)")
        #expect(sent.line.hasSuffix(#""text":"Hi Ana, 20% off today.","buttons":[{"index":1,"url":"ANA20"},{"index":2,"payload":"stop"}],"image":{"link":"https://cdn.example.com/c.jpg"},"id":"out-1"}"#), "\(sent.line)")
        let components = try #require(try Self.wire(world)?["components"])
        #expect(components == [
            ["type": "header", "parameters": [["type": "image", "image": ["link": "https://cdn.example.com/c.jpg"]]]],
            ["type": "body", "parameters": [["type": "text", "text": "Ana"]]],
            ["type": "button", "sub_type": "url", "index": "0", "parameters": [["type": "text", "text": "ANA20"]]],
            ["type": "button", "sub_type": "quick_reply", "index": "1", "parameters": [["type": "payload", "payload": "stop"]]],
        ])
    }

    @Test("an authentication template's code fills its body and its password button")
    func password() throws {
        let world = try Self.world(sending: #"{ template = "login_code", code = "123456" }"#)
        let sent = try #require(world.sent.first, "\(world.transcript)")
        #expect(sent["text"] == "*123456* is your verification code.")
        #expect(sent["buttons"] == [["index": 1, "code": "123456"]])
        #expect(try Self.wire(world)?["components"] == [
            ["type": "body", "parameters": [["type": "text", "text": "123456"]]],
            ["type": "button", "sub_type": "url", "index": "0", "parameters": [["type": "text", "text": "123456"]]],
        ])
    }

    @Test("a location header from a script")
    func location() throws {
        let world = try Self.world(sending: #"""
            { template = "store", header = { location = { latitude = 40.7128, longitude = -74, name = "Main St", address = "1 Main St" } } }
            """#)
        #expect(world.sent.first?["location"] == ["latitude": 40.7128, "longitude": -74.0, "name": "Main St", "address": "1 Main St"], "\(world.transcript)")
    }

    @Test("a missing component is a refusal the script reads, naming what to give")
    func refusal() throws {
        let world = try World(scripts: ["b.lua": bot(#"""
            local r = send(conv, { template = "coupon", params = { "Ana" }, buttons = { { url = "ANA20" } } })
            log(r.reason, r.code, r.detail)
            """#)], templates: Self.templates)
        world.inbound(carla, "hi")
        #expect(world.sent.isEmpty)
        #expect(world.logs.contains(#"[bot:test] template_param_mismatch\#t132000\#ttemplate coupon/en_US has an IMAGE header; give header = {image = {link = "https://..."}}"#), "\(world.logs)")
    }

    @Test("misuse raises, naming the field and the known ones", arguments: [
        (#"{ template = "coupon", header = { imagee = "https://x" } }"#, "header has an unknown field \"imagee\" (known for a template's header: image, video, document, location)"),
        (#"{ template = "coupon", header = { image = { link = "https://x", caption = "c" } } }"#, "header.image has an unknown field \"caption\" (known for a template's image header: link, id)"),
        (#"{ template = "coupon", header = "Sale" }"#, "a template's header must be a table with one of image, video, document or location"),
        (#"{ template = "coupon", header = { image = "https://x" }, header_params = { "x" } }"#, "give header_params for a text header, or header for a media or location one, not both"),
        (#"{ template = "coupon", buttons = { { link = "x" } } }"#, "buttons[1] has an unknown field \"link\" (known for a template's button: url, payload, code)"),
        (#"{ template = "coupon", buttons = { { url = "x", payload = "y" } } }"#, "buttons[1] has payload and url; give one of them"),
        (#"{ template = "coupon", buttons = { "x" } }"#, "buttons[1] must be a table with one of url, payload or code, or false for a button given nothing"),
        (#"{ template = "store", header = { location = { latitude = "north" } } }"#, "header.location.latitude must be a number, got a string"),
        (#"{ text = "hi", code = "1" }"#, "code is an authentication template's password; give it with template = \"...\""),
    ])
    func misuse(message: String, error: String) throws {
        let world = try Self.world(sending: message)
        let raised = world.of("script_error").first?["error"]?.stringValue ?? ""
        #expect(raised.contains(error), "\(raised)")
    }

    @Test("false skips a button: the second button's value lands on the second button")
    func skip() throws {
        let world = try Self.world(sending: #"""
            { template = "coupon", params = { "Ana" }, header = { image = { id = "42" } }, buttons = { { url = "A" }, false } }
            """#)
        #expect(world.sent.first?["buttons"] == [["index": 1, "url": "A"]], "\(world.transcript)")
        #expect(world.sent.first?["image"] == ["id": "42"])
    }

    @Test("pick_template says what each template needs beyond the body's values")
    func needs() throws {
        let world = try World(scripts: ["b.lua": bot(#"""
            for _, name in ipairs { "coupon", "store", "login_code", "order_update" } do
              local t = pick_template { name = name, to = conv }
              local b = t.needs.buttons or {}
              log(table.concat({ name, t.params, tostring(t.needs.header), tostring(t.needs.code), #b,
                                 tostring(b[1] and b[1].index), tostring(b[1] and b[1].type), tostring(b[2] and b[2].required) }, " "))
            end
            """#)], templates: Self.templates)
        world.inbound(carla, "hi")
        #expect(world.logs == [
            "[bot:test] coupon 1 image nil 2 1 url false",
            "[bot:test] store 0 location nil 0 nil nil nil",
            "[bot:test] login_code 1 nil true 0 nil nil nil",
            "[bot:test] order_update 2 nil nil 0 nil nil nil",
        ], "\(world.logs)")
    }
}
