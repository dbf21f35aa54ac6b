import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy
import Testing

/// Mutated fixtures: dropped keys, wrong kinds, nulls, huge numbers, truncated arrays. The
/// decoder must survive all of them (a trap would end the test run) and always account for
/// the body with an event or a note.
@Suite("Hostile payloads")
struct FuzzTests {
    /// Values real bugs are made of.
    static let hostile: [JSONValue] = [
        .null, .bool(true), .bool(false), .int(0), .int(-1), .int(.max), .int(.min), .double(1e300), .double(-1e300),
        .double(0.5), .double(9.2e18), .string(""), .string("   "), .string("\u{0}"), .string("TEXT"), .string("NONE"),
        .string("-1"), .string("99999999999999999999999"), .string("+1 (415) 555-0100"), .string("US.ENT.1"),
        .string(String(repeating: "9", count: 5000)), .array([]), .array([.null]), .object([:]),
        .object(["type": .int(7)]),
    ]

    @Test("thousands of random mutations of every fixture decode without trapping")
    func randomMutations() throws {
        var rng = SplitMix64(seed: 0x5EED_CAFE)
        var decoded = 0
        for name in Fixtures.webhookNames {
            let original = try Fixtures.json(name)
            for _ in 0..<40 {
                var body = original
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    body = Mutator.mutate(body, rng: &rng)
                }
                let batch = WebhookDecoder().decode(body)
                #expect(!batch.events.isEmpty || !batch.skipped.isEmpty, "\(name)")
                for event in batch.events { Self.checkSane(event) }
                decoded += 1
            }
        }
        #expect(decoded == Fixtures.webhookNames.count * 40)
    }

    @Test("every scalar replaced by each hostile value in turn", arguments: Array(FuzzTests.hostile.indices))
    func everyLeafHostile(index: Int) throws {
        let value = Self.hostile[index]
        for name in Fixtures.webhookNames {
            let body = Mutator.replacingLeaves(of: try Fixtures.json(name), with: value)
            let batch = WebhookDecoder().decode(body)
            #expect(!batch.events.isEmpty || !batch.skipped.isEmpty, "\(name) with \(value)")
        }
    }

    @Test("mutated bodies also survive the trip through text")
    func throughText() throws {
        var rng = SplitMix64(seed: 42)
        for name in Fixtures.webhookNames {
            let body = Mutator.mutate(try Fixtures.json(name), rng: &rng)
            let batch = try WebhookDecoder().decode(body.encoded())
            #expect(batch == WebhookDecoder().decode(body))
        }
    }

    @Test("deep nesting where a message should be")
    func deepNesting() {
        var deep: JSONValue = "bottom"
        for i in 0..<1000 { deep = i.isMultiple(of: 2) ? .array([deep]) : .object(["type": "text", "text": deep]) }
        let body: JSONValue = [
            "entry": [["changes": [["field": "messages", "value": ["messages": [deep, ["id": deep, "from": deep, "type": deep]]]]]]]
        ]
        let batch = WebhookDecoder().decode(body)
        #expect(batch.events.isEmpty)
        #expect(batch.skipped.count == 2)
        // Too deep for the parser: an error, not a crash.
        #expect(throws: JSONParseError.self) { try WebhookDecoder().decode(String(repeating: "[", count: 10_000)) }
    }

    @Test("a timestamp too large for milliseconds reads as unknown, not as an overflow")
    func hugeTimestamp() {
        let body: JSONValue = [
            "entry": [[
                "time": .int(.max),
                "changes": [[
                    "field": "messages",
                    "value": ["messages": [["from": "16315551234", "id": "wamid.T", "timestamp": .int(.max), "type": "text", "text": ["body": "hi"]]]],
                ]],
            ]]
        ]
        let batch = WebhookDecoder().decode(body)
        #expect(batch.messages.first?.timestamp == nil)
    }

    @Test("mutated templates files load or fail with a located error, never trap")
    func templatesFileMutations() throws {
        var rng = SplitMix64(seed: 7)
        let original = try JSONValue.parse(TemplatesFileTests.graphResponse)
        var refused = 0
        for _ in 0..<2000 {
            var file = original
            for _ in 0..<Int.random(in: 1...3, using: &rng) { file = Mutator.mutate(file, rng: &rng) }
            do {
                _ = try TemplatesFile.decode(file)
            } catch {
                refused += 1
                #expect(error.description.hasPrefix("templates.json: "))
            }
        }
        #expect(refused > 0)
    }

    static func checkSane(_ event: WebhookEvent) {
        switch event {
        case .message(let m): #expect(!m.id.isEmpty)
        case .status(let s): #expect(!s.id.isEmpty)
        default: break
        }
    }
}

/// Deterministic randomness, so a failing variant can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Mutator {
    enum Step: Hashable { case key(String), index(Int) }

    /// One random edit at one random place in the tree.
    static func mutate(_ value: JSONValue, rng: inout SplitMix64) -> JSONValue {
        var paths: [[Step]] = []
        collect(value, [], into: &paths)
        guard let path = paths.randomElement(using: &rng) else { return value }
        let choice = Int.random(in: 0..<6, using: &rng)
        let hostile = FuzzTests.hostile.randomElement(using: &rng) ?? .null
        return edit(value, path[...]) { node in
            switch choice {
            case 0: return nil  // drop it
            case 1: return hostile
            case 2:  // truncate an array, or wrap anything else in one
                if case .array(let items) = node { return .array(Array(items.prefix(Int.random(in: 0...1, using: &rng)))) }
                return .array([node])
            case 3:  // shout strings, stringify numbers
                if case .string(let s) = node { return .string(s.uppercased() + " ") }
                if let text = node.textValue { return .string(text) }
                return .null
            case 4: return .object(["value": node])
            default: return hostile
            }
        }
    }

    static func replacingLeaves(of value: JSONValue, with leaf: JSONValue) -> JSONValue {
        switch value {
        case .array(let items): return .array(items.map { replacingLeaves(of: $0, with: leaf) })
        case .object(let members): return .object(members.mapValues { replacingLeaves(of: $0, with: leaf) })
        default: return leaf
        }
    }

    private static func collect(_ value: JSONValue, _ path: [Step], into paths: inout [[Step]]) {
        paths.append(path)
        switch value {
        case .array(let items): for (i, item) in items.enumerated() { collect(item, path + [.index(i)], into: &paths) }
        case .object(let members):
            for key in members.keys.sorted() { collect(members[key] ?? .null, path + [.key(key)], into: &paths) }
        default: break
        }
    }

    /// `value` with the node at `path` replaced by `change(node)`; `nil` removes it.
    private static func edit(_ value: JSONValue, _ path: ArraySlice<Step>, _ change: (JSONValue) -> JSONValue?) -> JSONValue {
        guard let step = path.first else { return change(value) ?? .null }
        let rest = path.dropFirst()
        switch (step, value) {
        case (.key(let key), .object(var members)):
            guard let child = members[key] else { return value }
            if rest.isEmpty { members[key] = change(child) } else { members[key] = edit(child, rest, change) }
            return .object(members)
        case (.index(let i), .array(var items)) where items.indices.contains(i):
            if rest.isEmpty {
                if let new = change(items[i]) { items[i] = new } else { items.remove(at: i) }
            } else {
                items[i] = edit(items[i], rest, change)
            }
            return .array(items)
        default:
            return value
        }
    }
}
