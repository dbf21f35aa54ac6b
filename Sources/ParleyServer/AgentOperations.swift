import Foundation
import ParleyJSON
import ParleyLua
import ParleyPolicy
import ParleyRuntime

/// What the agent API and the sandbox ask of the runtime. Each runs as one event.
extension RuntimeService {
    /// Conversations a person owns, oldest hand-off first.
    public func queue() -> JSONValue {
        let waiting = store.humanOwnedConversations().sorted { ($0.handoff?.since ?? .init(millisecondsSinceEpoch: 0)) < ($1.handoff?.since ?? .init(millisecondsSinceEpoch: 0)) }
        return .array(waiting.map(describe))
    }

    public func conversation(_ contact: ContactID) -> JSONValue {
        describe(store.conversation(contact) ?? Conversation(contact: contact))
    }

    private func describe(_ c: Conversation) -> JSONValue {
        let window = runtime.window(of: c.contact.value)
        var fields: [String: JSONValue] = [
            "contact": .string(c.contact.value), "owner": .string(c.owner.description), "state": c.state,
            "in_window": .bool(window.open), "seconds_left": .int(window.secondsLeft),
            "opted_in": .bool(c.optedIn), "marketing_opted_out": .bool(c.marketingOptedOut),
            "identity_change_pending": .bool(c.identityChangePending),
        ]
        if let last = c.lastInbound { fields["last_inbound"] = .string(last.iso8601) }
        if let h = c.handoff {
            var handoff: [String: JSONValue] = ["id": .string(h.id), "queue": .string(h.queue), "reason": .string(h.reason), "since": .string(h.since.iso8601)]
            if let note = h.note { handoff["note"] = .string(note) }
            if let agent = h.agent { handoff["agent"] = .string(agent) }
            fields["handoff"] = .object(handoff)
        }
        return .object(fields)
    }

    public func claim(_ contact: ContactID, agent: String, queue: String?) throws -> JSONValue {
        let handoff = try event { runtime.claim(contact, by: agent, queue: queue) }
        return ["ok": true, "queue": .string(handoff.queue), "handoff_id": .string(handoff.id)]
    }

    /// An agent's reply; the policy applies as to any sender.
    public func reply(_ contact: ContactID, message: OutboundMessage) throws -> JSONValue {
        let outcome = try event { runtime.agentReply(message, to: contact.value) }
        switch outcome.result {
        case .accepted(let kind, let queued):
            return ["ok": true, "id": .string(outcome.id), "kind": .string(kind.rawValue), "queued": .bool(queued)]
        case .refused(let refusal):
            var result: [String: JSONValue] = ["ok": false, "id": .string(outcome.id), "reason": .string(refusal.reason.rawValue),
                                               "detail": .string(refusal.detail)]
            if let code = refusal.code { result["code"] = .int(Int64(code)) }
            return .object(result)
        }
    }

    public func runMacro(_ name: String, on contact: ContactID, arguments: JSONValue) throws -> JSONValue {
        let before = recentCount
        try event { try runtime.runMacro(name, on: contact, arguments: arguments) }
        return ["ok": true, "transcript": .array(recentLines(since: before).map(JSONValue.string))]
    }

    public func release(_ contact: ContactID, note: String?) throws -> JSONValue {
        try event { runtime.release(contact, note: note) }
        return ["ok": true, "owner": .string(store.conversation(contact)?.owner.description ?? "nobody")]
    }

    /// A template sync's result becomes the catalog (pauses the core is timing kept).
    public func applySync(_ templates: [Template]) throws {
        try event { store.catalog = store.catalog.merged(with: templates) }
        logger.info("templates synced", metadata: ["templates": "\(templates.count)"])
    }

    public func consent(_ contact: ContactID, optIn: Bool) throws -> JSONValue {
        try event { optIn ? runtime.optIn(contact) : runtime.optOut(contact) }
        return ["ok": true, "contact": .string(contact.value), "opted_in": .bool(optIn)]
    }

    public func audit(ofContact contact: ContactID) -> JSONValue { .array(runtime.audit(ofContact: contact)) }
    public func audit(ofMessage id: String) -> JSONValue { .array(runtime.audit(ofMessage: id)) }

    /// A message as from a contact, through the same inbox and decoder as a real webhook:
    /// the sandbox's way in. Returns the transcript lines it produced.
    public func sandboxInbound(from contact: ContactID, text: String) async throws -> [String] {
        let body: JSONValue = [
            "object": "whatsapp_business_account",
            "entry": [["id": "sandbox", "changes": [["field": "messages", "value": [
                "messaging_product": "whatsapp",
                "metadata": ["display_phone_number": "15550000000", "phone_number_id": "sandbox"],
                "contacts": [["profile": ["name": "Sandbox"], "wa_id": .string(String(contact.value.dropFirst()))]],
                "messages": [[
                    "from": .string(String(contact.value.dropFirst())), "id": .string("wamid.sandbox.in.\(sandboxCounter())"),
                    "timestamp": .string(String(clock.now.millisecondsSinceEpoch / 1000)), "type": "text", "text": ["body": .string(text)],
                ]],
            ]]]]],
        ]
        let before = recentCount
        _ = try await inbox.accept(Array(body.encoded().utf8), at: clock.now)
        processInbox()
        return recentLines(since: before)
    }
}
