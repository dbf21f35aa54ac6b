/// The shape limits the platform checks before it sends (docs/rules.md §8). A violation
/// names the offending field.
public struct ShapeLimits: Sendable {
    public var textBody = 4096
    public var interactiveBody = 1024
    public var listBody = 4096
    public var header = 60
    public var footer = 60
    public var caption = 1024
    public var replyButtons = 3
    public var buttonTitle = 20
    public var buttonID = 256
    public var listSections = 10
    public var listRows = 10
    public var rowTitle = 24
    public var rowDescription = 72
    public var rowID = 200
    public var listButton = 20

    public init() {}
}

enum MessageShape {
    /// `nil` when the message may go out as shaped; otherwise what is wrong with it.
    static func violation(of message: OutboundMessage, limits: ShapeLimits) -> String? {
        switch message {
        case .text(let body):
            if body.isEmpty { return "text is empty" }
            return tooLong("text", body, limits.textBody)
        case .media(let media):
            if !media.hasOneSource { return "\(media.kind.rawValue) needs exactly one of link or id" }
            if let caption = media.caption {
                if media.kind == .audio || media.kind == .sticker { return "\(media.kind.rawValue) cannot carry a caption" }
                if let v = tooLong("\(media.kind.rawValue).caption", caption, limits.caption) { return v }
            }
            return nil
        case .buttons(let parts, let buttons):
            if let v = interactive(parts, bodyLimit: limits.interactiveBody, limits: limits) { return v }
            if buttons.isEmpty { return "buttons is empty: give 1 to \(limits.replyButtons) buttons" }
            if buttons.count > limits.replyButtons { return "buttons has \(buttons.count) buttons; at most \(limits.replyButtons) are allowed" }
            var seenTitles = Set<String>()
            var seenIDs = Set<String>()
            for (i, b) in buttons.enumerated() {
                let field = "buttons[\(i + 1)]"
                if b.title.isEmpty { return "\(field).title is empty" }
                if let v = tooLong("\(field).title", b.title, limits.buttonTitle) { return v }
                if b.id.isEmpty { return "\(field).id is empty" }
                if let v = tooLong("\(field).id", b.id, limits.buttonID) { return v }
                if !seenTitles.insert(b.title).inserted { return "\(field).title \"\(b.title)\" repeats another button's title; titles must be unique" }
                if !seenIDs.insert(b.id).inserted { return "\(field).id \"\(b.id)\" repeats another button's id; ids must be unique" }
            }
            return nil
        case .list(let parts, let menu):
            if let v = interactive(parts, bodyLimit: limits.listBody, limits: limits) { return v }
            if menu.button.isEmpty { return "list.button is empty" }
            if let v = tooLong("list.button", menu.button, limits.listButton) { return v }
            if menu.sections.isEmpty { return "list.sections is empty" }
            if menu.sections.count > limits.listSections { return "list has \(menu.sections.count) sections; at most \(limits.listSections) are allowed" }
            let rows = menu.sections.reduce(0) { $0 + $1.rows.count }
            if rows == 0 { return "list has no rows" }
            if rows > limits.listRows { return "list has \(rows) rows in all; at most \(limits.listRows) are allowed" }
            var seenIDs = Set<String>()
            for (s, section) in menu.sections.enumerated() {
                if menu.sections.count > 1, (section.title ?? "").isEmpty {
                    return "list.sections[\(s + 1)].title is missing: a list with several sections needs a title on each"
                }
                for (r, row) in section.rows.enumerated() {
                    let field = "list.sections[\(s + 1)].rows[\(r + 1)]"
                    if row.title.isEmpty { return "\(field).title is empty" }
                    if let v = tooLong("\(field).title", row.title, limits.rowTitle) { return v }
                    if let d = row.description, let v = tooLong("\(field).description", d, limits.rowDescription) { return v }
                    if row.id.isEmpty { return "\(field).id is empty" }
                    if let v = tooLong("\(field).id", row.id, limits.rowID) { return v }
                    if !seenIDs.insert(row.id).inserted { return "\(field).id \"\(row.id)\" repeats another row's id; ids must be unique" }
                }
            }
            return nil
        case .template:
            return nil  // templates are checked against their catalog entry
        }
    }

    private static func interactive(_ parts: Interactive, bodyLimit: Int, limits: ShapeLimits) -> String? {
        if parts.body.isEmpty { return "text (the body) is empty" }
        if let v = tooLong("text", parts.body, bodyLimit) { return v }
        if let h = parts.header, let v = tooLong("header", h, limits.header) { return v }
        if let f = parts.footer, let v = tooLong("footer", f, limits.footer) { return v }
        return nil
    }

    /// Lengths count characters as people see them, as the platform does.
    private static func tooLong(_ field: String, _ value: String, _ limit: Int) -> String? {
        let n = value.count
        return n > limit ? "\(field) is \(n) characters; the limit is \(limit)" : nil
    }
}
