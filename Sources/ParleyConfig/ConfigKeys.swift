import ParleyGraphAPI
import ParleyPolicy
import ParleyRuntime

/// Every key of parley.toml, each declared once, in the order a file is read and the key
/// table lists them.
extension ConfigFile {
    static var keys: [ConfigKey<DeploymentConfig>] {
        [
            .init("default_route", .route, \.runtime.defaultRoute, unset: "the only bot, if there is exactly one, else `default_queue`",
                  help: "where conversations nobody owns go when there is no router"),
            .init("default_queue", .text, \.runtime.defaultQueue, help: "the agent queue for escalations that name none"),
            .init("contact_route", .text, \.runtime.defaultContactRoute, unset: "none",
                  help: "how to reach a person outside the chat, for bots that give no contact"),
            .init("default_language", .text, \.runtime.policy.defaultLanguage, help: "the language a template falls back to"),
            .init("session_idle", .delay(atLeast: .minutes(1), because: "a session lasts at least a minute"), \.runtime.sessionIdle,
                  unset: "the window's length, 24 h", help: "how long a session a bot holds lasts without a message from the contact; the next is routed afresh"),

            .init("instructions", in: "budget", .whole(10_000...1_000_000_000_000), \.runtime.budget.instructions,
                  help: "Lua instructions per call"),
            .init("memory_mb", in: "budget", .whole(1...65_536, unit: 1 << 20), \.runtime.budget.memoryBytes, help: "memory of a script's state, in MiB"),
            .init("wall_ms", in: "budget", .whole(1...60_000), \.runtime.budget.wallMilliseconds, help: "wall time per call, in milliseconds"),
            .init("data_kb", in: "budget", .whole(1...65_536, unit: 1 << 10), \.runtime.budget.dataBytes,
                  help: "one value crossing between a script and the host, in KiB"),
            .init("log_kb", in: "budget", .whole(1...65_536, unit: 1 << 10), \.runtime.allowance.logBytes, help: "`log` and `print` per call, in KiB"),
            .init("sends_per_call", in: "budget", .whole(1...1_000_000), \.runtime.allowance.sendsPerCall,
                  help: "messages per call of a bot or macro"),
            .init("sends_per_automation_run", in: "budget", .whole(1...10_000_000), \.runtime.allowance.sendsPerAutomationRun,
                  help: "messages per run of an automation"),
            .init("timers_per_call", in: "budget", .whole(1...100_000), \.runtime.allowance.timersPerCall, help: "timers one call may set"),
            .init("timers_per_conversation", in: "budget", .whole(1...100_000), \.runtime.allowance.timersPerConversation,
                  help: "timers waiting for one conversation"),

            .init("window", in: "policy", .delay(), \.runtime.policy.windowLength, help: "the customer service window after a contact's message"),
            .init("not_understood_limit", in: "policy", .whole(1...1_000), \.runtime.policy.notUnderstoodLimit,
                  help: "turns in a row a bot did not understand before the core escalates"),
            .init("escalation_keywords", in: "policy", .texts, \.runtime.policy.keywords.escalation,
                  help: "words that hand the conversation to a person, instead of the built-in ones"),
            .init("extra_escalation_keywords", in: "policy", .texts, help: "words that hand the conversation to a person, besides the others",
                  set: { $1.runtime.policy.keywords.escalation += $0 },
                  get: { config in config.runtime.policy.keywords.escalation.filter { !Keywords().escalation.contains($0) } }),
            .init("opt_out_keywords", in: "policy", .texts, \.runtime.policy.keywords.optOut, help: "words with which a contact stops every business-initiated message"),
            .init("opt_in_keywords", in: "policy", .texts, \.runtime.policy.keywords.optIn, help: "words that restore what a stop word stopped (not an opt-in)"),
            .init("pair_interval", in: "policy", .delay(), \.runtime.policy.pacing.pairInterval,
                  help: "the time between messages to one contact, once a burst is spent"),
            .init("pair_burst", in: "policy", .whole(1...1_000_000), \.runtime.policy.pacing.pairBurst,
                  help: "messages to one contact at once before `pair_interval` applies"),
            .init("throughput", in: "policy", .whole(1...1_000_000), help: "messages per second from the default business number (`[numbers.<name>] throughput` for the others)",
                  set: { $1.runtime.policy.pacing.numberPerSecond = $0; $1.runtime.policy.pacing.numberBurst = $0 },
                  get: { $0.runtime.policy.pacing.numberPerSecond }),
            .init("max_queue_delay", in: "policy", .delay(), \.runtime.policy.pacing.maxQueueDelay,
                  help: "how long a paced message may wait for its slot before it is refused"),
            .init("outbox_bound", in: "policy", .whole(1...1_000_000), \.runtime.policy.pacing.outboxBoundPerContact,
                  help: "messages that may wait for one contact"),
            .init("template_pauses", in: "policy", .delays, \.runtime.policy.templatePauses,
                  help: "how long a template's first and second pauses last; a third disables it"),
            .init("pause_us_marketing", in: "policy", .flag(sample: false), \.runtime.policy.pausesUSMarketing,
                  help: "refuse marketing templates to US numbers, which the platform has not delivered since April 2025"),
            .init("marketing_cooldowns", in: "policy", .delays, \.runtime.policy.marketingCooldowns,
                  help: "how long marketing waits after the per-user cap (131049) turned a template away: first, second, every later time; `[]` for none"),
            .init("flagged_drops_tier", in: "policy", .flag(sample: true), \.runtime.policy.flaggedDropsTier,
                  help: "a number turning FLAGGED also drops the messaging limit one tier (disputed since October 2025)"),
            .init("undeliverable_hold", in: "policy", .delay(), \.runtime.policy.undeliverableHold,
                  help: "how long business-initiated messages wait after a contact was undeliverable (131026), unless they write"),

            .init("currency", in: "pricing", .currency, \.runtime.policy.pricing.currency,
                  help: "the currency of the rates and the budgets, as the rate card's"),
            .init("free_in_window", in: "pricing", .categories, \.runtime.policy.pricing.freeInWindow,
                  help: "categories the platform does not bill inside an open customer service window; none since October 2026, `[\"service\", \"utility\"]` before"),
            .init("entry_point_reply", in: "pricing", .delay(), \.runtime.policy.pricing.entryPointReply,
                  help: "how long after a contact writes from an ad or a page button (a referral) a reply opens a free entry point window"),
            .init("entry_point_window", in: "pricing", .delay(), \.runtime.policy.pricing.entryPointWindow,
                  help: "how long a free entry point window lasts from that reply; everything sent in it is free"),

            .init("daily", in: "budgets", .money, \.runtime.policy.budgets.deployment.daily, unset: "none",
                  help: "what the deployment may spend per UTC day (estimated, in `pricing.currency`); a send that would pass it is refused `budget_exhausted`"),
            .init("monthly", in: "budgets", .money, \.runtime.policy.budgets.deployment.monthly, unset: "none",
                  help: "what the deployment may spend per UTC month"),
            .init("warn_at", in: "budgets", .share, \.runtime.policy.budgets.warnAt,
                  help: "the share of a budget at which a `budget_warning` is written and automations hear `on_account`, once per period"),

            .init("handoff", in: "texts", .text, \.runtime.texts.handoff, help: "said when a person takes the conversation over"),
            .init("out_of_hours", in: "texts", .text, \.runtime.texts.outOfHours, help: "said instead, when the queue is closed"),
            .init("bot_error", in: "texts", .text, \.runtime.texts.botError, help: "said when a script fails and a person takes over"),
            .init("opted_out", in: "texts", .text, \.runtime.texts.optedOut, help: "the answer to an opt-out keyword"),
            .init("opted_in", in: "texts", .text, \.runtime.texts.optedIn, help: "the answer to an opt-in keyword"),

            .init("host", in: "server", .text, \.server.host, help: "the address `parley serve` listens on"),
            .init("port", in: "server", .whole(0...65_535), \.server.port, help: "the port it listens on"),
            .init("database", in: "server", .text, \.server.database,
                  help: "the SQLite file of durable state, relative to this file; the webhook inbox sits beside it"),
            .init("scripts", in: "server", .text, \.server.scripts, unset: "this file's folder", help: "the scripts folder"),
            .init("templates", in: "server", .text, \.server.templates, unset: "none", help: "a templates file that seeds the catalog on the first start"),
            .init("max_body_kb", in: "server", .whole(1...1_048_576, unit: 1024), \.server.maxBodyBytes,
                  help: "the largest webhook body, in KiB; a larger one gets 413"),
            // Under 8 days, the record of a message could go before its last status webhook.
            .init("retention", in: "server", .delay(atLeast: .days(8), because: "Meta retries webhooks for 7 days"), \.server.retention,
                  help: "how long audit records and finished deliveries are kept"),

            .init("base_url", in: "cloud_api", .baseURL, \.cloudAPI.baseURL, help: "the Graph API; point it at a fake for staging"),
            .init("version", in: "cloud_api", .graphVersion, \.cloudAPI.version, help: "the Graph API version"),
            .init("phone_number_id", in: "cloud_api", .id("the number's id"), \.cloudAPI.phoneNumberID, unset: "none",
                  help: "the default number (`main`), which messages are sent from unless a conversation is on another (`[numbers.<name>]`); required with `PARLEY_ACCESS_TOKEN`"),
            .init("waba_id", in: "cloud_api", .id("the WhatsApp Business Account id"), \.cloudAPI.wabaID, unset: "none",
                  help: "the WhatsApp Business Account; enables the template sync"),
            .init("app_id", in: "cloud_api", .id("the Meta app's id"), \.cloudAPI.appID, unset: "none",
                  help: "the Meta app, which uploads the profile photo for `parley profile push` (the resumable upload API)"),
            .init("timeout_ms", in: "cloud_api", .whole(100...600_000), \.cloudAPI.timeoutMilliseconds, help: "how long one send may take, in milliseconds"),
            .init("max_attempts", in: "cloud_api", .whole(1...100), \.cloudAPI.maxAttempts, help: "tries at one message before it is given up"),
            .init("concurrent_sends", in: "cloud_api", .whole(1...1_024), \.cloudAPI.concurrentSends, help: "sends in flight at once"),
            .init("marketing_messages", in: "cloud_api", .flag(sample: true), \.cloudAPI.marketingMessages,
                  help: "send marketing templates through the Marketing Messages API (`/marketing_messages`), by the template's latest category"),
        ]
    }

    /// The keys of each `[queues.<name>]` table, read together into its `QueueHours`.
    static var queueKeys: [ConfigKey<QueueSettings>] {
        [
            .init("hours", in: "queues.<name>", .text(like: "Mon-Fri 09:00-17:00"), \.hours,
                  help: "when the queue is staffed: `\"Mon-Fri 09:00-17:00, Sat 10:00-14:00\"`, overnight `\"Fri 22:00-02:00\"`, `\"always\"` or `\"never\"`"),
            .init("tz", in: "queues.<name>", .text(like: "America/New_York"), \.tz,
                  help: "the time zone its hours are in: an IANA name (`\"America/New_York\"`, with daylight saving) or an offset (`\"-05:00\"`, `\"UTC\"`)"),
            .init("holidays", in: "queues.<name>", .texts.checked(takes: "list of dates", sample: ["2026-12-25"]) { dates throws(ConfigProblem) in
                if let bad = dates.first(where: { !$0.isLocalDate }) { throw ConfigProblem("\"\(bad)\" is not a date; write local dates such as \"2026-12-25\"") }
                return dates
            }, \.holidays, help: "local dates it is closed all day: `[\"2026-12-25\", \"2027-01-01\"]`"),
        ]
    }

    /// Secrets, which belong in the environment: in the file, they are refused.
    static var secrets: [(name: String, setting: WritableKeyPath<CloudAPISettings, String?>)] {
        [("access_token", \.accessToken), ("app_secret", \.appSecret), ("verify_token", \.verifyToken), ("agent_token", \.agentToken), ("metrics_token", \.metricsToken)]
    }

    /// The tables of named tables (`[queues.<name>]`, `[numbers.<name>]`), read with their own keys.
    static let namedTables = ["queues", "numbers"]

    /// The tables, in the order they are read (after the top-level keys).
    static var sections: [String] {
        var seen: [String] = namedTables
        for key in keys where !key.section.isEmpty && !seen.contains(key.section) { seen.append(key.section) }
        return seen
    }
}

/// One queue's keys, as read; its `QueueHours` is made of both.
struct QueueSettings {
    var hours = "always"
    var tz = "UTC"
    var holidays: [String] = []
}

extension ConfigValue<String> {
    static var baseURL: Self {
        text.checked(takes: "http(s) URL", sample: "https://graph.example") { url throws(ConfigProblem) in
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw ConfigProblem("must be an http(s) URL such as \"https://graph.facebook.com\"")
            }
            return url.hasSuffix("/") ? String(url.dropLast()) : url
        }
    }

    static var graphVersion: Self {
        text.checked(takes: "`\"v\"` and a number", sample: "v99.0") { version throws(ConfigProblem) in
            guard version.hasPrefix("v") else { throw ConfigProblem("must be a Graph API version such as \"v23.0\"") }
            return version
        }
    }
}
