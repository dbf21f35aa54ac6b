import ParleyJSON
import ParleyPolicy
import ParleyRuntime

extension ConfigFile {
    /// The keys as README.md's key table lists them, in Markdown: one row per declared key,
    /// with what it takes and its default. A test holds the README to it.
    public static var keyTable: String {
        (["| key | takes | default | what it sets |", "|---|---|---|---|"] + listed.map(\.row)).joined(separator: "\n")
    }

    /// Every key in the table's order: the top-level ones, a queue's, then each table's,
    /// with the keys of its pattern tables (`[pricing.<category>]`...) after its own.
    static var listed: [(path: String, row: String)] {
        let defaults = DeploymentConfig(runtime: RuntimeConfig())
        func entries<Settings>(_ keys: [ConfigKey<Settings>], _ settings: Settings) -> [(path: String, row: String)] {
            keys.map { ($0.path, row($0, settings)) }
        }
        var all = entries(keys.filter { $0.section.isEmpty }, defaults) + entries(queueKeys, QueueSettings())
            + entries(numberKeys, NumberSettings())
        for section in sections where !namedTables.contains(section) {
            all += entries(keys.filter { $0.section == section }, defaults)
            if section == "pricing" { all += entries(rateKeys, RateSettings()) }
            if section == "budgets" { all += entries(scriptBudgetKeys, BudgetLimits()) }
        }
        return all
    }

    private static func row<Settings>(_ key: ConfigKey<Settings>, _ defaults: Settings) -> String {
        let value = key.value(defaults).map { "`\(toml($0))`" } ?? key.unset ?? "none"
        return "| `\(key.path)` | \(key.takes) | \(value) | \(key.help) |"
    }

    /// A value as a TOML file writes it.
    static func toml(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .array(let items): return "[" + items.map(toml).joined(separator: ", ") + "]"
        case .int(let n): return String(n)
        case .bool(let flag): return flag ? "true" : "false"
        default: return value.textValue ?? "\(value)"
        }
    }
}
