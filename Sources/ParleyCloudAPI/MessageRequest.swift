import ParleyJSON
import ParleyPolicy

/// The body of `POST /{version}/{phone-number-id}/messages` for one outbound message.
///
/// Built from what the policy already allowed, so it checks only what the wire format itself
/// cannot express (a media item with neither link nor id, a template without a language);
/// those fail as `invalid_message` refusals, like any other malformed message.
///
/// The body is a `JSONValue`, whose encoding sorts object keys: the same request always gives
/// the same bytes, so a retried send is byte-identical to the first.
public struct MessageRequest: Sendable, Equatable {
    /// The most the platform keeps of `biz_opaque_callback_data`.
    public static let callbackDataLimit = 512

    public let to: ContactID
    public let message: OutboundMessage
    /// The id of the inbound message this one replies to (`context.message_id`).
    public let replyTo: String?
    /// Parley's own message id, handed back in every status webhook for this message.
    public let callbackData: String?
    public let body: JSONValue
    /// Where it is POSTed: `/messages`, or `/marketing_messages` for a marketing template when
    /// the deployment sends those through the Marketing Messages API.
    public let endpoint: Endpoint

    public enum Endpoint: String, Sendable {
        case messages
        /// The Marketing Messages API: the same body, delivery optimised for marketing.
        case marketingMessages = "marketing_messages"
    }

    /// - Parameters:
    ///   - template: the catalog entry the policy resolved, for template messages: it supplies
    ///     the language when the request names none, and the order of named parameters. Its
    ///     category is the latest completed one, so it also decides the endpoint.
    ///   - marketingEndpoint: send marketing templates to `/marketing_messages`.
    public init(
        to: ContactID, message: OutboundMessage, template: Template? = nil, replyTo: String? = nil,
        callbackData: String? = nil, marketingEndpoint: Bool = false
    ) throws(Refusal) {
        self.to = to
        self.message = message
        self.replyTo = replyTo
        self.callbackData = callbackData
        self.endpoint = marketingEndpoint && message.kind == .template && template?.category == .marketing ? .marketingMessages : .messages
        var fields: [String: JSONValue] = ["messaging_product": "whatsapp", "recipient_type": "individual"]
        for (key, value) in Self.recipient(to) { fields[key] = value }
        let content = try MessageContent.fields(for: message, template: template)
        fields["type"] = .string(content.type)
        fields[content.type] = content.value
        if let replyTo {
            guard !replyTo.isEmpty else { throw Refusal(.invalidMessage, "context.message_id is empty; give the id of the message replied to, or none") }
            fields["context"] = ["message_id": .string(replyTo)]
        }
        if let callbackData {
            guard callbackData.count <= Self.callbackDataLimit else {
                throw Refusal(.invalidMessage, "biz_opaque_callback_data is \(callbackData.count) characters; the limit is \(Self.callbackDataLimit)")
            }
            fields["biz_opaque_callback_data"] = .string(callbackData)
        }
        body = .object(fields)
    }

    /// The body as JSON text: the bytes to POST.
    public func encoded() -> String { body.encoded() }

    /// The path to POST to, e.g. `/v23.0/106540352242922/messages`.
    public func path(version: String, phoneNumberID: String) -> String {
        "/\(version)/\(phoneNumberID)/\(endpoint.rawValue)"
    }

    /// A phone number goes in `to` as digits without `+`, as every client and Meta's examples
    /// send it. A business-scoped user id goes in `recipient`, the field the Cloud API added
    /// for BSUIDs in 2026 (after the v23.0 OpenAPI description in the fixtures, which lacks
    /// it); `recipient_type` stays `individual`. Put in `to`, a BSUID is read as a phone
    /// number and the message is accepted but goes nowhere.
    static func recipient(_ contact: ContactID) -> [String: JSONValue] {
        switch contact.kind {
        case .phone: return ["to": .string(String(contact.value.drop(while: { $0 == "+" })))]
        case .businessScopedUser: return ["recipient": .string(contact.value)]
        }
    }
}
