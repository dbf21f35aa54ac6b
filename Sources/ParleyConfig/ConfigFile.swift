import Foundation
import ParleyJSON
import ParleyLua
import ParleyPolicy
import ParleyRuntime
import TOMLKit

/// `parley.toml`: a deployment's settings. Every key is optional; a wrong one is an error
/// that names it and says how to fix it.
///
/// ```toml
/// default_route = "bot:orders"        # where conversations nobody owns go (no router)
/// default_queue = "support"
/// contact_route = "Call +1 415 555 0100"
/// default_language = "en_US"
///
/// [queues.orders-team]
/// hours = "Mon-Fri 09:00-17:00"
/// utc_offset = "-05:00"
///
/// [budget]
/// instructions = 10000000
/// memory_mb = 32
/// wall_ms = 1000
/// data_kb = 64                   # one value crossing from a script to the host
/// sends_per_call = 100
/// timers_per_conversation = 100
///
/// [policy]
/// not_understood_limit = 2
/// extra_escalation_keywords = ["atendente"]
/// pair_interval = "6s"
///
/// [texts]
/// handoff = "Connecting you with a person..."
/// ```
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
        var reader = ConfigReader(file: file, root: json(table))
        var deployment = DeploymentConfig(runtime: try reader.read())
        try reader.readServer(into: &deployment, environment: environment)
        return deployment
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

/// Reads the config's keys into a `RuntimeConfig`, refusing unknown ones.
private struct ConfigReader {
    let file: String
    let root: JSONValue

    func fail(_ key: String, _ problem: String) -> ConfigError { ConfigError("\(file): \(key): \(problem)") }

    func check(_ table: [String: JSONValue], allowed: [String], in section: String) throws(ConfigError) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            let name = section.isEmpty ? key : "\(section).\(key)"
            throw fail(name, "unknown key; known keys here: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    func string(_ t: [String: JSONValue], _ key: String, _ name: String) throws(ConfigError) -> String? {
        guard let v = t[key] else { return nil }
        guard let s = v.stringValue else { throw fail(name, "must be a string, got a \(v.kindName)") }
        return s
    }

    /// A whole number from `min` to `max`: every number has a ceiling, so none can overflow
    /// what is computed from it.
    func integer(_ t: [String: JSONValue], _ key: String, _ name: String, min: Int64 = 0, max: Int64) throws(ConfigError) -> Int? {
        guard let v = t[key] else { return nil }
        guard case .int(let i) = v, i >= min, i <= max else {
            throw fail(name, "must be a whole number from \(min) to \(max)")
        }
        return Int(i)
    }

    /// A delay, read as every delay is (`Span(delay:)`); every key's is more than 0s.
    func span(_ t: [String: JSONValue], _ key: String, _ name: String) throws(ConfigError) -> Span? {
        guard let v = t[key] else { return nil }
        let s: Span
        do throws(DelayError) { s = try Span(delay: v) } catch { throw fail(name, error.message) }
        guard s > .zero else { throw fail(name, "must be more than 0s, such as \"1h\"") }
        return s
    }

    func strings(_ t: [String: JSONValue], _ key: String, _ name: String) throws(ConfigError) -> [String]? {
        guard let v = t[key] else { return nil }
        guard let items = v.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            throw fail(name, "must be a list of strings, e.g. [\"human\", \"agent\"]")
        }
        return items.compactMap(\.stringValue)
    }

    func table(_ t: [String: JSONValue], _ key: String) throws(ConfigError) -> [String: JSONValue] {
        guard let v = t[key] else { return [:] }
        guard let o = v.objectValue else { throw fail(key, "must be a table: [\(key)]") }
        return o
    }

    mutating func read() throws(ConfigError) -> RuntimeConfig {
        var config = RuntimeConfig()
        let top = root.objectValue ?? [:]
        try check(top, allowed: ["default_route", "default_queue", "contact_route", "default_language", "queues", "budget", "policy", "texts",
                                 "server", "cloud_api"], in: "")
        if let route = try string(top, "default_route", "default_route") {
            guard let owner = Owner(parsing: route) else { throw fail("default_route", "must be \"bot:<name>\" or \"human:<queue>\", got \"\(route)\"") }
            config.defaultRoute = owner
        }
        if let queue = try string(top, "default_queue", "default_queue") { config.defaultQueue = queue }
        config.defaultContactRoute = try string(top, "contact_route", "contact_route")
        if let language = try string(top, "default_language", "default_language") { config.policy.defaultLanguage = language }

        for (name, value) in try table(top, "queues").sorted(by: { $0.key < $1.key }) {
            guard let q = value.objectValue else { throw fail("queues.\(name)", "must be a table with hours = \"Mon-Fri 09:00-17:00\"") }
            try check(q, allowed: ["hours", "utc_offset"], in: "queues.\(name)")
            let hours = try string(q, "hours", "queues.\(name).hours") ?? "always"
            do {
                config.queues[name] = try QueueHours(parsing: hours, utcOffset: try string(q, "utc_offset", "queues.\(name).utc_offset") ?? "UTC")
            } catch {
                throw fail("queues.\(name)", error.message)
            }
        }

        let budget = try table(top, "budget")
        try check(budget, allowed: ["instructions", "memory_mb", "wall_ms", "data_kb", "sends_per_call", "sends_per_automation_run",
                                    "timers_per_call", "timers_per_conversation", "log_kb"], in: "budget")
        if let n = try integer(budget, "instructions", "budget.instructions", min: 10_000, max: 1_000_000_000_000) { config.budget.instructions = n }
        if let n = try integer(budget, "memory_mb", "budget.memory_mb", min: 1, max: 65_536) { config.budget.memoryBytes = n << 20 }
        if let n = try integer(budget, "wall_ms", "budget.wall_ms", min: 1, max: 60_000) { config.budget.wallMilliseconds = n }
        if let n = try integer(budget, "data_kb", "budget.data_kb", min: 1, max: 65_536) { config.budget.dataBytes = n << 10 }
        if let n = try integer(budget, "log_kb", "budget.log_kb", min: 1, max: 65_536) { config.allowance.logBytes = n << 10 }
        if let n = try integer(budget, "sends_per_call", "budget.sends_per_call", min: 1, max: 1_000_000) { config.allowance.sendsPerCall = n }
        if let n = try integer(budget, "sends_per_automation_run", "budget.sends_per_automation_run", min: 1, max: 10_000_000) {
            config.allowance.sendsPerAutomationRun = n
        }
        if let n = try integer(budget, "timers_per_call", "budget.timers_per_call", min: 1, max: 100_000) { config.allowance.timersPerCall = n }
        if let n = try integer(budget, "timers_per_conversation", "budget.timers_per_conversation", min: 1, max: 100_000) {
            config.allowance.timersPerConversation = n
        }

        let policy = try table(top, "policy")
        try check(policy, allowed: ["window", "not_understood_limit", "escalation_keywords", "extra_escalation_keywords", "opt_out_keywords",
                                    "opt_in_keywords", "pair_interval", "pair_burst", "throughput", "max_queue_delay", "outbox_bound",
                                    "template_pauses"], in: "policy")
        if let s = try span(policy, "window", "policy.window") { config.policy.windowLength = s }
        if let n = try integer(policy, "not_understood_limit", "policy.not_understood_limit", min: 1, max: 1_000) { config.policy.notUnderstoodLimit = n }
        if let k = try strings(policy, "escalation_keywords", "policy.escalation_keywords") { config.policy.keywords.escalation = k }
        if let k = try strings(policy, "extra_escalation_keywords", "policy.extra_escalation_keywords") { config.policy.keywords.escalation += k }
        if let k = try strings(policy, "opt_out_keywords", "policy.opt_out_keywords") { config.policy.keywords.optOut = k }
        if let k = try strings(policy, "opt_in_keywords", "policy.opt_in_keywords") { config.policy.keywords.optIn = k }
        if let s = try span(policy, "pair_interval", "policy.pair_interval") { config.policy.pacing.pairInterval = s }
        if let n = try integer(policy, "pair_burst", "policy.pair_burst", min: 1, max: 1_000_000) { config.policy.pacing.pairBurst = n }
        if let n = try integer(policy, "throughput", "policy.throughput", min: 1, max: 1_000_000) {
            config.policy.pacing.numberPerSecond = n
            config.policy.pacing.numberBurst = n
        }
        if let s = try span(policy, "max_queue_delay", "policy.max_queue_delay") { config.policy.pacing.maxQueueDelay = s }
        if let n = try integer(policy, "outbox_bound", "policy.outbox_bound", min: 1, max: 1_000_000) { config.policy.pacing.outboxBoundPerContact = n }
        if let list = policy["template_pauses"] {
            guard let items = list.arrayValue else { throw fail("policy.template_pauses", "must be a list of delays, e.g. [\"3h\", \"6h\"]") }
            var pauses: [Span] = []
            for item in items {
                do throws(DelayError) { pauses.append(try Span(delay: item)) } catch { throw fail("policy.template_pauses", error.message) }
            }
            config.policy.templatePauses = pauses
        }

        let texts = try table(top, "texts")
        try check(texts, allowed: ["handoff", "out_of_hours", "bot_error", "opted_out", "opted_in"], in: "texts")
        if let t = try string(texts, "handoff", "texts.handoff") { config.texts.handoff = t }
        if let t = try string(texts, "out_of_hours", "texts.out_of_hours") { config.texts.outOfHours = t }
        if let t = try string(texts, "bot_error", "texts.bot_error") { config.texts.botError = t }
        if let t = try string(texts, "opted_out", "texts.opted_out") { config.texts.optedOut = t }
        if let t = try string(texts, "opted_in", "texts.opted_in") { config.texts.optedIn = t }
        return config
    }
}

extension ConfigReader {
    /// `[server]` and `[cloud_api]`, for `parley serve`.
    func readServer(into deployment: inout DeploymentConfig, environment: [String: String]) throws(ConfigError) {
        let top = root.objectValue ?? [:]
        let server = try table(top, "server")
        try check(server, allowed: ["host", "port", "database", "scripts", "templates", "max_body_kb", "retention"], in: "server")
        if let host = try string(server, "host", "server.host") { deployment.server.host = host }
        if let port = try integer(server, "port", "server.port", min: 0, max: 65535) { deployment.server.port = port }
        if let path = try string(server, "database", "server.database") { deployment.server.database = path }
        if let path = try string(server, "scripts", "server.scripts") { deployment.server.scripts = path }
        if let path = try string(server, "templates", "server.templates") { deployment.server.templates = path }
        if let kb = try integer(server, "max_body_kb", "server.max_body_kb", min: 1, max: 1_048_576) { deployment.server.maxBodyBytes = kb * 1024 }
        if let span = try span(server, "retention", "server.retention") {
            // Under 8 days, the record of a message could go before its last status webhook.
            guard span >= .days(8) else { throw fail("server.retention", "must be at least \"8d\": Meta retries webhooks for 7 days") }
            deployment.server.retention = span
        }

        let cloud = try table(top, "cloud_api")
        for secret in ["access_token", "app_secret", "verify_token", "agent_token"] where cloud[secret] != nil {
            throw fail("cloud_api.\(secret)", "secrets do not belong in the file; set \(CloudAPISettings.environmentName(secret)) in the environment")
        }
        try check(cloud, allowed: ["base_url", "version", "phone_number_id", "waba_id", "timeout_ms", "max_attempts", "concurrent_sends"], in: "cloud_api")
        if let url = try string(cloud, "base_url", "cloud_api.base_url") {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw fail("cloud_api.base_url", "must be an http(s) URL such as \"https://graph.facebook.com\"")
            }
            deployment.cloudAPI.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        if let version = try string(cloud, "version", "cloud_api.version") {
            guard version.hasPrefix("v") else { throw fail("cloud_api.version", "must be a Graph API version such as \"v23.0\"") }
            deployment.cloudAPI.version = version
        }
        deployment.cloudAPI.phoneNumberID = try cloud["phone_number_id"].map { v throws(ConfigError) in
            guard let id = v.textValue, !id.isEmpty else { throw fail("cloud_api.phone_number_id", "must be the number's id, as a string") }
            return id
        }
        deployment.cloudAPI.wabaID = try cloud["waba_id"].map { v throws(ConfigError) in
            guard let id = v.textValue, !id.isEmpty else { throw fail("cloud_api.waba_id", "must be the WhatsApp Business Account id, as a string") }
            return id
        }
        if let ms = try integer(cloud, "timeout_ms", "cloud_api.timeout_ms", min: 100, max: 600_000) { deployment.cloudAPI.timeoutMilliseconds = ms }
        if let n = try integer(cloud, "max_attempts", "cloud_api.max_attempts", min: 1, max: 100) { deployment.cloudAPI.maxAttempts = n }
        if let n = try integer(cloud, "concurrent_sends", "cloud_api.concurrent_sends", min: 1, max: 1_024) { deployment.cloudAPI.concurrentSends = n }
        for secret in ["access_token", "app_secret", "verify_token", "agent_token"] {
            let value = environment[CloudAPISettings.environmentName(secret)].flatMap { $0.isEmpty ? nil : $0 }
            switch secret {
            case "access_token": deployment.cloudAPI.accessToken = value
            case "app_secret": deployment.cloudAPI.appSecret = value
            case "verify_token": deployment.cloudAPI.verifyToken = value
            default: deployment.cloudAPI.agentToken = value
            }
        }
        if deployment.cloudAPI.accessToken != nil, deployment.cloudAPI.phoneNumberID == nil {
            throw fail("cloud_api.phone_number_id", "is needed with PARLEY_ACCESS_TOKEN: the number the messages are sent from")
        }
    }
}
