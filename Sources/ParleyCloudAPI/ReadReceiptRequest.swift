import ParleyJSON

/// The body of `POST /{version}/{phone-number-id}/messages` that marks a contact's message
/// read, with the typing indicator when asked (Meta's "typing indicators", 2025): the
/// contact sees blue ticks, then "typing…" for up to 25 s or until the reply.
public struct ReadReceiptRequest: Sendable, Equatable {
    public let messageID: String
    public let typing: Bool
    public let body: JSONValue

    public init(messageID: String, typing: Bool) {
        self.messageID = messageID
        self.typing = typing
        var fields: [String: JSONValue] = ["messaging_product": "whatsapp", "status": "read", "message_id": .string(messageID)]
        if typing { fields["typing_indicator"] = ["type": "text"] }
        body = .object(fields)
    }

    /// The body as JSON text: the bytes to POST.
    public func encoded() -> String { body.encoded() }
}
