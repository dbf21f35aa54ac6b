import Testing
@testable import ParleyPolicy

/// docs/scripts.md `pick_template` and docs/rules.md §2: only ever a template that would pass every
/// rule for that contact now; GREEN, UNKNOWN, YELLOW, RED in that order.
@Suite("pick_template")
struct TemplatePickerTests {
    let policy = Policy()
    let outside = t0.plus(days: 2)

    func reminder(_ name: String, _ quality: TemplateQuality, language: String = "en_US",
                  status: TemplateStatus = .approved, category: TemplateCategory = .utility,
                  body: String = "Your appointment is tomorrow at {{1}}.") -> Template {
        Template(name: name, language: language, category: category, status: status, quality: quality, body: body)
    }

    func pick(_ query: TemplateQuery, from templates: [Template], world: World? = nil, to contact: ContactID? = nil,
              by sender: Sender = .bot("pick"), at now: Instant? = nil) -> Result<Template, Refusal> {
        policy.pickTemplate(query, catalog: TemplateCatalog(templates), facts: world?.facts, to: contact,
                            at: now ?? outside, by: sender)
    }

    @Test("quality GREEN beats UNKNOWN, which beats YELLOW, which beats RED")
    func qualityOrder() {
        var pool = [reminder("r_red", .red), reminder("r_yellow", .yellow), reminder("r_unknown", .unknown), reminder("r_green", .green)]
        for expected in ["r_green", "r_unknown", "r_yellow", "r_red"] {
            #expect((try? pick(TemplateQuery(category: .utility), from: pool).get())?.name == expected)
            pool.removeAll { $0.name == expected }
        }
        #expect(TemplateQuality.allCases.sorted() == [.green, .unknown, .yellow, .red])
    }

    @Test("at equal quality, names sort")
    func nameOrder() {
        #expect((try? pick(TemplateQuery(), from: [reminder("b", .green), reminder("a", .green)]).get())?.name == "a")
    }

    @Test("paused, disabled and unapproved templates are never picked, whatever their quality")
    func onlySendableTemplates() {
        let pool = [
            reminder("a_paused", .green, status: .paused), reminder("b_disabled", .green, status: .disabled),
            reminder("c_pending", .green, status: .pending), reminder("d_ok", .red),
        ]
        #expect((try? pick(TemplateQuery(), from: pool).get())?.name == "d_ok")
    }

    @Test("a pause that has run out makes the template pickable again")
    func expiredPause() {
        let t = Template(name: "r", language: "en_US", category: .utility, status: .paused, quality: .green,
                         body: "x", pauseCount: 1, pausedUntil: outside)
        #expect(throws: Refusal.self) { try pick(TemplateQuery(), from: [t], at: outside - .milliseconds(1)).get() }
        #expect((try? pick(TemplateQuery(), from: [t], at: outside).get())?.name == "r")
    }

    @Test("when nothing is sendable, the reason of the best candidate comes back")
    func reasonOfBestCandidate() {
        let r = pick(TemplateQuery(name: "r"), from: [reminder("r", .green, status: .paused)])
        #expect(r.failure?.reason == .templatePaused)
    }

    @Test("when nothing matches at all: template_not_found, describing the query")
    func nothingMatches() {
        let r = pick(TemplateQuery(name: "nope", category: .marketing, language: "fr"), from: Fixture.all)
        #expect(r.failure?.reason == .templateNotFound)
        #expect(r.failure?.detail.contains("name nope") == true)
        #expect(r.failure?.detail.contains("category MARKETING") == true)
    }

    @Test("the language falls back pt_BR → pt → the deployment default, and an earlier language beats quality")
    func languageFallback() {
        let pool = [reminder("r", .red, language: "pt"), reminder("r", .green, language: "en_US")]
        #expect((try? pick(TemplateQuery(language: "pt_BR"), from: pool).get())?.language == "pt")
        #expect((try? pick(TemplateQuery(language: "pt_BR"), from: pool + [reminder("r", .yellow, language: "pt_BR")]).get())?.language == "pt_BR")
        #expect((try? pick(TemplateQuery(language: "de"), from: pool).get())?.language == "en_US")
        #expect(pick(TemplateQuery(language: "de"), from: [reminder("r", .green, language: "fr")]).failure?.reason == .templateNotFound)
    }

    @Test("without a language in the query, the conversation's language leads")
    func conversationLanguage() {
        var w = World()
        w.language = "pt_BR"
        let r = pick(TemplateQuery(name: "order_update"), from: Fixture.all, world: w, to: alice)
        #expect((try? r.get())?.language == "pt_BR")
    }

    @Test("category and parameter count narrow the candidates")
    func filters() {
        #expect((try? pick(TemplateQuery(category: .authentication), from: Fixture.all).get())?.name == "login_code")
        #expect((try? pick(TemplateQuery(category: .utility, parameters: .count(2)), from: Fixture.all).get())?.name == "order_update")
        #expect((try? pick(TemplateQuery(category: .utility, parameters: .count(0)), from: Fixture.all).get())?.name == "shipped_with_header")
    }

    @Test("given values, a template is picked only if those values would pass")
    func values() {
        let good = TemplateQuery(name: "order_update", parameters: .values(.positional(["Ana", "#1"])))
        let bad = TemplateQuery(name: "order_update", parameters: .values(.positional(["Ana", "a\nb"])))
        #expect((try? pick(good, from: Fixture.all).get())?.name == "order_update")
        #expect(pick(bad, from: Fixture.all).failure?.reason == .templateParamFormat)
    }

    @Test("for a contact who stopped marketing, a marketing template is not picked but a utility one is")
    func optedOutContact() {
        var w = World()
        w.contact.marketingOptedOut = true
        #expect(pick(TemplateQuery(category: .marketing), from: Fixture.all, world: w, to: alice).failure?.reason == .marketingOptedOut)
        #expect((try? pick(TemplateQuery(category: .utility), from: Fixture.all, world: w, to: alice).get()) != nil)
    }

    @Test("for a contact outside the window without an opt-in, nothing is picked: no_opt_in")
    func noOptIn() {
        var w = World()
        w.contact.optedIn = false
        #expect(pick(TemplateQuery(), from: Fixture.all, world: w, to: alice).failure?.reason == .noOptIn)
        #expect((try? pick(TemplateQuery(), from: Fixture.all, world: w, to: alice, at: t0.plus(hours: 1)).get()) != nil)
    }

    @Test("at the messaging limit nothing is picked for a new contact")
    func limitReached() {
        var w = World()
        w.limit = LimitStanding(limit: 250, used: 250, alreadyCounted: false)
        #expect(pick(TemplateQuery(), from: Fixture.all, world: w, to: alice).failure?.reason == .messagingLimit)
    }

    @Test("a macro (an agent) may pick for a conversation a human owns; a bot may not")
    func senderMatters() {
        var w = World()
        w.contact.owner = .human(queue: "orders-team")
        #expect((try? pick(TemplateQuery(), from: Fixture.all, world: w, to: alice, by: .macro("shipping_update")).get()) != nil)
        #expect(pick(TemplateQuery(), from: Fixture.all, world: w, to: alice, by: .bot("orders")).failure?.reason == .humanOwnsConversation)
    }

    @Test("property: whatever is picked, send would accept now with the same values", arguments: [21, 22, 23] as [UInt64])
    func pickedTemplatesSend(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let statuses: [TemplateStatus] = [.approved, .approved, .approved, .paused, .pending, .disabled]
        for round in 0..<200 {
            let templates = (0..<6).map { i in
                Template(name: "t\(i)", language: ["en_US", "pt_BR", "pt"].randomElement(using: &rng)!,
                         category: TemplateCategory.allCases.randomElement(using: &rng)!,
                         status: statuses.randomElement(using: &rng)!,
                         quality: TemplateQuality.allCases.randomElement(using: &rng)!,
                         body: ["Hi", "Hi {{1}}", "Hi {{1}} {{2}}", "Hi {{name}}"].randomElement(using: &rng)!)
            }
            var w = World()
            w.catalog = TemplateCatalog(templates)
            w.contact.optedIn = Bool.random(using: &rng)
            w.contact.marketingOptedOut = Bool.random(using: &rng)
            w.language = ["pt_BR", nil, "en_US"].randomElement(using: &rng)!
            let now = Bool.random(using: &rng) ? t0.plus(hours: 1) : outside
            let query = TemplateQuery(category: Bool.random(using: &rng) ? TemplateCategory.allCases.randomElement(using: &rng) : nil)
            guard case .success(let t) = policy.pickTemplate(query, catalog: w.catalog, facts: w.facts, to: alice, at: now) else { continue }
            let values: TemplateArguments = switch t.bodyPlaceholders {
            case .positional(let n): .positional(Array(repeating: "v", count: n))
            case .named(let names): .named(Dictionary(uniqueKeysWithValues: names.map { ($0, "v") }))
            }
            let d = w.decide(.template(TemplateRequest(name: t.name, language: t.language, body: values)), at: now)
            #expect(d.isAllowed, "round \(round): picked \(t.key) but send says \(d.detail)")
            if let c = query.category { #expect(t.category == c) }
        }
    }
}
