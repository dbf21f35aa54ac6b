import Foundation
import ParleyJSON
import ParleyPolicy
import ParleyRuntime
import ParleyStorage
import Testing

/// A person's other names, and a conversation moved to a new key, in the file as in memory:
/// they survive a restart, and a failed event leaves them as they were.
@Suite("Names of a person in the store")
struct ContactAliasTests {
    let phone = ContactID("+447700900160")!
    let userID = ContactID("GB.1234567890")!
    let newPhone = ContactID("+447700900161")!

    func stores() throws -> [any Store] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-alias-\(UUID().uuidString).sqlite").path
        return [InMemoryStore(), try SQLiteStore(path: path)]
    }

    @Test("an alias leads to the conversation; a rekey moves it and the old names follow")
    func aliasAndRekey() throws {
        for store in try stores() {
            try store.transaction {
                var c = Conversation(contact: phone)
                c.state = ["seen": 1]
                try store.save(c)
                try store.addAlias(userID, for: phone)
            }
            #expect(try store.canonical(userID) == phone)
            #expect(try store.canonical(newPhone) == newPhone)
            try store.transaction { try store.rekey(phone, to: newPhone) }
            #expect(try store.conversation(phone) == nil)
            #expect(try store.conversation(newPhone)?.state["seen"] == 1)
            #expect(try store.conversation(newPhone)?.contact == newPhone)
            #expect(try store.canonical(phone) == newPhone)
            #expect(try store.canonical(userID) == newPhone, "\(type(of: store)): the user id follows the person")
        }
    }

    @Test("a failed event leaves names and keys as they were")
    func rollback() throws {
        struct Boom: Error {}
        for store in try stores() {
            try store.transaction { try store.save(Conversation(contact: phone)) }
            #expect(throws: Boom.self) {
                try store.transaction {
                    try store.rekey(phone, to: newPhone)
                    try store.addAlias(userID, for: newPhone)
                    throw Boom()
                }
            }
            #expect(try store.conversation(phone) != nil)
            #expect(try store.conversation(newPhone) == nil)
            #expect(try store.canonical(phone) == phone)
            #expect(try store.canonical(userID) == userID)
        }
    }

    @Test("the names survive a restart of the file")
    func restart() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-alias-\(UUID().uuidString).sqlite").path
        do {
            let store = try SQLiteStore(path: path)
            try store.transaction {
                try store.save(Conversation(contact: phone))
                try store.addAlias(userID, for: phone)
            }
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try reopened.canonical(userID) == phone)
    }
}
