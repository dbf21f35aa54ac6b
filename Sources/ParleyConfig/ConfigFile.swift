import Foundation
import ParleyGraphAPI
import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import ParleySandbox
import TOMLKit

/// `parley.toml`: a deployment's settings. Every key is optional; a wrong one is an error
/// that names it and says how to fix it. The keys are declared once, in `ConfigFile.keys`
/// (ConfigKeys.swift); README.md's key table is `ConfigFile.keyTable`, printed from them.
public enum ConfigFile {
    /// The runtime's part of a configuration file.
    public static func load(contentsOf url: URL) throws(ConfigError) -> RuntimeConfig {
        try loadDeployment(contentsOf: url).runtime
    }

    public static func parse(_ text: String, file: String = "parley.toml") throws(ConfigError) -> RuntimeConfig {
        try parseDeployment(text, file: file).runtime
    }

    /// A whole configuration: the runtime's settings, and `parley serve`'s. Paths in it are
    /// relative to the file's folder. Secrets come from `environment`, never the file.
    public static func loadDeployment(contentsOf url: URL, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigError) -> DeploymentConfig
    {
        let path = ModuleLibrary.displayPath(url)
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError("\(path): cannot read the file; give the path of a parley.toml")
        }
        var deployment = try parseDeployment(text, file: path, environment: environment)
        deployment.folder = url.deletingLastPathComponent()
        return deployment
    }

    public static func parseDeployment(_ text: String, file: String = "parley.toml", environment: [String: String] = [:])
        throws(ConfigError) -> DeploymentConfig
    {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError("\(file): line \(error.source.begin.line): \(error.description)")
        } catch {
            throw ConfigError("\(file): not valid TOML: \(error)")
        }
        return try ConfigReader(file: file).read(json(table), environment: environment)
    }

    static func json(_ value: any TOMLValueConvertible) -> JSONValue {
        switch value.type {
        case .bool: return .bool(value.bool ?? false)
        case .int: return .int(Int64(value.int ?? 0))
        case .double: return .double(value.double ?? 0)
        case .string: return .string(value.string ?? "")
        case .array: return .array((value.array ?? TOMLArray()).map { json($0) })
        case .table:
            let t = value.table ?? TOMLTable()
            return .object(Dictionary(uniqueKeysWithValues: t.keys.map { ($0, json(t[$0]!)) }))
        default: return .string(value.debugDescription)
        }
    }
}

/// Reads a file's keys as `ConfigFile.keys` declares them, refusing unknown ones.
struct ConfigReader {
    let file: String

    func fail(_ key: String, _ problem: String) -> ConfigError { ConfigError("\(file): \(key): \(problem)") }

    func read(_ root: JSONValue, environment: [String: String]) throws(ConfigError) -> DeploymentConfig {
        var config = DeploymentConfig(runtime: RuntimeConfig())
        let top = root.objectValue ?? [:]
        let keys = ConfigFile.keys
        try refuseUnknown(in: top, at: "", known: keys.filter { $0.section.isEmpty }.map(\.name) + ConfigFile.sections)
        try apply(keys.filter { $0.section.isEmpty }, from: top, at: "", to: &config)

        try readQueues(try table(top, "queues"), into: &config.runtime)

        for section in ConfigFile.sections where !ConfigFile.namedTables.contains(section) {
            let fields = try table(top, section)
            for secret in ConfigFile.secrets where section == "cloud_api" && fields[secret.name] != nil {
                throw fail("cloud_api.\(secret.name)", "secrets do not belong in the file; set \(CloudAPISettings.environmentName(secret.name)) in the environment")
            }
            let declared = keys.filter { $0.section == section }
            try refuseUnknown(in: fields, at: section, known: declared.map(\.name) + ConfigFile.subtables(of: section))
            try apply(declared, from: fields, at: section, to: &config)
        }
        try readNumbers(try table(top, "numbers"), into: &config)
        try readRates(try table(top, "pricing"), into: &config.runtime.policy.pricing)
        try readScriptBudgets(try table(top, "budgets"), into: &config.runtime.policy.budgets)
        try requirePricesForBudgets(config.runtime.policy)

        for secret in ConfigFile.secrets {
            config.cloudAPI[keyPath: secret.setting] = environment[CloudAPISettings.environmentName(secret.name)].flatMap { $0.isEmpty ? nil : $0 }
        }
        config.cloudAPI.agentTokens = try agentTokens(environment["PARLEY_AGENT_TOKENS"] ?? "")
        if config.cloudAPI.accessToken != nil, config.cloudAPI.phoneNumberID == nil {
            throw fail("cloud_api.phone_number_id", "is needed with PARLEY_ACCESS_TOKEN: the number the messages are sent from")
        }
        return config
    }

    /// The declared queues: each `[queues.<name>]` table, which replace the default queue;
    /// `default_queue` and a `default_route` to a person must name one of them.
    func readQueues(_ tables: [String: JSONValue], into runtime: inout RuntimeConfig) throws(ConfigError) {
        if !tables.isEmpty { runtime.queues = [:] }
        for (name, value) in tables.sorted(by: { $0.key < $1.key }) {
            guard let fields = value.objectValue else { throw fail("queues.\(name)", "must be a table with hours = \"Mon-Fri 09:00-17:00\"") }
            if fields["utc_offset"] != nil {
                throw fail("queues.\(name).utc_offset", "is now tz, which takes an offset or a time zone name: tz = \"-05:00\" or tz = \"America/New_York\"")
            }
            var queue = QueueSettings()
            try refuseUnknown(in: fields, at: "queues.\(name)", known: ConfigFile.queueKeys.map(\.name))
            try apply(ConfigFile.queueKeys, from: fields, at: "queues.\(name)", to: &queue)
            do {
                runtime.queues[name] = try QueueHours(parsing: queue.hours, tz: queue.tz, holidays: queue.holidays)
            } catch {
                throw fail("queues.\(name)", error.message)
            }
        }
        if runtime.queues[runtime.defaultQueue] == nil {
            throw fail("default_queue", "\"\(runtime.defaultQueue)\" is not a declared queue (declared: \(runtime.declaredQueues)); declare it with [queues.\(runtime.defaultQueue)] and its hours, or name one of those")
        }
        if case .human(let queue)? = runtime.defaultRoute, runtime.queues[queue] == nil {
            throw fail("default_route", "human:\(queue) names a queue that is not declared (declared: \(runtime.declaredQueues)); declare it with [queues.\(queue)] and its hours")
        }
    }

    /// `PARLEY_AGENT_TOKENS`: `name=token` pairs, by comma. Names are what transcripts show.
    func agentTokens(_ text: String) throws(ConfigError) -> [String: String] {
        var tokens: [String: String] = [:]
        for pair in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, AgentName.isValid(parts[0]), parts[1].utf8.count >= 16 else {
                throw ConfigError("PARLEY_AGENT_TOKENS: \"\(pair.prefix(40))\" is not name=token; write dana=<a token of 16 characters or more>,eve=<...>")
            }
            guard tokens[parts[1]] == nil else {
                throw ConfigError("PARLEY_AGENT_TOKENS: two agents have the same token; each agent needs their own")
            }
            tokens[parts[1]] = parts[0]
        }
        return tokens
    }

    func apply<Settings>(_ keys: [ConfigKey<Settings>], from fields: [String: JSONValue], at section: String, to settings: inout Settings)
        throws(ConfigError)
    {
        for key in keys {
            guard let value = fields[key.name] else { continue }
            do {
                try key.set(value, &settings)
            } catch {
                throw fail(section.isEmpty ? key.name : "\(section).\(key.name)", error.text)
            }
        }
    }

    func refuseUnknown(in fields: [String: JSONValue], at section: String, known: [String]) throws(ConfigError) {
        for key in fields.keys.sorted() where !known.contains(key) {
            throw fail(section.isEmpty ? key : "\(section).\(key)", "unknown key; known keys here: \(known.sorted().joined(separator: ", "))" + mixUp(key, in: section))
        }
    }

    /// `[budget]` bounds a script's calls and `[budgets]` its spending: a key in the other
    /// table is said so.
    private func mixUp(_ key: String, in section: String) -> String {
        let spend = ConfigFile.keys.filter { $0.section == "budgets" }.map(\.name) + ConfigFile.subtables(of: "budgets")
        let sandbox = ConfigFile.keys.filter { $0.section == "budget" }.map(\.name)
        if section == "budget", spend.contains(key) { return " (spend budgets go in [budgets], with an s)" }
        if section == "budgets", sandbox.contains(key) { return " (a script call's bounds go in [budget], without an s)" }
        return ""
    }

    func table(_ fields: [String: JSONValue], _ key: String) throws(ConfigError) -> [String: JSONValue] {
        guard let value = fields[key] else { return [:] }
        guard let table = value.objectValue else { throw fail(key, "must be a table: [\(key)]") }
        return table
    }
}
