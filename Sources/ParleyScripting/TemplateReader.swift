import ParleyJSON
import ParleyPolicy
import ParleySandbox

/// Reads a template message as scripts write it:
///
///     { template = "coupon", params = { "Ana" }, header = { image = { link = "https://..." } },
///       buttons = { { url = "ABC123" }, false, { payload = "stop" } }, code = "123456" }
///
/// `header` and `buttons` mean something else on an interactive message (a text header,
/// reply buttons); on a template, `header` gives a media or location header (a text
/// header's values stay in `header_params`) and `buttons` gives one entry per template
/// button, in the template's order: a table with one of `url`, `payload` or `code`, or
/// `false` for a button given nothing. Whether each fits the template is the policy's
/// to say; only wrong types and unknown fields raise here.
extension MessageReader {
    static let headerKinds = ["image", "video", "document", "location"]

    static func templateRequest(_ template: JSONValue, _ fields: [String: JSONValue]) throws(HostError) -> TemplateRequest {
        var name: String
        var language: String?
        switch template {
        case .string(let s): name = s
        case .object(let picked):
            guard let n = picked["name"]?.stringValue else {
                throw HostError("send: template must be a template name or a table from pick_template (with a name)")
            }
            name = n
            language = picked["language"]?.stringValue
        default:
            throw HostError("send: template must be a template name or a table from pick_template, got a \(template.kindName)")
        }
        if let explicit = try string(fields["language"], "language") { language = explicit }
        name = String(name.trimmed(newlines: false))
        var header = TemplateHeaderValue.text(try arguments(fields["header_params"], "header_params"))
        if let value = fields["header"], value != .null {
            guard header.arguments.count == 0 else {
                throw HostError("send: give header_params for a text header, or header for a media or location one, not both")
            }
            header = try templateHeader(value)
        }
        return TemplateRequest(name: name, language: language, body: try arguments(fields["params"], "params"), header: header,
                               buttons: try fields["buttons"].map(templateButtons) ?? [], code: try string(fields["code"], "code"))
    }

    /// `{ image = "https://..." }`, `{ image = { link = ... } }` or `{ id = ... }` (also
    /// `video`, and `document` with a `filename`), or `{ location = { latitude =,
    /// longitude =, name =, address = } }`.
    static func templateHeader(_ value: JSONValue) throws(HostError) -> TemplateHeaderValue {
        let shape = "a table with one of image, video, document or location, such as { image = { link = \"https://...\" } } (a text header's values go in header_params)"
        guard let fields = value.objectValue else { throw HostError("send: a template's header must be \(shape), got a \(value.kindName)") }
        try only(fields, Self.headerKinds, in: "header", for: "a template's header")
        guard fields.count == 1, let entry = fields.first else { throw HostError("send: a template's header must be \(shape)") }
        let (kind, item) = (entry.key, entry.value)
        if kind == "location" { return .location(try location(item)) }
        let mediaKind = Media.Kind(rawValue: kind)!
        if case .string(let link) = item { return .media(Media(kind: mediaKind, link: link)) }
        guard let media = item.objectValue else {
            throw HostError("send: header.\(kind) must be a link or a table { link = ... } or { id = ... }, got a \(item.kindName)")
        }
        try only(media, mediaKind == .document ? ["link", "id", "filename"] : ["link", "id"], in: "header.\(kind)", for: "a template's \(kind) header")
        return .media(Media(kind: mediaKind, link: try string(media["link"], "header.\(kind).link"), id: try string(media["id"], "header.\(kind).id"),
                            filename: try string(media["filename"], "header.\(kind).filename")))
    }

    static func location(_ value: JSONValue) throws(HostError) -> TemplateLocation {
        guard let fields = value.objectValue else {
            throw HostError("send: header.location must be a table { latitude = ..., longitude = ..., name = ..., address = ... }, got a \(value.kindName)")
        }
        try only(fields, ["latitude", "longitude", "name", "address"], in: "header.location", for: "a location")
        func coordinate(_ key: String) throws(HostError) -> Double {
            guard let number = fields[key]?.doubleValue else {
                throw HostError("send: header.location.\(key) must be a number, got \(fields[key].map { "a \($0.kindName)" } ?? "nothing")")
            }
            return number
        }
        return TemplateLocation(latitude: try coordinate("latitude"), longitude: try coordinate("longitude"),
                                name: try string(fields["name"], "header.location.name"), address: try string(fields["address"], "header.location.address"))
    }

    /// One entry per template button, in order: `{ url = }`, `{ payload = }`, `{ code = }`,
    /// or `false` (or `{}`) for a button given nothing.
    static func templateButtons(_ value: JSONValue) throws(HostError) -> [TemplateButtonValue] {
        guard let items = list(value) else {
            throw HostError("send: a template's buttons must be a list with one entry per button, such as { { url = \"ABC123\" }, false, { payload = \"stop\" } }")
        }
        let kinds = TemplateButtonValue.Kind.allCases.map(\.rawValue)
        var values: [TemplateButtonValue] = []
        for (i, item) in items.enumerated() {
            let at = "buttons[\(i + 1)]"
            if item == .bool(false) || item.objectValue?.isEmpty == true { continue }
            guard let fields = item.objectValue else {
                throw HostError("send: \(at) must be a table with one of url, payload or code, or false for a button given nothing; got a \(item.kindName)")
            }
            try only(fields, kinds, in: at, for: "a template's button")
            guard fields.count == 1, let entry = fields.first else {
                throw HostError("send: \(at) has \(fields.keys.sorted().joined(separator: " and ")); give one of them")
            }
            let (key, given) = (entry.key, entry.value)
            guard let text = given.textValue else { throw HostError("send: \(at).\(key) must be a string, got a \(given.kindName)") }
            values.append(TemplateButtonValue(index: i, kind: TemplateButtonValue.Kind(rawValue: key)!, value: text))
        }
        return values
    }

    /// Raises for the first field of `fields` that is not one of `known`, naming them all.
    private static func only(_ fields: [String: JSONValue], _ known: [String], in place: String, for what: String) throws(HostError) {
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw HostError("send: \(place) has an unknown field \(TextBytes.preview(unknown)) (known for \(what): \(known.joined(separator: ", ")))")
        }
    }
}
