/// An append-only list kept in chunks of a fixed size. Appending never moves what is
/// already kept, where a growing array copies all of it each time it doubles: for the
/// long lists a simulation keeps (its audit trail, the messages it sent), those copies
/// and the fresh pages they touch were a twentieth of a two-month run.
public struct AppendOnlyLog<Element>: RandomAccessCollection {
    private static var chunkShift: Int { 10 }
    private static var chunkSize: Int { 1 << chunkShift }

    private var chunks: [[Element]] = []
    public private(set) var count = 0

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "AppendOnlyLog index out of range")
        return chunks[position >> Self.chunkShift][position & (Self.chunkSize - 1)]
    }

    public mutating func append(_ element: Element) {
        if count & (Self.chunkSize - 1) == 0 {
            var chunk: [Element] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }
}

extension AppendOnlyLog: Sendable where Element: Sendable {}
