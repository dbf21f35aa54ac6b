import Foundation
import ParleyJSON

/// Codable values as JSON text, for the store's document columns (a conversation, a dispatch,
/// an agenda item). It builds a `JSONValue` and writes it with ParleyJSON's deterministic
/// encoder: no Foundation `JSONEncoder` made per column, as GRDB's records did, on the path
/// every message takes. Keys are sorted, as GRDB's encoder sorted them, and the text reads
/// back with any JSON decoder, so documents written before and after read the same.
///
/// Like GRDB's encoder, it refuses non-finite floats (JSON cannot carry them), writes `Data`
/// as base64 and `Date` as milliseconds since 1970.
enum DocumentEncoder {
    static func text<T: Encodable>(_ value: T) throws -> String {
        try encode(value, codingPath: []).encoded()
    }

    static func encode<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> JSONValue {
        switch value {
        // A conversation's state is a JSONValue already: taken as it is, not re-encoded.
        case let json as JSONValue: return json
        case let data as Data: return .string(data.base64EncodedString())
        case let date as Date: return try number(date.timeIntervalSince1970 * 1000, codingPath)
        default:
            let slot = Slot()
            try value.encode(to: SlotEncoder(slot: slot, codingPath: codingPath))
            return slot.value
        }
    }

    static func number(_ d: Double, _ codingPath: [any CodingKey]) throws -> JSONValue {
        guard d.isFinite else {
            throw EncodingError.invalidValue(d, .init(codingPath: codingPath, debugDescription: "JSON cannot carry \(d)"))
        }
        return .double(d)
    }

    static func integer<I: BinaryInteger>(_ i: I, _ codingPath: [any CodingKey]) throws -> JSONValue {
        guard let exact = Int64(exactly: i) else {
            throw EncodingError.invalidValue(i, .init(codingPath: codingPath, debugDescription: "\(i) does not fit a 64-bit integer"))
        }
        return .int(exact)
    }
}

/// Where one encoded value goes. A container is a reference, because Codable hands out
/// nested containers that are filled after they are made.
private final class Slot {
    enum Content {
        case empty
        case value(JSONValue)
        case object([String: Slot])
        case array([Slot])
    }

    var content = Content.empty

    var value: JSONValue {
        switch content {
        case .empty: return .object([:])  // what Foundation writes for a value that encodes nothing
        case .value(let v): return v
        case .object(let members): return .object(members.mapValues(\.value))
        case .array(let items): return .array(items.map(\.value))
        }
    }

    func set(_ key: String, _ value: JSONValue) { child(key).content = .value(value) }

    func child(_ key: String) -> Slot {
        let slot = Slot()
        guard case .object(var members) = content else {
            content = .object([key: slot])
            return slot
        }
        content = .empty  // so the dictionary is changed in place, not copied
        members[key] = slot
        content = .object(members)
        return slot
    }

    func append() -> Slot {
        let slot = Slot()
        guard case .array(var items) = content else {
            content = .array([slot])
            return slot
        }
        content = .empty
        items.append(slot)
        content = .array(items)
        return slot
    }

    var count: Int {
        if case .array(let items) = content { return items.count }
        return 0
    }
}

private struct SlotEncoder: Encoder {
    let slot: Slot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .empty = slot.content { slot.content = .object([:]) }
        return KeyedEncodingContainer(KeyedSlot(slot: slot, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .empty = slot.content { slot.content = .array([]) }
        return UnkeyedSlot(slot: slot, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleSlot(slot: slot, codingPath: codingPath) }
}

private struct KeyedSlot<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { slot.set(key.stringValue, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { slot.set(key.stringValue, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { slot.set(key.stringValue, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { slot.set(key.stringValue, try DocumentEncoder.number(value, codingPath + [key])) }
    mutating func encode(_ value: Float, forKey key: Key) throws { slot.set(key.stringValue, try DocumentEncoder.number(Double(value), codingPath + [key])) }
    mutating func encode(_ value: Int, forKey key: Key) throws { slot.set(key.stringValue, .int(Int64(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { slot.set(key.stringValue, .int(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { slot.set(key.stringValue, try DocumentEncoder.integer(value, codingPath + [key])) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { slot.set(key.stringValue, try DocumentEncoder.integer(value, codingPath + [key])) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { slot.set(key.stringValue, try DocumentEncoder.integer(value, codingPath + [key])) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { slot.set(key.stringValue, try DocumentEncoder.integer(value, codingPath + [key])) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { slot.set(key.stringValue, try DocumentEncoder.integer(value, codingPath + [key])) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { slot.set(key.stringValue, try DocumentEncoder.integer(value, codingPath + [key])) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { slot.set(key.stringValue, try DocumentEncoder.integer(value, codingPath + [key])) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { slot.set(key.stringValue, try DocumentEncoder.integer(value, codingPath + [key])) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        slot.set(key.stringValue, try DocumentEncoder.encode(value, codingPath: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        SlotEncoder(slot: slot.child(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        SlotEncoder(slot: slot.child(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { SlotEncoder(slot: slot.child("super"), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { SlotEncoder(slot: slot.child(key.stringValue), codingPath: codingPath + [key]) }
}

private struct UnkeyedSlot: UnkeyedEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]
    var count: Int { slot.count }

    mutating func encodeNil() throws { slot.append().content = .value(.null) }
    mutating func encode(_ value: Bool) throws { slot.append().content = .value(.bool(value)) }
    mutating func encode(_ value: String) throws { slot.append().content = .value(.string(value)) }
    mutating func encode(_ value: Double) throws { slot.append().content = .value(try DocumentEncoder.number(value, codingPath)) }
    mutating func encode(_ value: Int) throws { slot.append().content = .value(.int(Int64(value))) }
    mutating func encode(_ value: Float) throws { slot.append().content = .value(try DocumentEncoder.number(Double(value), codingPath)) }
    mutating func encode(_ value: Int64) throws { slot.append().content = .value(.int(value)) }
    mutating func encode(_ value: Int8) throws { slot.append().content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: Int16) throws { slot.append().content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: Int32) throws { slot.append().content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: UInt) throws { slot.append().content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: UInt8) throws { slot.append().content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: UInt16) throws { slot.append().content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: UInt32) throws { slot.append().content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: UInt64) throws { slot.append().content = .value(try DocumentEncoder.integer(value, codingPath)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        slot.append().content = .value(try DocumentEncoder.encode(value, codingPath: codingPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        SlotEncoder(slot: slot.append(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        SlotEncoder(slot: slot.append(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { SlotEncoder(slot: slot.append(), codingPath: codingPath) }
}

private struct SingleSlot: SingleValueEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { slot.content = .value(.null) }
    mutating func encode(_ value: Bool) throws { slot.content = .value(.bool(value)) }
    mutating func encode(_ value: String) throws { slot.content = .value(.string(value)) }
    mutating func encode(_ value: Double) throws { slot.content = .value(try DocumentEncoder.number(value, codingPath)) }
    mutating func encode(_ value: Float) throws { slot.content = .value(try DocumentEncoder.number(Double(value), codingPath)) }
    mutating func encode(_ value: Int) throws { slot.content = .value(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { slot.content = .value(.int(value)) }
    mutating func encode(_ value: Int8) throws { slot.content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: Int16) throws { slot.content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: Int32) throws { slot.content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: UInt) throws { slot.content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: UInt8) throws { slot.content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: UInt16) throws { slot.content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: UInt32) throws { slot.content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: UInt64) throws { slot.content = .value(try DocumentEncoder.integer(value, codingPath)) }
    mutating func encode<T: Encodable>(_ value: T) throws { slot.content = .value(try DocumentEncoder.encode(value, codingPath: codingPath)) }
}

/// Documents read back on the path every message takes (a dispatch the sender takes), with
/// one decoder set up as GRDB's records set up theirs, rather than a new one per column.
enum DocumentDecoder {
    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dataDecodingStrategy = .base64
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }
}
