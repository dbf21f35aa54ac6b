/// The variables of the header and body: how they are numbered or named, their examples,
/// and the placements reviewers reject most.
extension DraftCheck {
    mutating func checkVariables() {
        let headerText = draft.header?.format == "TEXT" ? draft.header?.text ?? "" : ""
        let bodyText = draft.body?.text ?? ""
        let header = TemplateVariables(headerText), body = TemplateVariables(bodyText)
        for (part, variables) in [("header", header), ("body", body)] {
            for bad in variables.malformed {
                error(part, "\(bad) is not a variable", fix: "write variables as {{1}}, {{2}}... or {{order_id}}: no spaces, and closed with }}")
            }
        }
        let all = header.found + body.found
        guard !all.isEmpty else { return }
        let positional = all.filter(\.isPositional), named = all.filter { !$0.isPositional }
        if !positional.isEmpty, !named.isEmpty {
            error("body", "the template mixes numbered variables ({{\(positional[0].name)}}) and named ones ({{\(named[0].name)}})",
                  fix: "use one kind: {{1}}, {{2}}... or names such as {{order_id}}")
        }
        for (part, variables) in [("header", header), ("body", body)] where !variables.isEmpty {
            checkNumbering(variables, in: part)
            checkNames(variables, in: part)
        }
        checkExamples(header: header, body: body)
        checkPlacement(body)
    }

    /// Numbered variables run 1, 2, 3... in each part, without gaps.
    private mutating func checkNumbering(_ variables: TemplateVariables, in part: String) {
        let numbers = Set(variables.positional.compactMap { Int($0.name) })
        guard let highest = numbers.max() else { return }
        let missing = (1...max(highest, 1)).filter { !numbers.contains($0) }
        if numbers.contains(0) || !missing.isEmpty {
            let gap = missing.first.map { "{{\($0)}} is missing" } ?? "numbering starts at {{0}}"
            error(part, "the \(part)'s variables are not numbered 1, 2, 3... without gaps: \(gap)", fix: "number them from {{1}} up, each number used")
        }
    }

    /// Named variables are lowercase letters and underscores.
    private mutating func checkNames(_ variables: TemplateVariables, in part: String) {
        for name in Set(variables.named.map(\.name)).sorted() where !name.allSatisfy({ ("a"..."z").contains($0) || $0 == "_" }) {
            error(part, "{{\(name)}} is not a valid variable name", fix: "use lowercase letters and underscores, such as {{\(name.lowercased().filter { ("a"..."z").contains($0) || $0 == "_" })}}")
        }
    }

    /// Every variable has an example value: reviewers read the template with them.
    private mutating func checkExamples(header: TemplateVariables, body: TemplateVariables) {
        if !header.isEmpty, (draft.header?.textExamples ?? []).isEmpty {
            error("header", "the header's variable has no example", fix: "add \"example\": {\"header_text\": [\"...\"]}")
        }
        guard !body.isEmpty, let examples = draft.body else { return }
        let names = body.distinctNames
        if body.named.isEmpty {
            if examples.positionalExamples.count < names.count {
                error("body", "the body has \(names.count) variables and \(examples.positionalExamples.count) example values",
                      fix: "add \"example\": {\"body_text\": [[\(names.map { "\"value for {{\($0)}}\"" }.joined(separator: ", "))]]}")
            }
        } else {
            let missing = names.filter { examples.namedExamples[$0]?.isEmpty ?? true }
            if !missing.isEmpty {
                error("body", "\(missing.map { "{{\($0)}}" }.joined(separator: ", ")) \(missing.count == 1 ? "has" : "have") no example",
                      fix: "add each to \"example\": {\"body_text_named_params\": [{\"param_name\": \"\(missing[0])\", \"example\": \"...\"}]}")
            }
        }
    }

    /// The causes of rejection the platform states for the body's variables: one at its
    /// very start or end, two side by side, and too many for the length of the text.
    private mutating func checkPlacement(_ body: TemplateVariables) {
        guard let first = body.found.first, let last = body.found.last else { return }
        let characters = Array(body.text)
        if characters[..<first.start].allSatisfy(\.isWhitespace) {
            error("body", "the body starts with a variable", fix: "begin with words, such as \"Hi {{1}}, ...\"")
        }
        // A variable followed only by punctuation ends the text, to a reviewer.
        if characters[last.end...].allSatisfy({ $0.isWhitespace || $0.isPunctuation }) {
            error("body", "the body ends with a variable", fix: "end with words after it, such as \"... {{\(last.name)}}. Reply HELP for help.\"")
        }
        for gap in body.gaps where gap.between.allSatisfy({ $0.isWhitespace || $0.isPunctuation }) {
            error("body", "{{\(gap.after.name)}} and {{\(gap.before.name)}} stand side by side", fix: "put words between them, such as \"{{\(gap.after.name)}} on {{\(gap.before.name)}}\"")
        }
        // Reviewers want at least 2n + 1 words that are not variables for n variables.
        let words = body.literal.split(whereSeparator: \.isWhitespace).filter { $0.contains { $0.isLetter || $0.isNumber } }.count
        let needed = 2 * body.found.count + 1
        if words < needed {
            error("body", "the body has \(body.found.count) variables and \(words) other words: too many variables for its length",
                  fix: "write at least \(needed) words besides the variables, or use fewer variables")
        }
    }
}
