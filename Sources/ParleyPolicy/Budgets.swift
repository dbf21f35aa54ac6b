/// A spend budget's period: the UTC calendar day or month.
public enum BudgetPeriod: String, CaseIterable, Codable, Sendable {
    case daily, monthly

    /// The period `now` falls in, as its spend is kept: `"2026-01-05"`, `"2026-01"`.
    public func period(at now: Instant) -> String {
        let iso = now.iso8601
        return String(iso.prefix(self == .daily ? 10 : 7))
    }

    /// When the period `now` falls in ends, and the next begins.
    public func end(after now: Instant) -> Instant {
        let days = Int64((now.millisecondsSinceEpoch - Self.floorMod(now.millisecondsSinceEpoch, 86_400_000)) / 86_400_000)
        switch self {
        case .daily:
            return Instant(millisecondsSinceEpoch: (days + 1) * 86_400_000)
        case .monthly:
            let (year, month, _) = Instant.civil(fromDays: days)
            let next = month == 12 ? Instant.days(fromCivil: year + 1, 1, 1) : Instant.days(fromCivil: year, month + 1, 1)
            return Instant(millisecondsSinceEpoch: next * 86_400_000)
        }
    }

    private static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { ((a % b) + b) % b }
}

/// A budget's limits: what may be spent per UTC day and per UTC month. Unset: no limit.
public struct BudgetLimits: Sendable, Equatable {
    public var daily: Money?
    public var monthly: Money?

    public init(daily: Money? = nil, monthly: Money? = nil) {
        self.daily = daily
        self.monthly = monthly
    }

    public subscript(period: BudgetPeriod) -> Money? {
        switch period {
        case .daily: daily
        case .monthly: monthly
        }
    }

    public var isEmpty: Bool { daily == nil && monthly == nil }
}

/// Spend budgets, in the price table's currency (docs/rules.md §16.4): the deployment's,
/// and optionally one per script, by the script's name.
public struct Budgets: Sendable, Equatable {
    public var deployment = BudgetLimits()
    public var scripts: [String: BudgetLimits] = [:]
    /// The share of a budget at which a warning is given, once per period.
    public var warnAt = 0.8

    public init() {}

    public var isEmpty: Bool { deployment.isEmpty && scripts.values.allSatisfy(\.isEmpty) }
}

/// Whose budget a spend counts toward: the deployment's, or one script's as well.
public enum BudgetScope: Hashable, Sendable, CustomStringConvertible {
    case deployment
    case script(String)

    /// How the store keys it: `""` for the deployment, the script's name otherwise.
    public var key: String {
        switch self {
        case .deployment: ""
        case .script(let name): name
        }
    }

    public init(key: String) {
        self = key.isEmpty ? .deployment : .script(key)
    }

    public var description: String { key.isEmpty ? "the deployment" : "script \(key)" }
}

/// What was spent in the periods a decision falls in, per scope: what the budgets are
/// checked against. The runtime reads it from the store.
public struct SpendStanding: Sendable, Equatable {
    public var spent: [BudgetScope: [BudgetPeriod: Money]]

    public init(_ spent: [BudgetScope: [BudgetPeriod: Money]] = [:]) {
        self.spent = spent
    }

    public subscript(scope: BudgetScope, period: BudgetPeriod) -> Money {
        spent[scope]?[period] ?? .zero
    }
}

extension Sender {
    /// The script that sends, whose own budget a message counts toward; `nil` for an agent
    /// or the core.
    public var scriptName: String? {
        switch self {
        case .bot(let name), .automation(let name), .macro(let name): name
        case .agent, .core: nil
        }
    }

    /// The budgets a message from this sender counts toward.
    public var budgetScopes: [BudgetScope] {
        scriptName.map { [.deployment, .script($0)] } ?? [.deployment]
    }
}

extension Policy {
    /// A message whose estimated cost would take a budget past its limit, or `nil`. The
    /// core's own notices (a hand-off, a STOP confirmation) count toward the budgets but are
    /// never refused for them: the platform requires them.
    /// `what` names the message in a refusal's detail; it is only built for a refusal.
    func budgetRefusal(_ request: SendRequest, _ pricing: Pricing?, spend: SpendStanding?, what: @autoclosure () -> String, at now: Instant) -> Refusal? {
        guard request.sender != .core, let cost = pricing?.chargeable, let spend else { return nil }
        let budgets = config.budgets
        let currency = config.pricing.currency
        for scope in request.sender.budgetScopes {
            let limits: BudgetLimits? = switch scope {
            case .deployment: budgets.deployment
            case .script(let name): budgets.scripts[name]
            }
            for period in BudgetPeriod.allCases {
                guard let limit = limits?[period] else { continue }
                let spent = spend[scope, period]
                guard spent + cost > limit else { continue }
                let key = switch scope {
                case .deployment: "budgets.\(period.rawValue)"
                case .script(let name): "budgets.scripts.\(name).\(period.rawValue)"
                }
                let whose = scope == .deployment ? "the" : "\(request.sender)'s"
                return Refusal(.budgetExhausted, """
                    \(whose) \(period.rawValue) budget of \(currency) \(limit.decimal) (\(key)) has \(currency) \(spent.decimal) spent in \
                    \(period.period(at: now)) (UTC); \(what()) would cost \(currency) \(cost.decimal) more. It renews at \
                    \(period.end(after: now).iso8601); raise \(key) to send more now
                    """)
            }
        }
        return nil
    }
}
