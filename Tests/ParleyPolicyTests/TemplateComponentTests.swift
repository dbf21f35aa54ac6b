import Foundation
import Testing
@testable import ParleyPolicy

/// docs/rules.md §2.3: a template's header media or location, its buttons' values and an
/// authentication template's password, each checked against the template before sending:
/// missing, wrong and extra values are refused as the platform would refuse them.
@Suite("Template components")
struct TemplateComponentTests {
    static let coupon = Template(
        name: "coupon", language: "en_US", category: .marketing, quality: .green, header: .media("IMAGE"),
        body: "Hi {{1}}, take {{2}} off.",
        buttons: [.init(type: "URL", text: "Shop", url: "https://x.com/shop/{{1}}"), .init(type: "QUICK_REPLY", text: "Stop promotions")])
    static let brochure = Template(
        name: "brochure", language: "en_US", category: .utility, header: .media("DOCUMENT"), body: "Your brochure.",
        buttons: [.init(type: "URL", text: "Visit", url: "https://x.com"), .init(type: "PHONE_NUMBER", text: "Call")])
    static let clip = Template(name: "clip", language: "en_US", category: .utility, header: .media("VIDEO"), body: "Watch.")
    static let store = Template(name: "store", language: "en_US", category: .utility, header: .media("LOCATION"), body: "We moved.")
    static let fallSale = Template(
        name: "fall_sale", language: "en_US", category: .marketing, body: "Use the code below.",
        buttons: [.init(type: "COPY_CODE", text: "", example: "25OFF")])
    static let otp = Template(
        name: "otp", language: "en_US", category: .authentication, body: "*{{1}}* is your verification code.",
        buttons: [.init(type: "OTP", text: "Copy code", otpType: "COPY_CODE")])

    let world: World = {
        var w = World()
        w.catalog = TemplateCatalog(Fixture.all + [coupon, brochure, clip, store, fallSale, otp])
        return w
    }()
    let now = t0.plus(hours: 1)

    static let image = TemplateHeaderValue.media(Media(kind: .image, link: "https://x.com/a.jpg"))
    static let place = TemplateLocation(latitude: 37.48, longitude: -122.15, name: "Main St store", address: "1 Main St")

    func send(_ name: String, body: [String] = [], header: TemplateHeaderValue = .none, buttons: [TemplateButtonValue] = [],
              code: String? = nil) -> Decision {
        world.decide(.template(TemplateRequest(name: name, language: "en_US", body: .positional(body), header: header,
                                               buttons: buttons, code: code)), to: bob, at: now)
    }

    func coupon(header: TemplateHeaderValue = image, buttons: [TemplateButtonValue] = [.init(index: 0, kind: .url, value: "ABC123")]) -> Decision {
        send("coupon", body: ["Ana", "20%"], header: header, buttons: buttons)
    }

    // MARK: media headers

    @Test("an image header with its image, by link or by id, sends")
    func imageSends() {
        #expect(coupon().isAllowed)
        #expect(coupon(header: .media(Media(kind: .image, id: "1234"))).isAllowed)
    }

    @Test("an image header without its image: template_param_mismatch / 132000, saying what to give")
    func imageMissing() {
        let d = coupon(header: .none)
        #expect(d.reason == .templateParamMismatch)
        #expect(d.code == 132000)
        #expect(d.detail == #"template coupon/en_US has an IMAGE header; give header = {image = {link = "https://..."}}"#)
    }

    @Test("the wrong kind of header: another medium, a location, or text values", arguments: [
        (TemplateHeaderValue.media(Media(kind: .video, link: "https://x.com/a.mp4")), "has an IMAGE header, not a video"),
        (TemplateHeaderValue.location(place), "has an IMAGE header, not a location"),
        (TemplateHeaderValue.positional(["Ana"]), "has an IMAGE header, which takes no text values (header_params)"),
    ])
    func imageWrong(header: TemplateHeaderValue, detail: String) {
        let d = coupon(header: header)
        #expect(d.reason == .templateParamMismatch)
        #expect(d.detail.contains(detail), "\(d.detail)")
    }

    @Test("media given as neither link nor id, or as both: template_param_format / 132012", arguments: [
        Media(kind: .image), Media(kind: .image, link: "", id: ""), Media(kind: .image, link: "https://x.com/a.jpg", id: "1234"),
    ])
    func imageWithoutSource(media: Media) {
        let d = coupon(header: .media(media))
        #expect(d.reason == .templateParamFormat)
        #expect(d.code == 132012)
        #expect(d.detail.contains("header image needs exactly one of link or id"))
    }

    @Test("a header's media takes no caption, and only a document takes a filename")
    func captionAndFilename() {
        #expect(coupon(header: .media(Media(kind: .image, link: "https://x.com/a.jpg", caption: "Hi"))).detail.contains("takes no caption"))
        #expect(coupon(header: .media(Media(kind: .image, link: "https://x.com/a.jpg", filename: "a.jpg"))).reason == .templateParamFormat)
        let pdf = TemplateHeaderValue.media(Media(kind: .document, id: "55", filename: "Brochure.pdf"))
        #expect(send("brochure", header: pdf).isAllowed)
        #expect(send("clip", header: .media(Media(kind: .video, id: "77"))).isAllowed)
        #expect(send("clip").detail.contains("has a VIDEO header; give header = {video ="))
    }

    @Test("header media for a template without a media header is refused too")
    func extraMedia() {
        let d = world.decide(.template(TemplateRequest(name: "order_update", language: "en_US", body: .positional(["Ana", "#1"]), header: Self.image)), at: now)
        #expect(d.reason == .templateParamMismatch)
        #expect(d.detail == "template order_update/en_US has no header, not an image one; drop header.image")
        let text = world.decide(.template(TemplateRequest(name: "shipped_with_header", language: "en_US", header: .location(Self.place))), at: now)
        #expect(text.detail.contains("has a text header, not a location one"))
    }

    // MARK: location headers

    @Test("a location header takes its place: latitude, longitude, name and address")
    func location() {
        #expect(send("store", header: .location(Self.place)).isAllowed)
        let missing = send("store")
        #expect(missing.reason == .templateParamMismatch)
        #expect(missing.detail.contains("has a LOCATION header; give header = {location = {latitude = ..., longitude = ..., name = \"...\", address = \"...\"}}"))
        let unnamed = send("store", header: .location(TemplateLocation(latitude: 1, longitude: 2)))
        #expect(unnamed.reason == .templateParamMismatch)
        #expect(unnamed.detail.contains("needs a name and an address"))
        let offTheMap = send("store", header: .location(TemplateLocation(latitude: 91, longitude: 0, name: "x", address: "y")))
        #expect(offTheMap.reason == .templateParamFormat)
        #expect(offTheMap.detail.contains("latitude runs from -90 to 90"))
    }

    // MARK: URL buttons

    @Test("a URL button whose address has a placeholder needs its suffix")
    func urlSuffixMissing() {
        let d = coupon(buttons: [])
        #expect(d.reason == .templateParamMismatch)
        #expect(d.detail == #"template coupon/en_US buttons[1] is a URL button (https://x.com/shop/{{1}}); give buttons[1] = {url = "..."}"#)
    }

    @Test("a value of the wrong kind, a value for a button that takes none, or for a button the template lacks", arguments: [
        ("coupon", TemplateButtonValue(index: 0, kind: .payload, value: "x"), #"buttons[1] is a URL button (https://x.com/shop/{{1}}); give buttons[1] = {url = "..."}, not payload"#),
        ("coupon", TemplateButtonValue(index: 1, kind: .url, value: "x"), #"buttons[2] is a quick-reply button "Stop promotions"; give buttons[2] = {payload = "..."}, not url"#),
        ("coupon", TemplateButtonValue(index: 2, kind: .payload, value: "x"), "has 2 buttons; buttons[3] was given a payload"),
        ("brochure", TemplateButtonValue(index: 0, kind: .url, value: "x"), "buttons[1] is a URL button (https://x.com), which takes no value; leave buttons[1] empty (false)"),
        ("brochure", TemplateButtonValue(index: 1, kind: .code, value: "x"), #"buttons[2] is a PHONE_NUMBER button "Call", which takes no value"#),
    ])
    func wrongButtonValue(name: String, value: TemplateButtonValue, detail: String) {
        let d = name == "coupon"
            ? coupon(buttons: [.init(index: 0, kind: .url, value: "ABC123")].filter { $0.index != value.index } + [value])
            : send("brochure", header: .media(Media(kind: .document, id: "55")), buttons: [value])
        #expect(d.reason == .templateParamMismatch)
        #expect(d.detail.contains(detail), "\(d.detail)")
    }

    @Test("two values for one button are refused")
    func twice() {
        let d = coupon(buttons: [.init(index: 0, kind: .url, value: "A"), .init(index: 0, kind: .url, value: "B")])
        #expect(d.detail.contains("buttons[1] was given two values"))
    }

    @Test("a button value is held to the parameter format: empty, a newline, a tab", arguments: ["", "a\nb", "a\tb"])
    func buttonValueFormat(value: String) {
        let d = coupon(buttons: [.init(index: 0, kind: .url, value: value)])
        #expect(d.reason == .templateParamFormat)
        #expect(d.detail.hasPrefix("template coupon/en_US buttons[1] value "))
    }

    // MARK: quick replies

    @Test("a quick reply's payload is optional")
    func payloadOptional() {
        #expect(coupon(buttons: [.init(index: 0, kind: .url, value: "A"), .init(index: 1, kind: .payload, value: "stop")]).isAllowed)
        #expect(coupon(buttons: [.init(index: 0, kind: .url, value: "A")]).isAllowed)
    }

    // MARK: copy-code buttons

    @Test("a copy-code button needs its coupon; code alone is for authentication templates")
    func copyCode() {
        #expect(send("fall_sale", buttons: [.init(index: 0, kind: .code, value: "25OFF")]).isAllowed)
        let missing = send("fall_sale")
        #expect(missing.reason == .templateParamMismatch)
        #expect(missing.detail == #"template fall_sale/en_US buttons[1] is a copy-code button; give buttons[1] = {code = "..."}"#)
        let shortcut = send("fall_sale", code: "25OFF")
        #expect(shortcut.reason == .templateParamMismatch)
        #expect(shortcut.detail == #"template fall_sale/en_US is a MARKETING template; code is for authentication templates; for its copy-code button give buttons[1] = {code = "..."}"#)
    }

    // MARK: one-time passwords

    @Test("an authentication template's password button needs the code, which fills the body as well")
    func password() {
        let d = send("otp", code: "123456")
        #expect(d.isAllowed)
        #expect(d.hydratedBody == "*123456* is your verification code.")
        #expect(send("otp", body: ["123456"], code: "123456").isAllowed)
        #expect(send("otp", body: ["123456"], buttons: [.init(index: 0, kind: .code, value: "123456")]).isAllowed)
    }

    @Test("without the code: template_param_mismatch, saying code fills both")
    func passwordMissing() {
        for d in [send("otp"), send("otp", body: ["123456"])] {
            #expect(d.reason == .templateParamMismatch)
            #expect(d.detail == #"template otp/en_US has a one-time-password button (COPY_CODE); give code = "...": the password goes in the body and in the button"#)
        }
        #expect(send("otp", code: "").reason == .templateParamFormat)
    }

    @Test("an authentication template without a password button takes code for its body")
    func legacyAuthentication() {
        #expect(send("login_code", code: "123456").hydratedBody == "123456 is your verification code.")
    }

    // MARK: order and placement

    @Test("the body's values are checked before the header, the header before the buttons")
    func order() {
        #expect(send("coupon").detail.contains("body takes 2 parameters"))
        #expect(send("coupon", body: ["Ana", "20%"]).detail.contains("IMAGE header"))
    }

    @Test("values are placed where the template has them: the password on its button, the coupon on its own")
    func fill() {
        let request = TemplateRequest(name: "otp", code: "123456")
        let filled = request.filled(for: Self.otp)
        #expect(filled.body == .positional(["123456"]))
        #expect(filled.buttons == [.init(index: 0, parameter: .password("123456"))])
        #expect(request.filled(for: nil).buttons.isEmpty)
        let coupon = TemplateRequest(name: "fall_sale", buttons: [.init(index: 0, kind: .code, value: "25OFF")])
        #expect(coupon.filled(for: Self.fallSale).buttons == [.init(index: 0, parameter: .couponCode("25OFF"))])
    }

    @Test("pick_template offers templates with media headers, buttons and passwords: send gives those")
    func picking() {
        for name in ["coupon", "store", "fall_sale", "otp"] {
            let picked = world.policy.pickTemplate(TemplateQuery(name: name), catalog: world.catalog, facts: world.facts, to: bob, at: now)
            #expect((try? picked.get())?.name == name, "\(picked)")
        }
    }

    // MARK: storage

    @Test("a request stored before templates took media or buttons still reads, and a text header is stored as before")
    func storedForm() throws {
        let old = #"{"name":"order_update","body":{"positional":{"_0":["A1","late"]}},"header":{"positional":{"_0":["Ana"]}}}"#
        let request = try JSONDecoder().decode(TemplateRequest.self, from: Data(old.utf8))
        #expect(request == TemplateRequest(name: "order_update", body: .positional(["A1", "late"]), header: .positional(["Ana"])))
        let header = try JSONEncoder().encode(TemplateHeaderValue.positional(["Ana"]))
        #expect(header == (try JSONEncoder().encode(TemplateArguments.positional(["Ana"]))))
        for value in [Self.image, .location(Self.place), .named(["n": "v"])] {
            let full = TemplateRequest(name: "t", header: value, buttons: [.init(index: 1, kind: .payload, value: "p")], code: "1")
            #expect(try JSONDecoder().decode(TemplateRequest.self, from: JSONEncoder().encode(full)) == full)
        }
    }
}
