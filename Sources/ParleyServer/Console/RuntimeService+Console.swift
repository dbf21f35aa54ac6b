import Foundation
import ParleyJSON
import ParleyPolicy
import ParleyRuntime

/// What the agents' console reads of the runtime, beside the agent API's own calls (which
/// it reuses for every action: `claim`, `reply`, `runMacro`, `release`, `resolve`, `audit`).
extension RuntimeService {
    /// A conversation for its page: the agent API's summary, the transcript this process
    /// has seen, and the audit trail of every decision about the contact.
    struct ConsoleConversation: Sendable {
        let summary: JSONValue
        let records: [TranscriptRecord]
        let audit: [JSONValue]
        let now: Instant
    }

    func consoleConversation(_ contact: ContactID) throws -> ConsoleConversation {
        let summary = try runtime.summary(of: contact)
        let names = [summary["contact"]?.stringValue, summary["user_id"]?.stringValue, contact.description].compactMap { $0 }
        return ConsoleConversation(summary: summary, records: consoleFeed.records(of: Array(Set(names))),
                                   audit: try runtime.audit(ofContact: contact), now: clock.now)
    }

    /// The queue as the agent API gives it, and the instant it was read at.
    func consoleQueue() throws -> (conversations: [JSONValue], now: Instant) {
        (try queue().arrayValue ?? [], clock.now)
    }

    /// The catalog's templates, each judged for `contact` as `pick_template` would judge it
    /// for `agent` now.
    func consoleTemplateOffers(_ contact: ContactID, agent: String) throws -> [TemplateOffer] {
        try runtime.templateOffers(to: contact, by: .agent(agent))
    }

    /// The macros the scripts folder defines, by name, with the `params` each declares.
    func consoleMacros() -> [(name: String, description: String?, params: [String])] {
        runtime.scripts.macros.values.map { ($0.definition.name, $0.definition.description, $0.definition.params) }.sorted { $0.name < $1.name }
    }
}
