import Foundation

/// The template rules of docs/rules.md §2 that depend on the template alone: status,
/// parameters (the header's and buttons' in TemplateComponentRules.swift), lengths.
enum TemplateRules {
    struct Passed {
        let hydratedBody: String
    }

    static func check(_ template: Template, _ request: TemplateRequest, at now: Instant, config: PolicyConfig)
        -> Result<Passed, Refusal>
    {
        let key = template.key
        switch template.status(at: now) {
        case .approved: break
        case .paused:
            let until = template.pausedUntil.map { " until \($0.iso8601)" } ?? ""
            return .failure(Refusal(.templatePaused, "template \(key) is paused\(until) (pause \(template.pauseCount) of \(config.templatePauses.count)); send another template or wait"))
        case .disabled:
            return .failure(Refusal(.templateDisabled, "template \(key) is disabled for good; create a new template"))
        case let status:
            return .failure(Refusal(.templateNotApproved, "template \(key) is \(status), not APPROVED; only approved templates send"))
        }
        // The password first: without it the body would be refused for a missing value
        // without saying that `code` fills it.
        if let refusal = password(template, request)
            ?? arguments(request.bodyArguments, for: template.bodyPlaceholders, part: "body", key: key)
            ?? header(template, request.header)
            ?? buttons(template, request)
        {
            return .failure(refusal)
        }
        let body = template.bodyText.hydrate(with: request.bodyArguments)
        if body.count > config.templateLimits.body {
            return .failure(Refusal(.templateTooLong, "template \(key) body is \(body.count) characters with its parameters; the limit is \(config.templateLimits.body)"))
        }
        if let headerText = template.headerText {
            let header = headerText.hydrate(with: request.header.arguments)
            if header.count > config.templateLimits.header {
                return .failure(Refusal(.templateTooLong, "template \(key) header is \(header.count) characters with its parameter; the limit is \(config.templateLimits.header)"))
            }
        }
        return .success(Passed(hydratedBody: body))
    }

    /// Count and format of the values for one part's placeholders.
    static func arguments(_ args: TemplateArguments, for placeholders: Placeholders, part: String, key: TemplateKey) -> Refusal? {
        switch (placeholders, args) {
        case (.positional(let n), .positional(let values)) where values.count != n:
            return Refusal(.templateParamMismatch, "template \(key) \(part) takes \(n) parameter\(n == 1 ? "" : "s"); \(values.count) given")
        case (.positional(let n), .named(let values)) where n > 0 || !values.isEmpty:
            return Refusal(.templateParamMismatch, "template \(key) \(part) takes \(n) positional parameter\(n == 1 ? "" : "s") ({{1}}...); named ones were given")
        case (.named(let names), .named(let values)):
            let missing = names.filter { values[$0] == nil }
            let extra = values.keys.filter { !names.contains($0) }.sorted()
            if !missing.isEmpty || !extra.isEmpty {
                var parts: [String] = []
                if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
                if !extra.isEmpty { parts.append("unknown \(extra.joined(separator: ", "))") }
                return Refusal(.templateParamMismatch, "template \(key) \(part) takes named parameters \(names.joined(separator: ", ")); \(parts.joined(separator: "; "))")
            }
        case (.named(let names), .positional(let values)) where !names.isEmpty || !values.isEmpty:
            return Refusal(.templateParamMismatch, "template \(key) \(part) takes named parameters \(names.joined(separator: ", ")); positional ones were given")
        default:
            break
        }
        // A named value is named in the detail: "parameter 2" meant the second in sorted
        // order, which the script never wrote.
        let labelled: [(label: String, value: String)]
        switch args {
        case .positional(let values): labelled = values.enumerated().map { ("\($0.offset + 1)", $0.element) }
        case .named(let values): labelled = values.keys.sorted().map { ($0, values[$0]!) }
        }
        for (label, value) in labelled {
            if let problem = formatProblem(value) {
                return Refusal(.templateParamFormat, "template \(key) \(part) parameter \(label) \(problem)")
            }
        }
        return nil
    }

    /// The platform refuses parameter values that are empty or carry a newline, a tab or
    /// more than four consecutive spaces (132012).
    static func formatProblem(_ value: String) -> String? {
        var blank = true, newline = false, tab = false
        var spaces = 0, longestSpaces = 0
        for scalar in value.unicodeScalars {
            // ASCII, almost every value, is read without Unicode's property tables.
            if scalar.isASCII {
                switch scalar.value {
                case 0x0A...0x0D: newline = true  // \n, vertical tab, form feed, \r
                case 0x09: tab = true
                case 0x20: break
                default: blank = false
                }
            } else {
                // Every line break counts (also U+2028, U+0085...), not only \n and \r.
                if Character(scalar).isNewline { newline = true }
                if !scalar.properties.isWhitespace { blank = false }
            }
            spaces = scalar == " " ? spaces + 1 : 0
            longestSpaces = max(longestSpaces, spaces)
        }
        if blank { return "is empty" }
        if newline { return "contains a newline" }
        if tab { return "contains a tab" }
        if longestSpaces > 4 { return "contains more than 4 consecutive spaces" }
        return nil
    }
}
