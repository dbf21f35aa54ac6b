import Foundation
import ParleyJSON
import ParleyPolicy

/// `text.*`: Unicode-aware helpers, so scripts rarely need patterns (whose worst cases
/// the sandbox must bound) and handle "Não" and "ARRÊT" as people expect.
///
/// Host code runs outside the script's budget, so each helper takes at most `maxInput`
/// bytes (refused before they are copied) and costs time linear in what it is given;
/// each notes its bound. Searches compare UTF-8 bytes exactly (Foundation's compare
/// characters, and some of them take quadratic time); `text.fold` both sides first for a
/// loose match, or pass `ignore_case` to `text.contains`.
enum TextLibrary {
    /// The longest text the helpers take: their work and their results grow with it.
    static let maxInput = 1 << 20

    private static func text(_ name: String, optional: Bool = false) -> HostFunction.Parameter {
        .init(name, .string, optional: optional, maxBytes: maxInput)
    }

    static var functions: [HostFunction] {
        [
            // O(n); the result is at most the input.
            HostFunction("text.trim", [text("s")], returns: "string") { args in
                [.string(String(args[0].stringValue!.trimmed()))]
            },
            // O(n); the result at most 1.5× the input ("İ" lowers to "i" and a dot; measured
            // over every scalar).
            HostFunction("text.lower", [text("s")], returns: "string") { args in
                [.string(args[0].stringValue!.lowercased())]
            },
            // O(n); the result at most 3× the input ("ΐ", two bytes, uppers to six).
            HostFunction("text.upper", [text("s")], returns: "string") { args in
                [.string(args[0].stringValue!.uppercased())]
            },
            // O(n): the grapheme breaking of Swift's String is linear (measured on runs of
            // flags, emoji joiners, combining marks and Indic conjuncts).
            HostFunction("text.length", [text("s")], returns: "integer") { args in
                [.int(Int64(args[0].stringValue!.count))]
            },
            // O(n + m) with a separator, O(n) without; the pieces hold at most the input,
            // and dispatch refuses a list larger than the script's memory has room for.
            HostFunction("text.split", [text("s"), text("separator", optional: true)], returns: "list of strings") { args in
                let s = args[0].stringValue!
                let parts: [String]
                if let separator = args[1].stringValue, !separator.isEmpty {
                    parts = TextSearch.split(s, separator: separator)
                } else {
                    parts = s.split(whereSeparator: { $0.isWhitespace }).map(String.init)
                }
                return [.array(parts.map(JSONValue.string))]
            },
            // O(n), as split.
            HostFunction("text.words", [text("s")], returns: "list of strings") { args in
                [.array(words(args[0].stringValue!).map(JSONValue.string))]
            },
            // O(n + m): both sides folded (linear, at most 2× as long), then one linear search.
            HostFunction("text.contains", [text("s"), text("needle"), .init("ignore_case", .boolean, optional: true)],
                         returns: "boolean") { args in
                let (s, needle) = (args[0].stringValue!, args[1].stringValue!)
                let found = args[2].boolValue == true
                    ? TextSearch.contains(fold(s), fold(needle))
                    : TextSearch.contains(s, needle)
                return [.bool(found)]
            },
            // O(m): compares the prefix's bytes.
            HostFunction("text.starts_with", [text("s"), text("prefix")], returns: "boolean") { args in
                [.bool(TextSearch.hasPrefix(args[0].stringValue!, args[1].stringValue!))]
            },
            HostFunction("text.ends_with", [text("s"), text("suffix")], returns: "boolean") { args in
                [.bool(TextSearch.hasSuffix(args[0].stringValue!, args[1].stringValue!))]
            },
            // O(n); the result at most 2× the input ("և" folds to "եւ").
            HostFunction("text.fold", [text("s")], returns: "string") { args in
                // Case- and accent-free, for comparing what customers type: "Não " → "nao".
                [.string(String(fold(args[0].stringValue!).trimmed()))]
            },
        ]
    }

    /// Case and accents folded away. Foundation's folding is linear, also on long runs of
    /// combining marks (measured), unlike its searches and normalization.
    /// The runs of letters and digits in `s`. ASCII text (most of what customers type) is
    /// cut as bytes, without walking grapheme clusters.
    static func words(_ s: String) -> [String] {
        guard s.utf8.allSatisfy({ $0 < 0x80 }) else {
            return s.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
        }
        func isWordByte(_ b: UInt8) -> Bool { ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        return s.utf8.split(whereSeparator: { !isWordByte($0) }).map { String(decoding: $0, as: UTF8.self) }
    }

    /// ASCII text (most of what customers type) is only lowercased, without Foundation.
    static func fold(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
        }
        return s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}

/// `os.time`, `os.date` and `os.clock`, on the injected clock: a simulation's scripts
/// see simulated time. Each is O(1) but `os.date`, linear in its capped format.
enum ClockLibrary {
    static func functions(now: @escaping () -> Instant, start: Instant) -> [HostFunction] {
        [
            HostFunction("os.time", [.init("date", .table, optional: true)], returns: "integer") { args throws(HostError) in
                guard let fields = args[0].objectValue else { return [.int(now().millisecondsSinceEpoch / 1000)] }
                return [.int(try LuaDate.seconds(from: fields))]
            },
            // O(n) in the format, whose length is capped: the text at most 14× the format
            // ("%c" gives 24 bytes, 27 with a six-digit year).
            HostFunction("os.date", [.init("format", .string, optional: true, maxBytes: LuaDate.maxFormatBytes), .init("time", .number, optional: true)],
                         returns: "string or table") { args throws(HostError) in
                var instant = now()
                if let seconds = args[1].doubleValue {
                    guard seconds.isFinite, abs(seconds) < 1e13 else { throw HostError("os.date: time \(seconds) is out of range") }
                    instant = Instant(millisecondsSinceEpoch: Int64(seconds * 1000))
                }
                return [try LuaDate.format(args[0].stringValue ?? "%c", instant)]
            },
            HostFunction("os.clock", [], returns: "number") { _ in
                [.double(Double((now() - start).milliseconds) / 1000)]
            },
        ]
    }
}
