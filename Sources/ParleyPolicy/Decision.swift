/// One request to send, as the core judges it.
public struct SendRequest: Sendable, Equatable {
    /// The message's id, the key of its audit trail.
    public var id: String
    public var sender: Sender
    /// The recipient as given; `recipient` is its normalized form, `nil` when invalid.
    public var rawRecipient: String
    public var recipient: ContactID?
    public var message: OutboundMessage

    public init(id: String, sender: Sender, to raw: String, message: OutboundMessage) {
        self.id = id
        self.sender = sender
        self.rawRecipient = raw
        self.recipient = ContactID(raw)
        self.message = message
    }

    public init(id: String, sender: Sender, to contact: ContactID, message: OutboundMessage) {
        self.id = id
        self.sender = sender
        self.rawRecipient = contact.description
        self.recipient = contact
        self.message = message
    }
}

/// The inputs of a decision besides the request and the catalog.
public struct PolicyFacts: Sendable, Equatable {
    public var account: AccountStanding
    public var contact: ContactStanding
    public var limit: LimitStanding
    /// The conversation's language, for templates asked for without one.
    public var language: String?
    /// What was spent in this day and month, when the deployment has budgets to check.
    public var spend: SpendStanding?

    public init(account: AccountStanding, contact: ContactStanding, limit: LimitStanding, language: String? = nil, spend: SpendStanding? = nil) {
        self.account = account
        self.contact = contact
        self.limit = limit
        self.language = language
        self.spend = spend
    }
}

/// When a decision was made: when a script asked, or when the dispatcher was about to
/// send (the window may have closed, a template may have been paused, a human may have
/// taken over meanwhile).
public enum DecisionStage: String, Sendable {
    case request, dispatch
}

/// What the core decided about one message, with everything it decided on. This is the
/// audit record: "why was this message blocked?" reads its answer here.
public struct Decision: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// `businessInitiated`: a template outside the window, which counts toward the
        /// messaging limit.
        case allowed(kind: MessageKind, businessInitiated: Bool)
        case refused(Refusal)
    }

    public let at: Instant
    public let stage: DecisionStage
    public let request: SendRequest
    public let facts: PolicyFacts
    /// When the window closes (closed) for this contact, as the decision saw it.
    public let windowEnd: Instant?
    /// The template the request resolved to, as it stood.
    public let template: Template?
    /// The template's text with its parameters filled in.
    public let hydratedBody: String?
    /// The rule that settled the outcome.
    public let rule: String
    public let outcome: Outcome
    /// What the message is estimated to cost, once its category is known: a free-form
    /// message is `service`, a template its category. Refused messages carry it too.
    public var pricing: Pricing? = nil

    public var isAllowed: Bool {
        if case .allowed = outcome { return true }
        return false
    }

    public var refusal: Refusal? {
        if case .refused(let r) = outcome { return r }
        return nil
    }

    public var countsTowardLimit: Bool {
        if case .allowed(_, let businessInitiated) = outcome { return businessInitiated && !facts.limit.alreadyCounted }
        return false
    }
}

extension Decision {
    /// The same decision, refused by a rule that runs after the policy's own: pacing, or
    /// the atomic limit reservation.
    public func overruled(by refusal: Refusal, rule: String) -> Decision {
        Decision(at: at, stage: stage, request: request, facts: facts, windowEnd: windowEnd, template: template,
                 hydratedBody: hydratedBody, rule: rule, outcome: .refused(refusal), pricing: pricing)
    }
}
