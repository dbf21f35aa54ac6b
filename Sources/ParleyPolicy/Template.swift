/// Name and language: together they name one template.
public struct TemplateKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var name: String
    public var language: String

    public init(name: String, language: String) {
        self.name = name
        self.language = language
    }

    public static func < (a: TemplateKey, b: TemplateKey) -> Bool { (a.name, a.language) < (b.name, b.language) }
    public var description: String { "\(name)/\(language)" }
}

public enum TemplateStatus: Hashable, Sendable, CustomStringConvertible {
    case approved, pending, rejected, paused, disabled
    /// Any other platform status (`IN_APPEAL`, `FLAGGED`, `LIMIT_EXCEEDED`, `ARCHIVED`,
    /// `DELETED`, `PENDING_DELETION`, `LOCKED`...): never sendable.
    case other(String)

    public init(_ raw: String) {
        switch raw.uppercased() {
        case "APPROVED": self = .approved
        case "PENDING": self = .pending
        case "REJECTED": self = .rejected
        case "PAUSED": self = .paused
        case "DISABLED": self = .disabled
        case let other: self = .other(other)
        }
    }

    public var description: String {
        switch self {
        case .approved: return "APPROVED"
        case .pending: return "PENDING"
        case .rejected: return "REJECTED"
        case .paused: return "PAUSED"
        case .disabled: return "DISABLED"
        case .other(let s): return s
        }
    }
}

public enum TemplateQuality: String, Codable, Sendable, CaseIterable, Comparable {
    case green = "GREEN", unknown = "UNKNOWN", yellow = "YELLOW", red = "RED"

    /// Also the older spellings: `HIGH`, `MEDIUM`, `LOW`.
    public init?(platform raw: String) {
        switch raw.uppercased() {
        case "GREEN", "HIGH": self = .green
        case "YELLOW", "MEDIUM": self = .yellow
        case "RED", "LOW": self = .red
        case "UNKNOWN", "NONE", "": self = .unknown
        default: return nil
        }
    }

    /// `pick_template` prefers GREEN, then UNKNOWN, YELLOW, RED: the declaration order.
    public static func < (a: TemplateQuality, b: TemplateQuality) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

public enum TemplateCategory: String, Codable, Sendable, CaseIterable {
    case marketing = "MARKETING", utility = "UTILITY", authentication = "AUTHENTICATION"

    /// Also the categories from before 2023, mapped to their successors.
    public init?(platform raw: String) {
        switch raw.uppercased() {
        case "MARKETING": self = .marketing
        case "UTILITY", "TRANSACTIONAL", "ACCOUNT_UPDATE", "ALERT_UPDATE", "APPOINTMENT_UPDATE", "ISSUE_RESOLUTION",
            "PAYMENT_UPDATE", "PERSONAL_FINANCE_UPDATE", "RESERVATION_UPDATE", "SHIPPING_UPDATE", "TICKET_UPDATE",
            "TRANSPORTATION_UPDATE":
            self = .utility
        case "AUTHENTICATION", "OTP": self = .authentication
        default: return nil
        }
    }
}

/// The placeholders of one text: positional (`{{1}}`, `{{2}}`) or named (`{{first_name}}`).
public enum Placeholders: Sendable, Equatable {
    case positional(Int)
    case named([String])

    public static let none = Placeholders.positional(0)

    public var count: Int {
        switch self {
        case .positional(let n): return n
        case .named(let names): return names.count
        }
    }

    /// The placeholders of `text`, in order of first appearance; a repeated one counts once.
    public init(in text: String) {
        self.init(PlaceholderText(text))
    }

    init(_ text: PlaceholderText) {
        let names = text.names
        if names.allSatisfy({ Int($0) != nil }) {
            self = .positional(names.compactMap { Int($0) }.max() ?? 0)
        } else {
            self = .named(names)
        }
    }
}

/// A message template as the catalog holds it: what was approved, and where it stands.
public struct Template: Sendable, Equatable {
    public enum Header: Codable, Sendable, Equatable {
        case text(String)
        /// `IMAGE`, `VIDEO`, `DOCUMENT` or `LOCATION`.
        case media(String)
    }

    /// One button as the templates file describes it, with what a send must know of it.
    public struct Button: Codable, Sendable, Equatable {
        /// `QUICK_REPLY`, `URL`, `PHONE_NUMBER`, `COPY_CODE`, `OTP`, `FLOW`...
        public var type: String
        /// The label; empty for the copy-code and one-time-password buttons the platform labels.
        public var text: String
        /// `URL` buttons: the address; a `{{1}}` in it is filled by a suffix at send time.
        public var url: String?
        /// `OTP` buttons: `COPY_CODE`, `ONE_TAP` or `ZERO_TAP`.
        public var otpType: String?
        /// `COPY_CODE` buttons: the sample code the template was approved with.
        public var example: String?

        public init(type: String, text: String, url: String? = nil, otpType: String? = nil, example: String? = nil) {
            self.type = type
            self.text = text
            self.url = url
            self.otpType = otpType
            self.example = example
        }

        /// What a send gives this button, or `nil` when it takes nothing: a URL's suffix
        /// where the URL has a placeholder, a quick reply's payload, a code for a copy-code
        /// button (the coupon) or a one-time-password button (the password).
        public var takes: TemplateButtonValue.Kind? {
            switch type {
            case "URL": return url.map { Placeholders(in: $0).count > 0 } == true ? .url : nil
            case "QUICK_REPLY": return .payload
            case "COPY_CODE", "OTP": return .code
            default: return nil
            }
        }

        /// Whether a send must give a value: a quick reply's payload is optional (without
        /// one, a tap reports the label), the others are not.
        public var needsValue: Bool { takes != nil && takes != .payload }
    }

    public var key: TemplateKey
    public var category: TemplateCategory
    public var status: TemplateStatus
    public var quality: TemplateQuality
    public let header: Header?
    public let body: String
    public let footer: String?
    public let buttons: [Button]
    /// Parsed once: every decision on this template needs them.
    public let bodyPlaceholders: Placeholders
    public let headerPlaceholders: Placeholders
    let bodyText: PlaceholderText
    let headerText: PlaceholderText?
    /// How many times the platform paused it: the third pause disables it.
    public var pauseCount: Int
    /// When a pause ends by itself.
    public var pausedUntil: Instant?

    public init(
        name: String, language: String, category: TemplateCategory, status: TemplateStatus = .approved,
        quality: TemplateQuality = .unknown, header: Header? = nil, body: String, footer: String? = nil,
        buttons: [Button] = [], pauseCount: Int = 0, pausedUntil: Instant? = nil
    ) {
        self.key = TemplateKey(name: name, language: language)
        self.category = category
        self.status = status
        self.quality = quality
        self.header = header
        self.body = body
        self.footer = footer
        self.buttons = buttons
        self.pauseCount = pauseCount
        self.pausedUntil = pausedUntil
        self.bodyText = PlaceholderText(body)
        self.bodyPlaceholders = Placeholders(bodyText)
        if case .text(let text) = header {
            self.headerText = PlaceholderText(text)
            self.headerPlaceholders = Placeholders(headerText!)
        } else {
            self.headerText = nil
            self.headerPlaceholders = .none
        }
    }

    public var name: String { key.name }
    public var language: String { key.language }

    /// The one-time-password button of an authentication template, with its index.
    public var passwordButton: (index: Int, button: Button)? {
        buttons.enumerated().first { $0.element.type == "OTP" }.map { ($0.offset, $0.element) }
    }

    /// The status that holds at `now`: a pause ends by itself when its time is up.
    public func status(at now: Instant) -> TemplateStatus {
        if status == .paused, let until = pausedUntil, now >= until { return .approved }
        return status
    }

    /// The template as it stands at `now`, with `status(at:)` as its status (a pause that
    /// has run out reads APPROVED; its count and end are kept): what an audit record keeps.
    public func snapshot(at now: Instant) -> Template {
        var t = self
        t.status = status(at: now)
        return t
    }
}

extension Template.Header {
    /// What an IMAGE, VIDEO or DOCUMENT header shows; `nil` for text and location headers.
    public var mediaKind: Media.Kind? {
        guard case .media(let format) = self else { return nil }
        switch format {
        case "IMAGE": return .image
        case "VIDEO": return .video
        case "DOCUMENT": return .document
        default: return nil
        }
    }

    public var isLocation: Bool { self == .media("LOCATION") }
}
