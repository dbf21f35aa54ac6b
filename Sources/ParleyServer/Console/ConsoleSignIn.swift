import Foundation
import ParleyConfig
import ParleyGraphAPI

/// Who may sign in to the console: the agent API's identities. A per-agent token
/// (PARLEY_AGENT_TOKENS) says who its holder is; the shared PARLEY_AGENT_TOKEN needs a name
/// beside it; the sandbox without tokens takes a name alone, as the agent API does.
struct ConsoleSignIn: Sendable {
    let sharedToken: String?
    /// token → agent
    let agentTokens: [String: String]
    let sandbox: Bool

    init(settings: DeploymentConfig) {
        self.init(sharedToken: settings.cloudAPI.agentToken, agentTokens: settings.cloudAPI.agentTokens, sandbox: !settings.cloudAPI.isLive)
    }

    init(sharedToken: String?, agentTokens: [String: String], sandbox: Bool) {
        self.sharedToken = sharedToken
        self.agentTokens = agentTokens
        self.sandbox = sandbox
    }

    /// Why nobody can sign in, when nobody can.
    var off: String? {
        guard sharedToken == nil, agentTokens.isEmpty, !sandbox else { return nil }
        return "No agent tokens are set. Set PARLEY_AGENT_TOKENS (name=token, a token per agent) or PARLEY_AGENT_TOKEN, and restart."
    }

    var needsToken: Bool { sharedToken != nil || !agentTokens.isEmpty }

    /// The agent signing in, or what is wrong with the attempt, in words.
    func agent(name rawName: String?, token rawToken: String?) -> Result<String, SignInProblem> {
        signIn(name: rawName, token: rawToken).map(\.agent)
    }

    /// The agent signing in and the token that admitted them ("" in the sandbox without tokens).
    func signIn(name rawName: String?, token rawToken: String?) -> Result<(agent: String, credential: String), SignInProblem> {
        let name = (rawName ?? "").trimmingCharacters(in: .whitespaces)
        let token = rawToken ?? ""
        if let off { return .failure(SignInProblem(off)) }
        if !needsToken {
            guard AgentName.isValid(name) else { return .failure(SignInProblem(Self.nameProblem(name))) }
            return .success((name, ""))
        }
        guard !token.isEmpty else { return .failure(SignInProblem("Enter your agent token.")) }
        var owner: String?
        for (candidate, agent) in agentTokens where AgentAuthentication.constantTimeEqual(token, candidate) { owner = agent }
        if let owner {
            if !name.isEmpty, name != owner { return .failure(SignInProblem("This token is \(owner)'s, not \(name)'s: sign in as yourself, or leave the name empty.")) }
            return .success((owner, token))
        }
        if let sharedToken, AgentAuthentication.constantTimeEqual(token, sharedToken) {
            guard AgentName.isValid(name) else { return .failure(SignInProblem(Self.nameProblem(name))) }
            return .success((name, token))
        }
        return .failure(SignInProblem("That token is not an agent token. Use yours from PARLEY_AGENT_TOKENS, or the shared PARLEY_AGENT_TOKEN with your name."))
    }

    /// Whether `session` still stands: the token it was signed in with is still the agent's
    /// own or the shared one (`fingerprint` hides both alike). A token taken out of the
    /// configuration ends its sessions at the next restart, whatever the cookie's expiry.
    func admits(_ session: ConsoleSession, fingerprint: (String) -> String) -> Bool {
        guard off == nil else { return false }
        guard needsToken else { return session.credential == fingerprint("") }
        let tokens = agentTokens.filter { $0.value == session.agent }.map(\.key) + [sharedToken].compactMap { $0 }
        return tokens.contains { fingerprint($0) == session.credential }
    }

    private static func nameProblem(_ name: String) -> String {
        name.isEmpty ? "Enter your name." : "\"\(name.prefix(64))\" is not an agent's name: use letters, digits, '.', '_', '-' or '@' (at most 64)."
    }
}

struct SignInProblem: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}
