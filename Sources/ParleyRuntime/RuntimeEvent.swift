import ParleyJSON
import ParleyScripting
import ParleyPolicy

/// Everything that can happen to a runtime, in one vocabulary. A simulation's scenario,
/// a live webhook, a spec's world and the agent API all describe what happened as
/// `RuntimeEvent`s and hand them to `Runtime.handle(_:)`.
public enum RuntimeEvent: Sendable, Equatable {
    /// A contact wrote (or called, or tapped a button).
    case inbound(Inbound)

    /// An agent writes to a contact. The same policy applies as to any sender.
    case agentReply(OutboundMessage, to: String, agent: String? = nil)
    /// An agent runs a macro on a conversation; its sends are the macro's, never a bot's.
    case macro(String, on: ContactID, arguments: JSONValue, agent: String? = nil)
    /// An agent takes a conversation: one waiting in a queue, or one a bot has. A
    /// conversation another agent holds stays theirs unless `takeOver` (a supervisor).
    case claim(ContactID, agent: String, queue: String?, takeOver: Bool)
    /// An agent hands the conversation back to the bot it came from.
    case release(ContactID, note: String?, agent: String? = nil)
    /// An agent resolves the conversation: its session ends (docs/rules.md §6.9).
    case resolve(ContactID, agent: String?, note: String?)

    /// Consent recorded (an opt-in), which also lifts both stops.
    case optIn(ContactID)
    /// The contact asked to stop, through an operator: as STOP, every business-initiated
    /// message stops.
    case optOut(ContactID)
    /// The contact stopped promotions with the platform's control: marketing only.
    case marketingStopped(ContactID)
    /// The contact took promotions back with the platform's control; not, by itself, an opt-in.
    case marketingResumed(ContactID)
    /// The contact's identity key changed: nothing goes to them until an operator checks.
    case identityChanged(ContactID)
    case identityAcknowledged(ContactID)
    /// The person moved to a new number: their conversation (window, consent, state,
    /// owner) moves with them.
    case numberChanged(from: ContactID, to: ContactID)
    /// The person's business-scoped user id changed: the new one names the same conversation.
    case userIDChanged(from: ContactID, to: ContactID)

    case templateStatus(TemplateKey, TemplateStatus)
    case templateQuality(TemplateKey, TemplateQuality)
    case templateCategory(TemplateKey, TemplateCategory)
    /// A sync with the platform's template list; pauses the core is timing are kept.
    case templatesSynced([Template])
    case tier(MessagingTier)
    case numberStatus(NumberStatus)
    /// The platform restricted (or lifted the restriction on) business-initiated
    /// messaging; a restriction with an end lifts itself then.
    case businessInitiatedRestriction(Bool, until: Instant?)

    /// What the platform says became of one of our messages.
    case deliveryStatus(DeliveryStatus)
    /// The platform failed to deliver one of our messages, for good.
    case deliveryFailed(DeliveryFailure)

    /// Time passes: everything due by then runs, each at its own instant (a manual
    /// clock moves there; a live clock is already there).
    case clock(Instant)
}

/// A delivery status for one of our messages (or, when it cannot be tied to one, the
/// platform's id).
public struct DeliveryStatus: Sendable, Equatable {
    /// Our message's id when the status is tied to one, else the platform's.
    public var id: String
    /// The platform's message id (a wamid): what a retried webhook names it by.
    public var platformID: String
    public var status: String
    public var contact: ContactID?
    public var errors: [UpstreamError]
    /// How the platform billed the message, when the status says.
    public var pricing: BilledPricing?
    /// What Parley estimated the message would cost when it went, when the status is tied
    /// to one of ours: the `status` record compares the two.
    public var estimate: Pricing?

    public init(id: String, platformID: String? = nil, status: String, contact: ContactID?, errors: [UpstreamError] = [],
                pricing: BilledPricing? = nil, estimate: Pricing? = nil) {
        self.id = id
        self.platformID = platformID ?? id
        self.status = status
        self.contact = contact
        self.errors = errors
        self.pricing = pricing
        self.estimate = estimate
    }
}

extension DeliveryStatus {
    /// The key a status is remembered by, so that a retried webhook tells it once: the
    /// platform's id, which a retry always carries, whether or not it is tied to ours yet.
    public var sightingKey: String { "status:\(status):\(platformID)" }
}

/// An error code and title from the platform.
public struct UpstreamError: Sendable, Equatable {
    public var code: Int
    public var title: String?

    public init(code: Int, title: String?) {
        self.code = code
        self.title = title
    }
}

/// A message of ours the platform will not deliver: the sending bot hears of it.
public struct DeliveryFailure: Sendable, Equatable {
    public var messageID: String
    public var contact: ContactID
    public var sender: Sender
    public var reason: Reason?
    public var code: Int?
    public var detail: String?

    public init(messageID: String, to contact: ContactID, by sender: Sender, reason: Reason?, code: Int?, detail: String?) {
        self.messageID = messageID
        self.contact = contact
        self.sender = sender
        self.reason = reason
        self.code = code
        self.detail = detail
    }
}

/// What handling an event gave back, for the events whose caller waits for an answer.
public enum EventOutcome: Sendable, Equatable {
    case done
    /// An inbound message or a status seen before (the platform retries): nothing happened.
    case duplicate
    /// An agent's reply: sent, queued for its slot, or refused and why.
    case sent(SendOutcome)
    /// A claim: the hand-off the agent now holds.
    case claimed(Handoff)
    /// A macro: whether it ran, and what became of its sends.
    case macro(MacroOutcome)

    public var sendOutcome: SendOutcome? { if case .sent(let outcome) = self { outcome } else { nil } }
    public var handoff: Handoff? { if case .claimed(let handoff) = self { handoff } else { nil } }
    public var macroOutcome: MacroOutcome? { if case .macro(let outcome) = self { outcome } else { nil } }
}

/// What an agent's macro did. It is `ok` only when it ran to its end and the policy let
/// every one of its sends go: an agent must not read "done" over a refused message.
public struct MacroOutcome: Sendable, Equatable {
    /// Declared `params` the call did not give (absent, null or empty): the macro did not run.
    public var missingParams: [String] = []
    /// The script's error, when it failed part-way.
    public var error: String?
    /// Every send the macro made, in order, accepted or refused.
    public var sends: [SendOutcome] = []

    public var refusals: [SendOutcome] { sends.filter { if case .refused = $0.result { true } else { false } } }
    public var ok: Bool { missingParams.isEmpty && error == nil && refusals.isEmpty }
}
