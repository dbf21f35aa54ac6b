import Testing
@testable import ParleyPolicy

// Shared fixtures: one business, a handful of contacts and templates, and a `World` that
// holds the facts a decision is made on, so each test states only what it changes.

/// A Monday morning, far from any date edge.
let t0 = Instant(iso8601: "2026-03-02T09:00:00Z")!

let alice = ContactID("+14155550100")!
let bob = ContactID("+4915112345678")!

extension Instant {
    /// `t0 + 23h59m59.999s` reads better as `t0.plus(hours: 23, minutes: 59, seconds: 59, ms: 999)`.
    func plus(days: Int64 = 0, hours: Int64 = 0, minutes: Int64 = 0, seconds: Int64 = 0, ms: Int64 = 0) -> Instant {
        self + .days(days) + .hours(hours) + .minutes(minutes) + .seconds(seconds) + .milliseconds(ms)
    }
}

/// `n` distinct, valid contacts: +1415200xxxx.
func contacts(_ n: Int, prefix: String = "+1415200") -> [ContactID] {
    (0..<n).map { i in
        let digits = String(i)
        return ContactID(prefix + String(repeating: "0", count: max(0, 4 - digits.count)) + digits)!
    }
}

/// The standard catalog: one template per category, positional and named parameters, a
/// text header, and one name in several languages.
enum Fixture {
    static let orderUpdate = Template(
        name: "order_update", language: "en_US", category: .utility, status: .approved, quality: .green,
        body: "Hi {{1}}, your order {{2}} has shipped.")
    static let orderUpdatePT = Template(
        name: "order_update", language: "pt_BR", category: .utility, status: .approved, quality: .green,
        body: "Oi {{1}}, seu pedido {{2}} foi enviado.")
    static let promo = Template(
        name: "spring_promo", language: "en_US", category: .marketing, status: .approved, quality: .green,
        body: "Hello {{first_name}}, {{offer}} today only!")
    static let loginCode = Template(
        name: "login_code", language: "en_US", category: .authentication, status: .approved, quality: .green,
        body: "{{1}} is your verification code.")
    static let welcome = Template(
        name: "welcome", language: "en_US", category: .utility, status: .approved, quality: .green,
        body: "Welcome! Reply to this message to reach us.")
    static let shipped = Template(
        name: "shipped_with_header", language: "en_US", category: .utility, status: .approved, quality: .green,
        header: .text("Order {{1}}"), body: "Your parcel is on its way.", footer: "Reply STOP to opt out")

    static var all: [Template] { [orderUpdate, orderUpdatePT, promo, loginCode, welcome, shipped] }
}

/// The facts and catalog a decision is made on, starting from a healthy number and a
/// contact who opted in and last wrote at `t0`.
struct World {
    var policy = Policy()
    var account = AccountStanding()
    var contact = ContactStanding(lastInbound: t0, optedIn: true)
    var limit = LimitStanding(limit: 250, used: 0, alreadyCounted: false)
    var language: String? = nil
    var catalog = TemplateCatalog(Fixture.all)
    var spend: SpendStanding? = nil

    var facts: PolicyFacts { PolicyFacts(account: account, contact: contact, limit: limit, language: language, spend: spend) }

    /// A contact who never wrote.
    static var coldContact: World {
        var w = World()
        w.contact.lastInbound = nil
        return w
    }

    func decide(
        _ message: OutboundMessage, to contact: ContactID = alice, by sender: Sender = .bot("orders"),
        at now: Instant, stage: DecisionStage = .request
    ) -> Decision {
        policy.decide(SendRequest(id: "m1", sender: sender, to: contact, message: message),
                      facts: facts, catalog: catalog, at: now, stage: stage)
    }

    func decide(
        _ message: OutboundMessage, toRaw raw: String, by sender: Sender = .bot("orders"), at now: Instant
    ) -> Decision {
        policy.decide(SendRequest(id: "m1", sender: sender, to: raw, message: message),
                      facts: facts, catalog: catalog, at: now)
    }
}

/// A text message.
func text(_ body: String = "Your order has shipped.") -> OutboundMessage { .text(body) }

/// A template with positional parameters.
func template(_ name: String, _ language: String? = "en_US", _ body: [String] = [], header: [String] = []) -> OutboundMessage {
    .template(TemplateRequest(name: name, language: language, body: .positional(body), header: .positional(header)))
}

/// A template with named parameters.
func template(_ name: String, _ language: String? = "en_US", named body: [String: String]) -> OutboundMessage {
    .template(TemplateRequest(name: name, language: language, body: .named(body)))
}

/// The order update, correctly filled.
let orderUpdate = template("order_update", "en_US", ["Ana", "#1042"])
/// The marketing template, correctly filled.
let springPromo = template("spring_promo", named: ["first_name": "Ana", "offer": "20% off"])
/// The authentication template, correctly filled.
let loginCode = template("login_code", "en_US", ["123456"])

extension Decision {
    var reason: Reason? { refusal?.reason }
    var code: Int? { refusal?.code }
    var detail: String { refusal?.detail ?? "" }
    var isBusinessInitiated: Bool {
        if case .allowed(_, let b) = outcome { return b }
        return false
    }
}

extension String {
    /// A string of exactly `n` characters.
    static func of(_ n: Int, _ c: Character = "a") -> String { String(repeating: c, count: n) }
}

/// A small deterministic generator (SplitMix64) for property-style checks: the same seed
/// always gives the same sequence, so a failure reproduces.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
