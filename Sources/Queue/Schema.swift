import GRDB

/// The queue's schema, as GRDB migrations. A migration, once released, is never edited: a
/// change is a new migration ("v3", …) appended to `migrator`. v2 (issue 6): back-office tokens,
/// leases and acknowledgements of pulled requests, audit log, outbox, purge date.
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
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                -- Back-office API tokens (issue 6). Only the SHA-256 of a token's secret is kept.
                CREATE TABLE tokens (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                    token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
                    -- JSON array of service ids
                    services TEXT NOT NULL CHECK (json_valid(services) AND json_type(services) = 'array'),
                    -- JSON array among "pull", "ack", "events", "submit"
                    scopes TEXT NOT NULL CHECK (json_valid(scopes) AND json_type(scopes) = 'array'),
                    created_at TEXT NOT NULL CHECK (length(created_at) = 24),
                    revoked_at TEXT CHECK (revoked_at IS NULL OR length(revoked_at) = 24),
                    last_used_at TEXT CHECK (last_used_at IS NULL OR length(last_used_at) = 24),
                    webhook_url TEXT
                ) STRICT;

                -- Delivery to back-offices (at least once): a pulled item is leased to a token
                -- until lease_until (unix ms) and comes back when the lease expires unacked.
                -- lease_token_id and acked_by are NULL when the local CLI did it.
                ALTER TABLE submissions ADD COLUMN lease_token_id INTEGER REFERENCES tokens (id);
                ALTER TABLE submissions ADD COLUMN lease_until INTEGER;
                ALTER TABLE submissions ADD COLUMN delivery_count INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE submissions ADD COLUMN acked_at TEXT;
                ALTER TABLE submissions ADD COLUMN acked_by INTEGER REFERENCES tokens (id);
                -- Set when the payload, attachments and event texts were erased (RGPD retention).
                ALTER TABLE submissions ADD COLUMN purged_at TEXT;
                CREATE INDEX submissions_undelivered ON submissions (service_id, id)
                    WHERE acked_at IS NULL AND purged_at IS NULL;

                -- Who read or changed which request, when. Codes and references only: never
                -- any content of a request.
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY,
                    at TEXT NOT NULL CHECK (length(at) = 24),
                    token_id INTEGER,
                    action TEXT NOT NULL CHECK (action <> ''),
                    reference TEXT CHECK (reference IS NULL OR length(reference) = 11),
                    outcome TEXT NOT NULL CHECK (outcome <> '')
                ) STRICT;
                CREATE INDEX audit_reference ON audit (reference);

                -- Messages to send, written in the transaction of what they announce, sent
                -- later with retries ("webhook" now; e-mail later).
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind <> ''),
                    token_id INTEGER REFERENCES tokens (id),
                    reference TEXT,
                    -- JSON text
                    body TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    -- unix ms; NULL once delivered or given up
                    next_attempt_at INTEGER,
                    created_at TEXT NOT NULL CHECK (length(created_at) = 24),
                    delivered_at TEXT,
                    last_error TEXT
                ) STRICT;
                CREATE INDEX outbox_due ON outbox (kind, next_attempt_at) WHERE next_attempt_at IS NOT NULL;
                """)
        }
        migrator.registerMigration("v3") { db in
            // Counting a token's recent calls (the API's rate limit when each request is its own
            // process, as under CGI).
            try db.execute(sql: "CREATE INDEX audit_token_at ON audit (token_id, at)")
        }
        migrator.registerMigration("v4") { db in
            // E-mail to the citizen (issue 7): the address the receipts and status changes go
            // to, erased with the rest at the end of the retention period. The messages
            // themselves are outbox rows of kind 'mail', written in the transaction of the
            // submission or event they announce.
            try db.execute(sql: """
                ALTER TABLE submissions ADD COLUMN notify_email TEXT;
                CREATE INDEX outbox_reference ON outbox (reference) WHERE reference IS NOT NULL;
                """)
        }
        migrator.registerMigration("v5") { db in
            // The outbox's rows point to their request by id. The index on the reference (a
            // random code) put each new row in a random page of that index: about a quarter of
            // the pages every grouped COMMIT wrote to the log (Benchmarks/gateway-vs-php.sh).
            // Ids grow, so the new index only ever appends to its last page.
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN submission_id INTEGER REFERENCES submissions (id);
                UPDATE outbox SET submission_id = (SELECT s.id FROM submissions AS s WHERE s.reference = outbox.reference)
                    WHERE reference IS NOT NULL;
                DROP INDEX outbox_reference;
                CREATE INDEX outbox_submission ON outbox (submission_id) WHERE submission_id IS NOT NULL;
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
    /// Each migration runs in a transaction of its own, so a loser may lose once per migration.
    static func prepare(_ pool: DatabasePool, path: String) throws {
        let rounds = migrator.migrations.count + 2
        for round in 1...rounds {
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
            } catch where round < rounds {
                continue
            }
        }
    }
}
