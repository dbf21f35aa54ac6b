/// Small string scans in pure Swift. Foundation's `range(of:)` and `trimmingCharacters`
/// bridge through NSString on Linux and cost microseconds each; these run on every
/// decision and every inbound message, so they stay on the native string.
extension StringProtocol {
    /// Without leading and trailing whitespace (and newlines, with `newlines`).
    public func trimmed(newlines: Bool = true) -> SubSequence {
        // Most text starts and ends with a letter or a digit: nothing to look at.
        if let first = first?.asciiValue, let last = last?.asciiValue, Self.isPlainEdge(first), Self.isPlainEdge(last) { return self[...] }
        let scalars = unicodeScalars
        func isSpace(_ s: Unicode.Scalar) -> Bool {
            s.properties.isWhitespace && (newlines || !Character(s).isNewline)
        }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }

    /// A printable ASCII byte other than a space: never whitespace, whatever the Unicode tables say.
    private static func isPlainEdge(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }
}

/// A template text cut into literal runs and `{{placeholders}}`, once, so that counting
/// and filling placeholders costs one pass over the pieces.
struct PlaceholderText: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case literal(String)
        case placeholder(String)
    }

    let pieces: [Piece]

    init(_ text: String) {
        var pieces: [Piece] = []
        let bytes = Array(text.utf8)
        var literalStart = 0
        var i = 0
        while i + 1 < bytes.count {
            guard bytes[i] == UInt8(ascii: "{"), bytes[i + 1] == UInt8(ascii: "{") else {
                i += 1
                continue
            }
            var j = i + 2
            while j + 1 < bytes.count, !(bytes[j] == UInt8(ascii: "}") && bytes[j + 1] == UInt8(ascii: "}")) { j += 1 }
            guard j + 1 < bytes.count else { break }  // no closing braces: the rest is literal
            if literalStart < i { pieces.append(.literal(String(decoding: bytes[literalStart..<i], as: UTF8.self))) }
            pieces.append(.placeholder(String(String(decoding: bytes[(i + 2)..<j], as: UTF8.self).trimmed(newlines: false))))
            i = j + 2
            literalStart = i
        }
        if literalStart < bytes.count { pieces.append(.literal(String(decoding: bytes[literalStart...], as: UTF8.self))) }
        self.pieces = pieces
    }

    /// The placeholder names in order of first appearance, each once.
    var names: [String] {
        var seen: [String] = []
        for case .placeholder(let name) in pieces where !name.isEmpty && !seen.contains(name) { seen.append(name) }
        return seen
    }

    /// The text with each placeholder replaced by its value; one without a value stays.
    func hydrate(with arguments: TemplateArguments) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .literal(let s): out += s
            case .placeholder(let name):
                switch arguments {
                case .positional(let values):
                    if let i = Int(name), i >= 1, i <= values.count { out += values[i - 1] } else { out += "{{\(name)}}" }
                case .named(let values):
                    out += values[name] ?? "{{\(name)}}"
                }
            }
        }
        return out
    }
}
