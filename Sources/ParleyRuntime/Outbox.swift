import ParleyPolicy

/// A message the policy allowed, waiting for its pacing slot.
public struct OutboxEntry: Codable, Sendable, Equatable {
    let request: SendRequest
    let contact: ContactID
    let dueAt: Instant
    /// When it took a messaging-limit slot, to give the slot back if it never goes.
    let limitReservedAt: Instant?
    /// What it took of the spend budgets at request, given back at dispatch.
    var spendCharged: SpendCharge? = nil
}
