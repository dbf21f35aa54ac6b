import GRDB
import ParleyPolicy

/// Old records go: the audit trail and finished deliveries, once older than the deployment's
/// retention. Conversations stay (a contact's state has no age), and the runtime prunes the
/// inbound ids and the limit counts as it writes them.
///
/// Both tables grow in time order, so each batch reads the oldest rows by key and deletes
/// those past the cutoff: a batch costs its own size, whatever the table's.
extension SQLiteStore {
    /// Deletes up to `batch` audit records and `batch` finished deliveries from before
    /// `cutoff`; returns how many rows went. Call again until it returns 0.
    public func pruneRecords(before cutoff: Instant, batch: Int = 5_000) throws -> Int {
        try write { db in
            try db.executeCached(sql: """
                DELETE FROM audit WHERE seq IN (SELECT seq FROM audit ORDER BY seq LIMIT ?) AND at < ?
                """, arguments: [batch, cutoff.millisecondsSinceEpoch])
            var removed = db.changesCount
            try db.executeCached(sql: """
                DELETE FROM delivery WHERE rowid IN (SELECT rowid FROM delivery WHERE created_at < ? ORDER BY rowid LIMIT ?)
                AND state IN ('accepted', 'failed') AND updated_at < ?
                """, arguments: [cutoff.millisecondsSinceEpoch, batch, cutoff.millisecondsSinceEpoch])
            removed += db.changesCount
            return removed
        }
    }
}
