import ParleyPolicy

/// A message the dispatcher hands to the channel: the policy allowed it at this instant.
public struct Dispatch: Codable, Sendable, Equatable {
    public let id: String
    public let to: ContactID
    public let sender: Sender
    public let message: OutboundMessage
    /// The resolved template, for template messages.
    public let template: Template?
    /// The template's body with its parameters, for transcripts and logs.
    public let renderedText: String?
    /// What the policy estimated it costs: the `sent` record's, and what the platform's
    /// billing in its status webhooks is compared with.
    public let pricing: Pricing?

    public init(id: String, to: ContactID, sender: Sender, message: OutboundMessage, template: Template? = nil, renderedText: String? = nil,
                pricing: Pricing? = nil) {
        self.id = id
        self.to = to
        self.sender = sender
        self.message = message
        self.template = template
        self.renderedText = renderedText
        self.pricing = pricing
    }
}

/// A read receipt for a contact's message, with the typing indicator when asked: not a
/// message, so no policy rule applies to it.
public struct ReadReceipt: Sendable, Equatable {
    public let contact: ContactID
    /// The platform's id of the message read; `nil` for a scenario's message without one.
    public let messageID: String?
    public let typing: Bool

    public init(contact: ContactID, messageID: String?, typing: Bool) {
        self.contact = contact
        self.messageID = messageID
        self.typing = typing
    }
}

/// Where allowed messages go: the Cloud API in production, a recorder in simulation.
/// Delivery is asynchronous by nature; the channel accepts and reports later, through
/// status events, what became of a message.
public protocol Channel: AnyObject {
    func deliver(_ dispatch: Dispatch) throws
    /// Best effort: a receipt lost to a crash or a failed call costs nothing but a grey tick.
    func markRead(_ receipt: ReadReceipt)
}

/// A channel that keeps what it was given, for simulations and tests.
public final class RecordingChannel: Channel {
    public private(set) var delivered = AppendOnlyLog<Dispatch>()
    /// How many messages it was given.
    public private(set) var count = 0
    /// Keep each message (off for long runs that only count).
    public var keeps = true

    public init() {}

    public private(set) var receipts: [ReadReceipt] = []

    /// Where each kept message is in `delivered`, by its id, up to `indexed`: a simulation's
    /// status events name the message they are about, and a scan per status made long runs
    /// quadratic. Built when first asked, so a run without status events pays nothing.
    private var positions: [String: Int] = [:]
    private var indexed = 0

    public func deliver(_ dispatch: Dispatch) {
        count += 1
        if keeps { delivered.append(dispatch) }
    }

    /// The kept message with this id (the last, should an id come twice).
    public func delivered(id: String) -> Dispatch? {
        for position in indexed..<delivered.count { positions[delivered[position].id] = position }
        indexed = delivered.count
        return positions[id].map { delivered[$0] }
    }

    public func markRead(_ receipt: ReadReceipt) {
        if keeps { receipts.append(receipt) }
    }
}
