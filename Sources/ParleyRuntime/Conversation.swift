import ParleyJSON
import ParleyPolicy

/// Everything the runtime keeps about one contact on the business number: the window,
/// consent, identity, who owns the conversation, and the script state.
public struct Conversation: Codable, Sendable, Equatable {
    /// The key it is kept under: the person's phone number when known, else their user id.
    /// Set only by the store, which moves a conversation when the person's key changes.
    public internal(set) var contact: ContactID
    /// The person's business-scoped user id, when the platform named one beside the number.
    public var userID: ContactID?
    public var owner: Owner = .nobody
    /// The bot that owned it before a human took over: `release` hands it back there.
    public var botBeforeHandoff: String?
    /// The open hand-off, while a human owns it.
    public var handoff: HandoffRecord?
    /// `conv.state`: JSON only, persisted as it is.
    public var state: JSONValue = .object([:])
    public var language: String?
    public var lastInbound: Instant?
    public var optedIn = false
    /// When the contact asked to stop (STOP, or an operator for them); nil when they have not,
    /// or wrote START since.
    public var optedOutAt: Instant?
    /// The platform's "stop promotions": marketing only.
    public var marketingOptedOut = false
    public var identityChangePending = false
    /// The per-user marketing cap (131049): until when marketing waits, and how many times
    /// in a row it struck, which the next cool-down's length follows.
    public var marketingCooldownUntil: Instant?
    public var marketingCapStrikes: Int?
    /// The platform could not deliver to the contact (131026): until when
    /// business-initiated messages wait.
    public var undeliverableUntil: Instant?
    /// The contact wrote from an ad or a page button (a referral) and no reply has answered
    /// yet: a reply in time opens a free entry point window (docs/rules.md §16.2).
    public var entryPointReferralAt: Instant?
    /// Until when everything sent to the contact is free.
    public var freeEntryPointUntil: Instant?
    /// The thread of work open with the contact now, if any: who owns the conversation
    /// holds it until the session ends (docs/rules.md §6.9).
    public var session: Session?
    /// Sessions this conversation has had: the next one's number.
    public var sessionCount: Int?
    /// Consecutive turns the bot did not understand, in this session.
    public var notUnderstoodStreak = 0
    /// Bumped by every inbound message: a window-closing hook fires only for the window
    /// that scheduled it.
    public var windowGeneration = 0
    /// The window whose closing the bot was last told of: it is told once per window.
    public var windowClosingNotified = 0

    public init(contact: ContactID) {
        self.contact = contact
    }

    /// The same conversation under the person's new key: what a store keeps after `rekey`.
    public func moved(to new: ContactID) -> Conversation {
        var moved = self
        moved.contact = new
        return moved
    }

    /// The policy's view of this contact.
    public var standing: ContactStanding {
        ContactStanding(lastInbound: lastInbound, optedIn: optedIn, optedOut: optedOutAt != nil, marketingOptedOut: marketingOptedOut,
                        identityChangePending: identityChangePending, owner: owner, marketingCooldownUntil: marketingCooldownUntil,
                        undeliverableUntil: undeliverableUntil, entryPointReferralAt: entryPointReferralAt, freeEntryPointUntil: freeEntryPointUntil)
    }
}

public struct HandoffRecord: Codable, Sendable, Equatable {
    public var id: String
    public var queue: String
    public var reason: String
    public var note: String?
    public var since: Instant
    /// The agent who claimed it from the queue, once one has.
    public var agent: String?
}

/// A thread of work with a contact: it starts with an inbound message when none is open and
/// ends when its bot is done (`conv:done`), an agent resolves it, or the contact has been
/// silent for `session_idle`. The next message after that is routed afresh.
public struct Session: Codable, Sendable, Equatable {
    /// 1 for the contact's first session, then 2...
    public var number: Int
    public var since: Instant
    /// `conv.session`: what scripts keep for this session only.
    public var data: JSONValue?
}
