import Testing
@testable import ParleyPolicy

/// docs/rules.md §2: which templates may go out, with which parameters.
@Suite("Templates")
struct TemplateTests {
    let world = World()
    let outside = t0.plus(days: 2)  // alice's window closed long ago

    // MARK: existence

    @Test("a template name the catalog lacks: template_not_found / 132001")
    func unknownName() {
        let d = world.decide(template("no_such_template"), at: outside)
        #expect(d.reason == .templateNotFound)
        #expect(d.code == 132001)
        #expect(d.detail.contains("no template named \"no_such_template\""))
        #expect(d.template == nil)
    }

    @Test("a name in a language it lacks is not found, and the detail lists the languages it has")
    func missingLanguageListsTheOthers() {
        let d = world.decide(template("order_update", "fr_FR", ["Ana", "#1"]), at: outside)
        #expect(d.reason == .templateNotFound)
        #expect(d.code == 132001)
        #expect(d.detail.contains("fr_FR"))
        #expect(d.detail.contains("en_US, pt_BR"))
    }

    @Test("an explicit language is taken exactly: no fallback to the base language or the default")
    func explicitLanguageIsExact() {
        #expect(world.decide(template("order_update", "pt_PT", ["Ana", "#1"]), at: outside).reason == .templateNotFound)
    }

    @Test("without a language, the conversation's language is used")
    func conversationLanguage() {
        var w = world
        w.language = "pt_BR"
        let d = w.decide(template("order_update", nil, ["Ana", "#1"]), at: outside)
        #expect(d.isAllowed)
        #expect(d.template?.language == "pt_BR")
    }

    @Test("without a language, pt_BR falls back to pt, then to the deployment default")
    func languageFallbackChain() {
        var w = world
        w.language = "pt_BR"
        w.catalog = TemplateCatalog([
            Template(name: "hello", language: "pt", category: .utility, body: "Olá"),
            Template(name: "hello", language: "en_US", category: .utility, body: "Hello"),
            Template(name: "bye", language: "en_US", category: .utility, body: "Bye"),
            Template(name: "bye", language: "de", category: .utility, body: "Tschüss"),
        ])
        #expect(w.decide(template("hello", nil), at: outside).template?.language == "pt")
        #expect(w.decide(template("bye", nil), at: outside).template?.language == "en_US")
        #expect(w.policy.config.languageFallbacks(for: "pt_BR") == ["pt_BR", "pt", "en_US"])
        #expect(w.policy.config.languageFallbacks(for: nil) == ["en_US"])
    }

    @Test("without a language and no preferred one present, a name that exists in one language only resolves to it")
    func onlyLanguage() {
        var w = world
        w.catalog = TemplateCatalog([Template(name: "hallo", language: "de", category: .utility, body: "Hallo")])
        #expect(w.decide(template("hallo", nil), at: outside).template?.language == "de")
    }

    // MARK: status

    @Test("only APPROVED is sendable: every other platform status is template_not_approved / 132001",
          arguments: ["PENDING", "REJECTED", "IN_APPEAL", "FLAGGED", "LIMIT_EXCEEDED", "ARCHIVED", "DELETED",
                      "PENDING_DELETION", "LOCKED", "SOMETHING_NEW"])
    func nonApprovedStatuses(status: String) {
        var w = world
        w.catalog[Fixture.orderUpdate.key]?.status = TemplateStatus(status)
        let d = w.decide(orderUpdate, at: outside)
        #expect(d.reason == .templateNotApproved)
        #expect(d.code == 132001)
        #expect(d.detail.contains(status))
    }

    @Test("non-approved templates are refused inside the window too")
    func notApprovedInsideWindow() {
        var w = world
        w.catalog[Fixture.orderUpdate.key]?.status = .pending
        #expect(w.decide(orderUpdate, at: t0.plus(hours: 1)).reason == .templateNotApproved)
    }

    @Test("an APPROVED template sends whatever its quality", arguments: TemplateQuality.allCases)
    func everyQualitySends(quality: TemplateQuality) {
        var w = world
        w.catalog.apply(quality: quality, to: Fixture.orderUpdate.key)
        #expect(w.decide(orderUpdate, at: outside).isAllowed)
    }

    @Test("a PAUSED template is template_paused / 132015, and the detail says until when")
    func pausedTemplate() {
        var w = world
        w.catalog.apply(status: .paused, to: Fixture.orderUpdate.key, at: t0, pauses: w.policy.config.templatePauses)
        let d = w.decide(orderUpdate, at: t0.plus(hours: 1))
        #expect(d.reason == .templatePaused)
        #expect(d.code == 132015)
        #expect(d.detail.contains("until 2026-03-02T12:00:00Z"))
    }

    @Test("a DISABLED template is template_disabled / 132016")
    func disabledTemplate() {
        var w = world
        w.catalog[Fixture.orderUpdate.key]?.status = .disabled
        let d = w.decide(orderUpdate, at: outside)
        #expect(d.reason == .templateDisabled)
        #expect(d.code == 132016)
    }

    @Test("platform status strings parse case-insensitively; unknown ones are kept as they are")
    func statusParsing() {
        #expect(TemplateStatus("approved") == .approved)
        #expect(TemplateStatus("PAUSED") == .paused)
        #expect(TemplateStatus("Disabled") == .disabled)
        #expect(TemplateStatus("IN_APPEAL") == .other("IN_APPEAL"))
        #expect(TemplateStatus("IN_APPEAL").description == "IN_APPEAL")
    }

    @Test("quality and category parse their current and older platform spellings")
    func qualityAndCategoryParsing() {
        #expect(TemplateQuality(platform: "HIGH") == .green)
        #expect(TemplateQuality(platform: "medium") == .yellow)
        #expect(TemplateQuality(platform: "LOW") == .red)
        #expect(TemplateQuality(platform: "") == .unknown)
        #expect(TemplateQuality(platform: "PURPLE") == nil)
        #expect(TemplateCategory(platform: "TRANSACTIONAL") == .utility)
        #expect(TemplateCategory(platform: "OTP") == .authentication)
        #expect(TemplateCategory(platform: "marketing") == .marketing)
        #expect(TemplateCategory(platform: "NEWSLETTER") == nil)
    }

    // MARK: parameters

    @Test("too few positional parameters: template_param_mismatch / 132000, naming the counts")
    func tooFewPositional() {
        let d = world.decide(template("order_update", "en_US", ["Ana"]), at: outside)
        #expect(d.reason == .templateParamMismatch)
        #expect(d.code == 132000)
        #expect(d.detail.contains("takes 2 parameters; 1 given"))
    }

    @Test("too many positional parameters: template_param_mismatch")
    func tooManyPositional() {
        let d = world.decide(template("order_update", "en_US", ["Ana", "#1", "extra"]), at: outside)
        #expect(d.reason == .templateParamMismatch)
        #expect(d.detail.contains("3 given"))
    }

    @Test("parameters for a template that takes none: template_param_mismatch")
    func parametersForNone() {
        #expect(world.decide(template("welcome", "en_US", ["x"]), at: outside).reason == .templateParamMismatch)
        #expect(world.decide(template("welcome"), at: outside).isAllowed)
    }

    @Test("a missing named parameter is named in the detail")
    func missingNamed() {
        let d = world.decide(template("spring_promo", named: ["first_name": "Ana"]), at: outside)
        #expect(d.reason == .templateParamMismatch)
        #expect(d.detail.contains("missing offer"))
    }

    @Test("an unknown named parameter is named in the detail")
    func unknownNamed() {
        let d = world.decide(template("spring_promo", named: ["first_name": "Ana", "offer": "x", "coupon": "y"]), at: outside)
        #expect(d.reason == .templateParamMismatch)
        #expect(d.detail.contains("unknown coupon"))
    }

    @Test("positional values for named placeholders, and named values for positional ones, mismatch")
    func positionalVersusNamed() {
        #expect(world.decide(template("spring_promo", "en_US", ["Ana", "x"]), at: outside).reason == .templateParamMismatch)
        #expect(world.decide(template("order_update", named: ["1": "Ana", "2": "#1"]), at: outside).reason == .templateParamMismatch)
    }

    @Test("the header's parameter is counted separately from the body's")
    func headerParameterCount() {
        #expect(world.decide(template("shipped_with_header", header: ["#1042"]), at: outside).isAllowed)
        let d = world.decide(template("shipped_with_header"), at: outside)
        #expect(d.reason == .templateParamMismatch)
        #expect(d.detail.contains("header"))
    }

    @Test("a parameter with a newline, a carriage return, a tab or 5 spaces: template_param_format / 132012",
          arguments: ["line\nbreak", "line\r\nbreak", "carriage\rreturn", "tab\there", "five     spaces", "\u{2028}separator"])
    func badParameterFormat(value: String) {
        let d = world.decide(template("order_update", "en_US", ["Ana", value]), at: outside)
        #expect(d.reason == .templateParamFormat)
        #expect(d.code == 132012)
        #expect(d.detail.contains("parameter 2"))
    }

    @Test("an empty or blank parameter: template_param_format", arguments: ["", " ", "    "])
    func emptyParameter(value: String) {
        let d = world.decide(template("order_update", "en_US", [value, "#1"]), at: outside)
        #expect(d.reason == .templateParamFormat)
        #expect(d.detail.contains("empty"))
    }

    @Test("four consecutive spaces are still fine")
    func fourSpacesAreFine() {
        #expect(world.decide(template("order_update", "en_US", ["Ana    Maria", "#1"]), at: outside).isAllowed)
    }

    @Test("a named parameter with a bad format is named in the detail")
    func badNamedParameterIsNamed() {
        let d = world.decide(template("spring_promo", named: ["first_name": "Ana", "offer": "a\tb"]), at: outside)
        #expect(d.reason == .templateParamFormat)
        #expect(d.detail.contains("offer"))
    }

    @Test("a header parameter's format is checked like the body's")
    func headerParameterFormat() {
        #expect(world.decide(template("shipped_with_header", header: ["a\nb"]), at: outside).reason == .templateParamFormat)
    }

    // MARK: lengths

    /// The body `{{1}}` alone, so the hydrated length is exactly the parameter's.
    var bareBody: World {
        var w = world
        w.catalog = TemplateCatalog([
            Template(name: "bare", language: "en_US", category: .utility, header: .text("{{1}}"), body: "{{1}}"),
        ])
        return w
    }

    @Test("a hydrated body of 1,024 characters goes out; 1,025 is template_too_long / 132005")
    func bodyLength() {
        let ok = bareBody.decide(template("bare", "en_US", [.of(1024)], header: ["h"]), at: outside)
        #expect(ok.isAllowed)
        #expect(ok.hydratedBody?.count == 1024)
        let long = bareBody.decide(template("bare", "en_US", [.of(1025)], header: ["h"]), at: outside)
        #expect(long.reason == .templateTooLong)
        #expect(long.code == 132005)
        #expect(long.detail.contains("body is 1025 characters"))
    }

    @Test("a hydrated header of 60 characters goes out; 61 is template_too_long")
    func headerLength() {
        #expect(bareBody.decide(template("bare", "en_US", ["b"], header: [.of(60)]), at: outside).isAllowed)
        let d = bareBody.decide(template("bare", "en_US", ["b"], header: [.of(61)]), at: outside)
        #expect(d.reason == .templateTooLong)
        #expect(d.detail.contains("header is 61 characters"))
    }

    @Test("lengths count characters as people see them: 1,024 emoji with skin tones fit")
    func lengthsCountCharacters() {
        #expect(bareBody.decide(template("bare", "en_US", [.of(1024, "👍🏽")], header: ["h"]), at: outside).isAllowed)
    }

    @Test("the body and header limits are configurable")
    func lengthLimitsAreConfigurable() {
        var w = bareBody
        w.policy = Policy({ var c = PolicyConfig(); c.templateLimits.body = 10; c.templateLimits.header = 5; return c }())
        #expect(w.decide(template("bare", "en_US", [.of(11)], header: ["h"]), at: outside).reason == .templateTooLong)
        #expect(w.decide(template("bare", "en_US", ["b"], header: [.of(6)]), at: outside).reason == .templateTooLong)
    }

    @Test("the decision keeps the hydrated body")
    func hydratedBodyIsKept() {
        #expect(world.decide(orderUpdate, at: outside).hydratedBody == "Hi Ana, your order #1042 has shipped.")
        #expect(world.decide(springPromo, at: outside).hydratedBody == "Hello Ana, 20% off today only!")
    }

    // MARK: marketing opt-out

    @Test("a marketing template to a contact who stopped marketing: marketing_opted_out / 131050")
    func marketingToOptedOut() {
        var w = world
        w.contact.marketingOptedOut = true
        let d = w.decide(springPromo, at: outside)
        #expect(d.reason == .marketingOptedOut)
        #expect(d.code == 131050)
    }

    @Test("a marketing template is refused to an opted-out contact inside the window too")
    func marketingToOptedOutInsideWindow() {
        var w = world
        w.contact.marketingOptedOut = true
        #expect(w.decide(springPromo, at: t0.plus(hours: 1)).reason == .marketingOptedOut)
    }

    @Test("utility and authentication templates still go to an opted-out contact, inside and outside the window",
          arguments: [orderUpdate, loginCode])
    func utilityAndAuthenticationStillSend(message: OutboundMessage) {
        var w = world
        w.contact.marketingOptedOut = true
        #expect(w.decide(message, at: t0.plus(hours: 1)).isAllowed)
        #expect(w.decide(message, at: outside).isAllowed)
    }

    @Test("a category update to MARKETING makes the template subject to the opt-out")
    func categoryUpdateFollowed() {
        var w = world
        w.contact.marketingOptedOut = true
        w.catalog.apply(category: .marketing, to: Fixture.orderUpdate.key)
        #expect(w.decide(orderUpdate, at: outside).reason == .marketingOptedOut)
    }

    // MARK: placeholders

    @Test("placeholders are positional when all are numbers, counted by the highest, each once")
    func positionalPlaceholders() {
        #expect(Placeholders(in: "Hi {{1}}, order {{2}}, again {{1}}") == .positional(2))
        #expect(Placeholders(in: "{{ 1 }} and {{2}}") == .positional(2))
        #expect(Placeholders(in: "no parameters") == .none)
        #expect(Placeholders(in: "unclosed {{1") == .none)
    }

    @Test("placeholders are named, in order of first appearance, when any is not a number")
    func namedPlaceholders() {
        #expect(Placeholders(in: "{{first_name}}: {{offer}} ({{first_name}})") == .named(["first_name", "offer"]))
        #expect(Placeholders(in: "{{first_name}}").count == 1)
    }

    @Test("a media header has no parameters")
    func mediaHeader() {
        let t = Template(name: "m", language: "en_US", category: .utility, header: .media("IMAGE"), body: "x")
        #expect(t.headerPlaceholders == .none)
    }
}
