import Foundation
import ParleyJSON
import ParleyPolicy
import ParleySandbox

/// Reads a message as scripts (and scenarios) write it into an `OutboundMessage`: the
/// `message` argument of `send` (templates in TemplateReader.swift). Wrong types are misuse
/// and raise; limits (too many buttons, a text too long) are policy and come back as
/// `invalid_message` refusals.
public enum MessageReader {
    public static func read(_ value: JSONValue) throws(HostError) -> OutboundMessage {
        if case .string(let text) = value { return .text(text) }
        guard let fields = value.objectValue else {
            throw HostError("send: message must be a string or a table such as { text = \"...\" }, got a \(value.kindName)")
        }
        let known = Set(["text", "template", "language", "params", "header_params", "code", "buttons", "list", "header", "footer"])
            .union(Media.Kind.allCases.map(\.rawValue))
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw HostError("send: message has an unknown field \(TextBytes.preview(unknown)) (known: text, template, language, params, header_params, code, image, document, video, audio, sticker, buttons, list, header, footer)")
        }
        if let template = fields["template"] { return .template(try templateRequest(template, fields)) }
        if fields["code"] != nil {
            throw HostError("send: code is an authentication template's password; give it with template = \"...\"")
        }
        for kind in Media.Kind.allCases {
            if let media = fields[kind.rawValue] { return .media(try self.media(kind, media)) }
        }
        let text = try string(fields["text"], "text") ?? ""
        let parts = Interactive(body: text, header: try string(fields["header"], "header"), footer: try string(fields["footer"], "footer"))
        if let buttons = fields["buttons"] { return .buttons(parts, try self.buttons(buttons)) }
        if let list = fields["list"] { return .list(parts, try self.list(list)) }
        guard fields["text"] != nil else {
            throw HostError("send: message needs text, template, a media field (image, document, video, audio, sticker), buttons or list")
        }
        return .text(text)
    }

    /// `{ "Ana", 42 }` is positional; `{ first_name = "Ana" }` is named. Numbers become text.
    static func arguments(_ value: JSONValue?, _ field: String) throws(HostError) -> TemplateArguments {
        guard let value, value != .null else { return .none }
        switch value {
        case .array(let items):
            var values: [String] = []
            for (i, item) in items.enumerated() {
                guard let text = item.textValue else { throw HostError("send: \(field)[\(i + 1)] must be a string or a number, got a \(item.kindName)") }
                values.append(text)
            }
            return .positional(values)
        case .object(let members):
            var values: [String: String] = [:]
            for (key, item) in members {
                guard let text = item.textValue else { throw HostError("send: \(field)[\(TextBytes.preview(key))] must be a string or a number, got a \(item.kindName)") }
                values[key] = text
            }
            return members.isEmpty ? .none : .named(values)
        default:
            throw HostError("send: \(field) must be a list of values or a table of named values, got a \(value.kindName)")
        }
    }

    static func media(_ kind: Media.Kind, _ value: JSONValue) throws(HostError) -> Media {
        if case .string(let link) = value { return Media(kind: kind, link: link) }
        guard let fields = value.objectValue else {
            throw HostError("send: \(kind.rawValue) must be a link or a table { link = ..., caption = ... }, got a \(value.kindName)")
        }
        return Media(kind: kind, link: try string(fields["link"], "\(kind.rawValue).link"), id: try string(fields["id"], "\(kind.rawValue).id"),
                     caption: try string(fields["caption"], "\(kind.rawValue).caption"),
                     filename: try string(fields["filename"], "\(kind.rawValue).filename"))
    }

    static func buttons(_ value: JSONValue) throws(HostError) -> [ReplyButton] {
        guard let items = list(value) else { throw HostError("send: buttons must be a list such as { { id = \"yes\", title = \"Yes\" } }") }
        var buttons: [ReplyButton] = []
        for (i, item) in items.enumerated() {
            if let title = item.stringValue {
                buttons.append(ReplyButton(id: title, title: title))
                continue
            }
            guard let fields = item.objectValue else { throw HostError("send: buttons[\(i + 1)] must be a table { id = ..., title = ... } or a title") }
            let title = try string(fields["title"], "buttons[\(i + 1)].title") ?? ""
            buttons.append(ReplyButton(id: try string(fields["id"], "buttons[\(i + 1)].id") ?? title, title: title))
        }
        return buttons
    }

    static func list(_ value: JSONValue) throws(HostError) -> ListMenu {
        guard let fields = value.objectValue else { throw HostError("send: list must be a table { button = ..., sections = { ... } }") }
        guard let sections = fields["sections"].flatMap(list) else { throw HostError("send: list.sections must be a list of sections") }
        var menu = ListMenu(button: try string(fields["button"], "list.button") ?? "", sections: [])
        for (s, section) in sections.enumerated() {
            guard let sectionFields = section.objectValue, let rows = sectionFields["rows"].flatMap(list) else {
                throw HostError("send: list.sections[\(s + 1)] must be a table { title = ..., rows = { ... } }")
            }
            var out = ListMenu.Section(title: try string(sectionFields["title"], "list.sections[\(s + 1)].title"), rows: [])
            for (r, row) in rows.enumerated() {
                let field = "list.sections[\(s + 1)].rows[\(r + 1)]"
                guard let rowFields = row.objectValue else { throw HostError("send: \(field) must be a table { id = ..., title = ... }") }
                let title = try string(rowFields["title"], "\(field).title") ?? ""
                out.rows.append(ListMenu.Row(id: try string(rowFields["id"], "\(field).id") ?? title, title: title,
                                             description: try string(rowFields["description"], "\(field).description")))
            }
            menu.sections.append(out)
        }
        return menu
    }

    /// A list, also when empty (an empty Lua table reads as an empty record).
    static func list(_ value: JSONValue) -> [JSONValue]? {
        if let items = value.arrayValue { return items }
        if value.objectValue?.isEmpty == true { return [] }
        return nil
    }

    static func string(_ value: JSONValue?, _ field: String) throws(HostError) -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.textValue else { throw HostError("send: \(field) must be a string, got a \(value.kindName)") }
        return text
    }
}
