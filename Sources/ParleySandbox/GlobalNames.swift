/// The globals a script's text reads, for "did you mean" before the script runs: a
/// misspelt primitive (`sendd`, `pick_templat`) is found when the file loads and by
/// `parley check`, with its line, instead of when a conversation first takes that path.
///
/// It reads tokens, not a syntax tree: a name counts as declared when the file declares it
/// anywhere (`local`, a parameter, a `for` variable, an assignment, `function name`), so
/// scoping mistakes pass; what it reports is a name read that nothing declares.
package enum GlobalNames {
    package struct Use: Equatable {
        package let name: String
        package let line: Int
    }

    private static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]

    /// Names the text reads as globals and neither `known` holds nor the text declares,
    /// each at its first line.
    package static func undeclared(in source: String, known: Set<String>) -> [Use] {
        let tokens = tokenize(Array(source.utf8))
        var declared = Set<String>()
        var reads: [Use] = []
        var inParameters = false
        var awaitingParameters = false  // after `function`, until its `(`
        var declaring = false  // after `local`, or `for`, until `=` or `in`
        for (i, token) in tokens.enumerated() {
            let previous = i > 0 ? tokens[i - 1].text : ""
            let next = i + 1 < tokens.count ? tokens[i + 1].text : ""
            switch token.text {
            case "local", "for": declaring = true; continue
            case "=", "in": declaring = false; continue
            case "function": awaitingParameters = true; declaring = false; continue
            case "(" where awaitingParameters: awaitingParameters = false; inParameters = true; continue
            case ")": inParameters = false; continue
            default: break
            }
            guard token.isName, !keywords.contains(token.text) else {
                if token.text != "," { declaring = declaring && token.text == "," }
                continue
            }
            if previous == "." || previous == ":" || previous == "goto" || previous == "::" { continue }
            if previous == "<", next == ">" { continue }  // an attribute: local f <close>, <const>
            if declaring || inParameters || (awaitingParameters && previous == "function") { declared.insert(token.text); continue }
            if awaitingParameters { continue }  // `function M.name(`: a field of a declared table
            if next == "=" { declared.insert(token.text); continue }  // an assignment, or a table's key
            reads.append(Use(name: token.text, line: token.line))
        }
        var seen = Set<String>()
        return reads.filter { !known.contains($0.name) && !declared.contains($0.name) && seen.insert($0.name).inserted }
    }

    private struct Token {
        let text: String
        let line: Int
        let isName: Bool
    }

    /// Lua's tokens, without strings, comments and numbers, which name nothing.
    private static func tokenize(_ s: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var i = 0, line = 1
        func isNameByte(_ c: UInt8) -> Bool { c == 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c >= 128 }
        /// The level of a long bracket `[==[` at `at`, or nil.
        func longBracket(_ at: Int) -> Int? {
            guard at < s.count, s[at] == 91 else { return nil }
            var j = at + 1, level = 0
            while j < s.count, s[j] == 61 { level += 1; j += 1 }
            return j < s.count && s[j] == 91 ? level : nil
        }
        func skipLong(_ level: Int) {
            i += level + 2
            while i < s.count {
                if s[i] == 10 { line += 1 }
                if s[i] == 93 {
                    var j = i + 1, l = 0
                    while j < s.count, s[j] == 61 { l += 1; j += 1 }
                    if l == level, j < s.count, s[j] == 93 { i = j + 1; return }
                }
                i += 1
            }
        }
        while i < s.count {
            let c = s[i]
            if c == 10 { line += 1; i += 1; continue }
            if c == 32 || c == 9 || c == 13 { i += 1; continue }
            if c == 45, i + 1 < s.count, s[i + 1] == 45 {  // a comment
                if let level = longBracket(i + 2) { i += 2; skipLong(level); continue }
                while i < s.count, s[i] != 10 { i += 1 }
                continue
            }
            if let level = longBracket(i) { skipLong(level); tokens.append(Token(text: "\"\"", line: line, isName: false)); continue }
            if c == 34 || c == 39 {  // a quoted string
                i += 1
                while i < s.count, s[i] != c, s[i] != 10 {
                    if s[i] == 92 { i += 1 }
                    i += 1
                }
                i += 1
                tokens.append(Token(text: "\"\"", line: line, isName: false))
                continue
            }
            if c >= 48 && c <= 57 || (c == 46 && i + 1 < s.count && s[i + 1] >= 48 && s[i + 1] <= 57) {  // a number
                while i < s.count, isNameByte(s[i]) || s[i] == 46 || ((s[i] == 43 || s[i] == 45) && (s[i - 1] | 32 == 101 || s[i - 1] | 32 == 112)) { i += 1 }
                tokens.append(Token(text: "0", line: line, isName: false))
                continue
            }
            if isNameByte(c) {
                let start = i
                while i < s.count, isNameByte(s[i]) { i += 1 }
                tokens.append(Token(text: String(decoding: s[start..<i], as: UTF8.self), line: line, isName: true))
                continue
            }
            // Punctuation: the two-byte ones that matter here stay whole.
            if i + 1 < s.count {
                let pair = String(decoding: s[i...(i + 1)], as: UTF8.self)
                if ["==", "~=", "<=", ">=", "::", "..", "//", "<<", ">>"].contains(pair) {
                    i += 2
                    if pair == "..", i < s.count, s[i] == 46 { i += 1 }
                    tokens.append(Token(text: pair, line: line, isName: false))
                    continue
                }
            }
            tokens.append(Token(text: String(UnicodeScalar(c)), line: line, isName: false))
            i += 1
        }
        return tokens
    }
}
