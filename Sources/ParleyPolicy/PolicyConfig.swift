/// Every figure the core enforces. The defaults are the platform's published ones
/// (docs/rules.md); a deployment overrides them because the platform changes them.
public struct PolicyConfig: Sendable {
    /// The customer service window: open while now < last inbound + this, strictly.
    public var windowLength = Span.hours(24)
    /// The messaging limit counts unique contacts over this rolling window.
    public var limitWindow = Span.hours(24)
    /// How long the first and second pause of a template last; one more disables it.
    public var templatePauses: [Span] = [.hours(3), .hours(6)]
    /// How long a template's parts may be, as defined and once filled in.
    public var templateLimits = TemplateLimits()
    /// The language a template falls back to.
    public var defaultLanguage = "en_US"
    public var pacing = PacingConfig()
    public var shape = ShapeLimits()
    public var keywords = Keywords()
    /// Consecutive turns a bot did not understand before the core escalates.
    public var notUnderstoodLimit = 2
    /// Marketing templates to US numbers are refused before sending: the platform has
    /// delivered none since April 2025. Off for when it delivers them again.
    public var pausesUSMarketing = true
    /// How long marketing templates outside the window wait after the platform's per-user
    /// cap (131049) turned one away: the first time, the second, and every time after.
    /// The cap is the platform's and unpublished; these grow so a contact who keeps not
    /// engaging is left alone longer.
    public var marketingCooldowns: [Span] = [.hours(24), .hours(72), .days(7)]
    /// How long business-initiated messages wait after the platform could not deliver to a
    /// contact (131026): sending again at once only lowers the number's quality.
    public var undeliverableHold = Span.days(7)
    /// A number turning FLAGGED also drops the messaging limit one tier. The platform did so
    /// before October 2025; whether it still does is disputed, so it is off by default.
    public var flaggedDropsTier = false
    /// What messages cost and when they are free; no rates by default (docs/rules.md §16).
    public var pricing = PricingConfig()
    /// What may be spent per day and month, by the deployment and by each script.
    public var budgets = Budgets()

    public init() {}

    /// The languages to try for `language`: itself, its base (`pt_BR` → `pt`), then the
    /// deployment default.
    public func languageFallbacks(for language: String?) -> [String] {
        var chain: [String] = []
        if let language, !language.isEmpty {
            chain.append(language)
            if let underscore = language.firstIndex(of: "_") { chain.append(String(language[..<underscore])) }
        }
        if !chain.contains(defaultLanguage) { chain.append(defaultLanguage) }
        return chain
    }
}

/// The platform's limits on a template's parts, in characters: one source for the
/// templates file's checks (a template as defined) and the policy's (as filled in).
public struct TemplateLimits: Sendable, Equatable {
    public var name = 512
    public var header = 60
    public var body = 1024
    public var footer = 60
    /// Buttons in all, and one button's label.
    public var buttons = 10
    public var buttonLabel = 25

    public init() {}
}
