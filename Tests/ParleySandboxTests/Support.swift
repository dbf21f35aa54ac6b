import Testing
import Foundation
import ParleyJSON
import ParleySandbox
import ParleyScripting
import ParleyPolicy

/// The repository's root, for Stdlib and fixtures.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A host that records what scripts ask and accepts every send.
final class RecordingHost: ScriptHost {
    var now = Instant(iso8601: "2026-01-01T00:00:00Z")!
    var sent: [(to: String, message: OutboundMessage, by: ScriptIdentity)] = []
    var logs: [String] = []
    var escalations: [(String, EscalationRequest)] = []
    var notUnderstoodCount = 0
    var refuseWith: Refusal?

    func send(_ message: OutboundMessage, to recipient: String, by script: ScriptIdentity) throws(HostError) -> SendOutcome {
        sent.append((recipient, message, script))
        if let refuseWith { return SendOutcome(id: "m\(sent.count)", result: .refused(refuseWith)) }
        return SendOutcome(id: "m\(sent.count)", result: .accepted(kind: message.kind, queued: false))
    }

    func window(of recipient: String) -> (open: Bool, secondsLeft: Int64) { (true, 3600) }

    func pickTemplate(_ query: TemplateQuery, for recipient: String?, by script: ScriptIdentity) -> Result<Template, Refusal> {
        .success(Template(name: query.name ?? "hello", language: "en_US", category: .utility, body: "Hi {{1}}"))
    }

    func escalate(_ recipient: String, request: EscalationRequest, by script: ScriptIdentity) throws(HostError) -> Handoff {
        escalations.append((recipient, request))
        return Handoff(queue: request.queue ?? "support", id: "h\(escalations.count)")
    }

    func schedule(_ recipient: String, after delay: Span, name: String, data: JSONValue, by script: ScriptIdentity) throws(HostError) {}

    func notUnderstood(_ recipient: String, by script: ScriptIdentity) throws(HostError) { notUnderstoodCount += 1 }
    func done(_ recipient: String, note: String?, by script: ScriptIdentity) throws(HostError) {}
    func handOff(_ recipient: String, to target: String, note: String?, data: JSONValue, by script: ScriptIdentity) throws(HostError) -> String { target }

    func conversations(_ filter: ConversationFilter, by script: ScriptIdentity) -> [ConversationView] { [] }

    func log(_ line: String, by script: ScriptIdentity) { logs.append(line) }
    func markRead(_ messageID: String?, typing: Bool, by script: ScriptIdentity) throws(HostError) {}
}

/// Loads a script from source text, with the real Stdlib.
func loadScript(_ source: String, host: RecordingHost, limits: Budget = .default, path: String = "test.lua") throws -> Script {
    let modules = ModuleLibrary(stdlib: repositoryRoot.appendingPathComponent("Stdlib"), scripts: nil)
    return try Script(path: path, source: source, setup: ScriptSetup(modules: modules, limits: limits, host: host))
}

/// A bot whose on_message runs `body` (Lua statements with `conv` and `msg` in scope).
func bot(_ body: String) -> String {
    """
    return bot {
      name = "test",
      escalation = { queue = "support" },
      on_message = function(conv, msg)
        \(body)
      end,
    }
    """
}

let aConversation = ConversationView(contact: "+14155550100", owner: "bot:test", language: "en_US", state: .object([:]))

/// Attacks on the sandbox, as the runtime meets them: a bot does `attack` when a message
/// says "attack" and answers otherwise.
struct Attack {
    let limits: Budget

    /// Runs the attack once and returns how that call failed (nil when it did not). Then
    /// calls the same script again, as the next conversation would: the script, rebuilt if
    /// the attack broke it, must answer.
    func outcome(_ attack: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ScriptFailure? {
        let host = RecordingHost()
        let script = try loadScript(bot("""
        if msg.text == "attack" then
          \(attack)
        end
        send(conv, "still here")
        """), host: host, limits: limits)
        var failure: ScriptFailure?
        do {
            _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "attack"]])
        } catch {
            failure = error
        }
        host.sent.removeAll()
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hello"]])
        #expect(host.sent.map(\.message) == [.text("still here")], "the script does not answer after the attack", sourceLocation: sourceLocation)
        #expect(script.rebuilds == (failure == nil ? 0 : 1), sourceLocation: sourceLocation)
        return failure
    }

    func expectKilled(_ attack: String, _ reason: KillReason, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let failure = try outcome(attack, sourceLocation: sourceLocation)
        #expect(failure?.killReason == reason, "\(String(describing: failure))", sourceLocation: sourceLocation)
    }

    /// Stopped by a budget: the one that comes first may depend on the machine's load.
    func expectStopped(_ attack: String, by reasons: Set<KillReason>, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let failure = try outcome(attack, sourceLocation: sourceLocation)
        guard let reason = failure?.killReason, reasons.contains(reason) else {
            Issue.record("expected a kill by \(reasons.map(\.rawValue).sorted()), got \(String(describing: failure))", sourceLocation: sourceLocation)
            return
        }
    }

    func expectError(_ attack: String, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let failure = try outcome(attack, sourceLocation: sourceLocation)
        guard case .error(let message)? = failure else {
            Issue.record("expected an error containing \"\(text)\", got \(String(describing: failure))", sourceLocation: sourceLocation)
            return
        }
        #expect(message.contains(text), "\(message)", sourceLocation: sourceLocation)
    }
}
