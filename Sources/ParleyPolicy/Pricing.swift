/// What the platform bills a delivered message as (docs/rules.md §16): its category, by the
/// template's category or `service` for a free-form message, and its pricing type.
public enum PricingCategory: String, CaseIterable, Codable, Sendable {
    case marketing, utility, authentication
    /// A free-form message (text, media, interactive) inside the window.
    case service

    public init(_ category: TemplateCategory) {
        switch category {
        case .marketing: self = .marketing
        case .utility: self = .utility
        case .authentication: self = .authentication
        }
    }
}

/// The platform's pricing types, spelled as its status webhooks spell them.
public enum PricingType: String, CaseIterable, Codable, Sendable {
    case regular
    /// A category the deployment's platform does not bill inside an open customer service window.
    case freeCustomerService = "free_customer_service"
    /// Inside the 72 h that a reply to a contact from an ad or a page button opens.
    case freeEntryPoint = "free_entry_point"

    public var isFree: Bool { self != .regular }
}

/// A message's estimated price: its category and type, and what it costs when the
/// deployment has rates for its category (`nil`: unknown, which is not zero).
public struct Pricing: Codable, Sendable, Equatable {
    public var category: PricingCategory
    public var type: PricingType
    public var cost: Money?
    public var currency: String
    /// The rate card entry the cost came from: a calling code (`"44"`) or `"default"`.
    public var market: String?

    public init(category: PricingCategory, type: PricingType, cost: Money? = nil, currency: String = "USD", market: String? = nil) {
        self.category = category
        self.type = type
        self.cost = cost
        self.currency = currency
        self.market = market
    }

    /// What a budget counts: a known cost above nothing.
    public var chargeable: Money? { cost.flatMap { $0 > .zero ? $0 : nil } }
}

/// One category's rates: per country calling code, and a `default` for the rest (and for
/// contacts known only by a business-scoped user id, which have no calling code).
public struct RateCard: Sendable, Equatable {
    public var byCallingCode: [String: Money]
    public var fallback: Money

    public init(_ byCallingCode: [String: Money] = [:], default fallback: Money) {
        self.byCallingCode = byCallingCode
        self.fallback = fallback
    }

    /// The rate for `contact`: the longest calling code (1 to 4 digits) the card lists that
    /// starts its number, else the default. `+1 264...` (Anguilla) matches `"1264"` before `"1"`.
    public func rate(for contact: ContactID) -> (rate: Money, market: String) {
        guard contact.kind == .phone else { return (fallback, "default") }
        let digits = contact.value.dropFirst()  // "+"
        for length in stride(from: min(4, digits.count), through: 1, by: -1) {
            let code = String(digits.prefix(length))
            if let rate = byCallingCode[code] { return (rate, code) }
        }
        return (fallback, "default")
    }
}

/// What messages cost, and when they are free (docs/rules.md §16). Rates change often and
/// differ per contract, so none is built in: without rates a cost is unknown, never zero.
public struct PricingConfig: Sendable, Equatable {
    /// The currency of the rates and the budgets, as the rate card's (ISO 4217).
    public var currency = "USD"
    /// The rates per category; a category without a card has no known cost.
    public var rates: [PricingCategory: RateCard] = [:]
    /// Categories the platform does not bill inside an open customer service window. Empty
    /// by default: from October 2026 service messages and utility templates inside the window
    /// are billed too. A deployment on the earlier terms sets `["service", "utility"]`.
    public var freeInWindow: Set<PricingCategory> = []
    /// How long after a contact arrives from an ad or a page button (a message with a
    /// referral) the business's reply opens a free entry point window.
    public var entryPointReply = Span.hours(24)
    /// How long that window lasts, from the reply; everything sent in it is free.
    public var entryPointWindow = Span.hours(72)

    public init() {}

    public var hasRates: Bool { !rates.isEmpty }
}

extension Policy {
    /// A message of `category` to `contact` now, as the platform would bill it: free in a
    /// free entry point window (or in the reply that opens one), free for the categories
    /// the deployment's platform does not bill inside the window, else regular at the
    /// contact's rate. Pure: the facts say where the windows stand.
    public func pricing(_ category: PricingCategory, to contact: ContactID, facts: PolicyFacts, inWindow: Bool, at now: Instant) -> Pricing {
        let prices = config.pricing
        let type: PricingType =
            if isFreeEntryPoint(facts.contact, at: now) { .freeEntryPoint }
            else if inWindow, prices.freeInWindow.contains(category) { .freeCustomerService }
            else { .regular }
        guard let card = prices.rates[category] else { return Pricing(category: category, type: type, currency: prices.currency) }
        let (rate, market) = card.rate(for: contact)
        return Pricing(category: category, type: type, cost: type.isFree ? .zero : rate, currency: prices.currency, market: market)
    }

    /// Whether a message now is free as part of a free entry point window: one is open, or
    /// the contact came from an ad or a page button recently enough that this reply opens one.
    public func isFreeEntryPoint(_ contact: ContactStanding, at now: Instant) -> Bool {
        if let until = contact.freeEntryPointUntil, now < until { return true }
        return entryPointOpened(contact, at: now) != nil
    }

    /// Until when the free entry point window that a business message sent now opens lasts;
    /// `nil` when it opens none (no referral pending, or answered too late).
    public func entryPointOpened(_ contact: ContactStanding, at now: Instant) -> Instant? {
        guard let referral = contact.entryPointReferralAt, now < referral + config.pricing.entryPointReply else { return nil }
        if let until = contact.freeEntryPointUntil, now < until { return nil }  // one is open already
        return now + config.pricing.entryPointWindow
    }
}
