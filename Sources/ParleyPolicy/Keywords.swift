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
        let words = folded.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
        guard !words.isEmpty, words.count <= escalationPhraseWords else { return nil }
        let wanted = Set(escalation.map(Keywords.fold))
        return words.contains(where: { wanted.contains(String($0)) }) ? .escalate : nil
    }

    /// Case-folded, trimmed of whitespace and of trailing punctuation such as `!` or `.`.
    static func fold(_ text: String) -> String {
        var s = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        while let last = s.last, last.isPunctuation { s.removeLast() }
        return s.trimmingCharacters(in: .whitespaces)
    }
}

import Foundation
