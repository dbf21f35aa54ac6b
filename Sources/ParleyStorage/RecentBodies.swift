/// Bodies this process committed to the inbox and the runtime has not yet taken, in id
/// order, so a batch is taken from memory rather than read back from the file it was just
/// written to. Bounded: past `maxBodies` or `maxBytes`, bodies are not kept here, and
/// `take` gives up at the gap, where the file is read instead. The file stays the truth:
/// after a restart, or past a gap, every body comes from it.
struct RecentBodies {
    static let maxBodies = 4096
    static let maxBytes = 8 << 20

    private var bodies: [(id: Int64, body: [UInt8])] = []
    /// Where `bodies` starts: entries before it were taken, and go in bulk.
    private var start = 0
    private var bytes = 0
    /// The newest id committed, by this process or found in the file at open: nothing
    /// after it waits.
    private(set) var lastID: Int64

    init(lastID: Int64) { self.lastID = lastID }

    /// Bodies just committed, with their ids (ascending: commits are one at a time).
    mutating func kept(_ committed: [(id: Int64, body: [UInt8])]) {
        for body in committed {
            lastID = max(lastID, body.id)
            guard bodies.count - start < Self.maxBodies, bytes + body.body.count <= Self.maxBytes else { continue }
            bodies.append(body)
            bytes += body.body.count
        }
    }

    /// The bodies after `processed`, as `WebhookInbox.pending` gives them, when memory holds
    /// them all from the next id on; nil when the file must be read. Forgets what is at or
    /// before `processed`.
    mutating func take(after processed: Int64, limit: Int, maxBytes: Int) -> [(id: Int64, body: [UInt8])]? {
        forget(through: processed)
        if lastID <= processed { return [] }
        guard start < bodies.count, bodies[start].id == processed + 1 else { return nil }
        var taken: [(id: Int64, body: [UInt8])] = []
        var size = 0
        var next = processed + 1
        for index in start..<bodies.count where taken.count < limit && size < maxBytes {
            // A gap (a body not kept here): what follows it comes from the file, next time.
            guard bodies[index].id == next else { break }
            taken.append(bodies[index])
            size += bodies[index].body.count
            next += 1
        }
        return taken
    }

    private mutating func forget(through processed: Int64) {
        while start < bodies.count, bodies[start].id <= processed {
            bytes -= bodies[start].body.count
            start += 1
        }
        // Compacted once half is dead, so no body costs a shift of the whole array.
        if start > 0, start * 2 >= bodies.count {
            bodies.removeFirst(start)
            start = 0
        }
    }
}
