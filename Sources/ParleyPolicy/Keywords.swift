#if canImport(Glibc)
import Glibc
#endif

/// What an inbound text means to the core before any script sees it.
public enum KeywordMeaning: Sendable, Equatable {
    case optOut, optIn, escalate
}

/// The keyword lists (docs/rules.md §5 and §6), configurable per deployment.
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
        if let ascii = KeywordMatcher.foldedASCII(text) { return String(decoding: ascii, as: UTF8.self) }
        var s = String(text.trimmed()).lowercased()
        while let last = s.last, last.isPunctuation { s.removeLast() }
        return String(s.trimmed())
    }
}

/// The keyword lists, folded once, for matching every inbound message.
public struct KeywordMatcher: Sendable {
    private let optOut: Set<String>
    private let optIn: Set<String>
    private let phrases: [[Substring]]
    /// The same lists as bytes, for ASCII messages (most of them).
    private let asciiOptOut: [[UInt8]]
    private let asciiOptIn: [[UInt8]]
    private let asciiPhrases: [[[UInt8]]]
    private let phraseWords: Int
    private let longestPhrase: Int

    public init(_ keywords: Keywords) {
        optOut = Set(keywords.optOut.map(Keywords.fold))
        optIn = Set(keywords.optIn.map(Keywords.fold))
        phrases = keywords.escalation.map { Keywords.words(Keywords.fold($0)) }.filter { !$0.isEmpty }
        asciiOptOut = optOut.sorted().map { Array($0.utf8) }
        asciiOptIn = optIn.sorted().map { Array($0.utf8) }
        asciiPhrases = phrases.map { $0.map { Array($0.utf8) } }
        phraseWords = keywords.escalationPhraseWords
        longestPhrase = phrases.map(\.count).max() ?? 0
    }

    public func meaning(of text: String) -> KeywordMeaning? {
        if let folded = KeywordMatcher.foldedASCII(text) { return asciiMeaning(folded) }
        let folded = Keywords.fold(text)
        guard !folded.isEmpty else { return nil }
        if optOut.contains(folded) { return .optOut }
        if optIn.contains(folded) { return .optIn }
        // Keywords are matched word by word, so a deployment's own keyword may be a phrase
        // ("speak to someone"). A message that is exactly a keyword escalates whatever its
        // length; a short one escalates when it holds a keyword's words in a row.
        let words = Keywords.words(folded)
        if phrases.contains(words) { return .escalate }
        guard !words.isEmpty, words.count <= phraseWords else { return nil }
        return phrases.contains(where: { Keywords.contains(words, run: $0) }) ? .escalate : nil
    }

    /// `Keywords.fold` for ASCII text, as bytes; `nil` for any other text.
    static func foldedASCII(_ text: String) -> ArraySlice<UInt8>? {
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
        return bytes[start..<end]
    }

    /// The same rules as `meaning(of:)`, on folded ASCII bytes: plain index loops, since
    /// this runs on every inbound message.
    private func asciiMeaning(_ bytes: ArraySlice<UInt8>) -> KeywordMeaning? {
        guard !bytes.isEmpty else { return nil }
        if asciiOptOut.contains(where: { $0.elementsEqual(bytes) }) { return .optOut }
        if asciiOptIn.contains(where: { $0.elementsEqual(bytes) }) { return .optIn }
        let limit = max(phraseWords, longestPhrase)
        return bytes.withUnsafeBufferPointer { text -> KeywordMeaning? in
            // Word boundaries as (start, end) offsets; a message of more words than any rule
            // looks at is no request for a person.
            var starts: [Int] = [], ends: [Int] = []
            starts.reserveCapacity(limit + 1)
            ends.reserveCapacity(limit + 1)
            var i = 0
            while i < text.count {
                while i < text.count, !Self.isWordByte(text[i]) { i += 1 }
                guard i < text.count else { break }
                let start = i
                while i < text.count, Self.isWordByte(text[i]) { i += 1 }
                starts.append(start)
                ends.append(i)
                if starts.count > limit { return nil }
            }
            let count = starts.count
            guard count > 0 else { return nil }
            func word(_ w: Int, equals keyword: [UInt8]) -> Bool {
                let length = ends[w] - starts[w]
                guard length == keyword.count else { return false }
                return keyword.withUnsafeBufferPointer { memcmp(text.baseAddress! + starts[w], $0.baseAddress!, length) == 0 }
            }
            for phrase in asciiPhrases where phrase.count <= count {
                let offsets = phrase.count == count || count > phraseWords ? 0...0 : 0...(count - phrase.count)
                if count > phraseWords, phrase.count != count { continue }
                for offset in offsets where (0..<phrase.count).allSatisfy({ word(offset + $0, equals: phrase[$0]) }) {
                    return .escalate
                }
            }
            return nil
        }
    }

    private static func isWordByte(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
}
