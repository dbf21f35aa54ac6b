import GRDB
import ParleyPolicy
import ParleyRuntime

/// Names of a person (`Store.canonical`): a row per other name, to the key of their
/// conversation. Most contacts have none, and the lookup is one indexed read.
extension SQLiteStore {
    public func canonical(_ contact: ContactID) throws -> ContactID {
        let target = try read { db in
            try String.fetchOneCached(db, sql: "SELECT contact FROM contact_alias WHERE alias = ?", arguments: [contact.description])
        }
        return target.flatMap(ContactID.init) ?? contact
    }

    public func addAlias(_ alias: ContactID, for contact: ContactID) throws {
        guard alias != contact else { return }
        try write { db in
            try db.executeCached(sql: "INSERT OR REPLACE INTO contact_alias (alias, contact) VALUES (?, ?)", arguments: [alias.description, contact.description])
        }
    }

    public func rekey(_ old: ContactID, to new: ContactID) throws {
        if let conversation = try conversation(old) {
            try forget(old)
            try save(conversation.moved(to: new))
        }
        try write { db in
            try db.executeCached(sql: "UPDATE contact_alias SET contact = ? WHERE contact = ?", arguments: [new.description, old.description])
            try db.executeCached(sql: "DELETE FROM contact_alias WHERE alias = ?", arguments: [new.description])
            try db.executeCached(sql: "INSERT OR REPLACE INTO contact_alias (alias, contact) VALUES (?, ?)", arguments: [old.description, new.description])
        }
    }
}
