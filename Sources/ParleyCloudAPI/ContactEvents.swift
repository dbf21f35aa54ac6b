import ParleyPolicy

/// A system message about a contact (docs/rules.md §7).
public struct SystemNotice: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        /// `user_changed_number` (older `customer_changed_number`): the person's new number.
        case numberChanged(from: ContactID, to: ContactID)
        /// `user_changed_user_id`: the person's business-scoped user id changed.
        case userIDChanged(from: ContactID, to: ContactID)
        /// `user_identity_changed` / `customer_identity_changed`: sends to the contact are
        /// refused until an operator acknowledges the change.
        case identityChanged(contact: ContactID, identityKeyHash: String?)
    }

    public var change: Change
    public var messageID: String?
    public var timestamp: Instant?
    public var phoneNumberID: String?
    /// The platform's sentence, e.g. "User A changed from … to …".
    public var body: String?

    public init(
        change: Change, messageID: String? = nil, timestamp: Instant? = nil, phoneNumberID: String? = nil,
        body: String? = nil
    ) {
        self.change = change
        self.messageID = messageID
        self.timestamp = timestamp
        self.phoneNumberID = phoneNumberID
        self.body = body
    }
}

/// The `user_preferences` webhook: the contact used the platform's own control to stop or
/// resume marketing messages (docs/rules.md §5).
public struct MarketingPreference: Sendable, Equatable {
    public var contact: ContactID
    /// `true` for `stop`; `false` for `resume` and `signup`.
    public var optedOut: Bool
    /// The platform's value, lower-cased: `stop`, `resume`, `signup`.
    public var value: String
    public var detail: String?
    public var timestamp: Instant?
    public var phoneNumberID: String?

    public init(
        contact: ContactID, optedOut: Bool, value: String, detail: String? = nil, timestamp: Instant? = nil,
        phoneNumberID: String? = nil
    ) {
        self.contact = contact
        self.optedOut = optedOut
        self.value = value
        self.detail = detail
        self.timestamp = timestamp
        self.phoneNumberID = phoneNumberID
    }
}

/// A voice call event. A call the contact placed opens the service window like a message
/// (docs/rules.md §1); one the business placed does not.
public struct CallEvent: Sendable, Equatable {
    /// The call id (`wacid.…`).
    public var id: String
    /// The other party: never the business's own number.
    public var contact: ContactID
    /// `connect`, `terminate`, or `status` for a call status update.
    public var event: String
    /// `USER_INITIATED` or `BUSINESS_INITIATED`, when given.
    public var direction: String?
    /// `RINGING`, `ACCEPTED`, `COMPLETED`, `FAILED`...
    public var status: String?
    public var timestamp: Instant?
    public var phoneNumberID: String?
    public var errors: [PlatformError]

    public init(
        id: String, contact: ContactID, event: String, direction: String? = nil, status: String? = nil,
        timestamp: Instant? = nil, phoneNumberID: String? = nil, errors: [PlatformError] = []
    ) {
        self.id = id
        self.contact = contact
        self.event = event
        self.direction = direction
        self.status = status
        self.timestamp = timestamp
        self.phoneNumberID = phoneNumberID
        self.errors = errors
    }

    /// The contact placed the call.
    public var isUserInitiated: Bool { direction?.uppercased() == "USER_INITIATED" }
}

/// A message the business sent from another client on the same number (the WhatsApp
/// Business app, `smb_message_echoes`). It is outbound: it opens no window.
public struct EchoedMessage: Sendable, Equatable {
    public var id: String
    /// `nil` when the payload names no valid recipient.
    public var to: ContactID?
    public var content: InboundContent
    public var timestamp: Instant?
    public var phoneNumberID: String?

    public init(id: String, to: ContactID?, content: InboundContent, timestamp: Instant? = nil, phoneNumberID: String? = nil) {
        self.id = id
        self.to = to
        self.content = content
        self.timestamp = timestamp
        self.phoneNumberID = phoneNumberID
    }
}
