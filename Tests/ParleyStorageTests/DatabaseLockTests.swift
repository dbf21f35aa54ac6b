import Foundation
import ParleyStorage
import Testing

@Suite("One process per database")
struct DatabaseLockTests {
    @Test("a second lock on the same database is refused, naming the process that holds it, until the first goes")
    func secondLockRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-lock-\(UUID().uuidString).sqlite").path
        var first: DatabaseLock? = try DatabaseLock.acquire(databasePath: path)
        #expect(first != nil)
        #expect {
            try DatabaseLock.acquire(databasePath: path)
        } throws: { error in
            "\(error)".contains("in use by process \(getpid())") && "\(error)".contains("[server] database")
        }
        first = nil
        #expect(throws: Never.self) { try DatabaseLock.acquire(databasePath: path) }
    }
}
