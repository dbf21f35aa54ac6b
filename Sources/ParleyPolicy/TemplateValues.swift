/// What a send gives a template's header: the values of a text header's placeholders, the
/// image, video or document of a media header, or the place of a location header.
public enum TemplateHeaderValue: Sendable, Equatable {
    case text(TemplateArguments)
    /// By public link or uploaded id; a document may carry a filename. No caption: the
    /// platform takes none on a template's header.
    case media(Media)
    case location(TemplateLocation)

    public static let none = TemplateHeaderValue.text(.none)

    // So that text arguments read as before: `header: .positional(["Ana"])`.
    public static func positional(_ values: [String]) -> TemplateHeaderValue { .text(.positional(values)) }
    public static func named(_ values: [String: String]) -> TemplateHeaderValue { .text(.named(values)) }

    /// A text header's values; none for media and locations.
    public var arguments: TemplateArguments {
        if case .text(let arguments) = self { return arguments }
        return .none
    }
}

/// The place a location header shows: the platform takes it at send time, never when the
/// template is made.
public struct TemplateLocation: Codable, Sendable, Equatable {
    public var latitude: Double
    public var longitude: Double
    public var name: String?
    public var address: String?

    public init(latitude: Double, longitude: Double, name: String? = nil, address: String? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.name = name
        self.address = address
    }
}

/// A value for one of a template's buttons, at its index among the template's buttons
/// (from 0, as the platform counts them).
public struct TemplateButtonValue: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The suffix of a URL button whose address ends in `{{1}}`.
        case url
        /// What a quick-reply button reports when tapped.
        case payload
        /// The coupon of a copy-code button, or the password of a one-time-password button.
        case code
    }

    public var index: Int
    public var kind: Kind
    public var value: String

    public init(index: Int, kind: Kind, value: String) {
        self.index = index
        self.kind = kind
        self.value = value
    }
}

// A text header is stored as its arguments alone, the form requests had before headers
// took media, so messages that wait in a store from then still read.
extension TemplateHeaderValue: Codable {
    private enum Keys: String, CodingKey { case media, location }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if let media = try c.decodeIfPresent(Media.self, forKey: .media) {
            self = .media(media)
        } else if let location = try c.decodeIfPresent(TemplateLocation.self, forKey: .location) {
            self = .location(location)
        } else {
            self = .text(try TemplateArguments(from: decoder))
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .text(let arguments):
            try arguments.encode(to: encoder)
        case .media(let media):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(media, forKey: .media)
        case .location(let location):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(location, forKey: .location)
        }
    }
}
