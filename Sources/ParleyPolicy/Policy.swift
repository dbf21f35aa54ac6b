/// The rules of docs/rules.md, sections 1 to 8, as one pure function: a request, the facts
/// as they stand and an instant go in; an allowed or refused decision with its reason
/// comes out. Whatever a script asks for, every message passes here, at request and again
/// at dispatch.
///
/// The rules run in a fixed order and the first refusal wins:
/// 1. the recipient is a valid number or user id;
/// 2. the business number may send at all;
/// 3. no unacknowledged identity change;
/// 4. no human owns the conversation (automated senders only);
/// 5. free-form: the message's shape, then the customer service window;
/// 6. template: it exists, is approved, its parameters fit, the contact has not stopped
///    marketing, no marketing to a US number; and outside the window, where it starts a
///    business-initiated exchange, the number is not restricted, the contact opted in, is
///    not held as undeliverable nor, for marketing, cooling down from the per-user cap, and
///    the messaging limit has room;
/// 7. the message's estimated cost fits the spend budgets (docs/rules.md §16.4).
public struct Policy: Sendable {
    public let config: PolicyConfig
    /// The consent and escalation keywords, folded once.
    public let keywords: KeywordMatcher

    public init(_ config: PolicyConfig = PolicyConfig()) {
        self.config = config
        self.keywords = KeywordMatcher(config.keywords)
    }

    /// When the window of a contact whose last inbound was `lastInbound` closes.
    public func windowEnd(lastInbound: Instant?) -> Instant? {
        lastInbound.map { $0 + config.windowLength }
    }

    /// The window is open while `now` < last inbound + 24 h, strictly.
    public func isWindowOpen(lastInbound: Instant?, at now: Instant) -> Bool {
        guard let end = windowEnd(lastInbound: lastInbound) else { return false }
        return now < end
    }

    public func decide(
        _ request: SendRequest, facts: PolicyFacts, catalog: TemplateCatalog, at now: Instant, stage: DecisionStage = .request
    ) -> Decision {
        let windowEnd = windowEnd(lastInbound: facts.contact.lastInbound)
        let inWindow = windowEnd.map { now < $0 } ?? false
        var template: Template?
        var hydrated: String?
        var pricing: Pricing?

        func refuse(_ rule: String, _ reason: Reason, _ detail: String) -> Decision {
            Decision(at: now, stage: stage, request: request, facts: facts, windowEnd: windowEnd, template: template,
                     hydratedBody: hydrated, rule: rule, outcome: .refused(Refusal(reason, detail)), pricing: pricing)
        }
        // Every other rule passed: the spend budgets have the last word.
        func allow(_ rule: String, businessInitiated: Bool) -> Decision {
            let what = { template.map { "this \($0.category.rawValue) template to \(request.rawRecipient)" } ?? "this message to \(request.rawRecipient)" }
            if let refusal = budgetRefusal(request, pricing, spend: facts.spend, what: what(), at: now) {
                return refuse("budget", refusal.reason, refusal.detail)
            }
            return Decision(at: now, stage: stage, request: request, facts: facts, windowEnd: windowEnd, template: template,
                            hydratedBody: hydrated, rule: rule,
                            outcome: .allowed(kind: request.message.kind, businessInitiated: businessInitiated), pricing: pricing)
        }

        guard let contact = request.recipient else {
            return refuse("recipient", .invalidRecipient,
                "\"\(request.rawRecipient)\" is not a phone number (8–15 digits, e.g. +14155550100) or a business-scoped user id (e.g. US.13491208655302741918)")
        }
        if let number = contact.number, config.pacing.numbersPerSecond[number] == nil {
            let known = ([ContactID.defaultNumber] + config.pacing.numbersPerSecond.keys.sorted()).joined(separator: ", ")
            return refuse("recipient", .invalidRecipient, "\(contact) is on a business number named \"\(number)\", which this deployment does not have; its numbers: \(known)")
        }
        let account = facts.account
        if !account.numberStatus.canSend {
            return refuse("number.status", .numberRestricted, "the business number is \(account.numberStatus); nothing can be sent until it is CONNECTED again")
        }
        if facts.contact.identityChangePending {
            return refuse("identity", .identityChanged, "\(contact)'s identity key changed; an operator must acknowledge the change before anything is sent")
        }
        if request.sender.isAutomated, case .human(let queue) = facts.contact.owner {
            return refuse("ownership", .humanOwnsConversation, "the conversation with \(contact) is owned by human:\(queue); \(request.sender) is muted until an agent releases it")
        }

        guard case .template(let wanted) = request.message else {
            pricing = self.pricing(.service, to: contact, facts: facts, inWindow: inWindow, at: now)
            if let problem = MessageShape.violation(of: request.message, limits: config.shape) {
                return refuse("shape", .invalidMessage, problem)
            }
            guard inWindow else {
                return refuse("window", .outsideWindow, closedWindowDetail(contact, windowEnd, now))
            }
            return allow("window.open", businessInitiated: false)
        }

        // The fallback chain matters only when the request names no language.
        let preferred = wanted.language == nil ? config.languageFallbacks(for: facts.language) : []
        guard let found = catalog.resolve(name: wanted.name, language: wanted.language, preferred: preferred) else {
            return refuse("template.exists", .templateNotFound, notFoundDetail(wanted, catalog, preferred))
        }
        // Kept as it stood now: a stored PAUSED whose time is up would otherwise appear in
        // the audit record of a message it allowed.
        template = found.snapshot(at: now)
        pricing = self.pricing(PricingCategory(found.category), to: contact, facts: facts, inWindow: inWindow, at: now)
        switch TemplateRules.check(found, wanted, at: now, config: config) {
        case .failure(let refusal):
            return refuse("template", refusal.reason, refusal.detail)
        case .success(let passed):
            hydrated = passed.hydratedBody
        }
        if found.category == .authentication, contact.kind == .businessScopedUser {
            return refuse("recipient.phone", .phoneNumberRequired, "\(found.key) is an AUTHENTICATION template and \(contact) is known only by user id; a one-time password goes to a phone number, so ask the person for theirs or use another way to verify")
        }
        if found.category == .marketing, facts.contact.optedOut {
            return refuse("consent.stop", .optedOut, "\(contact) asked to stop (STOP); \(found.key) is a MARKETING template, refused even inside the window until they write START")
        }
        if found.category == .marketing, facts.contact.marketingOptedOut {
            return refuse("consent.marketing", .marketingOptedOut, "\(contact) stopped marketing messages; \(found.key) is a MARKETING template (utility and authentication ones still send)")
        }
        if found.category == .marketing, config.pausesUSMarketing, NorthAmericanNumber(contact)?.isUS == true {
            return refuse("marketing.us", .usMarketingPaused, "\(contact) is a US number, to which the platform delivers no MARKETING templates; send a UTILITY template, or set policy.pause_us_marketing = false once the platform delivers them again")
        }
        if inWindow {
            return allow("template.in_window", businessInitiated: false)
        }
        if account.numberStatus == .restricted || account.businessInitiatedRestricted {
            let why = account.businessInitiatedRestricted ? "the account is restricted from business-initiated messaging" : "the business number is RESTRICTED"
            return refuse("number.restricted", .numberRestricted, "\(why); templates may only answer contacts inside their window")
        }
        if facts.contact.optedOut {
            return refuse("consent.stop", .optedOut, "\(contact) asked to stop (STOP), so no business-initiated message goes to them until they write START; replies inside a window they open still do (\(closedWindowDetail(contact, windowEnd, now)))")
        }
        if !facts.contact.optedIn {
            return refuse("consent.opt_in", .noOptIn, "\(contact) has no recorded opt-in, which a business-initiated template needs (\(closedWindowDetail(contact, windowEnd, now)))")
        }
        if let until = facts.contact.undeliverableUntil, now < until {
            return refuse("recipient.undeliverable", .recipientUndeliverable, "the platform could not deliver to \(contact) (131026), so business-initiated messages wait until \(until.iso8601) or until they write")
        }
        if found.category == .marketing, let until = facts.contact.marketingCooldownUntil, now < until {
            return refuse("marketing.cooldown", .marketingCooldown, "the platform's per-user marketing cap turned a template to \(contact) away (131049); MARKETING templates outside the window wait until \(until.iso8601), utility ones still send")
        }
        if !facts.limit.hasRoom {
            let limit = facts.limit.limit ?? 0
            return refuse("limit", .messagingLimit, "\(facts.limit.used) of \(limit) unique contacts (\(account.tier)) already reached in the rolling \(config.limitWindow); \(contact) would be one more")
        }
        return allow("template.business_initiated", businessInitiated: true)
    }

    private func closedWindowDetail(_ contact: ContactID, _ end: Instant?, _ now: Instant) -> String {
        guard let end else { return "\(contact) never wrote, so no customer service window is open; send an approved template" }
        return "the window with \(contact) closed at \(end.iso8601) (\(now - end) ago); send an approved template"
    }

    private func notFoundDetail(_ wanted: TemplateRequest, _ catalog: TemplateCatalog, _ preferred: [String]) -> String {
        let languages = catalog.languages(of: wanted.name)
        if languages.isEmpty { return "no template named \"\(wanted.name)\" in the catalog" }
        let asked = wanted.language.map { "language \($0)" } ?? "languages \(preferred.joined(separator: ", "))"
        return "template \"\(wanted.name)\" has no \(asked); it exists in \(languages.joined(separator: ", "))"
    }
}
