/// What an inbound text means to the core before any script sees it.
public enum KeywordMeaning: Sendable, Equatable {
    case optOut, optIn, escalate
}

/// The keyword lists (POLICY.md sections 5 and 6), configurable per deployment.
public struct Keywords: Sendable, Equatable {
    /// Exact messages that stop marketing. Case and surrounding whitespace are ignored.
    public var optOut: [String] = ["STOP", "UNSUBSCRIBE", "CANCEL", "PARAR", "ARRÊT", "BAJA", "退订"]
    /// Exact messages that resume it.
    public var optIn: [String] = ["START", "RESUME"]
    /// Words that ask for a person.
    public var escalation: [String] = ["human", "agent", "person", "operator", "representative"]
    /// An escalation keyword also counts inside a message of at most this many words
    /// ("talk to a human"), but not in a long sentence that merely mentions it.
    public var escalationPhraseWords = 5

    public init() {}

    /// The meaning of an inbound text, or `nil` for an ordinary message. (For many
    /// messages, build a `KeywordMatcher` once.)
    public func meaning(of text: String) -> KeywordMeaning? {
        KeywordMatcher(self).meaning(of: text)
    }

    static func words(_ folded: String) -> [Substring] {
        // ASCII text splits on bytes; only other text needs Unicode's letter tables.
        if folded.utf8.allSatisfy({ $0 < 0x80 }) {
            return folded.split(whereSeparator: { c in
                let b = c.asciiValue ?? 0
                return !((b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A))
            })
        }
        return folded.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
    }

    /// Whether `run` appears in `words` as consecutive words.
    static func contains(_ words: [Substring], run: [Substring]) -> Bool {
        guard !run.isEmpty, run.count <= words.count else { return false }
        return (0...(words.count - run.count)).contains { start in words[start..<start + run.count].elementsEqual(run) }
    }

    /// Case-folded, trimmed of whitespace and of trailing punctuation such as `!` or `.`.
    static func fold(_ text: String) -> String {
        if let ascii = foldASCII(text) { return ascii }
        var s = String(text.trimmed()).lowercased()
        while let last = s.last, last.isPunctuation { s.removeLast() }
        return String(s.trimmed())
    }
}

extension Keywords {
    /// `fold` for ASCII text, byte by byte: most messages, and no Unicode tables needed.
    /// `nil` for any other text.
    static func foldASCII(_ text: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            guard b < 0x80 else { return nil }
            bytes.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b)
        }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
        func isPunctuation(_ b: UInt8) -> Bool {
            (b >= 0x21 && b <= 0x2F && b != 0x24 && b != 0x2B) || (b >= 0x3A && b <= 0x40 && b != 0x3C && b != 0x3D && b != 0x3E)
                || (b >= 0x5B && b <= 0x60 && b != 0x5E && b != 0x60) || b == 0x7B || b == 0x7D
        }
        var end = bytes.count
        while end > 0, isSpace(bytes[end - 1]) || isPunctuation(bytes[end - 1]) { end -= 1 }
        var start = 0
        while start < end, isSpace(bytes[start]) { start += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

/// The keyword lists, folded once, for matching every inbound message.
public struct KeywordMatcher: Sendable {
    private let optOut: Set<String>
    private let optIn: Set<String>
    private let phrases: [[Substring]]
    /// The same phrases as bytes, for ASCII messages (most of them).
    private let asciiPhrases: [[[UInt8]]]
    private let phraseWords: Int
    private let longestPhrase: Int

    public init(_ keywords: Keywords) {
        optOut = Set(keywords.optOut.map(Keywords.fold))
        optIn = Set(keywords.optIn.map(Keywords.fold))
        phrases = keywords.escalation.map { Keywords.words(Keywords.fold($0)) }.filter { !$0.isEmpty }
        asciiPhrases = phrases.map { $0.map { Array($0.utf8) } }
        phraseWords = keywords.escalationPhraseWords
        longestPhrase = phrases.map(\.count).max() ?? 0
    }

    public func meaning(of text: String) -> KeywordMeaning? {
        let folded = Keywords.fold(text)
        guard !folded.isEmpty else { return nil }
        if optOut.contains(folded) { return .optOut }
        if optIn.contains(folded) { return .optIn }
        // Keywords are matched word by word, so a deployment's own keyword may be a phrase
        // ("speak to someone"). A message that is exactly a keyword escalates whatever its
        // length; a short one escalates when it holds a keyword's words in a row.
        if folded.utf8.allSatisfy({ $0 < 0x80 }) { return asciiMeaning(Array(folded.utf8)) }
        let words = Keywords.words(folded)
        if phrases.contains(words) { return .escalate }
        guard !words.isEmpty, words.count <= phraseWords else { return nil }
        return phrases.contains(where: { Keywords.contains(words, run: $0) }) ? .escalate : nil
    }

    private func asciiMeaning(_ bytes: [UInt8]) -> KeywordMeaning? {
        var words: [ArraySlice<UInt8>] = []
        var start: Int?
        for (i, b) in bytes.enumerated() {
            let wordByte = (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            if wordByte, start == nil { start = i }
            if !wordByte, let s = start {
                words.append(bytes[s..<i])
                start = nil
                if words.count > max(phraseWords, longestPhrase) { return nil }  // too long to be asking
            }
        }
        if let s = start { words.append(bytes[s...]) }
        guard !words.isEmpty else { return nil }
        for phrase in asciiPhrases where phrase.count <= words.count {
            if phrase.count == words.count, zip(phrase, words).allSatisfy({ $0.elementsEqual($1) }) { return .escalate }
            guard words.count <= phraseWords else { continue }
            for offset in 0...(words.count - phrase.count)
            where zip(phrase, words[offset..<offset + phrase.count]).allSatisfy({ $0.elementsEqual($1) }) {
                return .escalate
            }
        }
        return nil
    }
}
