import Foundation
import HTTPTypes
import Hummingbird
import ParleyConfig
import ParleyGraphAPI
import ParleyJSON
import ParleySandbox
import ParleyScripting
import ParleyPolicy
import ParleyRuntime

/// The agent API: JSON over HTTP, for the people who take conversations over.
///
///     GET  /agent/queue                                   conversations a person owns
///     GET  /agent/conversations/{contact}                 one conversation
///     POST /agent/conversations/{contact}/claim           {"agent": "dana", "queue": "orders-team"?, "take_over": true?}
///     POST /agent/conversations/{contact}/reply           {"text": "..."} or a template message
///     POST /agent/conversations/{contact}/macros/{name}   {"order_id": "..."}: the macro's args
///     POST /agent/conversations/{contact}/release         {"note": "..."}
///     POST /agent/conversations/{contact}/resolve         {"agent": "dana"?, "note": "..."?}: the session ends
///     POST /agent/conversations/{contact}/opt_in          consent recorded elsewhere (a form, a checkout)
///     POST /agent/conversations/{contact}/opt_out         the contact asked to stop, by other means
///     GET  /agent/conversations/{contact}/audit           every decision about it
///     GET  /agent/messages/{id}/audit                     why one message went, or not
///
/// With PARLEY_AGENT_TOKEN set, every call needs `Authorization: Bearer <token>`. Without
/// it, the API is open only in the sandbox (no PARLEY_ACCESS_TOKEN), for trying things out.
struct AgentRoutes {
    let service: RuntimeService
    let settings: DeploymentConfig

    func add(to router: Router<BasicRequestContext>) {
        let agent = router.group("agent").add(middleware: AgentAuthentication(token: settings.cloudAPI.agentToken, agentTokens: settings.cloudAPI.agentTokens,
                                                                               sandbox: !settings.cloudAPI.isLive))
        agent.get("queue") { _, _ in HTTP.json(try await service.queue()) }
        agent.get("conversations/:contact") { _, context in HTTP.json(try await service.conversation(try contact(context))) }
        agent.post("conversations/:contact/claim") { request, context in
            var request = request
            let body = try await HTTP.body(&request, limit: 1 << 16)
            let name = try agentName(request, body)
            do {
                return HTTP.json(try await service.claim(try contact(context), agent: name, queue: body["queue"]?.stringValue,
                                                         takeOver: body["take_over"]?.boolValue ?? false))
            } catch let conflict as ClaimConflict {
                return HTTP.problem(.conflict, "\(conflict.contact) is claimed by \(conflict.agent)",
                                    fix: "ask \(conflict.agent), or claim with \"take_over\": true to take it from them")
            }
        }
        agent.post("conversations/:contact/reply") { request, context in
            var request = request
            let body = try await HTTP.body(&request, limit: 1 << 20)
            let message: OutboundMessage
            var fields = body.objectValue ?? [:]
            fields["agent"] = nil  // who writes, not part of the message
            do throws(HostError) {
                message = try MessageReader.read(body.objectValue == nil ? body : .object(fields))
            } catch {
                return HTTP.problem(.badRequest, error.message.replacingOccurrences(of: "send: ", with: ""),
                                    fix: "send {\"text\": \"...\"} or a template message, as `send` takes in a script")
            }
            do {
                return HTTP.json(try await service.reply(try contact(context), message: message, agent: try agentName(request, body)))
            } catch let conflict as ClaimConflict {
                return HTTP.problem(.conflict, "\(conflict.contact) is claimed by \(conflict.agent)",
                                    fix: "ask \(conflict.agent), or claim it with \"take_over\": true first")
            }
        }
        agent.post("conversations/:contact/macros/:name") { request, context in
            var request = request
            let body = try await HTTP.body(&request, limit: 1 << 20)
            let name = try context.parameters.require("name")
            do {
                var fields = body.objectValue ?? [:]
                fields["agent"] = nil  // who acts, not an argument
                let arguments: JSONValue = body.objectValue == nil ? body : .object(fields)
                return HTTP.json(try await service.runMacro(name, on: try contact(context), arguments: arguments, agent: try agentName(request, body)))
            } catch let error as RuntimeError {
                return HTTP.problem(.notFound, error.message, fix: "name a macro the scripts folder defines")
            }
        }
        agent.post("conversations/:contact/release") { request, context in
            var request = request
            let body = try await HTTP.body(&request, limit: 1 << 16)
            return HTTP.json(try await service.release(try contact(context), note: body["note"]?.stringValue, agent: try agentName(request, body)))
        }
        agent.post("conversations/:contact/resolve") { request, context in
            var request = request
            let body = try await HTTP.body(&request, limit: 1 << 16)
            do {
                return HTTP.json(try await service.resolve(try contact(context), agent: try agentName(request, body), note: body["note"]?.stringValue))
            } catch let error as RuntimeError {
                return HTTP.problem(.conflict, error.message, fix: "resolve a conversation whose contact wrote since its last session ended")
            }
        }
        agent.post("conversations/:contact/opt_in") { _, context in HTTP.json(try await service.consent(try contact(context), optIn: true)) }
        agent.post("conversations/:contact/opt_out") { _, context in HTTP.json(try await service.consent(try contact(context), optIn: false)) }
        agent.get("conversations/:contact/audit") { _, context in HTTP.json(try await service.audit(ofContact: try contact(context))) }
        agent.get("messages/:id/audit") { _, context in
            let id = try context.parameters.require("id")
            let records = try await service.audit(ofMessage: id)
            guard records.arrayValue?.isEmpty == false else {
                return HTTP.problem(.notFound, "no decision is recorded for message \(id)",
                                    fix: "use a message id from the transcript's \"id\" or a send's result; they look like out-12")
            }
            return HTTP.json(records)
        }
    }

    /// Who acts: the agent a per-agent token names, else the name the call gives (`"agent"`
    /// in the body, or the `X-Parley-Agent` header); the local sandbox says `sandbox`.
    private func agentName(_ request: Request, _ body: JSONValue) throws -> String {
        let given = body["agent"]?.stringValue ?? request.headers[HTTPField.Name("X-Parley-Agent")!]
        if let verified = AgentAuthentication.agent(request, among: settings.cloudAPI.agentTokens) {
            if let given, given != verified {
                throw Problem(.forbidden, "this token is \(verified)'s, and the call says it is \(given)", fix: "act as yourself: leave \"agent\" out, or give your own name")
            }
            return verified
        }
        guard let given else {
            if !settings.cloudAPI.isLive { return "sandbox" }
            throw Problem(.badRequest, "the call does not say which agent acts", fix: "send {\"agent\": \"dana\"} or the header X-Parley-Agent: dana, or use your own token from PARLEY_AGENT_TOKENS")
        }
        guard AgentName.isValid(given) else {
            throw Problem(.badRequest, "\"\(given.prefix(64))\" is not an agent's name", fix: "name the agent with letters, digits, '.', '_', '-' or '@' (at most 64)")
        }
        return given
    }

    private func contact(_ context: BasicRequestContext) throws -> ContactID {
        let raw = try context.parameters.require("contact").removingPercentEncoding ?? ""
        guard let contact = ContactID(raw) else {
            throw Problem(.badRequest, "\"\(raw)\" is not a phone number or a business-scoped user id",
                          fix: "write the contact as +14155550100 (E.164) or as a business-scoped user id such as US.13491208655302741918")
        }
        return contact
    }
}

struct AgentAuthentication: RouterMiddleware {
    typealias Context = BasicRequestContext
    let token: String?
    /// Per-agent tokens: token → name.
    let agentTokens: [String: String]
    let sandbox: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard token != nil || !agentTokens.isEmpty else {
            if sandbox { return try await next(request, context) }
            return HTTP.problem(.forbidden, "the agent API is off", fix: "set PARLEY_AGENT_TOKENS (a token per agent) or PARLEY_AGENT_TOKEN to turn it on, and restart")
        }
        let given = request.headers[.authorization] ?? ""
        if let token, Self.constantTimeEqual(given, "Bearer " + token) { return try await next(request, context) }
        if Self.agent(request, among: agentTokens) != nil { return try await next(request, context) }
        return HTTP.problem(.unauthorized, "the Authorization header is missing or its token is not an agent API token",
                            fix: "send Authorization: Bearer <your token from PARLEY_AGENT_TOKENS, or PARLEY_AGENT_TOKEN>")
    }

    /// The agent whose own token the request carries, if it carries one. Every token is
    /// compared, in constant time each, so the answer's timing says nothing of which matched.
    static func agent(_ request: Request, among agentTokens: [String: String]) -> String? {
        let given = request.headers[.authorization] ?? ""
        var found: String?
        for (token, name) in agentTokens where constantTimeEqual(given, "Bearer " + token) { found = name }
        return found
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0
    }
}

/// The sandbox: `POST /sandbox/inbound {"from": "+14155550101", "text": "hi"}` answers with
/// the transcript lines the message caused; `GET /sandbox/transcript` shows the latest.
struct SandboxRoutes {
    let service: RuntimeService

    func add(to router: Router<BasicRequestContext>) {
        router.post("sandbox/inbound") { request, _ in
            var request = request
            let body = try await HTTP.body(&request, limit: 1 << 16)
            guard let raw = body["from"]?.textValue, let from = ContactID(raw), from.kind == .phone else {
                return HTTP.problem(.badRequest, "\"from\" is missing or not a phone number",
                                    fix: "send {\"from\": \"+14155550101\", \"text\": \"...\"}")
            }
            guard let text = body["text"]?.stringValue else {
                return HTTP.problem(.badRequest, "\"text\" is missing", fix: "send {\"from\": \"+14155550101\", \"text\": \"...\"}")
            }
            let lines = try await service.sandboxInbound(from: from, text: text)
            return HTTP.text(lines.map { $0 + "\n" }.joined())
        }
        router.get("sandbox/transcript") { _, _ in
            HTTP.text(await service.transcript().map { $0 + "\n" }.joined())
        }
    }
}
