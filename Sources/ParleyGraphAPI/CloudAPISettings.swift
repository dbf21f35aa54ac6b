/// How Parley reaches the Cloud API: the Graph API's address and version, the number and
/// account, the timeouts, and the secrets, which come from the environment only.
public struct CloudAPISettings: Sendable, Equatable {
    public var baseURL = "https://graph.facebook.com"
    public var version = "v23.0"
    /// The default number (`main`).
    public var phoneNumberID: String?
    /// The other numbers of the deployment (`[numbers.<name>]`): name → phone number id.
    public var numbers: [String: String] = [:]
    public var wabaID: String?
    /// The Meta app: uploads (the profile photo) go through it.
    public var appID: String?
    public var timeoutMilliseconds = 10_000
    public var maxAttempts = 6
    /// Sends in flight at once, each on its own connection.
    public var concurrentSends = 16
    /// Marketing templates go through the Marketing Messages API (`/marketing_messages`).
    public var marketingMessages = false
    /// `PARLEY_ACCESS_TOKEN`: without it, serve runs the local sandbox channel.
    public var accessToken: String?
    /// `PARLEY_APP_SECRET`: webhook bodies are checked against `X-Hub-Signature-256` with it.
    public var appSecret: String?
    /// `PARLEY_VERIFY_TOKEN`: the token of the webhook subscription handshake.
    public var verifyToken: String?
    /// `PARLEY_AGENT_TOKEN`: the bearer token of the agent API, shared: each call names its agent.
    public var agentToken: String?
    /// `PARLEY_AGENT_TOKENS` (`"dana=<token>,eve=<token>"`): a token per agent, which names
    /// them; by token.
    public var agentTokens: [String: String] = [:]
    /// `PARLEY_METRICS_TOKEN`: a bearer token that reads `/metrics` and nothing else, for a
    /// scraper that should not hold an agent's token.
    public var metricsToken: String?

    public init() {}

    /// The phone number id messages to a contact on `number` go from (`nil`: the default).
    public func phoneNumberID(of number: String?) -> String? {
        number.map { numbers[$0] } ?? phoneNumberID
    }

    /// Every configured number: phone number id → name (`nil` for the default number).
    public var numberNames: [String: String?] {
        var names: [String: String?] = [:]
        if let phoneNumberID { names[phoneNumberID] = .some(nil) }
        for (name, id) in numbers { names[id] = .some(name) }
        return names
    }

    /// Whether messages go to the real Cloud API (or to the local sandbox).
    public var isLive: Bool { accessToken != nil }

    /// The environment variable a secret is read from: `PARLEY_` and the key in capitals.
    public static func environmentName(_ key: String) -> String { "PARLEY_" + key.uppercased() }
}
