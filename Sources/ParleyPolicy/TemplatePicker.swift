/// What a script asks `pick_template` for. Every field is optional.
public struct TemplateQuery: Sendable, Equatable {
    public enum Parameters: Sendable, Equatable {
        case count(Int)
        case values(TemplateArguments)
    }

    public var name: String?
    public var category: TemplateCategory?
    public var language: String?
    public var parameters: Parameters?

    public init(name: String? = nil, category: TemplateCategory? = nil, language: String? = nil, parameters: Parameters? = nil) {
        self.name = name
        self.category = category
        self.language = language
        self.parameters = parameters
    }
}

extension Policy {
    /// The best template for `query` that `send` would accept now, or the reason none
    /// would. Languages come in fallback order (`pt_BR` → `pt` → the default), and a
    /// language earlier in that order beats quality; within one language, quality GREEN
    /// beats UNKNOWN, YELLOW and RED, then names sort.
    ///
    /// With `facts` (a recipient), the whole decision is run for that contact: consent,
    /// window, number status and the messaging limit count too, as they would for
    /// `sender`. The sender matters: a macro (an agent) may send to a conversation a
    /// human owns, a bot may not. Without it the pick is judged as a bot's.
    public func pickTemplate(
        _ query: TemplateQuery, catalog: TemplateCatalog, facts: PolicyFacts?, to contact: ContactID?, at now: Instant,
        by sender: Sender = .bot("pick")
    ) -> Result<Template, Refusal> {
        let languages = query.language != nil
            ? config.languageFallbacks(for: query.language)
            : config.languageFallbacks(for: facts?.language) + catalogLanguages(catalog)
        var firstRefusal: Refusal?
        var seen = Set<String>()
        let all = catalog.templates  // sorted once, not once per language
        for language in languages where seen.insert(language).inserted {
            let candidates = all
                .filter { $0.language == language && matches($0, query) }
                .sorted { ($0.quality, $0.name) < ($1.quality, $1.name) }
            for template in candidates {
                let request = probe(for: template, query)
                let refusal: Refusal?
                if let facts, let contact {
                    let probeRequest = SendRequest(id: "pick", sender: sender, to: contact, message: .template(request))
                    refusal = decide(probeRequest, facts: facts, catalog: catalog, at: now).refusal
                } else {
                    refusal = TemplateRules.check(template, request, at: now, config: config).failure
                }
                guard let refusal else { return .success(template.snapshot(at: now)) }
                if firstRefusal == nil { firstRefusal = refusal }
            }
        }
        if let firstRefusal { return .failure(firstRefusal) }
        return .failure(Refusal(.templateNotFound, "no template matches \(describe(query))"))
    }

    private func catalogLanguages(_ catalog: TemplateCatalog) -> [String] {
        Set(catalog.templates.map(\.language)).sorted()
    }

    private func matches(_ t: Template, _ q: TemplateQuery) -> Bool {
        if let name = q.name, t.name != name { return false }
        if let category = q.category, t.category != category { return false }
        if case .count(let n) = q.parameters, t.bodyPlaceholders.count != n { return false }
        if case .values(let args) = q.parameters, t.bodyPlaceholders.count != args.count { return false }
        return true
    }

    /// A request that fills the template as the query would: the body with the given
    /// values, or with stand-ins of the right count when only a count is known; every other
    /// part with stand-ins, since the query says nothing of them and `send` will.
    private func probe(for t: Template, _ q: TemplateQuery) -> TemplateRequest {
        let body: TemplateArguments = if case .values(let args) = q.parameters { args } else { standIns(t.bodyPlaceholders) }
        let buttons = t.buttons.enumerated().compactMap { index, button in
            button.needsValue && button.type != "OTP" ? TemplateButtonValue(index: index, kind: button.takes!, value: "x") : nil
        }
        return TemplateRequest(name: t.name, language: t.language, body: body, header: headerStandIn(t), buttons: buttons,
                               code: t.passwordButton != nil ? "x" : nil)
    }

    private func headerStandIn(_ t: Template) -> TemplateHeaderValue {
        if let kind = t.header?.mediaKind { return .media(Media(kind: kind, link: "https://example.com/x")) }
        if t.header?.isLocation == true { return .location(TemplateLocation(latitude: 0, longitude: 0, name: "x", address: "x")) }
        return .text(standIns(t.headerPlaceholders))
    }

    private func standIns(_ p: Placeholders) -> TemplateArguments {
        switch p {
        case .positional(let n): return .positional(Array(repeating: "x", count: n))
        case .named(let names): return .named(Dictionary(uniqueKeysWithValues: names.map { ($0, "x") }))
        }
    }

    private func describe(_ q: TemplateQuery) -> String {
        var parts: [String] = []
        if let n = q.name { parts.append("name \(n)") }
        if let c = q.category { parts.append("category \(c.rawValue)") }
        if let l = q.language { parts.append("language \(l)") }
        switch q.parameters {
        case .count(let n): parts.append("\(n) parameters")
        case .values(let a): parts.append("\(a.count) parameters")
        case nil: break
        }
        return parts.isEmpty ? "(any template)" : parts.joined(separator: ", ")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
