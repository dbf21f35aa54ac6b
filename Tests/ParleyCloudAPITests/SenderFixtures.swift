import Foundation
import ParleyJSON

/// The sending side of the corpus: `requests/`, `responses/` and `errors/`.
enum SenderFixtures {
    static func names(in folder: String) -> [String] {
        let path = Fixtures.root.appendingPathComponent(folder).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    static func text(_ folder: String, _ name: String) throws -> String {
        try String(contentsOf: Fixtures.root.appendingPathComponent(folder).appendingPathComponent(name), encoding: .utf8)
    }

    static func json(_ folder: String, _ name: String) throws -> JSONValue {
        try JSONValue.parse(try text(folder, name))
    }
}
