import GRDB

/// The database's tables, as versioned migrations: a new version adds a migration and never
/// edits an old one, so every existing database can be brought up to date.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // One row per contact: the conversation as JSON, with the columns queries need.
            try db.execute(sql: """
                CREATE TABLE conversation (
                    contact TEXT PRIMARY KEY NOT NULL,
                    owner TEXT NOT NULL,
                    last_inbound INTEGER,
                    json TEXT NOT NULL
                );
                CREATE INDEX conversation_owner ON conversation(owner);
                -- The template catalog and the account's standing, each one JSON document.
                CREATE TABLE setting (
                    name TEXT PRIMARY KEY NOT NULL,
                    json TEXT NOT NULL
                );
                -- Contacts counted toward the messaging limit, and when first counted.
                CREATE TABLE limit_ledger (
                    contact TEXT PRIMARY KEY NOT NULL,
                    counted_at INTEGER NOT NULL
                );
                CREATE INDEX limit_ledger_time ON limit_ledger(counted_at);
                -- Inbound message ids already handled: the platform retries for days.
                CREATE TABLE inbound_seen (
                    id TEXT PRIMARY KEY NOT NULL,
                    seen_at INTEGER NOT NULL
                );
                -- The runtime's agenda: paced messages, timers, window-closing hooks.
                CREATE TABLE agenda (
                    key INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,
                    json TEXT NOT NULL
                );
                CREATE TABLE counter (
                    name TEXT PRIMARY KEY NOT NULL,
                    value INTEGER NOT NULL
                );
                -- Every policy decision with its inputs.
                CREATE TABLE audit (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    message_id TEXT NOT NULL,
                    contact TEXT,
                    at INTEGER NOT NULL,
                    json TEXT NOT NULL
                );
                CREATE INDEX audit_message ON audit(message_id);
                CREATE INDEX audit_contact ON audit(contact);
                """)
        }
        migrator.registerMigration("v2 deliveries") { db in
            // Messages the runtime dispatched, on their way to the Cloud API. The id is the
            // message's own, and the idempotency key of every attempt to send it.
            try db.execute(sql: """
                CREATE TABLE delivery (
                    id TEXT PRIMARY KEY NOT NULL,
                    contact TEXT NOT NULL,
                    json TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    wamid TEXT,
                    error TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX delivery_due ON delivery(state, next_attempt_at);
                CREATE INDEX delivery_wamid ON delivery(wamid);
                """)
        }
        migrator.registerMigration("v3 due deliveries index") { db in
            // The sender asks for the oldest due deliveries many times a second: a partial
            // index in that order answers without sorting the backlog.
            try db.execute(sql: """
                DROP INDEX delivery_due;
                CREATE INDEX delivery_waiting ON delivery(next_attempt_at, created_at) WHERE state IN ('pending', 'sending');
                """)
        }
        migrator.registerMigration("v4 conversations by last inbound") { db in
            // conversations{in_window=, closing_within=} asks by the time of the last inbound
            // message: an index answers from the conversations it returns, not from all.
            try db.execute(sql: "CREATE INDEX conversation_last_inbound ON conversation(last_inbound);")
        }
        migrator.registerMigration("v5 contact aliases") { db in
            // Other names of a person (a user id beside a number, a number they moved from),
            // to the key their conversation is kept under.
            try db.execute(sql: """
                CREATE TABLE contact_alias (alias TEXT PRIMARY KEY NOT NULL, contact TEXT NOT NULL);
                CREATE INDEX contact_alias_contact ON contact_alias(contact);
                """)
        }
        migrator.registerMigration("v6 spend") { db in
            // Estimated spend per budget scope ('' for the deployment, else a script's name) and
            // UTC period ('2026-01-05', '2026-01'), in millionths of the price table's currency;
            // `warned` once the period's budget warning was given.
            try db.execute(sql: """
                CREATE TABLE spend (
                    scope TEXT NOT NULL,
                    period TEXT NOT NULL,
                    micros INTEGER NOT NULL,
                    warned INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (scope, period)
                );
                """)
        }
        return migrator
    }
}
