import Foundation
import GRDB
import ParleyPolicy

/// The template catalog a deployment's database holds, read without opening the store: for
/// `parley templates status`, which shows the pauses the template webhooks recorded while
/// `serve` may be running on the same file. Read-only, so it neither migrates nor locks.
public enum CatalogSnapshot {
    /// The catalog in the database at `path`; nil when there is no database there yet, or
    /// it holds no catalog.
    public static func read(databaseAt path: String) throws -> TemplateCatalog? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in
            guard try db.tableExists("setting") else { return nil }
            return try SettingRow<TemplateCatalogDocument>.fetchOne(db, key: "catalog")?.json.catalog
        }
    }
}
