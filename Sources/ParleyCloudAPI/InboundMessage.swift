import ParleyPolicy

/// A message a contact sent to the business.
public struct InboundMessage: Sendable, Equatable {
    /// The platform's message id (`wamid.…`): the key for deduplication, since the platform
    /// retries and reorders deliveries.
    public var id: String
    /// The sender. When the payload gives both a phone number and a business-scoped user id,
    /// the phone number; with only a user id, that.
    public var from: ContactID
    /// The business-scoped user id as the payload spells it, when it gives one.
    public var userID: String?
    public var profileName: String?
    public var timestamp: Instant?
    /// The business number that received it (`metadata.phone_number_id`).
    public var phoneNumberID: String?
    public var displayPhoneNumber: String?
    public var content: InboundContent
    /// The message this one replies to (`context.id`).
    public var contextMessageID: String?
    public var isForwarded: Bool
    public var isFrequentlyForwarded: Bool
    /// Present when the contact arrived from a Click-to-WhatsApp ad or a post.
    public var referral: Referral?
    /// The contact's identity key hash, when the business turned on identity checks:
    /// a change from the last one seen means the identity changed.
    public var identityKeyHash: String?
    /// Errors the platform attached, as on unsupported messages (131051).
    public var errors: [PlatformError]

    public init(
        id: String, from: ContactID, userID: String? = nil, profileName: String? = nil, timestamp: Instant? = nil,
        phoneNumberID: String? = nil, displayPhoneNumber: String? = nil, content: InboundContent,
        contextMessageID: String? = nil, isForwarded: Bool = false, isFrequentlyForwarded: Bool = false,
        referral: Referral? = nil, identityKeyHash: String? = nil, errors: [PlatformError] = []
    ) {
        self.id = id
        self.from = from
        self.userID = userID
        self.profileName = profileName
        self.timestamp = timestamp
        self.phoneNumberID = phoneNumberID
        self.displayPhoneNumber = displayPhoneNumber
        self.content = content
        self.contextMessageID = contextMessageID
        self.isForwarded = isForwarded
        self.isFrequentlyForwarded = isFrequentlyForwarded
        self.referral = referral
        self.identityKeyHash = identityKeyHash
        self.errors = errors
    }
}

/// What an inbound message carries.
public indirect enum InboundContent: Sendable, Equatable {
    case text(String)
    case media(Media)
    case location(Location)
    case contacts([SharedContact])
    /// `emoji` is `nil` when the contact removed their reaction.
    case reaction(messageID: String, emoji: String?)
    /// A tap on a template's quick-reply button.
    case button(text: String, payload: String?)
    /// A tap on an interactive reply button.
    case buttonReply(id: String, title: String)
    case listReply(id: String, title: String, description: String?)
    /// A completed WhatsApp Flow (`nfm_reply`).
    case flowCompletion(FlowCompletion)
    /// The contact's answer to a request for permission to call them.
    case callPermissionReply(accepted: Bool, expires: Instant?)
    case order(Order)
    /// The contact edited an earlier message; `content` is the new version.
    case edited(originalMessageID: String, content: InboundContent)
    /// The contact deleted an earlier message for everyone.
    case deleted(originalMessageID: String)
    /// A type this decoder does not read, or one the platform itself could not show
    /// (`unsupported`, `unknown`): kept with its type name so the window still opens.
    case unsupported(type: String)
}

extension InboundContent {
    public struct Media: Sendable, Equatable {
        public enum Kind: String, Sendable, CaseIterable { case image, video, audio, document, sticker }
        public var kind: Kind
        /// The media id to download it with; absent only in malformed payloads.
        public var id: String?
        public var mimeType: String?
        public var sha256: String?
        public var caption: String?
        public var filename: String?
        public var url: String?
        /// Audio recorded as a voice note.
        public var isVoice: Bool
        public var isAnimated: Bool

        public init(
            kind: Kind, id: String?, mimeType: String? = nil, sha256: String? = nil, caption: String? = nil,
            filename: String? = nil, url: String? = nil, isVoice: Bool = false, isAnimated: Bool = false
        ) {
            self.kind = kind
            self.id = id
            self.mimeType = mimeType
            self.sha256 = sha256
            self.caption = caption
            self.filename = filename
            self.url = url
            self.isVoice = isVoice
            self.isAnimated = isAnimated
        }
    }

    public struct Location: Sendable, Equatable {
        public var latitude: Double?
        public var longitude: Double?
        public var name: String?
        public var address: String?
        public var url: String?

        public init(
            latitude: Double?, longitude: Double?, name: String? = nil, address: String? = nil, url: String? = nil
        ) {
            self.latitude = latitude
            self.longitude = longitude
            self.name = name
            self.address = address
            self.url = url
        }
    }

    public struct SharedContact: Sendable, Equatable {
        public struct Phone: Sendable, Equatable {
            public var number: String
            public var waID: String?
            public var type: String?
            public init(number: String, waID: String? = nil, type: String? = nil) {
                self.number = number
                self.waID = waID
                self.type = type
            }
        }
        public var name: String?
        public var phones: [Phone]
        public var emails: [String]

        public init(name: String?, phones: [Phone] = [], emails: [String] = []) {
            self.name = name
            self.phones = phones
            self.emails = emails
        }
    }

    public struct FlowCompletion: Sendable, Equatable {
        public var name: String?
        public var body: String?
        /// The flow's answers, as the JSON text the platform sends.
        public var responseJSON: String
        /// The token the business gave when it sent the flow, read from the answers.
        public var flowToken: String?

        public init(name: String? = nil, body: String? = nil, responseJSON: String, flowToken: String? = nil) {
            self.name = name
            self.body = body
            self.responseJSON = responseJSON
            self.flowToken = flowToken
        }
    }

    public struct Order: Sendable, Equatable {
        public struct Item: Sendable, Equatable {
            public var productRetailerID: String
            public var quantity: Int?
            public var itemPrice: Double?
            public var currency: String?
            public init(productRetailerID: String, quantity: Int? = nil, itemPrice: Double? = nil, currency: String? = nil) {
                self.productRetailerID = productRetailerID
                self.quantity = quantity
                self.itemPrice = itemPrice
                self.currency = currency
            }
        }
        public var catalogID: String?
        public var text: String?
        public var items: [Item]

        public init(catalogID: String?, text: String? = nil, items: [Item]) {
            self.catalogID = catalogID
            self.text = text
            self.items = items
        }
    }
}

/// Where a contact came from when they wrote through an ad or a post (Click-to-WhatsApp).
/// It starts the 72 h free-pricing window: cost accounting only, the service window is unchanged.
public struct Referral: Sendable, Equatable {
    public var sourceURL: String?
    public var sourceID: String?
    public var sourceType: String?
    public var headline: String?
    public var body: String?
    public var mediaType: String?
    public var imageURL: String?
    public var videoURL: String?
    public var thumbnailURL: String?
    /// The click id (`ctwa_clid`) that ties the conversation to the ad.
    public var clickID: String?

    public init(
        sourceURL: String? = nil, sourceID: String? = nil, sourceType: String? = nil, headline: String? = nil,
        body: String? = nil, mediaType: String? = nil, imageURL: String? = nil, videoURL: String? = nil,
        thumbnailURL: String? = nil, clickID: String? = nil
    ) {
        self.sourceURL = sourceURL
        self.sourceID = sourceID
        self.sourceType = sourceType
        self.headline = headline
        self.body = body
        self.mediaType = mediaType
        self.imageURL = imageURL
        self.videoURL = videoURL
        self.thumbnailURL = thumbnailURL
        self.clickID = clickID
    }
}
