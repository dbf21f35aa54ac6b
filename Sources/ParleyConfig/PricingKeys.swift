import ParleyJSON
import ParleyPolicy
import ParleyRuntime

/// The keys whose names are patterns: a rate per country calling code in each
/// `[pricing.<category>]` table, and each `[budgets.scripts.<name>]` table's limits. Their
/// rows in the key table come from here; `ConfigReader` reads them (below).
extension ConfigFile {
    static var rateKeys: [ConfigKey<RateSettings>] {
        [
            .init("default", in: "pricing.<category>", .money, \.fallback, unset: "none: required in each category's table",
                  help: "the category's rate (`marketing`, `utility`, `authentication`, `service`) for numbers whose calling code the table does not list, and for contacts known only by a user id"),
            .init("\"<calling code>\"", in: "pricing.<category>", .money, unset: "none",
                  help: "the rate for numbers starting with that country calling code, 1 to 4 digits (`\"44\"`, `\"1264\"`); the longest listed code wins",
                  set: { _, _ in }, get: { _ in nil }),
        ]
    }

    static var scriptBudgetKeys: [ConfigKey<BudgetLimits>] {
        [
            .init("daily", in: "budgets.scripts.<name>", .money, \.daily, unset: "none",
                  help: "what the script of that name may spend per UTC day, beside the deployment's budget"),
            .init("monthly", in: "budgets.scripts.<name>", .money, \.monthly, unset: "none",
                  help: "what the script of that name may spend per UTC month"),
        ]
    }

    /// The tables inside a table, read by their own readers: `[pricing.marketing]`...
    static func subtables(of section: String) -> [String] {
        switch section {
        case "pricing": PricingCategory.allCases.map(\.rawValue)
        case "budgets": ["scripts"]
        default: []
        }
    }
}

/// One `[pricing.<category>]` table as read.
struct RateSettings {
    var fallback: Money?
    var byCallingCode: [String: Money] = [:]
}

extension ConfigReader {
    /// Each `[pricing.<category>]` table: a `default` rate and rates by calling code.
    func readRates(_ pricing: [String: JSONValue], into config: inout PricingConfig) throws(ConfigError) {
        for category in PricingCategory.allCases {
            guard let value = pricing[category.rawValue] else { continue }
            let at = "pricing.\(category.rawValue)"
            guard let fields = value.objectValue else {
                throw fail(at, "must be a table of rates: [\(at)] with \"44\" = 0.0529 and default = 0.04")
            }
            var settings = RateSettings()
            for (key, rate) in fields.sorted(by: { $0.key < $1.key }) {
                if key == "default" {
                    try apply(ConfigFile.rateKeys.filter { $0.name == "default" }, from: fields, at: at, to: &settings)
                    continue
                }
                guard (1...4).contains(key.count), key.allSatisfy({ ("0"..."9").contains($0) }), key.first != "0" else {
                    throw fail("\(at).\(key)", "is not a country calling code; key a rate by 1 to 4 digits without the +, such as \"44\" = 0.0529, or give default = 0.04")
                }
                do {
                    settings.byCallingCode[key] = try ConfigValue<Money>.money.read(rate)
                } catch {
                    throw fail("\(at).\"\(key)\"", error.text)
                }
            }
            guard let fallback = settings.fallback else {
                throw fail("\(at).default", "is missing: give the rate for every other country, and for contacts known only by a user id (default = 0.04)")
            }
            config.rates[category] = RateCard(settings.byCallingCode, default: fallback)
        }
    }

    /// Each `[budgets.scripts.<name>]` table: a script's own daily and monthly limits.
    func readScriptBudgets(_ budgets: [String: JSONValue], into config: inout Budgets) throws(ConfigError) {
        guard let value = budgets["scripts"] else { return }
        guard let scripts = value.objectValue else { throw fail("budgets.scripts", "must hold a table per script: [budgets.scripts.coupon] with daily = 5") }
        for (name, value) in scripts.sorted(by: { $0.key < $1.key }) {
            let at = "budgets.scripts.\(name)"
            guard let fields = value.objectValue else { throw fail(at, "must be a table: [\(at)] with daily = 5 or monthly = 100") }
            try refuseUnknown(in: fields, at: at, known: ConfigFile.scriptBudgetKeys.map(\.name))
            var limits = BudgetLimits()
            try apply(ConfigFile.scriptBudgetKeys, from: fields, at: at, to: &limits)
            config.scripts[name] = limits
        }
    }

    /// Budgets check estimated costs: without a price table no cost is known and no budget
    /// would ever refuse a thing, which is surely not what was meant.
    func requirePricesForBudgets(_ policy: PolicyConfig) throws(ConfigError) {
        guard !policy.budgets.isEmpty, !policy.pricing.hasRates else { return }
        throw fail("budgets", "need prices to count against: add a rate table per category billed, such as [pricing.marketing] with default = 0.04")
    }
}

extension ConfigValue<Money> {
    /// An amount in the price table's currency: a number, 0 or more.
    static var money: Self {
        Self(takes: "amount: a number, 0 or more", read: { value throws(ConfigProblem) in
            guard let number = value.doubleValue, let money = Money(number) else {
                throw ConfigProblem("must be an amount: a number of 0 or more, such as 0.0529")
            }
            return money
        }, write: { $0.micros % 1_000_000 == 0 ? .int($0.micros / 1_000_000) : .double($0.double) }, sample: Money(micros: 1_234_500))
    }
}

extension ConfigValue<Double> {
    /// A share of something: more than 0, at most 1.
    static var share: Self {
        Self(takes: "number, more than 0 and at most 1", read: { value throws(ConfigProblem) in
            guard let share = value.doubleValue, share > 0, share <= 1 else { throw ConfigProblem("must be a share of the budget, more than 0 and at most 1, such as 0.8") }
            return share
        }, write: JSONValue.double, sample: 0.5)
    }
}

extension ConfigValue<String> {
    static var currency: Self {
        text.checked(takes: "text: a currency code", sample: "EUR") { code throws(ConfigProblem) in
            guard code.count == 3, code.allSatisfy({ ("A"..."Z").contains($0) }) else {
                throw ConfigProblem("must be the rate card's currency code, three capital letters such as \"USD\" or \"EUR\"")
            }
            return code
        }
    }
}

extension ConfigValue<Set<PricingCategory>> {
    static var categories: Self {
        let names = PricingCategory.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        return Self(takes: "list of categories", read: { value throws(ConfigProblem) in
            guard let items = value.arrayValue else { throw ConfigProblem("must be a list of categories, such as [\"service\", \"utility\"]") }
            var categories = Set<PricingCategory>()
            for item in items {
                guard let name = item.stringValue, let category = PricingCategory(rawValue: name) else {
                    throw ConfigProblem("\(item.textValue.map { "\"\($0)\"" } ?? "a \(item.kindName)") is not a category; the categories: \(names)")
                }
                categories.insert(category)
            }
            return categories
        }, write: { set in .array(PricingCategory.allCases.filter(set.contains).map { .string($0.rawValue) }) }, sample: [.service, .utility])
    }
}
