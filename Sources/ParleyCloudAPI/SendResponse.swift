import ParleyJSON

/// The success body of a send:
/// `{"messaging_product":"whatsapp","contacts":[{"input","wa_id"}],"messages":[{"id":"wamid..."}]}`.
///
/// It means *accepted*, not delivered (docs/rules.md §9): the wamid is what later status
/// webhooks name, so it is the one field that must be there.
public struct SendResponse: Sendable, Equatable {
    /// The platform's message id (`wamid.…`).
    public var messageID: String
    /// The recipient's WhatsApp id as the platform resolved it (trimmed: some carry a
    /// trailing space); `nil` when the send went to a business-scoped user id only.
    public var waID: String?
    /// The recipient's business-scoped user id, which newer versions add.
    public var userID: String?
    /// What was sent as the recipient, echoed back.
    public var input: String?
    /// `accepted`, or `held_for_quality_assessment` / `paused` for marketing templates.
    public var messageStatus: String?

    public init(messageID: String, waID: String? = nil, userID: String? = nil, input: String? = nil, messageStatus: String? = nil) {
        self.messageID = messageID
        self.waID = waID
        self.userID = userID
        self.input = input
        self.messageStatus = messageStatus
    }

    /// The platform holds the message (template pacing: `held_for_quality_assessment`, or
    /// `paused`): neither sent nor failed until a status webhook says which.
    public var isHeld: Bool { messageStatus == "held_for_quality_assessment" || messageStatus == "paused" }

    public init(body: String) throws(UnexpectedResponse) {
        let json: JSONValue
        do {
            json = try JSONValue.parse(body)
        } catch {
            throw UnexpectedResponse(problem: "the send response is not JSON: \(error.description)")
        }
        try self.init(json: json)
    }

    public init(json: JSONValue) throws(UnexpectedResponse) {
        guard let message = json.list("messages").first, let id = message.text("id") else {
            let shape = json.objectValue.map { "an object with \($0.keys.sorted().joined(separator: ", "))" } ?? json.kindWithArticle
            throw UnexpectedResponse(problem: "the send response has no messages[0].id; it is \(shape)")
        }
        let contact = json.list("contacts").first
        self.init(
            messageID: id, waID: contact?.text("wa_id"), userID: contact?.text("user_id"), input: contact?.text("input"),
            messageStatus: message.text("message_status"))
    }
}

/// A 2xx body that is not what the call returns: the send may or may not have been accepted,
/// so it is reported, not retried blindly.
public struct UnexpectedResponse: Error, Sendable, Equatable, CustomStringConvertible {
    public var problem: String

    public init(problem: String) { self.problem = problem }

    public var description: String { problem }
}
