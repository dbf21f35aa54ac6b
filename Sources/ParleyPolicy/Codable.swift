/// Codable forms of the policy's values, for durable storage: plain and stable (contacts
/// and owners as their text, instants as milliseconds), so a stored row reads as it means.

extension Instant: Codable {
    public init(from decoder: Decoder) throws {
        self.init(millisecondsSinceEpoch: try decoder.singleValueContainer().decode(Int64.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(millisecondsSinceEpoch)
    }
}

extension Span: Codable {
    public init(from decoder: Decoder) throws {
        self.init(milliseconds: try decoder.singleValueContainer().decode(Int64.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(milliseconds)
    }
}

extension ContactID: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let raw = try c.decode(String.self)
        guard let id = ContactID(raw) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "\"\(raw)\" is not a contact")
        }
        self = id
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension Owner: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let raw = try c.decode(String.self)
        if raw == "nobody" {
            self = .nobody
        } else if let owner = Owner(parsing: raw) {
            self = owner
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "\"\(raw)\" is not an owner")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension Sender: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let raw = try c.decode(String.self)
        let parts = raw.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count) {
        case ("agent", 1): self = .agent(nil)
        case ("agent", 2): self = .agent(parts[1])
        case ("core", 1): self = .core
        case ("bot", 2): self = .bot(parts[1])
        case ("automation", 2): self = .automation(parts[1])
        case ("macro", 2): self = .macro(parts[1])
        default: throw DecodingError.dataCorruptedError(in: c, debugDescription: "\"\(raw)\" is not a sender")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Statuses and standings as the platform spells them.
extension TemplateStatus: Codable {
    public init(from decoder: Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension NumberStatus: Codable {
    public init(from decoder: Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension MessagingTier: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let raw = try c.decode(String.self)
        guard let tier = MessagingTier(platform: raw) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "\"\(raw)\" is not a tier")
        }
        self = tier
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .unlimited: try c.encode("TIER_UNLIMITED")
        case .limited(let n): try c.encode(String(n))
        }
    }
}


extension SendRequest: Codable {
    private enum Keys: String, CodingKey { case id, sender, to, message }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(id: try c.decode(String.self, forKey: .id), sender: try c.decode(Sender.self, forKey: .sender),
                  to: try c.decode(String.self, forKey: .to), message: try c.decode(OutboundMessage.self, forKey: .message))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encode(sender, forKey: .sender)
        try c.encode(rawRecipient, forKey: .to)
        try c.encode(message, forKey: .message)
    }
}

extension Template: Codable {
    private enum Keys: String, CodingKey {
        case name, language, category, status, quality, header, body, footer, buttons, pauseCount, pausedUntil
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), language: try c.decode(String.self, forKey: .language),
            category: try c.decode(TemplateCategory.self, forKey: .category), status: try c.decode(TemplateStatus.self, forKey: .status),
            quality: try c.decode(TemplateQuality.self, forKey: .quality), header: try c.decodeIfPresent(Header.self, forKey: .header),
            body: try c.decode(String.self, forKey: .body), footer: try c.decodeIfPresent(String.self, forKey: .footer),
            buttons: try c.decode([Button].self, forKey: .buttons), pauseCount: try c.decode(Int.self, forKey: .pauseCount),
            pausedUntil: try c.decodeIfPresent(Instant.self, forKey: .pausedUntil))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(name, forKey: .name)
        try c.encode(language, forKey: .language)
        try c.encode(category, forKey: .category)
        try c.encode(status, forKey: .status)
        try c.encode(quality, forKey: .quality)
        try c.encodeIfPresent(header, forKey: .header)
        try c.encode(body, forKey: .body)
        try c.encodeIfPresent(footer, forKey: .footer)
        try c.encode(buttons, forKey: .buttons)
        try c.encode(pauseCount, forKey: .pauseCount)
        try c.encodeIfPresent(pausedUntil, forKey: .pausedUntil)
    }
}

/// Money as its whole millionths: stored exactly, as it is summed.
extension Money: Codable {
    public init(from decoder: Decoder) throws {
        self.init(micros: try decoder.singleValueContainer().decode(Int64.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(micros)
    }
}
