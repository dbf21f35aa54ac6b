/// What a sender asks to send. Free-form kinds go out only inside the customer service
/// window; a template may go out at any time.
public enum OutboundMessage: Codable, Sendable, Equatable {
    case text(String)
    case media(Media)
    case buttons(Interactive, [ReplyButton])
    case list(Interactive, ListMenu)
    case template(TemplateRequest)

    /// `session` for free-form messages, `template` for templates: what the transcript's
    /// `kind` says.
    public var kind: MessageKind {
        if case .template = self { return .template }
        return .session
    }
}

public enum MessageKind: String, Codable, Sendable {
    case session, template
}

public struct Media: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case image, document, video, audio, sticker }
    public var kind: Kind
    /// A public URL or an uploaded media id: one of the two.
    public var link: String?
    public var id: String?
    public var caption: String?
    public var filename: String?

    public init(kind: Kind, link: String? = nil, id: String? = nil, caption: String? = nil, filename: String? = nil) {
        self.kind = kind
        self.link = link
        self.id = id
        self.caption = caption
        self.filename = filename
    }

    /// The platform takes media by link or by uploaded id: exactly one of the two.
    public var hasOneSource: Bool { !(link ?? "").isEmpty != !(id ?? "").isEmpty }
}

/// The parts an interactive message shares: body, and optional header and footer text.
public struct Interactive: Codable, Sendable, Equatable {
    public var body: String
    public var header: String?
    public var footer: String?

    public init(body: String, header: String? = nil, footer: String? = nil) {
        self.body = body
        self.header = header
        self.footer = footer
    }
}

public struct ReplyButton: Codable, Sendable, Equatable {
    public var id: String
    public var title: String

    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }
}

public struct ListMenu: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var description: String?
        public init(id: String, title: String, description: String? = nil) {
            self.id = id
            self.title = title
            self.description = description
        }
    }

    public struct Section: Codable, Sendable, Equatable {
        public var title: String?
        public var rows: [Row]
        public init(title: String? = nil, rows: [Row]) {
            self.title = title
            self.rows = rows
        }
    }

    /// The label of the button that opens the list.
    public var button: String
    public var sections: [Section]

    public init(button: String, sections: [Section]) {
        self.button = button
        self.sections = sections
    }
}

/// A template to send: its name, optionally its language (else the conversation's, with
/// fallbacks), and the values of each component that takes any.
public struct TemplateRequest: Codable, Sendable, Equatable {
    public var name: String
    public var language: String?
    public var body: TemplateArguments
    public var header: TemplateHeaderValue
    public var buttons: [TemplateButtonValue]
    /// An authentication template's one-time password: it goes in the password button, and
    /// in the body's placeholder when no body values are given (the platform wants it in both).
    public var code: String?

    public init(
        name: String, language: String? = nil, body: TemplateArguments = .none, header: TemplateHeaderValue = .none,
        buttons: [TemplateButtonValue] = [], code: String? = nil
    ) {
        self.name = name
        self.language = language
        self.body = body
        self.header = header
        self.buttons = buttons
        self.code = code
    }

    /// The body's values, the password standing in when none are given.
    public var bodyArguments: TemplateArguments {
        guard body.count == 0, let code else { return body }
        return .positional([code])
    }

    private enum Keys: String, CodingKey { case name, language, body, header, buttons, code }

    // Buttons and code may be absent: messages stored before templates took them still read.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), language: try c.decodeIfPresent(String.self, forKey: .language),
            body: try c.decode(TemplateArguments.self, forKey: .body), header: try c.decode(TemplateHeaderValue.self, forKey: .header),
            buttons: try c.decodeIfPresent([TemplateButtonValue].self, forKey: .buttons) ?? [],
            code: try c.decodeIfPresent(String.self, forKey: .code))
    }
}

/// Values for a template's placeholders: positional (`{{1}}`, `{{2}}`) or named
/// (`{{first_name}}`).
public enum TemplateArguments: Codable, Sendable, Equatable {
    case positional([String])
    case named([String: String])

    public static let none = TemplateArguments.positional([])

    public var count: Int {
        switch self {
        case .positional(let values): return values.count
        case .named(let values): return values.count
        }
    }

    public var values: [String] {
        switch self {
        case .positional(let values): return values
        case .named(let values): return values.keys.sorted().map { values[$0]! }
        }
    }
}
