/// The template rules for the parts beyond the body's text (docs/rules.md §2.3): a media or
/// location header, the buttons' values, and an authentication template's password. A
/// missing value is refused here, before the platform refuses the whole message; each
/// detail names the component and what to give, as a script writes it. Buttons are named
/// by their place in a script's `buttons` list, from 1.
extension TemplateRules {
    /// `code` is for authentication templates, and a one-time-password button needs one.
    static func password(_ t: Template, _ r: TemplateRequest) -> Refusal? {
        if r.code != nil, t.category != .authentication {
            let copyCode = t.buttons.firstIndex { $0.type == "COPY_CODE" }
                .map { "; for its copy-code button give buttons[\($0 + 1)] = {code = \"...\"}" } ?? ""
            return Refusal(.templateParamMismatch, "template \(t.key) is a \(t.category.rawValue) template; code is for authentication templates\(copyCode)")
        }
        if let found = t.passwordButton, r.code == nil, !r.buttons.contains(where: { $0.index == found.index }) {
            return Refusal(.templateParamMismatch, "template \(t.key) has a one-time-password button (\(found.button.otpType ?? "COPY_CODE")); give code = \"...\": the password goes in the body and in the button")
        }
        return nil
    }

    /// A media header takes its media, a location header its place, a text header its
    /// placeholders' values; a header the template lacks takes nothing.
    static func header(_ t: Template, _ value: TemplateHeaderValue) -> Refusal? {
        let key = t.key
        if let kind = t.header?.mediaKind {
            let fix = "give header = {\(kind.rawValue) = {link = \"https://...\"}}"
            guard case .media(let media) = value, media.kind == kind else {
                return Refusal(.templateParamMismatch, "template \(key) has \(headerName(t))\(given(value)); \(fix)")
            }
            if !media.hasOneSource {
                return Refusal(.templateParamFormat, "template \(key) header \(kind.rawValue) needs exactly one of link or id; \(fix) or {id = \"...\"}")
            }
            if media.caption != nil {
                return Refusal(.templateParamFormat, "template \(key) header \(kind.rawValue) takes no caption; drop it")
            }
            if media.filename != nil, kind != .document {
                return Refusal(.templateParamFormat, "template \(key) header \(kind.rawValue) takes no filename; only a document does")
            }
            return nil
        }
        if t.header?.isLocation == true {
            guard case .location(let place) = value else {
                return Refusal(.templateParamMismatch, "template \(key) has a LOCATION header\(given(value)); give header = {location = {latitude = ..., longitude = ..., name = \"...\", address = \"...\"}}")
            }
            guard (-90...90).contains(place.latitude), (-180...180).contains(place.longitude) else {
                return Refusal(.templateParamFormat, "template \(key) header location is at latitude \(place.latitude), longitude \(place.longitude); latitude runs from -90 to 90, longitude from -180 to 180")
            }
            if (place.name ?? "").isEmpty || (place.address ?? "").isEmpty {
                return Refusal(.templateParamMismatch, "template \(key) header location needs a name and an address, which the platform shows under the map; give both")
            }
            return nil
        }
        switch value {
        case .text(let arguments):
            return self.arguments(arguments, for: t.headerPlaceholders, part: "header", key: key)
        case .media(let media):
            return Refusal(.templateParamMismatch, "template \(key) has \(headerName(t)), not \(withArticle(media.kind.rawValue)) one; drop header.\(media.kind.rawValue)")
        case .location:
            return Refusal(.templateParamMismatch, "template \(key) has \(headerName(t)), not a location one; drop header.location")
        }
    }

    /// Each value fits the button at its index, each button that needs a value has one, and
    /// every value is well formed.
    static func buttons(_ t: Template, _ r: TemplateRequest) -> Refusal? {
        if t.buttons.isEmpty && r.buttons.isEmpty { return nil }  // most templates: nothing to place on every decision
        let key = t.key
        var seen = Set<Int>()
        for value in r.buttons.sorted(by: { $0.index < $1.index }) {
            let at = "buttons[\(value.index + 1)]"
            guard t.buttons.indices.contains(value.index) else {
                let count = t.buttons.count
                return Refusal(.templateParamMismatch, "template \(key) has \(count) button\(count == 1 ? "" : "s"); \(at) was given a \(value.kind.rawValue)")
            }
            guard seen.insert(value.index).inserted else {
                return Refusal(.templateParamMismatch, "template \(key) \(at) was given two values; give one")
            }
            let button = t.buttons[value.index]
            guard let takes = button.takes else {
                return Refusal(.templateParamMismatch, "template \(key) \(at) is \(describe(button)), which takes no value; leave \(at) empty (false)")
            }
            guard takes == value.kind else {
                return Refusal(.templateParamMismatch, "template \(key) \(at) is \(describe(button)); give \(at) = {\(takes.rawValue) = \"...\"}, not \(value.kind.rawValue)")
            }
        }
        let filled = r.filled(for: t).buttons
        for (index, button) in t.buttons.enumerated() where button.needsValue && !filled.contains(where: { $0.index == index }) {
            let at = "buttons[\(index + 1)]"
            return Refusal(.templateParamMismatch, "template \(key) \(at) is \(describe(button)); give \(at) = {\(button.takes!.rawValue) = \"...\"}")
        }
        for b in filled {
            if let problem = formatProblem(b.parameter.value) {
                return Refusal(.templateParamFormat, "template \(key) buttons[\(b.index + 1)] value \(problem)")
            }
        }
        return nil
    }

    private static func headerName(_ t: Template) -> String {
        switch t.header {
        case nil: return "no header"
        case .text?: return "a text header"
        case .media(let format)?: return "\(withArticle(format)) header"
        }
    }

    /// What was given instead of the header's media, if anything.
    private static func given(_ value: TemplateHeaderValue) -> String {
        switch value {
        case .text(let arguments): return arguments.count == 0 ? "" : ", which takes no text values (header_params)"
        case .media(let media): return ", not \(withArticle(media.kind.rawValue))"
        case .location: return ", not a location"
        }
    }

    private static func withArticle(_ word: String) -> String {
        ("aeiou".contains(word.lowercased().first ?? "x") ? "an " : "a ") + word
    }

    private static func describe(_ b: Template.Button) -> String {
        switch b.type {
        case "URL": return "a URL button (\(b.url ?? b.text))"
        case "QUICK_REPLY": return "a quick-reply button \"\(b.text)\""
        case "COPY_CODE": return "a copy-code button"
        case "OTP": return "a one-time-password button"
        default: return "a \(b.type) button" + (b.text.isEmpty ? "" : " \"\(b.text)\"")
        }
    }
}
