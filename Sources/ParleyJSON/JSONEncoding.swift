/// Deterministic JSON text. Object members are written in sorted key order, so the same
/// value always gives the same bytes, whatever the process's hash seed.
extension JSONValue {
    public func encoded() -> String {
        var out = JSONText()
        write(to: &out)
        return out.string
    }

    func write(to out: inout JSONText) {
        switch self {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): out.append(i)
        case .double(let d): out.append(JSONValue.format(d))
        case .string(let s): out.appendQuoted(s)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.appendQuoted(key)
                out.append(UInt8(ascii: ":"))
                members[key]!.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A float in JSON: integral values keep a `.0`, non-finite ones (which JSON cannot
    /// carry) become `null`.
    static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        return d.description
    }
}

/// JSON text as UTF-8 bytes, made a `String` once at the end (appending to a `String`
/// piece by piece made and checked a string per piece, a tenth of a simulation's time),
/// or written out as bytes: a transcript line goes straight into its output buffer.
public struct JSONText {
    /// The text so far; callers that write out may empty it and go on appending.
    public var bytes: [UInt8] = []

    public init() { bytes.reserveCapacity(256) }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func append(_ byte: UInt8) { bytes.append(byte) }

    /// Text that needs no escaping, as it is: punctuation and keys known to be plain.
    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Digits without making a string: integers are in every transcript record.
    public mutating func append(_ n: Int64) {
        guard n != 0 else { return bytes.append(UInt8(ascii: "0")) }
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = n.magnitude
        let start = bytes.count
        while magnitude > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        bytes[start...].reverse()
    }

    /// `s` as a JSON string, escaped.
    public mutating func appendQuoted(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { source in
            // Runs of bytes that need no escape go in whole: most strings are one run.
            var run = 0
            for i in source.indices {
                let byte = source[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[run..<i]))
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case UInt8(ascii: "\n"): append("\\n")
                case UInt8(ascii: "\r"): append("\\r")
                case UInt8(ascii: "\t"): append("\\t")
                default:
                    let hex = String(byte, radix: 16)
                    append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                }
                run = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[run...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// A JSON object whose members keep the order they were added in: for records people
/// read, such as transcript lines, where `at` and `type` come first.
public struct OrderedJSONObject: Sendable, Equatable {
    public private(set) var members: [(key: String, value: JSONValue)] = []

    public init() {}

    /// Adds a member; a `nil` value adds nothing, so optional fields simply stay out.
    public mutating func append(_ key: String, _ value: JSONValue?) {
        guard let value else { return }
        members.append((key, value))
    }

    public subscript(key: String) -> JSONValue? {
        members.first(where: { $0.key == key })?.value
    }

    public func encoded() -> String {
        var out = JSONText()
        out.append(UInt8(ascii: "{"))
        appendMembers(to: &out, continuing: false)
        out.append(UInt8(ascii: "}"))
        return out.string
    }

    /// Appends the members, comma-separated, without braces: for a caller that writes
    /// members of its own before them (`continuing`: a comma comes first).
    public func appendMembers(to out: inout JSONText, continuing: Bool) {
        for (i, member) in members.enumerated() {
            if i > 0 || continuing { out.append(UInt8(ascii: ",")) }
            out.appendQuoted(member.key)
            out.append(UInt8(ascii: ":"))
            member.value.write(to: &out)
        }
    }

    public var unordered: JSONValue {
        .object(Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }))
    }

    public static func == (a: OrderedJSONObject, b: OrderedJSONObject) -> Bool {
        a.members.elementsEqual(b.members) { $0.key == $1.key && $0.value == $1.value }
    }
}
