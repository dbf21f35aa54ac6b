import ParleyJSON
import ParleyRuntime

extension ConfigFile {
    /// The keys as README.md's key table lists them, in Markdown: one row per declared key,
    /// with what it takes and its default. A test holds the README to it.
    public static var keyTable: String {
        let defaults = DeploymentConfig(runtime: RuntimeConfig())
        var rows = ["| key | takes | default | what it sets |", "|---|---|---|---|"]
        rows += keys.filter { $0.section.isEmpty }.map { row($0, defaults) }
        rows += queueKeys.map { row($0, QueueSettings()) }
        rows += keys.filter { !$0.section.isEmpty }.map { row($0, defaults) }
        return rows.joined(separator: "\n")
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
