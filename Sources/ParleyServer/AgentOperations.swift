import Foundation
import ParleyJSON
import ParleyScripting
import ParleyPolicy
import ParleyRuntime

/// What the agent API and the sandbox ask of the runtime. Each runs as one event.
extension RuntimeService {
    /// Conversations a person owns, oldest hand-off first.
    public func queue() throws -> JSONValue {
        let waiting = try store.humanOwnedConversations().sorted { ($0.handoff?.since ?? .init(millisecondsSinceEpoch: 0)) < ($1.handoff?.since ?? .init(millisecondsSinceEpoch: 0)) }
        return .array(try waiting.map { try runtime.summary(of: $0.contact) })
    }

    public func conversation(_ contact: ContactID) throws -> JSONValue {
        try runtime.summary(of: contact)
    }

    public func claim(_ contact: ContactID, agent: String, queue: String?, takeOver: Bool = false) throws -> JSONValue {
        let outcome = try event { try runtime.handle(.claim(contact, agent: agent, queue: queue, takeOver: takeOver)) }
        // A claim always answers with its hand-off; anything else is a bug, and says so.
        guard let handoff = outcome.handoff else { throw RuntimeError("a claim came back as \(outcome), not a hand-off") }
        return ["ok": true, "queue": .string(handoff.queue), "handoff_id": .string(handoff.id)]
    }

    /// An agent's reply; the policy applies as to any sender.
    public func reply(_ contact: ContactID, message: OutboundMessage, agent: String? = nil) throws -> JSONValue {
        let outcome = try event { try runtime.handle(.agentReply(message, to: contact.description, agent: agent)) }
        guard let sent = outcome.sendOutcome else { throw RuntimeError("a reply came back as \(outcome), not a send's outcome") }
        return sent.json
    }

    /// `ok` only when the macro ran to its end and every send it made went: missing
    /// `params` (nothing ran, nothing sent), the script's error, or refused sends say why.
    public func runMacro(_ name: String, on contact: ContactID, arguments: JSONValue, agent: String? = nil) throws -> JSONValue {
        let before = recentCount
        let handled = try event { try runtime.handle(.macro(name, on: contact, arguments: arguments, agent: agent)) }
        guard let outcome = handled.macroOutcome else { throw RuntimeError("a macro came back as \(handled), not a macro's outcome") }
        var result: [String: JSONValue] = ["ok": .bool(outcome.ok), "transcript": .array(recentRecords(since: before).map(\.json))]
        if !outcome.missingParams.isEmpty {
            result["missing_params"] = .array(outcome.missingParams.map(JSONValue.string))
            result["error"] = .string("macro \(name) needs \(outcome.missingParams.joined(separator: ", ")); nothing was run or sent")
        }
        if let error = outcome.error { result["error"] = .string(error) }
        if !outcome.refusals.isEmpty { result["refused"] = .array(outcome.refusals.map(\.json)) }
        return .object(result)
    }

    public func release(_ contact: ContactID, note: String?, agent: String? = nil) throws -> JSONValue {
        try event { try runtime.handle(.release(contact, note: note, agent: agent)) }
        return ["ok": true, "owner": .string(try store.conversation(contact)?.owner.description ?? "nobody")]
    }

    public func resolve(_ contact: ContactID, agent: String?, note: String?) throws -> JSONValue {
        try event { try runtime.handle(.resolve(contact, agent: agent, note: note)) }
        return ["ok": true, "owner": .string(try store.conversation(contact)?.owner.description ?? "nobody")]
    }

    /// A template sync's result becomes the catalog (pauses the core is timing kept).
    public func applySync(_ templates: [Template]) throws {
        try event { try runtime.handle(.templatesSynced(templates)) }
        logger.info("templates synced", metadata: ["templates": "\(templates.count)"])
    }

    public func consent(_ contact: ContactID, optIn: Bool) throws -> JSONValue {
        try event { try runtime.handle(optIn ? .optIn(contact) : .optOut(contact)) }
        // What the contact's consent is now: an opt-out stops every business-initiated message
        // until START or a new opt-in; the platform's promotions control is its own state.
        let c = try store.conversation(contact)
        return ["ok": true, "contact": .string(contact.description), "opted_in": .bool(c?.optedIn ?? false),
                "opted_out": .bool(c?.optedOutAt != nil), "marketing_opted_out": .bool(c?.marketingOptedOut ?? false)]
    }

    public func audit(ofContact contact: ContactID) throws -> JSONValue { .array(try runtime.audit(ofContact: contact)) }
    public func audit(ofMessage id: String) throws -> JSONValue { .array(try runtime.audit(ofMessage: id)) }

    /// A message as from a contact, through the same inbox and decoder as a real webhook:
    /// the sandbox's way in. Returns the transcript lines it produced.
    public func sandboxInbound(from contact: ContactID, text: String) async throws -> [String] {
        // Numbered in the store, so ids stay unique across restarts: the duplicate filter
        // would take a repeated id for Meta retrying a delivery.
        let number = try event { try store.nextNumber("sandbox_inbound") }
        let body: JSONValue = [
            "object": "whatsapp_business_account",
            "entry": [["id": "sandbox", "changes": [["field": "messages", "value": [
                "messaging_product": "whatsapp",
                "metadata": ["display_phone_number": "15550000000", "phone_number_id": "sandbox"],
                "contacts": [["profile": ["name": "Sandbox"], "wa_id": .string(String(contact.value.dropFirst()))]],
                "messages": [[
                    "from": .string(String(contact.value.dropFirst())), "id": .string("wamid.sandbox.in.\(number)"),
                    "timestamp": .string(String(clock.now.millisecondsSinceEpoch / 1000)), "type": "text", "text": ["body": .string(text)],
                ]],
            ]]]]],
        ]
        let before = recentCount
        metrics.replyLatency.webhookKept(try await inbox.accept(Array(body.encoded().utf8), at: clock.now))
        processInbox()
        return recentLines(since: before)
    }
}
