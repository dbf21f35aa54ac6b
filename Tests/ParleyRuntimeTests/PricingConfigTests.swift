import Foundation
import ParleyPolicy
import ParleyRuntime
import Testing

@testable import ParleyConfig

/// `[pricing]` and `[budgets]` in parley.toml: a price table by category and calling code,
/// and spend budgets in its currency (docs/rules.md §16).
@Suite("Prices and budgets in parley.toml")
struct PricingConfigTests {
    func parse(_ text: String) throws -> PolicyConfig { try ConfigFile.parse(text).policy }

    func problem(_ text: String) -> String? {
        do {
            _ = try ConfigFile.parse(text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test("the example table reads as it is written: rates by calling code, a default, the budgets")
    func example() throws {
        let config = try ConfigFile.load(contentsOf: examples.appendingPathComponent("prices.toml")).policy
        let marketing = try #require(config.pricing.rates[.marketing])
        #expect(marketing.byCallingCode["44"] == Money(0.0529))
        #expect(marketing.fallback == Money(0.0604))
        #expect(Set(config.pricing.rates.keys) == Set(PricingCategory.allCases))
        #expect(config.pricing.currency == "USD")
        #expect(config.pricing.freeInWindow.isEmpty)
        #expect(config.budgets.deployment == BudgetLimits(daily: Money(50), monthly: Money(1000)))
        #expect(config.budgets.scripts["coupon"] == BudgetLimits(daily: Money(0.12)))
        #expect(config.budgets.warnAt == 0.8)
    }

    @Test("README.md's example under \"Prices and budgets\" reads as it says")
    func readmeExample() throws {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "### Prices and budgets").dropFirst().first)
        let example = try #require(section.components(separatedBy: "```toml\n").dropFirst().first?.components(separatedBy: "```").first)
        let config = try parse(example)
        #expect(config.pricing.rates[.marketing]?.rate(for: ContactID("+447700900123")!).rate == Money(0.0529))
        #expect(config.budgets.scripts["coupon"]?.daily == Money(5))
    }

    @Test("without a [pricing] table there are no rates: costs are unknown, and nothing else changes")
    func noTable() throws {
        let config = try parse("")
        #expect(!config.pricing.hasRates)
        #expect(config.budgets.isEmpty)
        #expect(config.pricing.entryPointReply == .hours(24))
        #expect(config.pricing.entryPointWindow == .hours(72))
    }

    @Test("the platform's earlier terms: service and utility free inside the window")
    func freeInWindow() throws {
        #expect(try parse("[pricing]\nfree_in_window = [\"utility\", \"service\"]").pricing.freeInWindow == [.service, .utility])
        #expect(problem("[pricing]\nfree_in_window = [\"services\"]")
            == "parley.toml: pricing.free_in_window: \"services\" is not a category; the categories: \"marketing\", \"utility\", \"authentication\", \"service\"")
    }

    @Test("a mistake in a rate table names the key and the fix", arguments: [
        ("[pricing.marketing]\n\"44\" = 0.05", "parley.toml: pricing.marketing.default: is missing: give the rate for every other country, and for contacts known only by a user id (default = 0.04)"),
        ("[pricing.marketing]\n\"+44\" = 0.05\ndefault = 0.04", "parley.toml: pricing.marketing.+44: is not a country calling code; key a rate by 1 to 4 digits without the +, such as \"44\" = 0.0529, or give default = 0.04"),
        ("[pricing.marketing]\n\"44\" = -1\ndefault = 0.04", "parley.toml: pricing.marketing.\"44\": must be an amount: a number of 0 or more, such as 0.0529"),
        ("[pricing.marketing]\n\"44\" = \"cheap\"\ndefault = 0.04", "parley.toml: pricing.marketing.\"44\": must be an amount: a number of 0 or more, such as 0.0529"),
        ("[pricing]\ncurrency = \"usd\"", "parley.toml: pricing.currency: must be the rate card's currency code, three capital letters such as \"USD\" or \"EUR\""),
        ("[pricing.authentication_international]\ndefault = 0.1",
         "parley.toml: pricing.authentication_international: unknown key; known keys here: authentication, currency, entry_point_reply, entry_point_window, free_in_window, marketing, service, utility"),
    ])
    func rateMistakes(text: String, message: String) {
        #expect(problem(text) == message)
    }

    @Test("budgets need prices to count against, and a share to warn at")
    func budgetMistakes() {
        #expect(problem("[budgets]\ndaily = 50")
            == "parley.toml: budgets: need prices to count against: add a rate table per category billed, such as [pricing.marketing] with default = 0.04")
        #expect(problem("[budgets]\nwarn_at = 80") == "parley.toml: budgets.warn_at: must be a share of the budget, more than 0 and at most 1, such as 0.8")
        #expect(problem("[pricing.marketing]\ndefault = 0.04\n[budgets.scripts.coupon]\nweekly = 1")
            == "parley.toml: budgets.scripts.coupon.weekly: unknown key; known keys here: daily, monthly")
    }

    @Test("[budget] bounds a script's calls and [budgets] its spending: a key in the wrong one says so")
    func budgetOrBudgets() {
        #expect(problem("[budget]\ndaily = 50")?.hasSuffix("(spend budgets go in [budgets], with an s)") == true)
        #expect(problem("[budgets]\nwall_ms = 50")?.hasSuffix("(a script call's bounds go in [budget], without an s)") == true)
    }
}
