/// "Did you mean" hints: the known name nearest a misspelt one.
public enum Spelling {
    /// The name in `candidates` closest to `word` by edit distance, if one is close enough to
    /// be a slip of the keys (at most a third of the word's letters apart).
    public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let limit = max(1, word.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let d = distance(Array(word.utf8), Array(candidate.utf8))
            if d <= limit, d < (best?.distance ?? .max) || (d == best?.distance && candidate < best!.name) { best = (candidate, d) }
        }
        return best?.name
    }

    /// Levenshtein distance, one row at a time: names are short.
    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
