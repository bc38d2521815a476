import GRDB

/// The queue's schema, as GRDB migrations. A migration, once released, is never edited: a
/// change is a new migration ("v2", …) appended to `migrator`. Planned next: back-office tokens,
/// leases of pulled requests, the e-mail outbox.
enum Schema {
    /// PRAGMA application_id of a Guichet queue: "GUIC" in ASCII. Tells our files from other
    /// SQLite databases, so the gateway never adds its tables to somebody else's file.
    static let applicationID: Int32 = 0x4755_4943

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                PRAGMA application_id = \(applicationID);

                CREATE TABLE submissions (
                    id INTEGER PRIMARY KEY,
                    reference TEXT NOT NULL UNIQUE CHECK (length(reference) = 11),
                    form_id TEXT NOT NULL CHECK (form_id <> ''),
                    form_digest TEXT NOT NULL,
                    service_id TEXT NOT NULL CHECK (service_id <> ''),
                    channel TEXT NOT NULL
                        CHECK (channel IN ('web', 'guichet', 'telephone', 'courrier', 'courriel')),
                    -- ISO 8601, UTC, milliseconds: 2026-11-20T09:05:03.042Z
                    received_at TEXT NOT NULL CHECK (length(received_at) = 24),
                    -- JSON text, opaque to the queue
                    payload TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'nouvelle',
                    -- SHA-256 of the tracking key; the key itself is never stored
                    key_hash BLOB NOT NULL CHECK (length(key_hash) = 32),
                    retention_days INTEGER CHECK (retention_days IS NULL OR retention_days > 0)
                ) STRICT;
                CREATE INDEX submissions_service_status ON submissions (service_id, status);
                CREATE INDEX submissions_received_at ON submissions (received_at);

                CREATE TABLE attachments (
                    id INTEGER PRIMARY KEY,
                    submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
                    field_id TEXT NOT NULL,
                    filename TEXT NOT NULL,
                    content_type TEXT NOT NULL,
                    size INTEGER NOT NULL CHECK (size >= 0),
                    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                    bytes BLOB NOT NULL CHECK (length(bytes) = size)
                ) STRICT;
                CREATE INDEX attachments_submission ON attachments (submission_id);

                CREATE TABLE events (
                    id INTEGER PRIMARY KEY,
                    submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind <> ''),
                    at TEXT NOT NULL CHECK (length(at) = 24),
                    message TEXT,
                    -- JSON text
                    data TEXT
                ) STRICT;
                CREATE INDEX events_submission ON events (submission_id, id);
                """)
        }
        return migrator
    }()

    /// What a file holds before we migrate it.
    struct State {
        var applicationID: Int32
        /// Tables other than SQLite's and GRDB's bookkeeping.
        var hasOtherTables: Bool
        var unknownMigrations: [String]
        var isUpToDate: Bool
    }

    static func state(_ db: Database) throws -> State {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let tables = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'grdb_migrations'
            """)
        let known = Set(migrator.migrations)
        let applied = try migrator.appliedIdentifiers(db)
        return State(applicationID: applicationID,
                     hasOtherTables: !tables.isEmpty,
                     unknownMigrations: applied.subtracting(known).sorted(),
                     isUpToDate: try migrator.hasCompletedMigrations(db))
    }

    /// Checks the file is ours (or empty) and no newer than us, then migrates it. Several
    /// processes may open a new file at once: GRDB reads the applied migrations outside the
    /// migration's transaction, so a loser of that race fails on "table already exists",
    /// its transaction rolls back whole, and the next round finds the schema up to date.
    static func prepare(_ pool: DatabasePool, path: String) throws {
        for round in 1...3 {
            let state = try pool.read(Schema.state)
            if state.applicationID != applicationID {
                if state.applicationID != 0 || state.hasOtherTables {
                    throw QueueError.notAQueue(path: path)
                }
            }
            if !state.unknownMigrations.isEmpty {
                throw QueueError.newerSchema(path: path, unknownMigrations: state.unknownMigrations)
            }
            if state.isUpToDate { return }
            do {
                try migrator.migrate(pool)
                return
            } catch where round < 3 {
                continue
            }
        }
    }
}
