import ParleyJSON
import ParleyPolicy

/// Reads a request fixture back into what a script would have asked for, independently of
/// the encoder. It is strict: a field it does not know makes the fixture unproducible, so
/// nothing is dropped quietly and then "matched".
struct RequestFixtureReader {
    struct Unsupported: Error, CustomStringConvertible {
        let description: String
    }

    /// The number tests send to when a fixture's `to` is a placeholder like `{{Recipient-Phone-Number}}`.
    static let placeholderContact = "+16505551234"

    var to: ContactID
    var message: OutboundMessage
    var replyTo: String?

    init(_ json: JSONValue) throws {
        try Self.only(json, ["messaging_product", "recipient_type", "to", "type", "context", "text", "image", "video", "audio", "document", "sticker", "interactive", "template"])
        guard json["messaging_product"] == "whatsapp" else { throw Unsupported(description: "not a message send") }
        guard let raw = json["to"]?.textValue else { throw Unsupported(description: "no recipient") }
        guard let contact = ContactID(raw.hasPrefix("{{") ? Self.placeholderContact : raw) else {
            throw Unsupported(description: "recipient \(raw) is not a valid number or user id")
        }
        to = contact
        replyTo = json["context"]?["message_id"]?.stringValue
        let type = json["type"]?.stringValue ?? Self.inferredType(json)
        guard let content = json[type] else { throw Unsupported(description: "no \(type) object") }
        switch type {
        case "text": message = try Self.text(content)
        case "image", "video", "audio", "document", "sticker": message = try Self.media(type, content)
        case "interactive": message = try Self.interactive(content)
        case "template": message = try Self.template(content)
        default: throw Unsupported(description: "type \(type)")
        }
    }

    static func inferredType(_ json: JSONValue) -> String {
        ["text", "image", "video", "audio", "document", "sticker", "interactive", "template"].first { json[$0] != nil } ?? "?"
    }

    static func only(_ json: JSONValue, _ allowed: Set<String>) throws {
        guard let object = json.objectValue else { throw Unsupported(description: "\(json) is not an object") }
        let extra = Set(object.keys).subtracting(allowed)
        if !extra.isEmpty { throw Unsupported(description: "fields \(extra.sorted())") }
    }

    static func string(_ json: JSONValue?, _ what: String) throws -> String {
        guard let s = json?.stringValue else { throw Unsupported(description: "\(what) is not a string") }
        return s
    }

    static func text(_ json: JSONValue) throws -> OutboundMessage {
        try only(json, ["body", "preview_url"])
        if json["preview_url"] == true { throw Unsupported(description: "link preview on") }
        return .text(try string(json["body"], "text.body"))
    }

    static func media(_ type: String, _ json: JSONValue) throws -> OutboundMessage {
        try only(json, ["id", "link", "caption", "filename"])
        return .media(Media(
            kind: Media.Kind(rawValue: type)!, link: json["link"]?.stringValue, id: json["id"]?.stringValue,
            caption: json["caption"]?.stringValue, filename: json["filename"]?.stringValue))
    }

    static func interactive(_ json: JSONValue) throws -> OutboundMessage {
        try only(json, ["type", "header", "body", "footer", "action"])
        var header: String?
        if let h = json["header"] {
            try only(h, ["type", "text"])
            guard h["type"] == "text" else { throw Unsupported(description: "a \(h["type"]?.stringValue ?? "?") header") }
            header = try string(h["text"], "header.text")
        }
        let parts = Interactive(
            body: try string(json["body"]?["text"], "body.text"), header: header, footer: json["footer"]?["text"]?.stringValue)
        let action = json["action"] ?? .null
        switch json["type"]?.stringValue?.lowercased() {
        case "button":
            try only(action, ["buttons"])
            let buttons = try (action["buttons"]?.arrayValue ?? []).map { b in
                guard b["type"] == "reply" else { throw Unsupported(description: "a non-reply button") }
                return ReplyButton(id: try string(b["reply"]?["id"], "reply.id"), title: try string(b["reply"]?["title"], "reply.title"))
            }
            return .buttons(parts, buttons)
        case "list":
            try only(action, ["button", "sections"])
            let sections = try (action["sections"]?.arrayValue ?? []).map { s in
                try only(s, ["title", "rows"])
                return ListMenu.Section(title: s["title"]?.stringValue, rows: try (s["rows"]?.arrayValue ?? []).map { r in
                    try only(r, ["id", "title", "description"])
                    return ListMenu.Row(id: try string(r["id"], "row.id"), title: try string(r["title"], "row.title"), description: r["description"]?.stringValue)
                })
            }
            return .list(parts, ListMenu(button: try string(action["button"], "action.button"), sections: sections))
        case let other:
            throw Unsupported(description: "interactive \(other ?? "?")")
        }
    }

    static func template(_ json: JSONValue) throws -> OutboundMessage {
        try only(json, ["name", "language", "components"])
        var request = TemplateRequest(name: try string(json["name"], "template.name"), language: try string(json["language"]?["code"], "language.code"))
        for component in json["components"]?.arrayValue ?? [] {
            let parameters = component["parameters"]?.arrayValue ?? []
            switch component["type"]?.stringValue?.lowercased() {
            case "header":
                try only(component, ["type", "parameters"])
                request.header = try header(parameters)
            case "body":
                try only(component, ["type", "parameters"])
                request.body = try arguments(parameters)
            case "button":
                try only(component, ["type", "sub_type", "index", "parameters"])
                request.buttons.append(try button(component, parameters))
            case let other: throw Unsupported(description: "a \(other ?? "?") component")
            }
        }
        return .template(request)
    }

    /// Text values, or one image, video, document or location.
    static func header(_ parameters: [JSONValue]) throws -> TemplateHeaderValue {
        guard parameters.count == 1, let p = parameters.first, let type = p["type"]?.stringValue?.lowercased(), type != "text" else {
            return .text(try arguments(parameters))
        }
        try only(p, ["type", type])
        let value = p[type] ?? .null
        switch type {
        case "image", "video", "document":
            try only(value, ["id", "link", "filename"])
            return .media(Media(kind: Media.Kind(rawValue: type)!, link: value["link"]?.stringValue, id: value["id"]?.stringValue,
                                filename: value["filename"]?.stringValue))
        case "location":
            try only(value, ["latitude", "longitude", "name", "address"])
            guard let latitude = value["latitude"]?.doubleValue, let longitude = value["longitude"]?.doubleValue else {
                throw Unsupported(description: "a location whose coordinates are not numbers")
            }
            return .location(TemplateLocation(latitude: latitude, longitude: longitude, name: value["name"]?.stringValue,
                                              address: value["address"]?.stringValue))
        default:
            throw Unsupported(description: "a \(type) header parameter")
        }
    }

    /// A URL suffix, a quick-reply payload or a coupon code, at its index (a number or a string of digits).
    static func button(_ component: JSONValue, _ parameters: [JSONValue]) throws -> TemplateButtonValue {
        guard let index = component["index"]?.integerValue else { throw Unsupported(description: "a button without an index") }
        let subType = component["sub_type"]?.stringValue?.lowercased() ?? "?"
        let expected: (parameter: String, kind: TemplateButtonValue.Kind)
        switch subType {
        case "url": expected = ("text", .url)
        case "quick_reply": expected = ("payload", .payload)
        case "copy_code": expected = ("coupon_code", .code)
        default: throw Unsupported(description: "a \(subType) button")
        }
        guard parameters.count == 1, let p = parameters.first, p["type"]?.stringValue?.lowercased() == expected.parameter,
              let value = p[expected.parameter]?.stringValue
        else { throw Unsupported(description: "a \(subType) button without one \(expected.parameter) string parameter") }
        try only(p, ["type", expected.parameter])
        return TemplateButtonValue(index: Int(index), kind: expected.kind, value: value)
    }

    /// Text parameters only: positional, or all named.
    static func arguments(_ parameters: [JSONValue]) throws -> TemplateArguments {
        var values: [String] = [], named: [String: String] = [:]
        for p in parameters {
            try only(p, ["type", "text", "parameter_name"])
            guard p["type"]?.stringValue?.lowercased() == "text", let text = p["text"]?.stringValue else {
                throw Unsupported(description: "a \(p["type"]?.stringValue ?? "?") parameter")
            }
            if let name = p["parameter_name"]?.stringValue { named[name] = text } else { values.append(text) }
        }
        if !named.isEmpty && !values.isEmpty { throw Unsupported(description: "mixed positional and named parameters") }
        return named.isEmpty ? .positional(values) : .named(named)
    }
}
