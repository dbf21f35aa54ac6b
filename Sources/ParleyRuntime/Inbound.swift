import ParleyJSON
import ParleyPolicy

/// A message from a contact, as the runtime handles it: from a webhook, a scenario or a
/// spec. Any inbound message opens (or restarts) the customer service window.
public struct Inbound: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case text(String)
        /// A tap on a template's quick-reply button.
        case button(payload: String?, text: String)
        /// A tap on an interactive reply button or a list row.
        case reply(id: String, title: String)
        /// Media; `kind` is image, video, audio, document or sticker.
        case media(kind: String, id: String?, caption: String?)
        /// Anything else (location, reaction, contacts, order, call...): it still opens the
        /// window, and the bot sees its type.
        case other(type: String, text: String?)
    }

    /// The platform's message id, for deduplication; `nil` for scenario messages.
    public var id: String?
    /// The phone number when the platform gave one, else the user id.
    public var from: ContactID
    /// The person's business-scoped user id, when the platform named one beside the number:
    /// it keeps them in one conversation once the number is withheld.
    public var userID: ContactID?
    public var content: Content
    /// Where the contact came from, when they wrote from an ad or a page button.
    public var referral: Referral?

    public init(id: String? = nil, from: ContactID, userID: ContactID? = nil, content: Content, referral: Referral? = nil) {
        self.id = id
        self.from = from
        self.userID = userID == from ? nil : userID
        self.content = content
        self.referral = referral
    }

    /// A Click-to-WhatsApp ad or a page's button the contact wrote from: their reply opens a
    /// free entry point window (docs/rules.md §16.2). What identifies it, as the platform gives it.
    public struct Referral: Sendable, Equatable {
        /// `ad` or `post`.
        public var sourceType: String?
        public var sourceID: String?
        public var sourceURL: String?
        public var headline: String?
        /// The click id (`ctwa_clid`) that ties the conversation to the ad.
        public var clickID: String?

        public init(sourceType: String? = nil, sourceID: String? = nil, sourceURL: String? = nil, headline: String? = nil, clickID: String? = nil) {
            self.sourceType = sourceType
            self.sourceID = sourceID
            self.sourceURL = sourceURL
            self.headline = headline
            self.clickID = clickID
        }

        /// `msg.referral` and the inbound record's `referral`: the fields given, by the platform's names.
        var json: JSONValue {
            var fields: [String: JSONValue] = [:]
            for (key, value) in [("source_type", sourceType), ("source_id", sourceID), ("source_url", sourceURL), ("headline", headline), ("ctwa_clid", clickID)] {
                if let value { fields[key] = .string(value) }
            }
            return .object(fields)
        }
    }

    /// The text a person typed or tapped: what keywords are matched against.
    public var text: String? {
        switch content {
        case .text(let t): return t
        case .button(_, let text): return text
        case .reply(_, let title): return title
        case .media(_, _, let caption): return caption
        case .other(_, let text): return text
        }
    }

    /// `msg.type`: text, button, reply, a media kind, or another platform type.
    public var type: String {
        switch content {
        case .text: return "text"
        case .button: return "button"
        case .reply: return "reply"
        case .media(let kind, _, _): return kind
        case .other(let type, _): return type
        }
    }

    /// Whether keywords (STOP, START, human...) apply: to what a person typed or tapped.
    var carriesKeywords: Bool {
        switch content {
        case .text, .button, .reply: return true
        case .media, .other: return false
        }
    }

    /// `msg` as scripts see it: `msg.type`, `msg.text`, `msg.button`, `msg.reply`, `msg.media`.
    var scriptValue: JSONValue {
        var fields = [String: JSONValue](minimumCapacity: 4)
        if let id { fields["id"] = .string(id) }
        if let referral { fields["referral"] = referral.json }
        switch content {
        case .text(let t):
            fields["type"] = "text"
            fields["text"] = .string(t)
        case .button(let payload, let text):
            fields["type"] = "button"
            fields["text"] = .string(text)
            fields["button"] = ["id": .string(payload ?? text), "title": .string(text)]
        case .reply(let id, let title):
            fields["type"] = "reply"
            fields["text"] = .string(title)
            fields["reply"] = ["id": .string(id), "title": .string(title)]
        case .media(let kind, let id, let caption):
            fields["type"] = .string(kind)
            var media: [String: JSONValue] = ["kind": .string(kind)]
            if let id { media["id"] = .string(id) }
            if let caption {
                media["caption"] = .string(caption)
                fields["text"] = .string(caption)
            }
            fields["media"] = .object(media)
        case .other(let type, let text):
            fields["type"] = .string(type)
            if let text { fields["text"] = .string(text) }
        }
        return .object(fields)
    }
}
