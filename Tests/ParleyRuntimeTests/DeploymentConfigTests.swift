import ParleyConfig
import ParleyPolicy
import ParleyRuntime
import Testing

/// `[server]` and `[cloud_api]` in parley.toml, and the secrets beside them in the
/// environment: what `parley serve` runs with.
@Suite("Deployment configuration")
struct DeploymentConfigTests {
    @Test("the defaults: the local sandbox on 127.0.0.1:8080, 90 days of records")
    func defaults() throws {
        let config = try ConfigFile.parseDeployment("")
        #expect(config.server.host == "127.0.0.1")
        #expect(config.server.port == 8080)
        #expect(config.server.retention == .days(90))
        #expect(config.cloudAPI.concurrentSends == 16)
        #expect(!config.cloudAPI.isLive)
    }

    @Test("settings from the file, secrets from the environment")
    func settingsAndSecrets() throws {
        let config = try ConfigFile.parseDeployment("""
            [server]
            port = 9000
            retention = "30d"
            [cloud_api]
            base_url = "https://graph.example/"
            phone_number_id = "1234"
            concurrent_sends = 4
            timeout_ms = 2500
            """, environment: ["PARLEY_ACCESS_TOKEN": "token", "PARLEY_APP_SECRET": "secret"])
        #expect(config.server.port == 9000)
        #expect(config.server.retention == .days(30))
        #expect(config.cloudAPI.baseURL == "https://graph.example")
        #expect(config.cloudAPI.concurrentSends == 4)
        #expect(config.cloudAPI.timeoutMilliseconds == 2500)
        #expect(config.cloudAPI.isLive)
        #expect(config.cloudAPI.appSecret == "secret")
    }

    @Test("mistakes are named, with the fix", arguments: [
        ("[server]\nretention = \"2d\"", "server.retention"),
        ("[server]\nport = 70000", "server.port"),
        ("[server]\nprot = 8080", "prot"),
        ("[cloud_api]\naccess_token = \"x\"", "PARLEY_ACCESS_TOKEN"),
        ("[cloud_api]\nconcurrent_sends = 0", "cloud_api.concurrent_sends"),
        ("[cloud_api]\nbase_url = \"graph.facebook.com\"", "cloud_api.base_url"),
    ])
    func mistakes(toml: String, named: String) {
        #expect {
            try ConfigFile.parseDeployment(toml)
        } throws: { error in
            "\(error)".contains(named)
        }
    }

    @Test("every number has a ceiling, so none overflows what is computed from it", arguments: [
        ("[server]\nmax_body_kb = 9223372036854775807", "server.max_body_kb"),
        ("[policy]\nwindow = 9223372036854775807", "policy.window"),
        ("[policy]\nwindow = 9223372036854775", "policy.window"),
        ("[policy]\nmax_queue_delay = 9223372036854775", "policy.max_queue_delay"),
        ("[cloud_api]\ntimeout_ms = 9223372036854775807", "cloud_api.timeout_ms"),
        ("[budget]\nwall_ms = 9223372036854775807", "budget.wall_ms"),
        ("[budget]\nmemory_mb = 9223372036854775807", "budget.memory_mb"),
        ("[budget]\ninstructions = 9223372036854775807", "budget.instructions"),
    ])
    func ceilings(toml: String, named: String) {
        #expect {
            try ConfigFile.parseDeployment(toml)
        } throws: { error in
            "\(error)".contains(named) && "\(error)".contains(" to ")
        }
    }

    @Test("each wrong value gets its own message, the key's name and the fix", arguments: [
        ("[budget]\nwall_ms = 0", "budget.wall_ms: must be a whole number from 1 to 60000"),
        ("[budget]\nwall_ms = 1.5", "budget.wall_ms: must be a whole number from 1 to 60000"),
        ("default_route = \"x\"", #"default_route: must be "bot:<name>" or "human:<queue>", got "x""#),
        ("default_queue = 5", "default_queue: must be a string, got a number"),
        ("default_queue = [\"a\"]", "default_queue: must be a string, got an array"),
        ("[queues.a]\nhours = \"x\"", #"queues.a: hours "x": "x" is not a range; write e.g. "Mon-Fri 09:00-17:00, Sat 10:00-14:00""#),
        ("[queues.a]\nhours = \"Fri 22:00-22:00\"", #"queues.a: hours "Fri 22:00-22:00": "22:00-22:00" is not a time range; write hh:mm-hh:mm, e.g. 09:00-17:00, or 22:00-02:00 for a night"#),
        ("[queues.a]\ntz = \"x\"", #"queues.a: tz "x" is not a time zone; write an IANA name such as "America/New_York" or "Europe/Lisbon", or an offset such as "-05:00" or "UTC""#),
        ("[queues.a]\ntz = \"Mars/Olympus\"", #"queues.a: tz "Mars/Olympus" is not a time zone; write an IANA name such as "America/New_York" or "Europe/Lisbon", or an offset such as "-05:00" or "UTC""#),
        ("[queues.a]\nholidays = [\"Dec 25\"]", #"queues.a.holidays: "Dec 25" is not a date; write local dates such as "2026-12-25""#),
        ("[queues.a]\nutc_offset = \"-05:00\"", #"queues.a.utc_offset: is now tz, which takes an offset or a time zone name: tz = "-05:00" or tz = "America/New_York""#),
        ("[queues.a]\nfoo = 1", "queues.a.foo: unknown key; known keys here: holidays, hours, tz"),
        ("[queues.a]\nhours = \"always\"", #"default_queue: "support" is not a declared queue (declared: a); declare it with [queues.support] and its hours, or name one of those"#),
        ("default_queue = \"a\"\ndefault_route = \"human:b\"\n[queues.a]\nhours = \"always\"", "default_route: human:b names a queue that is not declared (declared: a); declare it with [queues.b] and its hours"),
        ("queues = 5", "queues: must be a table: [queues]"),
        ("[queues]\na = 5", #"queues.a: must be a table with hours = "Mon-Fri 09:00-17:00""#),
        ("[policy]\nopt_in_keywords = [1]", #"policy.opt_in_keywords: must be a list of strings, e.g. ["human", "agent"]"#),
        ("[policy]\ntemplate_pauses = \"3h\"", #"policy.template_pauses: must be a list of delays, e.g. ["3h", "6h"]"#),
        ("[policy]\nwindow = \"0s\"", #"policy.window: must be more than 0s, such as "1h""#),
        ("[server]\nretention = \"2d\"", #"server.retention: must be at least "8d": Meta retries webhooks for 7 days"#),
        ("[cloud_api]\nversion = \"23\"", #"cloud_api.version: must be a Graph API version such as "v23.0""#),
        ("[cloud_api]\nwaba_id = \"\"", "cloud_api.waba_id: must be the WhatsApp Business Account id, as a string"),
        ("[cloud_api]\nagent_token = \"x\"", "cloud_api.agent_token: secrets do not belong in the file; set PARLEY_AGENT_TOKEN in the environment"),
    ])
    func messages(toml: String, message: String) {
        #expect(throws: ConfigError("parley.toml: " + message)) { try ConfigFile.parseDeployment(toml) }
    }

    @Test("keys apply in their declared order, whatever the file's")
    func declaredOrder() throws {
        let config = try ConfigFile.parse("[policy]\nextra_escalation_keywords = [\"a\"]\nescalation_keywords = [\"b\"]")
        #expect(config.policy.keywords.escalation == ["b", "a"])
    }

    @Test("a live deployment needs the number to send from")
    func liveNeedsPhoneNumber() {
        #expect(throws: ConfigError.self) {
            try ConfigFile.parseDeployment("", environment: ["PARLEY_ACCESS_TOKEN": "token"])
        }
    }
}
