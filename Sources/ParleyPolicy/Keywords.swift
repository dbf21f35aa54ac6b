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

    /// The meaning of an inbound text, or `nil` for an ordinary message.
    public func meaning(of text: String) -> KeywordMeaning? {
        let folded = Keywords.fold(text)
        guard !folded.isEmpty else { return nil }
        if optOut.contains(where: { Keywords.fold($0) == folded }) { return .optOut }
        if optIn.contains(where: { Keywords.fold($0) == folded }) { return .optIn }
        // Keywords are matched word by word, so a deployment's own keyword may be a phrase
        // ("speak to someone"): matching single words against whole phrases never found
        // one. A message that is exactly a keyword escalates whatever its length; a short
        // one escalates when it holds a keyword's words in a row.
        let words = Keywords.words(folded)
        let phrases = escalation.map { Keywords.words(Keywords.fold($0)) }.filter { !$0.isEmpty }
        if phrases.contains(words) { return .escalate }
        guard !words.isEmpty, words.count <= escalationPhraseWords else { return nil }
        return phrases.contains(where: { Keywords.contains(words, run: $0) }) ? .escalate : nil
    }

    static func words(_ folded: String) -> [Substring] {
        folded.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
    }

    /// Whether `run` appears in `words` as consecutive words.
    static func contains(_ words: [Substring], run: [Substring]) -> Bool {
        guard !run.isEmpty, run.count <= words.count else { return false }
        return (0...(words.count - run.count)).contains { start in words[start..<start + run.count].elementsEqual(run) }
    }

    /// Case-folded, trimmed of whitespace and of trailing punctuation such as `!` or `.`.
    static func fold(_ text: String) -> String {
        var s = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        while let last = s.last, last.isPunctuation { s.removeLast() }
        return s.trimmingCharacters(in: .whitespaces)
    }
}

import Foundation
