/// Text as bytes, for what crosses from Lua (whose strings are any bytes) into the host
/// (whose data is JSON, text only): validation, cutting at a character boundary, and
/// short previews and sizes for error messages. Every function here is linear in its input.
package enum TextBytes {
    /// `bytes` as text when they are valid UTF-8; `nil` otherwise. Never replaces a byte:
    /// two different byte strings that both decoded to U+FFFD would become one key.
    static func validText(_ bytes: UnsafeRawBufferPointer) -> String? {
        // Checked here, then decoded by the specialized initializer: the standard library's
        // `String(validating:as:)` is generic, and at every string that crosses its unspecialized
        // metadata lookups cost more than the check itself.
        guard isASCII(bytes) || firstInvalidByte(bytes) == nil else { return nil }
        return String(decoding: bytes.bindMemory(to: UInt8.self), as: UTF8.self)
    }

    /// Whether every byte is below 0x80: most of what crosses, checked eight bytes a step.
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i + 8 <= bytes.count {
            if bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < bytes.count {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// `bytes` as text, each invalid byte replaced by U+FFFD: for log lines only.
    static func lossyText(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes.bindMemory(to: UInt8.self), as: UTF8.self)
    }

    /// The offset of the first byte that does not start a valid UTF-8 sequence, if any.
    static func firstInvalidByte(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        while i < bytes.count {
            guard let length = sequenceLength(bytes, at: i) else { return i }
            i += length
        }
        return nil
    }

    /// The length of the valid UTF-8 sequence starting at `i` (1 to 4), or `nil`: no
    /// overlong forms, surrogates or values past U+10FFFF (RFC 3629).
    static func sequenceLength(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Int? {
        let lead = bytes[i]
        if lead < 0x80 { return 1 }
        let (length, low, high): (Int, UInt8, UInt8) = switch lead {
        case 0xC2...0xDF: (2, 0x80, 0xBF)
        case 0xE0: (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80, 0xBF)
        case 0xED: (3, 0x80, 0x9F)
        case 0xF0: (4, 0x90, 0xBF)
        case 0xF1...0xF3: (4, 0x80, 0xBF)
        case 0xF4: (4, 0x80, 0x8F)
        default: (0, 0, 0)
        }
        guard length > 0, i + length <= bytes.count, (low...high).contains(bytes[i + 1]) else { return nil }
        for k in 2..<length where !(0x80...0xBF).contains(bytes[i + k]) { return nil }
        return length
    }

    /// The longest prefix of at most `limit` bytes that does not end inside a character's
    /// UTF-8 sequence (a continuation byte never starts the rest).
    static func boundary(_ bytes: UnsafeRawBufferPointer, atMost limit: Int) -> Int {
        guard limit < bytes.count else { return bytes.count }
        var end = max(0, limit)
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return end
    }

    /// `text` cut to at most `limit` bytes at a character boundary.
    static func prefix(_ text: String, bytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var text = text
        return text.withUTF8 { buffer in
            let raw = UnsafeRawBufferPointer(buffer)
            return lossyText(UnsafeRawBufferPointer(rebasing: raw[..<boundary(raw, atMost: limit)]))
        }
    }

    /// `text` kept whole when it has at most `limit` bytes; otherwise cut, with a marker
    /// that says so and how long it was. The result has at most `limit` bytes. A text cut
    /// before keeps its marker, which tells how long it was at first.
    package static func cut(_ text: String, toBytes limit: Int) -> String {
        let length = text.utf8.count
        guard length > limit else { return text }
        let markerLength = earlierMarkerLength(text)
        let marker = markerLength > 0 ? String(decoding: text.utf8.suffix(markerLength), as: UTF8.self) : cutMarker(originalBytes: length)
        let body = String(decoding: text.utf8.dropLast(markerLength), as: UTF8.self)
        return prefix(body, bytes: max(0, limit - marker.utf8.count)) + marker
    }

    static func cutMarker(originalBytes: Int) -> String {
        markerStart + "\(size(originalBytes))" + markerEnd
    }

    private static let markerStart = " …[cut: "
    private static let markerEnd = " in all]"

    /// The length of the cut marker `text` ends with, or 0. Looks at its last bytes only.
    private static func earlierMarkerLength(_ text: String) -> Int {
        let tail = Array(text.utf8.suffix(markerStart.utf8.count + markerEnd.utf8.count + 16))
        guard tail.count > markerEnd.utf8.count, tail.suffix(markerEnd.utf8.count).elementsEqual(markerEnd.utf8) else { return 0 }
        let start = Array(markerStart.utf8)
        for i in stride(from: tail.count - markerEnd.utf8.count - start.count, through: 0, by: -1) where tail[i..<(i + start.count)].elementsEqual(start) {
            return tail.count - i
        }
        return 0
    }

    /// The length of `text` as a JSON string: its bytes, two quotes, and what escapes add
    /// (`\"`, `\\`, `\n`... one byte more; other control characters `\u00XX`, five more).
    static func jsonLength(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { jsonLength(UnsafeRawBufferPointer($0)) }
    }

    /// The same, of bytes already known to be UTF-8.
    static func jsonLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        var length = 2
        for byte in bytes {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                length += 2
            } else if byte < 0x20 {
                length += 6
            } else {
                length += 1
            }
        }
        return length
    }

    /// A byte count as people read it: `300 bytes`, `64 KiB`, `1.5 MiB`.
    package static func size(_ bytes: Int) -> String {
        func scaled(_ unit: Int, _ name: String) -> String {
            bytes % unit == 0 ? "\(bytes / unit) \(name)" : "\((Double(bytes) / Double(unit) * 10).rounded(.down) / 10) \(name)"
        }
        if bytes >= 1 << 20 { return scaled(1 << 20, "MiB") }
        if bytes >= 1 << 10 { return scaled(1 << 10, "KiB") }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }

    /// A short quoted preview of script-supplied bytes for an error message: printable
    /// text as is, other bytes as `\xHH`, at most `limit` bytes of it from `start`, and
    /// `…` when there is more. Messages never echo a whole argument back.
    package static func preview(_ bytes: UnsafeRawBufferPointer, from start: Int = 0, limit: Int = 40) -> String {
        var out = start > 0 ? "\"…" : "\""
        var i = max(0, min(start, bytes.count))
        let end = min(bytes.count, i + limit)
        while i < end {
            let length = sequenceLength(bytes, at: i) ?? 0
            let byte = bytes[i]
            if length == 1, byte >= 0x20, byte != 0x7F {
                out += byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") ? "\\" + String(UnicodeScalar(byte)) : String(UnicodeScalar(byte))
            } else if length > 1, i + length <= end {
                out += lossyText(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + length)]))
                i += length
                continue
            } else {
                out += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
            i += 1
        }
        return out + (end < bytes.count ? "…\"" : "\"")
    }

    package static func preview(_ text: String, limit: Int = 40) -> String {
        var text = text
        return text.withUTF8 { preview(UnsafeRawBufferPointer($0), limit: limit) }
    }

    /// A preview around the first invalid byte of `bytes`, for "not UTF-8 text" errors.
    static func invalidPreview(_ bytes: UnsafeRawBufferPointer) -> String {
        let bad = firstInvalidByte(bytes) ?? 0
        return preview(bytes, from: max(0, bad - 10))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
