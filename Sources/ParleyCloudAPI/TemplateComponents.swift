import ParleyJSON
import ParleyPolicy

/// The `template` object of a send: name, language, and one component per part that has
/// parameters, header before body as the platform's examples order them. A part without
/// parameters is left out, and so is `components` when no part has any (`hello_world`).
enum TemplateComponents {
    static func template(_ request: TemplateRequest, resolved: Template?) throws(Refusal) -> JSONValue {
        // The resolved entry's language wins: the policy may have fallen back (pt_BR → pt).
        guard let language = resolved?.language ?? request.language, !language.isEmpty else {
            throw Refusal(.invalidMessage, "template \(request.name) has no language; resolve it from the catalog before sending")
        }
        var fields: [String: JSONValue] = ["name": .string(request.name), "language": ["code": .string(language)]]
        var components: [JSONValue] = []
        if let header = component("header", request.header, order: resolved.map { names(in: $0.headerPlaceholders) }) {
            components.append(header)
        }
        if let body = component("body", request.body, order: resolved.map { names(in: $0.bodyPlaceholders) }) {
            components.append(body)
        }
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

    private static func names(in placeholders: Placeholders) -> [String] {
        if case .named(let names) = placeholders { return names }
        return []
    }
}
