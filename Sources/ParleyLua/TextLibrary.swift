import Foundation
import ParleyJSON
import ParleyPolicy

/// `text.*`: Unicode-aware helpers, so scripts rarely need patterns (whose worst cases
/// the sandbox must bound) and handle "Não" and "ARRÊT" as people expect.
enum TextLibrary {
    /// The longest text the helpers take: their work and their results grow with it, and
    /// host code runs outside the script's budget.
    static let maxInput = 1 << 20

    static var functions: [HostFunction] {
        helpers.map { f in
            HostFunction(f.name, f.parameters, returns: f.returns) { args throws(HostError) in
                for case .string(let s) in args where s.utf8.count > maxInput {
                    throw HostError("\(f.name): the text is \(s.utf8.count / 1024) KiB; text helpers take up to \(maxInput >> 10) KiB")
                }
                return try f.body(args)
            }
        }
    }

    private static var helpers: [HostFunction] {
        [
            HostFunction("text.trim", [.init("s", .string)], returns: "string") { args in
                [.string(args[0].stringValue!.trimmingCharacters(in: .whitespacesAndNewlines))]
            },
            HostFunction("text.lower", [.init("s", .string)], returns: "string") { args in
                [.string(args[0].stringValue!.lowercased())]
            },
            HostFunction("text.upper", [.init("s", .string)], returns: "string") { args in
                [.string(args[0].stringValue!.uppercased())]
            },
            HostFunction("text.length", [.init("s", .string)], returns: "integer") { args in
                [.int(Int64(args[0].stringValue!.count))]
            },
            HostFunction("text.split", [.init("s", .string), .init("separator", .string, optional: true)], returns: "list of strings") { args in
                let s = args[0].stringValue!
                let parts: [String]
                if let separator = args[1].stringValue, !separator.isEmpty {
                    parts = s.components(separatedBy: separator)
                } else {
                    parts = s.split(whereSeparator: { $0.isWhitespace }).map(String.init)
                }
                return [.array(parts.map(JSONValue.string))]
            },
            HostFunction("text.words", [.init("s", .string)], returns: "list of strings") { args in
                let words = args[0].stringValue!.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map { JSONValue.string(String($0)) }
                return [.array(words)]
            },
            HostFunction("text.contains", [.init("s", .string), .init("needle", .string), .init("ignore_case", .boolean, optional: true)],
                         returns: "boolean") { args in
                let (s, needle) = (args[0].stringValue!, args[1].stringValue!)
                let found = args[2].boolValue == true
                    ? s.range(of: needle, options: [.caseInsensitive, .diacriticInsensitive]) != nil
                    : TextLibrary.contains(s, needle)
                return [.bool(found)]
            },
            HostFunction("text.starts_with", [.init("s", .string), .init("prefix", .string)], returns: "boolean") { args in
                [.bool(args[0].stringValue!.hasPrefix(args[1].stringValue!))]
            },
            HostFunction("text.ends_with", [.init("s", .string), .init("suffix", .string)], returns: "boolean") { args in
                [.bool(args[0].stringValue!.hasSuffix(args[1].stringValue!))]
            },
            HostFunction("text.fold", [.init("s", .string)], returns: "string") { args in
                // Case- and accent-free, for comparing what customers type: "Não " → "nao".
                [.string(args[0].stringValue!.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                    .trimmingCharacters(in: .whitespacesAndNewlines))]
            },
        ]
    }
}

extension TextLibrary {
    /// Whether `needle` occurs in `s`, comparing UTF-8 bytes: exact, and without the cost
    /// of Foundation's bridged search.
    static func contains(_ s: String, _ needle: String) -> Bool {
        var s = s, needle = needle
        return s.withUTF8 { hay in
            needle.withUTF8 { pin in
                guard !pin.isEmpty else { return true }
                guard pin.count <= hay.count else { return false }
                let first = pin[0]
                for i in 0...(hay.count - pin.count) where hay[i] == first {
                    if memcmp(hay.baseAddress! + i, pin.baseAddress!, pin.count) == 0 { return true }
                }
                return false
            }
        }
    }
}

/// `os.time`, `os.date` and `os.clock`, on the injected clock: a simulation's scripts
/// see simulated time.
enum ClockLibrary {
    static func functions(now: @escaping () -> Instant, start: Instant) -> [HostFunction] {
        [
            HostFunction("os.time", [.init("date", .table, optional: true)], returns: "integer") { args throws(HostError) in
                guard let fields = args[0].objectValue else { return [.int(now().millisecondsSinceEpoch / 1000)] }
                return [.int(try LuaDate.seconds(from: fields))]
            },
            HostFunction("os.date", [.init("format", .string, optional: true), .init("time", .number, optional: true)], returns: "string or table") { args throws(HostError) in
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
