import ParleyJSON
import ParleyPolicy
import ParleyRuntime

/// The template picker: the templates that would send to this contact now (the answer
/// `pick_template` gives, one per template), each a form with a field per value it needs;
/// the others listed with why they would not go.
extension ConsoleView {
    func templatePicker(_ offers: [TemplateOffer], contact: String) -> String {
        let open = offers.filter { $0.refusal == nil }
        let closed = offers.filter { $0.refusal != nil }
        var html = "<section class=\"templates\"><h2>Templates that would send now</h2>"
        if open.isEmpty { html += "<p class=\"empty\">None would send to this contact now.</p>" }
        for offer in open { html += templateForm(offer.template, contact: contact) }
        if !closed.isEmpty {
            html += "<details class=\"refused-templates\"><summary>\(closed.count) would not send now</summary><ul>"
            for offer in closed {
                html += "<li><strong>\(HTML.escape(offer.template.name))</strong> (\(HTML.escape(offer.template.language))): "
                    + "\(HTML.escape(offer.refusal!.detail)) <span class=\"code\">\(HTML.escape(offer.refusal!.reason.rawValue))</span></li>"
            }
            html += "</ul></details>"
        }
        return html + "</section>"
    }

    private func templateForm(_ t: Template, contact: String) -> String {
        var fields = """
            <input type="hidden" name="template" value="\(HTML.escape(t.name))"><input type="hidden" name="language" value="\(HTML.escape(t.language))">
            <p class="preview">\(HTML.escape(t.body))</p>
            """
        fields += placeholderFields(t.headerPlaceholders, prefix: "header", label: "Header")
        fields += placeholderFields(t.bodyPlaceholders, prefix: "body", label: "Body")
        if let kind = t.header?.mediaKind {
            fields += field("header_media", label: "Header \(kind.rawValue) link", placeholder: "https://...")
        }
        for (index, button) in t.buttons.enumerated() where button.needsValue && button.type != "OTP" {
            fields += field("button.\(index)", label: "Button “\(button.text)” (\(button.takes!.rawValue))", placeholder: button.example ?? "")
        }
        if t.passwordButton != nil { fields += field("code", label: "One-time password", placeholder: "123456") }
        if t.header?.isLocation == true {
            fields += "<p class=\"hint\">This template needs a location header: send it from a macro or the agent API.</p>"
        }
        let summary = "<summary><strong>\(HTML.escape(t.name))</strong> <span class=\"muted\">\(HTML.escape(t.language)) · \(HTML.escape(t.category.rawValue.lowercased())) · \(HTML.escape(t.quality.rawValue.lowercased()))</span></summary>"
        return "<details class=\"template\" data-template=\"\(HTML.escape(t.name))\">\(summary)"
            + form("c/\(HTML.pathSegment(contact))/template", fields: fields, button: "Send \(t.name)") + "</details>"
    }

    private func placeholderFields(_ placeholders: Placeholders, prefix: String, label: String) -> String {
        switch placeholders {
        case .positional(let n):
            return (0..<n).map { field("\(prefix).\($0 + 1)", label: "\(label) {{\($0 + 1)}}", placeholder: "") }.joined()
        case .named(let names):
            return names.map { field("\(prefix).\($0)", label: "\(label) {{\($0)}}", placeholder: "") }.joined()
        }
    }

    func field(_ name: String, label: String, placeholder: String) -> String {
        """
        <label>\(HTML.escape(label)) <input name="\(HTML.escape(name))" placeholder="\(HTML.escape(placeholder))" autocomplete="off"></label>
        """
    }
}

/// A template message from the picker's form, in the shape `send` and the agent API take.
enum TemplateFormMessage {
    static func json(_ form: ConsoleForm, template t: Template?) -> JSONValue {
        var message: [String: JSONValue] = [
            "template": ["name": .string(form["template"] ?? ""), "language": .string(form["language"] ?? "")],
        ]
        guard let t else { return .object(message) }
        message["params"] = values(form, prefix: "body", t.bodyPlaceholders)
        if t.headerPlaceholders.count > 0 { message["header_params"] = values(form, prefix: "header", t.headerPlaceholders) }
        if let kind = t.header?.mediaKind, let link = form["header_media"], !link.isEmpty {
            message["header"] = [kind.rawValue: ["link": .string(link)]]
        }
        let buttons: [JSONValue] = t.buttons.enumerated().map { index, button in
            guard button.needsValue, button.type != "OTP", let kind = button.takes, let value = form["button.\(index)"], !value.isEmpty else { return false }
            return [kind.rawValue: .string(value)]
        }
        if buttons.contains(where: { $0 != false }) { message["buttons"] = .array(buttons) }
        if t.passwordButton != nil, let code = form["code"], !code.isEmpty { message["code"] = .string(code) }
        return .object(message)
    }

    private static func values(_ form: ConsoleForm, prefix: String, _ placeholders: Placeholders) -> JSONValue {
        switch placeholders {
        case .positional(let n): return .array((0..<n).map { .string(form["\(prefix).\($0 + 1)"] ?? "") })
        case .named(let names): return .object(Dictionary(uniqueKeysWithValues: names.map { ($0, .string(form["\(prefix).\($0)"] ?? "")) }))
        }
    }
}
