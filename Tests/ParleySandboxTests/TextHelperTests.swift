import Foundation
import Testing
@testable import ParleySandbox
import ParleyJSON
import ParleyPolicy

/// `text.*` costs time linear in its input: each helper is given the worst inputs known
/// for it (Foundation's case-insensitive search took 78 s on 128 KiB, `components` 160 s on
/// 64 KiB, `hasPrefix` grows with the square of a run of combining marks) at the 1 MiB it
/// accepts, and must answer correctly. No durations are asserted: a quadratic helper
/// would make this suite take hours, not fail it.
@Suite("Text helpers")
struct TextHelperTests {
    static let budget = Budget(instructions: 1_000_000_000, memoryBytes: 256 << 20, wallMilliseconds: 600_000)

    /// Runs `body` (Lua statements that return a list of values) in a bot and returns what
    /// it sent, one line per value.
    func results(_ body: String) throws -> [String] {
        let host = RecordingHost()
        let script = try loadScript(bot("local r = (function() \(body) end)(); send(conv, table.concat(r, '\\n'))"), host: host, limits: Self.budget)
        _ = try script.call("on_message", conversation: aConversation, arguments: [["text": "hi"]])
        guard case .text(let text)? = host.sent.first?.message else { return [] }
        return text.components(separatedBy: "\n")
    }

    // MARK: Worst cases at the size limit

    @Test("text.contains on 1 MiB of 'a' with a needle that almost matches everywhere, exact and ignoring case")
    func containsWorstCase() throws {
        let r = try results("""
        local hay = ("a"):rep(1 << 20)
        local upper = ("A"):rep(1 << 20)
        local needle = ("a"):rep(65536) .. "b"
        return {
          tostring(text.contains(hay, needle)),
          tostring(text.contains(upper, needle, true)),
          tostring(text.contains(("a"):rep(128 << 10), ("A"):rep(64 << 10) .. "B", true)),
          tostring(text.contains(hay, ("a"):rep(65536))),
          tostring(text.contains(hay:sub(1, -2) .. "b", needle)),
          tostring(text.contains(("ab"):rep(1 << 19), ("ab"):rep(1000) .. "aa")),
        }
        """)
        #expect(r == ["false", "false", "false", "true", "true", "false"])
    }

    @Test("text.split on 1 MiB: a separator that almost matches everywhere, and one that matches everywhere")
    func splitWorstCase() throws {
        let r = try results("""
        local hay = ("a"):rep(1 << 20)
        local once = text.split(hay, ("a"):rep(1000) .. "b")
        local every = text.split(("ab"):rep(100000), "b")
        local overlapping = text.split(("a"):rep(1000), "aa")
        return { #once, #once[1], #every, every[1], every[#every], #overlapping, overlapping[#overlapping] }
        """)
        #expect(r == ["1", "1048576", "100001", "a", "", "501", ""])
    }

    @Test("starts_with and ends_with compare bytes, also on long runs of combining marks")
    func prefixesOfLongMarkRuns() throws {
        let r = try results(#"""
        local desc = "a" .. ("\u{301}"):rep(100000) .. ("\u{316}"):rep(100000)
        local asc = "a" .. ("\u{316}"):rep(100000) .. ("\u{301}"):rep(100000)
        return {
          tostring(text.starts_with(desc, asc)), tostring(text.starts_with(desc, desc)),
          tostring(text.ends_with(asc, desc)), tostring(text.ends_with(asc, asc)),
          tostring(text.starts_with(desc, "a")), tostring(text.ends_with(desc, "\u{316}")),
          tostring(text.contains(desc, "\u{301}\u{316}")), tostring(text.contains(desc, "\u{316}\u{301}")),
        }
        """#)
        #expect(r == ["false", "true", "false", "true", "true", "true", "true", "false"])
    }

    @Test("the other helpers on their worst inputs: long runs of spaces, flags, marks, conjuncts")
    func otherHelpersWorstCases() throws {
        let r = try results(#"""
        local spaces = (" \u{3000}\t\n"):rep(1 << 16)
        local flags = ("\u{1F1FA}"):rep(1 << 18)
        local marks = "a" .. ("\u{5B4}\u{5B0}"):rep(1 << 17)
        local conjuncts = "\u{915}" .. ("\u{94D}\u{915}"):rep(1 << 16)
        return {
          #text.trim(spaces .. "x" .. spaces), text.length(flags), text.length(marks), text.length(conjuncts),
          #text.split(spaces), #text.words(("a,"):rep(1 << 16)), #text.fold(marks), #text.upper(("\u{390}"):rep(1 << 19)),
          #text.lower(("\u{130}"):rep(1 << 19)),
        }
        """#)
        #expect(r == ["1", "131072", "1", "1", "0", "65536", "1", "\(6 << 19)", "\(3 << 19)"])
    }

    // MARK: What they answer

    @Test("contains, with and without case and accents")
    func containsAnswers() throws {
        let r = try results(#"""
        return {
          tostring(text.contains("Não quero", "NAO", true)), tostring(text.contains("ARRÊT", "arret", true)),
          tostring(text.contains("Não quero", "NAO")), tostring(text.contains("abc", "")), tostring(text.contains("", "a")),
          tostring(text.contains("aaab", "aab")), tostring(text.contains("abababc", "ababc")), tostring(text.contains("→ ok", "→")),
          tostring(text.contains("e\u{301}", "\u{e9}", true)),
        }
        """#)
        #expect(r == ["true", "true", "false", "true", "false", "true", "true", "true", "true"])
    }

    @Test("split and the text around it, as before")
    func splitAnswers() throws {
        let r = try results(#"""
        local function show(t) return table.concat(t, "|") .. "#" .. #t end
        return {
          show(text.split("a,b,,c,", ",")), show(text.split(",a", ",")), show(text.split("a::b::c", "::")),
          show(text.split("abc", "abc")), show(text.split("abc", "x")), show(text.split("1 → 2 → 3", " → ")),
          show(text.split("  one two\tthree\n")), show(text.split("")),
          text.trim("\u{a0} hi \u{3000}"), text.fold("  Não  "), tostring(text.starts_with("ação", "aç")),
          tostring(text.ends_with("ação", "ão")), tostring(text.ends_with("ão", "ação")),
          text.fold(" Where IS my Order?\t"), text.fold("ÉCOLE Zürich"),
          table.concat(text.words("Hi, order #10234 [now]_ok`@{z}"), "|"), table.concat(text.words("olá, 1º dia"), "|"),
        }
        """#)
        #expect(r == ["a|b||c|#5", "|a#2", "a|b|c#3", "|#2", "abc#1", "1|2|3#3", "one|two|three#3", "#0", "hi", "nao", "true", "true", "false",
                      "where is my order?", "ecole zurich", "Hi|order|10234|now|ok|z", "olá|1º|dia"])
    }

    // MARK: The search itself

    /// A seeded generator: the same cases every run.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("the linear search finds what a naive search finds, from every start, on small alphabets")
    func searchMatchesNaive() {
        var random = Seeded(state: 8)
        let alphabets: [[String]] = [["a", "b"], ["a", "é"], ["ab", "a", "b"], ["→", "a"]]
        for _ in 0..<2000 {
            let alphabet = alphabets.randomElement(using: &random)!
            let hay = (0..<Int.random(in: 0...40, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
            let needle = (0..<Int.random(in: 1...6, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
            let (h, n) = (Array(hay.utf8), Array(needle.utf8))
            BytePattern.with(needle) { pattern in
                h.withUnsafeBufferPointer { buffer in
                    for start in 0...h.count {
                        let naive = start + n.count <= h.count ? (start...(h.count - n.count)).first { h[$0..<($0 + n.count)].elementsEqual(n) } : nil
                        #expect(pattern.firstMatch(in: buffer, from: start) == naive, "\(needle) in \(hay) from \(start)")
                    }
                }
            }
            if alphabet.allSatisfy({ $0.utf8.count == 1 }) {
                #expect(TextSearch.split(hay, separator: needle) == hay.components(separatedBy: needle), "\(hay) split by \(needle)")
            }
        }
    }

    @Test("text that is cut keeps whole characters and says how long it was")
    func cutting() {
        let text = String(repeating: "é", count: 100)  // 200 bytes
        let cut = TextBytes.cut(text, toBytes: 51)
        #expect(cut.utf8.count <= 51)
        #expect(cut.hasSuffix(" …[cut: 200 bytes in all]"))
        #expect(cut.hasPrefix("éééé"))
        #expect(TextBytes.cut(cut, toBytes: 40).hasSuffix(" …[cut: 200 bytes in all]"))
        #expect(TextBytes.cut("short", toBytes: 5) == "short")
    }
}
