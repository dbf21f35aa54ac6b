import Foundation
import ParleyJSON
import ParleyRuntime
import Testing

@testable import ParleyConfig

/// parley.toml's keys are declared once (`ConfigFile.keys`): each must read back what it
/// was given, and README.md must list exactly them.
@Suite("Configuration keys")
struct ConfigKeyTests {
    @Test("every declared key reads back what it was given", arguments: ConfigFile.keys.map(\.path))
    func roundTrip(_ path: String) throws {
        let key = try #require(ConfigFile.keys.first { $0.path == path })
        let header = key.section.isEmpty ? "" : "[\(key.section)]\n"
        // A default queue must be declared: the sample's is.
        let queue = path == "default_queue" ? "\n[queues.\(key.sample.stringValue ?? "")]\nhours = \"always\"" : ""
        // Budgets count estimated costs: they need a price table.
        let prices = key.section == "budgets" ? "\n[pricing.marketing]\ndefault = 0.04" : ""
        let config = try ConfigFile.parseDeployment(header + "\(key.name) = \(ConfigFile.toml(key.sample))" + queue + prices)
        #expect(key.value(config) == key.sample)
        #expect(key.value(config) != key.value(DeploymentConfig(runtime: RuntimeConfig())), "the sample is the default: it proves nothing")
    }

    @Test("a queue's keys read into its hours")
    func queueKeys() throws {
        var settings = QueueSettings()
        let lines = try ConfigFile.queueKeys.map { key in
            try key.set(key.sample, &settings)
            return "\(key.name) = \(ConfigFile.toml(key.sample))"
        }
        let config = try ConfigFile.parse("default_queue = \"orders\"\n[queues.orders]\n" + lines.joined(separator: "\n"))
        #expect(config.queues["orders"] == (try QueueHours(parsing: settings.hours, tz: settings.tz, holidays: settings.holidays)))
        #expect(config.queues["orders"] != .always)
    }

    @Test("an unknown key lists the keys declared beside it")
    func unknownKeys() {
        for section in ConfigFile.sections where !ConfigFile.namedTables.contains(section) {
            let known = (ConfigFile.keys.filter { $0.section == section }.map(\.name) + ConfigFile.subtables(of: section)).sorted()
            #expect(throws: ConfigError("parley.toml: \(section).nonsense: unknown key; known keys here: \(known.joined(separator: ", "))")) {
                try ConfigFile.parseDeployment("[\(section)]\nnonsense = 1")
            }
        }
        let top = (ConfigFile.keys.filter { $0.section.isEmpty }.map(\.name) + ConfigFile.sections).sorted()
        #expect(throws: ConfigError("parley.toml: nonsense: unknown key; known keys here: \(top.joined(separator: ", "))")) {
            try ConfigFile.parseDeployment("nonsense = 1")
        }
    }

    @Test("README.md's key table is the one printed from the declarations")
    func readme() throws {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        let header = ConfigFile.keyTable.components(separatedBy: "\n")[0]
        let start = try #require(lines.firstIndex(of: header), "README.md has no key table; add this one:\n\(ConfigFile.keyTable)")
        let table = lines[start...].prefix { $0.hasPrefix("|") }
        let listed = table.dropFirst(2).map { $0.components(separatedBy: "`")[1] }
        #expect(listed == ConfigFile.listed.map(\.path))
        #expect(Set(ConfigFile.listed.map(\.path)).isSuperset(of: ConfigFile.keys.map(\.path)), "every declared key has its row")
        #expect(table.joined(separator: "\n") == ConfigFile.keyTable, "README.md's key table differs; replace it with:\n\(ConfigFile.keyTable)")
    }
}
