import Foundation

/// Exact search of UTF-8 bytes, in time linear in the text and the needle together.
///
/// Foundation's searches are not: its case-insensitive `range(of:)` took 78 s on 128 KiB,
/// and `components(separatedBy:)` 160 s on 64 KiB of "aaa…". A byte-by-byte search with
/// `memcmp` at every first-byte match costs O(n·m) on the same input. This is
/// Knuth–Morris–Pratt, which never steps back in the text: O(n + m) time, 4 bytes of
/// table per needle byte. A match of valid UTF-8 in valid UTF-8 always starts and ends
/// on a character's boundary, so what is cut around it is valid UTF-8 too.
struct BytePattern {
    private let needle: UnsafeBufferPointer<UInt8>
    /// For each prefix of the needle, the length of its longest proper prefix that is
    /// also its suffix: how much of a partial match still stands after a mismatch.
    private let fallback: UnsafeBufferPointer<Int32>

    /// Runs `body` with the pattern of `needle`, its table in temporary memory (on the
    /// stack when small): a search allocates nothing.
    static func with<T>(_ needle: String, _ body: (BytePattern) -> T) -> T {
        var needle = needle
        return needle.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(1, bytes.count)) { fallback in
                var matched = 0
                if !bytes.isEmpty { fallback[0] = 0 }
                for i in bytes.indices.dropFirst() {
                    while matched > 0, bytes[i] != bytes[matched] { matched = Int(fallback[matched - 1]) }
                    if bytes[i] == bytes[matched] { matched += 1 }
                    fallback[i] = Int32(matched)
                }
                return body(BytePattern(needle: bytes, fallback: UnsafeBufferPointer(fallback)))
            }
        }
    }

    private init(needle: UnsafeBufferPointer<UInt8>, fallback: UnsafeBufferPointer<Int32>) {
        self.needle = needle
        self.fallback = fallback
    }

    var isEmpty: Bool { needle.isEmpty }
    var count: Int { needle.count }

    /// The offset of the first match in `text` that starts at or after `start`.
    func firstMatch(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard !needle.isEmpty else { return start <= text.count ? start : nil }
        guard let base = text.baseAddress, start < text.count else { return nil }
        let pin = needle
        var matched = 0
        var i = start
        while i < text.count {
            if matched == 0 {
                // Nothing matched yet: skip to the needle's first byte (memchr is vectorized).
                guard let hit = memchr(base + i, Int32(pin[0]), text.count - i) else { return nil }
                i = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            }
            let byte = text[i]
            while matched > 0, byte != pin[matched] { matched = Int(fallback[matched - 1]) }
            if byte == pin[matched] { matched += 1 }
            if matched == pin.count { return i + 1 - pin.count }
            i += 1
        }
        return nil
    }
}

/// The text helpers' searches, on the bytes. O(n + m) each.
enum TextSearch {
    static func contains(_ text: String, _ needle: String) -> Bool {
        BytePattern.with(needle) { pattern in withBytes(text) { pattern.firstMatch(in: $0, from: 0) != nil } }
    }

    static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        text.utf8.count >= prefix.utf8.count && text.utf8.starts(with: prefix.utf8)
    }

    static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        let extra = text.utf8.count - suffix.utf8.count
        return extra >= 0 && text.utf8.dropFirst(extra).elementsEqual(suffix.utf8)
    }

    /// The pieces of `text` between occurrences of `separator` (not empty), as
    /// `components(separatedBy:)` gives them: `"a,b,"` → `["a", "b", ""]`.
    static func split(_ text: String, separator: String) -> [String] {
        BytePattern.with(separator) { pattern in
            guard !pattern.isEmpty else { return [text] }  // an empty separator would match forever
            return withBytes(text) { bytes in
                var pieces: [String] = []
                var start = 0
                while let match = pattern.firstMatch(in: bytes, from: start) {
                    pieces.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<match]), as: UTF8.self))
                    start = match + pattern.count
                }
                pieces.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
                return pieces
            }
        }
    }

    private static func withBytes<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        var text = text
        return text.withUTF8(body)
    }
}
