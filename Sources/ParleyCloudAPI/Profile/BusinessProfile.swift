import ParleyJSON

/// The business profile a customer sees in WhatsApp (`/{phone-number-id}/whatsapp_business_profile`):
/// read from a local profile file, or from the platform's answer, and checked against the
/// platform's limits before it is pushed.
public struct BusinessProfile: Sendable, Equatable {
    public var about: String?
    public var address: String?
    public var description: String?
    public var email: String?
    public var websites: [String]?
    public var vertical: String?
    /// A local image to upload as the profile photo (in a profile file, relative to it).
    public var photo: String?
    /// The photo as the platform shows it (in its answer).
    public var pictureURL: String?
    /// Keys of a profile file that are not profile fields: most often a typo.
    public var unknownKeys: [String] = []

    /// The industries the platform knows (`vertical`).
    public static let verticals = ["OTHER", "AUTO", "BEAUTY", "APPAREL", "EDU", "ENTERTAIN", "EVENT_PLAN", "FINANCE", "GROCERY", "GOVT",
                                   "HOTEL", "HEALTH", "NONPROFIT", "PROF_SERVICES", "RETAIL", "TRAVEL", "RESTAURANT", "ALCOHOL",
                                   "ONLINE_GAMBLING", "PHYSICAL_GAMBLING", "OTC_DRUGS"]
    static let keys: Set<String> = ["about", "address", "description", "email", "websites", "vertical", "photo", "profile_picture_url", "messaging_product"]

    /// A profile file's object, or the platform's answer (`{"data": [{"business_profile": {...}}]}`
    /// or the profile object alone).
    public init(_ json: JSONValue) {
        let fields = json["data"]?.arrayValue?.first?["business_profile"] ?? json["data"]?.arrayValue?.first ?? json
        about = fields["about"]?.stringValue
        address = fields["address"]?.stringValue
        description = fields["description"]?.stringValue
        email = fields["email"]?.stringValue
        websites = fields["websites"]?.arrayValue?.compactMap(\.stringValue)
        vertical = fields["vertical"]?.stringValue
        photo = fields["photo"]?.stringValue
        pictureURL = fields["profile_picture_url"]?.stringValue
        unknownKeys = (fields.objectValue ?? [:]).keys.filter { !Self.keys.contains($0) }.sorted()
    }

    /// Every problem at once, each named by its field, in the file `file`.
    public func problems(file: String) -> [LintProblem] {
        var problems: [LintProblem] = []
        func error(_ field: String, _ message: String, _ fix: String) {
            problems.append(LintProblem(.error, file: file, template: "profile", component: field, message, fix: fix))
        }
        for key in unknownKeys {
            error(key, "\"\(key)\" is not a profile field", "use about, address, description, email, websites, vertical and photo")
        }
        if let about {
            if about.isEmpty { error("about", "the about text is empty", "write one line, or leave about out") }
            if about.count > 139 { error("about", "the about text is \(about.count) characters, over 139", "shorten it") }
        }
        if let address, address.count > 256 { error("address", "the address is \(address.count) characters, over 256", "shorten it") }
        // The Graph API takes 512; 256 is the stricter limit channels document, and the OpenAPI's.
        if let description, description.count > 256 {
            error("description", "the description is \(description.count) characters, over 256", "shorten it")
        }
        if let email {
            if email.count > 128 { error("email", "the e-mail address is \(email.count) characters, over 128", "use a shorter address") }
            if !Self.looksLikeEmail(email) { error("email", "\"\(email)\" is not an e-mail address", "write it as name@example.com") }
        }
        if let websites {
            if websites.count > 2 { error("websites", "\(websites.count) websites; the profile shows at most 2", "keep two") }
            for (index, site) in websites.enumerated() {
                let place = "websites[\(index + 1)]"
                if !(site.hasPrefix("https://") || site.hasPrefix("http://")) || site.count <= 8 {
                    error(place, "\"\(site)\" does not start with http:// or https://", "write the whole address, such as https://shop.example")
                }
                if site.count > 256 { error(place, "the address is \(site.count) characters, over 256", "use a shorter one") }
            }
        }
        if let vertical, !Self.verticals.contains(vertical) {
            let near = Self.verticals.first { $0 == vertical.uppercased() }
            error("vertical", "\"\(vertical)\" is not an industry the platform knows", near.map { "write \"\($0)\"" } ?? "use one of \(Self.verticals.joined(separator: ", "))")
        }
        return problems
    }

    /// The body of `POST /{phone-number-id}/whatsapp_business_profile`: the fields the
    /// profile sets, and the uploaded photo's handle.
    public func updateRequest(photoHandle: String? = nil) -> JSONValue {
        var body: [String: JSONValue] = ["messaging_product": "whatsapp"]
        for (key, value) in [("about", about), ("address", address), ("description", description), ("email", email), ("vertical", vertical)] {
            if let value { body[key] = .string(value) }
        }
        if let websites { body["websites"] = .array(websites.map(JSONValue.string)) }
        if let photoHandle { body["profile_picture_handle"] = .string(photoHandle) }
        return .object(body)
    }

    /// One `@`, something before it, and a dot in a domain after it, without spaces.
    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !text.contains(where: \.isWhitespace) else { return false }
        let domain = parts[1]
        guard let dot = domain.lastIndex(of: "."), dot != domain.startIndex else { return false }
        return domain.index(after: dot) < domain.endIndex
    }
}
