import ParleyJSON
import ParleyPolicy

/// The type-specific part of a send body: `"type"` and the object stored under that name.
enum MessageContent {
    static func fields(for message: OutboundMessage, template: Template?) throws(Refusal) -> (type: String, value: JSONValue) {
        switch message {
        case .text(let body):
            // Link previews stay off: a script's text should look the same wherever a URL falls.
            return ("text", ["body": .string(body), "preview_url": false])
        case .media(let media):
            return (media.kind.rawValue, try self.media(media))
        case .buttons(let parts, let buttons):
            let action: JSONValue = [
                "buttons": .array(buttons.map { ["type": "reply", "reply": ["id": .string($0.id), "title": .string($0.title)]] })
            ]
            return ("interactive", interactive("button", parts, action: action))
        case .list(let parts, let menu):
            let action: JSONValue = ["button": .string(menu.button), "sections": .array(menu.sections.map(section))]
            return ("interactive", interactive("list", parts, action: action))
        case .template(let request):
            return ("template", try TemplateComponents.template(request, resolved: template))
        }
    }

    /// By uploaded id or by public link, never both: the platform would have to pick one.
    static func media(_ media: Media) throws(Refusal) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        switch (media.id.flatMap(nonEmpty), media.link.flatMap(nonEmpty)) {
        case (let id?, nil): fields["id"] = .string(id)
        case (nil, let link?): fields["link"] = .string(link)
        default: throw Refusal(.invalidMessage, "\(media.kind.rawValue) needs exactly one of link or id")
        }
        // As given: the live API accepts an empty caption (a recorded rubysdk exchange sends one).
        if let caption = media.caption { fields["caption"] = .string(caption) }
        if let filename = media.filename { fields["filename"] = .string(filename) }
        return .object(fields)
    }

    static func interactive(_ type: String, _ parts: Interactive, action: JSONValue) -> JSONValue {
        var fields: [String: JSONValue] = ["type": .string(type), "body": ["text": .string(parts.body)], "action": action]
        if let header = parts.header { fields["header"] = ["type": "text", "text": .string(header)] }
        if let footer = parts.footer { fields["footer"] = ["text": .string(footer)] }
        return .object(fields)
    }

    static func section(_ section: ListMenu.Section) -> JSONValue {
        var fields: [String: JSONValue] = [
            "rows": .array(section.rows.map { row in
                var r: [String: JSONValue] = ["id": .string(row.id), "title": .string(row.title)]
                if let description = row.description { r["description"] = .string(description) }
                return .object(r)
            })
        ]
        if let title = section.title { fields["title"] = .string(title) }
        return .object(fields)
    }

    private static func nonEmpty(_ s: String) -> String? { s.isEmpty ? nil : s }
}
