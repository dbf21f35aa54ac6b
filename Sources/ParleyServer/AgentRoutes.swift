import Foundation
import HTTPTypes
import Hummingbird
import ParleyConfig
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
        let agent = router.group("agent").add(middleware: AgentAuthentication(token: settings.cloudAPI.agentToken, sandbox: !settings.cloudAPI.isLive))
        agent.get("queue") { _, _ in HTTP.json(try await service.queue()) }
        agent.get("conversations/:contact") { _, context in HTTP.json(try await service.conversation(try contact(context))) }
        agent.post("conversations/:contact/claim") { request, context in
            var request = request
            let body = try await HTTP.body(&request, limit: 1 << 16)
            guard let name = body["agent"]?.stringValue, !name.isEmpty else {
                return HTTP.problem(.badRequest, "the body does not say who claims the conversation", fix: "send {\"agent\": \"dana\"}")
            }
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
            do throws(HostError) {
                message = try MessageReader.read(body)
            } catch {
                return HTTP.problem(.badRequest, error.message.replacingOccurrences(of: "send: ", with: ""),
                                    fix: "send {\"text\": \"...\"} or a template message, as `send` takes in a script")
            }
            return HTTP.json(try await service.reply(try contact(context), message: message))
        }
        agent.post("conversations/:contact/macros/:name") { request, context in
            var request = request
            let body = try await HTTP.body(&request, limit: 1 << 20)
            let name = try context.parameters.require("name")
            do {
                return HTTP.json(try await service.runMacro(name, on: try contact(context), arguments: body))
            } catch let error as RuntimeError {
                return HTTP.problem(.notFound, error.message, fix: "name a macro the scripts folder defines")
            }
        }
        agent.post("conversations/:contact/release") { request, context in
            var request = request
            let body = try await HTTP.body(&request, limit: 1 << 16)
            return HTTP.json(try await service.release(try contact(context), note: body["note"]?.stringValue))
        }
        agent.post("conversations/:contact/resolve") { request, context in
            var request = request
            let body = try await HTTP.body(&request, limit: 1 << 16)
            do {
                return HTTP.json(try await service.resolve(try contact(context), agent: body["agent"]?.stringValue, note: body["note"]?.stringValue))
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
    let sandbox: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token else {
            if sandbox { return try await next(request, context) }
            return HTTP.problem(.forbidden, "the agent API is off", fix: "set PARLEY_AGENT_TOKEN to turn it on, and restart")
        }
        let given = request.headers[.authorization] ?? ""
        guard constantTimeEqual(given, "Bearer " + token) else {
            return HTTP.problem(.unauthorized, "the Authorization header is missing or its token is not PARLEY_AGENT_TOKEN",
                                fix: "send Authorization: Bearer <PARLEY_AGENT_TOKEN>")
        }
        return try await next(request, context)
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
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
