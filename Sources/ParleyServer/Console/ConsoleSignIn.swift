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
        let name = (rawName ?? "").trimmingCharacters(in: .whitespaces)
        let token = rawToken ?? ""
        if let off { return .failure(SignInProblem(off)) }
        if !needsToken {
            guard AgentName.isValid(name) else { return .failure(SignInProblem(Self.nameProblem(name))) }
            return .success(name)
        }
        guard !token.isEmpty else { return .failure(SignInProblem("Enter your agent token.")) }
        var owner: String?
        for (candidate, agent) in agentTokens where AgentAuthentication.constantTimeEqual(token, candidate) { owner = agent }
        if let owner {
            if !name.isEmpty, name != owner { return .failure(SignInProblem("This token is \(owner)'s, not \(name)'s: sign in as yourself, or leave the name empty.")) }
            return .success(owner)
        }
        if let sharedToken, AgentAuthentication.constantTimeEqual(token, sharedToken) {
            guard AgentName.isValid(name) else { return .failure(SignInProblem(Self.nameProblem(name))) }
            return .success(name)
        }
        return .failure(SignInProblem("That token is not an agent token. Use yours from PARLEY_AGENT_TOKENS, or the shared PARLEY_AGENT_TOKEN with your name."))
    }

    private static func nameProblem(_ name: String) -> String {
        name.isEmpty ? "Enter your name." : "\"\(name.prefix(64))\" is not an agent's name: use letters, digits, '.', '_', '-' or '@' (at most 64)."
    }
}

struct SignInProblem: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}
