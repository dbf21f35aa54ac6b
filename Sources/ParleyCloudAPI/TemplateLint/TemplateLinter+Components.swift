/// The header, body and footer: their presence, formats and lengths.
extension DraftCheck {
    static let mediaFormats: Set<String> = ["IMAGE", "VIDEO", "DOCUMENT"]

    mutating func checkHeader() {
        guard let header = draft.header else { return }
        if isAuthentication {
            return error("header", "authentication templates take no header", fix: "remove the HEADER component")
        }
        switch header.format {
        case "TEXT":
            let text = header.text ?? ""
            if text.isEmpty { return error("header", "the text header has no text", fix: "add \"text\", or remove the HEADER component") }
            if text.count > 60 { error("header", "the header is \(text.count) characters, over 60", fix: "shorten it, or move the rest to the body") }
            if text.contains(where: \.isNewline) { error("header", "the header has a line break", fix: "keep it on one line") }
            if text.containsEmoji { error("header", "the header has an emoji, which text headers do not take", fix: "move it to the body") }
            if text.contains(where: { "*_~`".contains($0) }) {
                warning("header", "the header has formatting marks (* _ ~ `), which headers do not render", fix: "remove them")
            }
            let variables = TemplateVariables(text)
            if variables.found.count > 1 {
                error("header", "the header has \(variables.found.count) variables; a header takes at most one", fix: "keep one, and move the others to the body")
            }
        case let format where Self.mediaFormats.contains(format):
            if !header.hasMediaExample {
                error("header", "the \(format.lowercased()) header has no sample", fix: "upload one with the resumable upload API and give its handle as \"example\": {\"header_handle\": [\"4::aW...\"]}")
            }
        case "LOCATION":
            break
        default:
            error("header", "\"\(header.format)\" is not a header format", fix: "use TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION")
        }
    }

    mutating func checkBody() {
        guard let body = draft.body else {
            if isAuthentication {
                return error("body", "the template has no BODY component", fix: "add {\"type\": \"BODY\", \"add_security_recommendation\": true}: the platform writes the text")
            }
            return error("body", "the template has no body", fix: "add a BODY component with \"text\"")
        }
        let text = body.text ?? ""
        if isAuthentication {
            if !text.isEmpty {
                warning("body", "authentication templates take no body text: the platform writes its own", fix: "remove \"text\"; add \"add_security_recommendation\": true if you want the warning line")
            }
            return
        }
        if text.trimmingWhitespace.isEmpty { return error("body", "the body has no text", fix: "add \"text\"") }
        if text.count > 1_024 { error("body", "the body is \(text.count) characters, over 1,024", fix: "shorten it") }
    }

    mutating func checkFooter() {
        guard let footer = draft.footer else {
            if draft.footerExpiry != nil, !isAuthentication {
                error("footer", "code_expiration_minutes is for authentication templates", fix: "give the footer \"text\" instead")
            }
            return
        }
        if footer.isEmpty { return error("footer", "the footer has no text", fix: "add \"text\", or remove the FOOTER component") }
        if footer.count > 60 { error("footer", "the footer is \(footer.count) characters, over 60", fix: "shorten it") }
        if footer.contains(where: \.isNewline) { error("footer", "the footer has a line break", fix: "keep it on one line") }
        if !TemplateVariables(footer).isEmpty { error("footer", "the footer has a variable; footers take none", fix: "move the variable to the body") }
        if footer.containsEmoji { warning("footer", "the footer has an emoji, which reviewers refuse in footers", fix: "remove it") }
    }
}

extension String {
    var containsEmoji: Bool {
        unicodeScalars.contains { $0.value >= 0x2000 && ($0.properties.isEmojiPresentation || ($0.properties.isEmoji && $0.value >= 0x1F000)) }
    }

    var trimmingWhitespace: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<max(start, end)]
    }
}
