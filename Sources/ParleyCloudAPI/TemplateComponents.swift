import ParleyJSON
import ParleyPolicy

/// The `template` object of a send: name, language, and one component per part that has
/// parameters, in the order of the platform's examples: header, body, then one `button`
/// component per button given a value. A part without parameters is left out, and so is
/// `components` when no part has any (`hello_world`).
enum TemplateComponents {
    static func template(_ request: TemplateRequest, resolved: Template?) throws(Refusal) -> JSONValue {
        // The resolved entry's language wins: the policy may have fallen back (pt_BR → pt).
        guard let language = resolved?.language ?? request.language, !language.isEmpty else {
            throw Refusal(.invalidMessage, "template \(request.name) has no language; resolve it from the catalog before sending")
        }
        if request.code != nil, resolved == nil {
            throw Refusal(.invalidMessage, "template \(request.name) has a password whose button only its catalog entry knows; resolve it from the catalog before sending")
        }
        let fill = request.filled(for: resolved)
        var fields: [String: JSONValue] = ["name": .string(request.name), "language": ["code": .string(language)]]
        var components: [JSONValue] = []
        if let header = try header(fill.header, order: resolved.map { names(in: $0.headerPlaceholders) }) {
            components.append(header)
        }
        if let body = component("body", fill.body, order: resolved.map { names(in: $0.bodyPlaceholders) }) {
            components.append(body)
        }
        components += fill.buttons.map(button)
        if !components.isEmpty { fields["components"] = .array(components) }
        return .object(fields)
    }

    /// Positional values go in order as `{"type":"text","text":...}`; named ones carry their
    /// `parameter_name` and follow the template's own order, else the names' sorted order, so
    /// the bytes never depend on dictionary order.
    static func component(_ type: String, _ arguments: TemplateArguments, order: [String]?) -> JSONValue? {
        let parameters: [JSONValue]
        switch arguments {
        case .positional(let values):
            parameters = values.map { ["type": "text", "text": .string($0)] }
        case .named(let values):
            let known = (order ?? []).filter { values[$0] != nil }
            let rest = values.keys.filter { !known.contains($0) }.sorted()
            parameters = (known + rest).map { ["type": "text", "parameter_name": .string($0), "text": .string(values[$0]!)] }
        }
        guard !parameters.isEmpty else { return nil }
        return ["type": .string(type), "parameters": .array(parameters)]
    }

    /// A media header's parameter is the media object a media message carries, under its
    /// kind (`{"type":"image","image":{"link":...}}`); a location's is the place.
    static func header(_ value: TemplateHeaderValue, order: [String]?) throws(Refusal) -> JSONValue? {
        let parameter: JSONValue
        switch value {
        case .text(let arguments):
            return component("header", arguments, order: order)
        case .media(let media):
            parameter = ["type": .string(media.kind.rawValue), media.kind.rawValue: try MessageContent.media(media)]
        case .location(let place):
            var location: [String: JSONValue] = ["latitude": .double(place.latitude), "longitude": .double(place.longitude)]
            if let name = place.name { location["name"] = .string(name) }
            if let address = place.address { location["address"] = .string(address) }
            parameter = ["type": "location", "location": .object(location)]
        }
        return ["type": "header", "parameters": [parameter]]
    }

    /// One `button` component. The index is a string, as in Meta's OpenAPI description
    /// (`"index": "0"`). A one-time password goes as a URL button's text, never as a coupon
    /// (the platform answers 132018, "Button at index 0 must be of type Url"): Meta's
    /// "Sending Authentication Message Templates with One-Time Password Buttons"
    /// (developers.facebook.com/docs/whatsapp/api/messages/message-templates/authentication-message-templates)
    /// puts the same code in the body's parameter and in `{"type": "button", "sub_type":
    /// "url", "index": 0, "parameters": [{"type": "text", "text": "user-otp-code"}]}`, since
    /// the OTP button "upon creation ... will be set to URL" (Meta's copy-code
    /// authentication templates guide).
    static func button(_ b: TemplateFill.Button) -> JSONValue {
        let subType: String, parameter: JSONValue
        switch b.parameter {
        case .urlSuffix(let text), .password(let text):
            (subType, parameter) = ("url", ["type": "text", "text": .string(text)])
        case .payload(let payload):
            (subType, parameter) = ("quick_reply", ["type": "payload", "payload": .string(payload)])
        case .couponCode(let code):
            (subType, parameter) = ("copy_code", ["type": "coupon_code", "coupon_code": .string(code)])
        }
        return ["type": "button", "sub_type": .string(subType), "index": .string(String(b.index)), "parameters": [parameter]]
    }

    private static func names(in placeholders: Placeholders) -> [String] {
        if case .named(let names) = placeholders { return names }
        return []
    }
}
