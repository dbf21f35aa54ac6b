/// The variables of a template text: `{{1}}`, `{{2}}`... (positional) or `{{order_id}}`
/// (named), where each sits, and the braces that are not a variable at all.
struct TemplateVariables: Equatable {
    struct Variable: Equatable {
        /// What is between the braces: `1`, `order_id`.
        let name: String
        /// Offsets in characters of `{{` and just past `}}`.
        let start: Int
        let end: Int

        var isPositional: Bool { name.allSatisfy(\.isASCIIDigit) }
    }

    let text: String
    private(set) var found: [Variable] = []
    /// Brace groups that are not `{{name}}`: `{{ 1 }}`, `{{First Name}}`, a `{{` left open.
    private(set) var malformed: [String] = []

    init(_ text: String) {
        self.text = text
        let characters = Array(text)
        var i = 0
        while i + 1 < characters.count {
            guard characters[i] == "{", characters[i + 1] == "{" else {
                i += 1
                continue
            }
            var j = i + 2
            while j + 1 < characters.count, !(characters[j] == "}" && characters[j + 1] == "}") { j += 1 }
            guard j + 1 < characters.count else {
                malformed.append(String(characters[i...].prefix(20)))
                break
            }
            let inside = String(characters[(i + 2)..<j])
            if !inside.isEmpty, inside.allSatisfy({ $0.isASCIIDigit || $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) }) {
                found.append(Variable(name: inside, start: i, end: j + 2))
            } else {
                malformed.append("{{\(inside)}}")
            }
            i = j + 2
        }
    }

    var isEmpty: Bool { found.isEmpty }
    var positional: [Variable] { found.filter(\.isPositional) }
    var named: [Variable] { found.filter { !$0.isPositional } }

    /// The distinct names, in order of first appearance.
    var distinctNames: [String] {
        var seen = Set<String>()
        return found.map(\.name).filter { seen.insert($0).inserted }
    }

    /// The text with every variable taken out.
    var literal: String {
        var characters = Array(text)
        for v in found.reversed() { characters.replaceSubrange(v.start..<v.end, with: [" "]) }
        return String(characters)
    }

    /// What stands between each variable and the next.
    var gaps: [(after: Variable, before: Variable, between: String)] {
        let characters = Array(text)
        return zip(found, found.dropFirst()).map { ($0, $1, String(characters[$0.end..<$1.start])) }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
