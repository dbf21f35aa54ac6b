import ParleyPolicy

/// One thing a webhook POST told us, in the runtime's terms.
public enum WebhookEvent: Sendable, Equatable {
    /// A contact wrote: any inbound message, which opens or restarts the service window.
    case message(InboundMessage)
    /// Delivery news about a message the business sent.
    case status(MessageStatus)
    /// The platform's own notice about a contact: a new number or a new identity.
    case system(SystemNotice)
    /// A voice call started, ended or changed state.
    case call(CallEvent)
    /// A message the business sent from another client (the WhatsApp Business app), echoed.
    case echo(EchoedMessage)
    /// A contact stopped or resumed marketing messages through the platform's own control.
    case marketingPreference(MarketingPreference)
    case templateStatus(TemplateStatusUpdate)
    case templateQuality(TemplateQualityUpdate)
    case templateCategory(TemplateCategoryUpdate)
    case phoneNumberQuality(PhoneNumberQualityUpdate)
    case phoneNumberName(PhoneNumberNameUpdate)
    case accountUpdate(AccountUpdate)
    case businessCapability(BusinessCapabilityUpdate)
}

extension WebhookEvent {
    /// The business number the event is about (`metadata.phone_number_id`); `nil` for the
    /// account's and templates' events, which concern every number of the account.
    public var phoneNumberID: String? {
        switch self {
        case .message(let m): m.phoneNumberID
        case .status(let s): s.phoneNumberID
        case .system(let n): n.phoneNumberID
        case .call(let c): c.phoneNumberID
        case .echo(let e): e.phoneNumberID
        case .marketingPreference(let p): p.phoneNumberID
        case .templateStatus, .templateQuality, .templateCategory, .phoneNumberQuality, .phoneNumberName, .accountUpdate,
            .businessCapability:
            nil
        }
    }
}

/// What one webhook body held: the events in payload order, and one human-readable note for
/// each thing that could not become an event (or became one only in part).
public struct WebhookBatch: Sendable, Equatable {
    public var events: [WebhookEvent]
    public var skipped: [String]

    public init(events: [WebhookEvent] = [], skipped: [String] = []) {
        self.events = events
        self.skipped = skipped
    }
}

/// An error the platform attached to a status, a message or a call.
public struct PlatformError: Sendable, Equatable {
    /// The Cloud API error code (131047, 131051...): logic keys on it, never on the text.
    public var code: Int
    public var title: String?
    public var message: String?
    public var details: String?

    public init(code: Int, title: String? = nil, message: String? = nil, details: String? = nil) {
        self.code = code
        self.title = title
        self.message = message
        self.details = details
    }
}
