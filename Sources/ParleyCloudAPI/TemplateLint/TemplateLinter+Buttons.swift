import Foundation

/// The buttons: how many of each kind, their labels and URLs, and their order.
extension DraftCheck {
    static let buttonTypes: Set<String> = ["QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE", "OTP", "FLOW", "CATALOG", "MPM", "SPM", "VOICE_CALL"]
    /// How many of a kind one template may have.
    static let buttonCaps: [String: Int] = ["QUICK_REPLY": 10, "URL": 2, "PHONE_NUMBER": 1, "COPY_CODE": 1, "OTP": 1, "FLOW": 1]

    mutating func checkButtons() {
        let buttons = draft.buttons
        if isAuthentication { return checkPasswordButton(buttons) }
        guard !buttons.isEmpty else { return }
        if buttons.count > 10 { error("buttons", "the template has \(buttons.count) buttons, over 10", fix: "keep at most 10") }
        for (type, cap) in Self.buttonCaps.sorted(by: { $0.key < $1.key }) {
            let count = buttons.filter { $0.type == type }.count
            if count > cap { error("buttons", "the template has \(count) \(type) buttons; it may have \(cap)", fix: "keep \(cap)") }
        }
        for (index, button) in buttons.enumerated() { check(button, at: "buttons[\(index + 1)]") }
        // Quick replies form one group, before or after the others: Q Q U or U Q Q, never Q U Q.
        let kinds = buttons.map { $0.type == "QUICK_REPLY" }
        let changes = zip(kinds, kinds.dropFirst()).filter { $0 != $1 }.count
        if changes > 1 {
            error("buttons", "quick replies are mixed in among the other buttons", fix: "put every QUICK_REPLY button together, before or after the others")
        }
    }

    private mutating func check(_ button: TemplateDraft.Button, at place: String) {
        guard Self.buttonTypes.contains(button.type) else {
            return error(place, "\"\(button.type)\" is not a button type", fix: "use QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE or FLOW")
        }
        let text = button.text ?? ""
        if button.type != "COPY_CODE" {
            if text.isEmpty { error(place, "the \(button.type) button has no label", fix: "add \"text\"") }
            if text.count > 25 {
                error(place, "the label \"\(text)\" is \(text.count) characters, over 25", fix: "shorten it")
            } else if button.type == "QUICK_REPLY", text.count > 20 {
                warning(place, "the quick reply \"\(text)\" is \(text.count) characters; some devices cut labels past 20", fix: "keep it to 20")
            }
        }
        if !TemplateVariables(text).isEmpty { error(place, "the label has a variable; labels take none", fix: "write the label out") }
        switch button.type {
        case "URL": checkURL(button, at: place)
        case "PHONE_NUMBER":
            // The country code and the number's digits, with or without a +, as Meta's own examples write it.
            let number = button.phoneNumber ?? ""
            let digits = number.hasPrefix("+") ? number.dropFirst() : Substring(number)
            if !(8...20).contains(digits.count) || !digits.allSatisfy(\.isASCIIDigit) {
                error(place, "the phone number \"\(number)\" is not an international number", fix: "write the country code and the digits, such as \"+14155550101\"")
            }
        case "COPY_CODE":
            if button.examples.isEmpty { error(place, "the copy-code button has no example code", fix: "add \"example\": \"SUMMER25\"") }
        default:
            break
        }
    }

    private mutating func checkURL(_ button: TemplateDraft.Button, at place: String) {
        let url = button.url ?? ""
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            return error(place, "the URL button has no web address", fix: "add \"url\" starting with https://")
        }
        if url.count > 2_000 { error(place, "the URL is \(url.count) characters, over 2,000", fix: "shorten it") }
        let variables = TemplateVariables(url)
        if variables.found.count > 1 { error(place, "the URL has \(variables.found.count) variables; it may have one", fix: "keep one, at the end") }
        if let last = variables.found.last, last.end != url.count {
            error(place, "the URL's variable is not at its end", fix: "put it last, as \"https://example.com/orders/{{1}}\"")
        }
        if !variables.isEmpty, button.examples.isEmpty {
            let sample = url.replacingOccurrences(of: "{{\(variables.found[0].name)}}", with: "10234")
            error(place, "the URL has a variable and no example", fix: "add \"example\": [\"\(sample)\"], the whole address with a sample value")
        }
    }

    /// Authentication templates have one one-time-password button and nothing else.
    private mutating func checkPasswordButton(_ buttons: [TemplateDraft.Button]) {
        let passwords = buttons.filter { $0.type == "OTP" }
        if passwords.count != 1 {
            error("buttons", "an authentication template needs exactly one OTP button; it has \(passwords.count)",
                  fix: "add {\"type\": \"OTP\", \"otp_type\": \"COPY_CODE\", \"text\": \"Copy code\"}")
        }
        if let other = buttons.first(where: { $0.type != "OTP" }) {
            error("buttons", "authentication templates take only the OTP button, not \(other.type)", fix: "remove it")
        }
    }
}
