/// How Parley reaches the Cloud API: the Graph API's address and version, the number and
/// account, the timeouts, and the secrets, which come from the environment only.
public struct CloudAPISettings: Sendable, Equatable {
    public var baseURL = "https://graph.facebook.com"
    public var version = "v23.0"
    public var phoneNumberID: String?
    public var wabaID: String?
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

    public init() {}

    /// Whether messages go to the real Cloud API (or to the local sandbox).
    public var isLive: Bool { accessToken != nil }

    /// The environment variable a secret is read from: `PARLEY_` and the key in capitals.
    public static func environmentName(_ key: String) -> String { "PARLEY_" + key.uppercased() }
}
