import ParleyJSON
import ParleyPolicy

/// What an allowed message took of the budgets: kept with a paced message, so that it is
/// given back when the message never goes, or goes at another price.
public struct SpendCharge: Codable, Sendable, Equatable {
    let amount: Money
    /// The budget scopes it counted toward (`""` for the deployment, else a script's name).
    let scopes: [String]
    /// The UTC day and month it counted in.
    let periods: [String]
}

/// The estimated spend, kept in the store per budget scope and UTC period (docs/rules.md
/// §16.4). The policy checks a message against it; the pipeline counts what the policy
/// allowed in the same serial step, so two senders cannot pass a budget together.
extension SendPipeline {
    /// What the sender's budgets have spent in the day and month `now` falls in; `nil` when
    /// the deployment has no budgets, and then nothing is read.
    func spendStanding(for sender: Sender?) throws -> SpendStanding? {
        let budgets = config.policy.budgets
        guard !budgets.isEmpty else { return nil }
        var spent: [BudgetScope: [BudgetPeriod: Money]] = [:]
        for scope in sender?.budgetScopes ?? [.deployment] where limits(of: scope) != nil {
            for period in BudgetPeriod.allCases {
                spent[scope, default: [:]][period] = try store.spend(of: scope.key, in: period.period(at: now)).spent
            }
        }
        return SpendStanding(spent)
    }

    /// Counts an allowed message's estimated cost toward its sender's budgets. A free
    /// message, or one whose cost is unknown, counts nothing. Spend is kept whether or not
    /// a budget is set, so a budget set mid-month knows the month's spend. A budget whose
    /// spend reaches `warn_at` of its limit warns, once per period.
    @discardableResult
    func charge(_ pricing: Pricing?, by sender: Sender) throws -> SpendCharge? {
        guard let cost = pricing?.chargeable else { return nil }
        let scopes = sender.budgetScopes
        for scope in scopes {
            for period in BudgetPeriod.allCases {
                let key = period.period(at: now)
                var tally = try store.spend(of: scope.key, in: key)
                tally.spent += cost
                if let limit = limits(of: scope)?[period], !tally.warned, tally.spent >= limit.share(config.policy.budgets.warnAt) {
                    tally.warned = true
                    try warn(scope, period, key, spent: tally.spent, limit: limit)
                }
                try store.save(tally, of: scope.key, in: key)
            }
        }
        return SpendCharge(amount: cost, scopes: scopes.map(\.key), periods: BudgetPeriod.allCases.map { $0.period(at: now) })
    }

    /// Gives back what a message that never went (or is about to be priced again) took.
    func giveBack(_ charge: SpendCharge) throws {
        for scope in charge.scopes {
            for period in charge.periods {
                var tally = try store.spend(of: scope, in: period)
                tally.spent = max(.zero, tally.spent - charge.amount)
                try store.save(tally, of: scope, in: period)
            }
        }
    }

    private func limits(of scope: BudgetScope) -> BudgetLimits? {
        let budgets = config.policy.budgets
        switch scope {
        case .deployment: return budgets.deployment.isEmpty ? nil : budgets.deployment
        case .script(let name): return budgets.scripts[name]
        }
    }

    /// A `budget_warning` record, and each automation's `on_account` hears of it once the
    /// call that sent has returned (a script is not called from inside another's send).
    private func warn(_ scope: BudgetScope, _ period: BudgetPeriod, _ key: String, spent: Money, limit: Money) throws {
        let currency = config.policy.pricing.currency
        var r = Records.fields("budget_warning", at: now, [("budget", .string(period.rawValue))])
        if case .script(let name) = scope { r.add("script", name) }
        r.add("period", key)
        r.add("spent", spent.decimal)
        r.add("limit", limit.decimal)
        r.add("currency", currency)
        runtime.record(r)
        guard runtime.scripts.automations.contains(where: { $0.definition.has("on_account") }) else { return }
        var event: [String: JSONValue] = [
            "type": "budget", "budget": .string(period.rawValue), "period": .string(key), "spent": .double(spent.double),
            "limit": .double(limit.double), "currency": .string(currency), "warn_at": .double(config.policy.budgets.warnAt),
        ]
        if case .script(let name) = scope { event["script"] = .string(name) }
        try runtime.agenda.add(.tellAccount(event: .object(event)), at: now)
    }
}
