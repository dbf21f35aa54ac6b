import Logging
import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import ParleySandbox
import ParleyScripting

enum ConsoleAction: String, CaseIterable, Sendable {
    case claim, reply, template, macro, release, resolve
}

/// The console's actions, each through the same service call as the agent API's, and each
/// answered in words: what was done, or why not, with the reason code. Never silent.
struct ConsoleActions {
    let service: RuntimeService
    let logger: Logger

    func run(_ action: ConsoleAction, on contact: ContactID, form: ConsoleForm, agent: String) async -> ConsoleNotice {
        do {
            switch action {
            case .claim:
                let result = try await service.claim(contact, agent: agent, queue: nil, takeOver: form["take_over"] == "1")
                return ConsoleNotice(refused: false, text: "You hold this conversation now (queue \(result["queue"]?.stringValue ?? "")); the bot is silent until you release it.")
            case .reply:
                let text = form["text"] ?? ""
                guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    return ConsoleNotice(refused: true, text: "Nothing was sent: the reply is empty.", code: "empty_reply")
                }
                return try await send(.object(["text": .string(text)]), to: contact, agent: agent)
            case .template:
                let offers = try await service.consoleTemplateOffers(contact, agent: agent)
                let chosen = offers.first { $0.template.name == form["template"] && $0.template.language == form["language"] }?.template
                return try await send(TemplateFormMessage.json(form, template: chosen), to: contact, agent: agent)
            case .macro:
                return try await macro(form, on: contact, agent: agent)
            case .release:
                let result = try await service.release(contact, note: note(form), agent: agent)
                return ConsoleNotice(refused: false, text: "Released to \(result["owner"]?.stringValue ?? "the bot").")
            case .resolve:
                _ = try await service.resolve(contact, agent: agent, note: note(form))
                return ConsoleNotice(refused: false, text: "Resolved: the session ended, and the contact's next message is routed afresh.")
            }
        } catch let conflict as ClaimConflict {
            return ConsoleNotice(refused: true, text: "\(conflict.agent) holds this conversation. Ask \(conflict.agent), or tick “take it over” and claim it.", code: "409 claimed by \(conflict.agent)")
        } catch let error as RuntimeError {
            return ConsoleNotice(refused: true, text: "Not done: \(error.message).", code: action == .resolve ? "no_session" : "refused")
        } catch let problem as Problem {
            return ConsoleNotice(refused: true, text: "Not done: \(problem.error). \(problem.fix).", code: "\(problem.status.code)")
        } catch {
            logger.error("console: \(action.rawValue) on \(contact) failed: \(error)")
            return ConsoleNotice(refused: true, text: "Not done: the server could not \(action.rawValue) (\(error)). Try again; the server's log says more.", code: "error")
        }
    }

    private func note(_ form: ConsoleForm) -> String? {
        guard let note = form["note"]?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty else { return nil }
        return note
    }

    /// A reply or a template, through the policy like any send.
    private func send(_ json: JSONValue, to contact: ContactID, agent: String) async throws -> ConsoleNotice {
        let message: OutboundMessage
        do throws(HostError) {
            message = try MessageReader.read(json)
        } catch {
            return ConsoleNotice(refused: true, text: "Nothing was sent: \(error.message.replacingOccurrences(of: "send: ", with: "")).", code: "invalid_message")
        }
        let result = try await service.reply(contact, message: message, agent: agent)
        let id = result["id"]?.stringValue
        let why = ConsoleLink.why(id)
        if result["ok"]?.boolValue == true {
            let queued = result["queued"]?.boolValue == true ? ", queued to go out" : ""
            return ConsoleNotice(refused: false, text: "Sent (\(result["kind"]?.stringValue ?? "message")\(queued)).", extra: why)
        }
        return ConsoleNotice(refused: true, text: "Not sent: \(result["detail"]?.stringValue ?? "refused").", code: code(result), extra: why)
    }

    private func macro(_ form: ConsoleForm, on contact: ContactID, agent: String) async throws -> ConsoleNotice {
        let name = form["macro"] ?? ""
        var arguments: [String: JSONValue] = [:]
        for field in form.fields where field.name.hasPrefix("arg.") && !field.value.isEmpty {
            arguments[String(field.name.dropFirst(4))] = .string(field.value)
        }
        let result: JSONValue
        do {
            result = try await service.runMacro(name, on: contact, arguments: .object(arguments), agent: agent)
        } catch let error as RuntimeError {
            return ConsoleNotice(refused: true, text: "Not run: \(error.message).", code: "unknown_macro")
        }
        if result["ok"]?.boolValue == true {
            let sent = result["transcript"]?.arrayValue?.filter { $0["type"] == "sent" }.count ?? 0
            return ConsoleNotice(refused: false, text: "Ran \(name): \(sent) message\(sent == 1 ? "" : "s") sent.")
        }
        if let missing = result["missing_params"]?.arrayValue {
            return ConsoleNotice(refused: true, text: "Not run: \(name) needs \(missing.compactMap(\.stringValue).joined(separator: ", ")). Nothing was sent.", code: "missing_params")
        }
        let refusals = result["refused"]?.arrayValue ?? []
        if !refusals.isEmpty {
            let words = refusals.map { "\($0["detail"]?.stringValue ?? "refused") (\(code($0)))" }.joined(separator: "; ")
            return ConsoleNotice(refused: true, text: "\(name) ran, but \(refusals.count == 1 ? "a send was" : "\(refusals.count) sends were") refused: \(words)",
                                 code: code(refusals[0]), extra: ConsoleLink.why(refusals[0]["id"]?.stringValue))
        }
        return ConsoleNotice(refused: true, text: "\(name) stopped with an error: \(result["error"]?.stringValue ?? "unknown").", code: "script_error")
    }

    private func code(_ result: JSONValue) -> String {
        let reason = result["reason"]?.stringValue ?? "refused"
        return result["code"]?.textValue.map { "\(reason), code \($0)" } ?? reason
    }
}

/// A "why?" link in a notice; relative to the conversation page the notice shows on.
enum ConsoleLink {
    static func why(_ id: String?) -> String {
        guard let id else { return "" }
        return " <a class=\"why\" href=\"../messages/\(HTML.pathSegment(id))\">why?</a>"
    }
}
