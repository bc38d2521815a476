import Foundation
import GRDB
import GuichetModel

/// The durable queue of citizen submissions: one SQLite file in WAL mode with
/// `synchronous=FULL`, so a receipt is only handed out once its submission is on disk
/// (DESIGN.md, invariant 2).
///
/// - `submit` (long-lived gateway: FastCGI, HTTP) groups concurrent callers into one write
///   transaction: one fsync for many submissions.
/// - `submitNow` (CGI: one process per request) writes one transaction, synchronously.
///
/// Any number of instances, in one process or in many, may use the same file at once: SQLite's
/// write lock serializes them and the busy timeout absorbs the waits.
public final class SubmissionQueue: Sendable {
    /// How long a writer waits for another process's write lock before giving up.
    public static let busyTimeout: TimeInterval = 10

    public let path: String
    let store: Store
    private let committer: GroupCommitter
    let checkpointer: BackgroundCheckpointer?

    /// Opens the queue at `path`, creating the file if it is missing and migrating its schema.
    ///
    /// - Throws: `QueueError` with a French description: folder missing or not writable, file
    ///   that is not a Guichet queue, database written by a newer Guichet.
    /// - Parameter checkpointsInBackground: for a long-lived process (FastCGI, `guichet serve`):
    ///   copy the write-ahead log into the database from a thread of its own instead of inside
    ///   a citizen's COMMIT (`BackgroundCheckpointer`). A CGI process, which lives for one
    ///   request, keeps SQLite's automatic checkpoints.
    public convenience init(path: String, checkpointsInBackground: Bool = false) throws {
        try self.init(path: path, maximumBatchSize: 256, referenceSeed: nil, checkpointsInBackground: checkpointsInBackground)
    }

    /// - Parameters:
    ///   - maximumBatchSize: most submissions in one grouped transaction (1 disables grouping).
    ///   - referenceSeed: tests only: draw the random parts of references (and a new queue's
    ///     starting point) from a seeded generator restarted at each transaction, so that a test
    ///     knows each draw in advance and can make references collide.
    init(path: String, maximumBatchSize: Int, referenceSeed: UInt64?, checkpointsInBackground: Bool = false) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "Guichet.Queue"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        // Citizens' personal data: a new file is readable by its owner only, whatever the
        // umask of the web server that runs the CGI gateway (SQLite gives the -wal and -shm
        // files the same permissions).
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 { close(descriptor) }
        do {
            let pool = try Self.openPool(path: path, configuration: configuration)
            store = Store(pool: pool, path: path, referenceSeed: referenceSeed)
        } catch {
            throw QueueError(error, path: path)
        }
        if checkpointsInBackground {
            do {
                try store.pool.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
                    // After a burst that a long read kept from being copied, the log file
                    // is cut back to this size when it starts over (SQLite rewrites it
                    // from its start otherwise, keeping its largest size on disk).
                    try db.execute(sql: "PRAGMA journal_size_limit = \(Self.journalSizeLimit)")
                }
                checkpointer = try BackgroundCheckpointer(path: path, transactions: store.transactions)
            } catch {
                throw QueueError(error, path: path)
            }
        } else {
            checkpointer = nil
        }
        committer = GroupCommitter(store: store, maximumBatchSize: max(1, maximumBatchSize), checkpointer: checkpointer)
    }

    /// Bytes of write-ahead log kept on disk once it starts over (long-lived gateways).
    static let journalSizeLimit = 128 << 20

    deinit { checkpointer?.stop() }

    /// Opens, sets up and migrates the pool. When several processes open a file that does not
    /// exist yet, `PRAGMA journal_mode = WAL` (run by GRDB) fails at once with "database is
    /// locked" while another connection holds the file: SQLite calls no busy handler there.
    /// That case is retried here for as long as the busy timeout, so no caller ever sees it.
    private static func openPool(path: String, configuration: Configuration) throws -> DatabasePool {
        let deadline = ContinuousClock.now + .seconds(busyTimeout)
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                // GRDB sets synchronous=NORMAL when it turns WAL on, after prepareDatabase:
                // set FULL again on the one writer connection (readers never write).
                try pool.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA synchronous = FULL")
                }
                try Schema.prepare(pool, path: path)
                return pool
            } catch let error as DatabaseError
                        where error.resultCode == .SQLITE_BUSY && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: .random(in: 0.002...0.02))
            }
        }
    }

    // MARK: - Writing

    /// Stores a submission and returns its receipt once the transaction that holds it has
    /// committed (fsync'd). Concurrent calls share transactions (group commit).
    ///
    /// - Throws: `QueueError`; nothing of this submission is stored then.
    public func submit(_ submission: NewSubmission) async throws -> StoredReceipt {
        try await committer.submit(submission).get()
    }

    /// `submit(_:)` without a task: `completion` is called once, after the COMMIT (or with the
    /// `QueueError` that kept the submission out), on the queue's writer thread. It must return
    /// quickly and must not wait on this queue, nor may anyone wait for it from inside a write
    /// of this queue (hand the answer to another thread, as the FastCGI server does with its
    /// event loop): the next grouped transaction waits for it.
    public func submit(_ submission: NewSubmission,
                       completion: @escaping @Sendable (Result<StoredReceipt, QueueError>) -> Void) {
        committer.submit(submission, completion: completion)
    }

    /// Stores a submission in a transaction of its own, synchronously (CGI mode).
    public func submitNow(_ submission: NewSubmission) throws -> StoredReceipt {
        try store.commitNow(submission)
    }

    // MARK: - Reading

    /// The submission whose reference and tracking key both match, or nil. An unknown
    /// reference and a wrong key give the same answer in the same time (the key hashes are
    /// compared in constant time), so the tracking page tells a stranger nothing.
    /// `reference` may be typed in any form `ReferenceCode.normalize` accepts.
    public func find(reference: String, trackingKey: String) throws -> SubmissionRecord? {
        let offered = TrackingKey.hash(trackingKey)
        let canonical = ReferenceCode.normalize(reference)
        return try read { [path] db in
            var stored: [UInt8]? = nil
            if let canonical {
                stored = try Data.fetchOne(db, sql: "SELECT key_hash FROM submissions WHERE reference = ?",
                                           arguments: [canonical]).map { Array($0) }
            }
            let matches = Bytes.constantTimeEqual(stored ?? Store.absentKeyHash, offered)
            guard matches, stored != nil, let canonical else { return nil }
            return try Store.record(db, reference: canonical, path: path)
        }
    }

    /// The submission with this reference, without any key check (back-offices, tests).
    public func find(reference: String) throws -> SubmissionRecord? {
        guard let canonical = ReferenceCode.normalize(reference) else { return nil }
        return try read { db in try Store.record(db, reference: canonical, path: path) }
    }

    /// The bytes of an attachment (ids come from `SubmissionRecord.attachments`).
    public func attachmentBytes(id: Int64) throws -> [UInt8]? {
        try read { db in
            try Data.fetchOne(db, sql: "SELECT bytes FROM attachments WHERE id = ?", arguments: [id])
                .map { Array($0) }
        }
    }

    /// Number of stored submissions.
    public func count() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM submissions") ?? 0 }
    }

    /// Problems found in the file, in French; empty when all is well. Runs SQLite's
    /// `integrity_check` and `foreign_key_check`, and looks for submissions without their
    /// "depot" event (which would mean a half-written submission). Reads the whole file: for
    /// tests and operators, not for every request.
    public func integrityReport() throws -> [String] {
        try read { db in
            var problems: [String] = []
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] {
                problems += integrity.map { "Contrôle d'intégrité SQLite : \($0)" }
            }
            for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
                let table: String = row[0] ?? "?"
                let rowid: Int64? = row[1]
                let parent: String = row[2] ?? "?"
                problems.append("La ligne \(rowid.map(String.init) ?? "?") de la table \(table) renvoie à une ligne absente de la table \(parent).")
            }
            let orphans = try String.fetchAll(db, sql: """
                SELECT reference FROM submissions AS s
                WHERE NOT EXISTS (SELECT 1 FROM events AS e WHERE e.submission_id = s.id AND e.kind = 'depot')
                ORDER BY s.id
                """)
            problems += orphans.map { "La demande \($0) n'a pas d'événement « depot »." }
            return problems
        }
    }

    // MARK: - Internals (tests and figures)

    /// Write transactions this instance has committed (grouped or not).
    var committedTransactions: Int { store.transactions.current }

    /// The value of `PRAGMA name` on the writer connection.
    func pragma(_ name: String) throws -> String? {
        try store.pool.writeWithoutTransaction { db in
            try String.fetchOne(db, sql: "PRAGMA \(name)")
        }
    }

    /// The first column of every row of `sql`, run on the writer connection.
    func strings(_ sql: String) throws -> [String] {
        try store.pool.writeWithoutTransaction { db in try String.fetchAll(db, sql: sql) }
    }

    /// Runs `sql` on the writer connection, outside any transaction of the queue's.
    func execute(_ sql: String) throws {
        try store.pool.writeWithoutTransaction { db in try db.execute(sql: sql) }
    }

    /// Runs `body` on a reader connection. `BackOfficeError`s pass through; any other error
    /// becomes a `QueueError`.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try store.pool.read(body)
        } catch let error as BackOfficeError {
            throw error
        } catch {
            throw QueueError(error, path: path)
        }
    }

    /// Runs `body` in an IMMEDIATE transaction on the writer connection: the write lock is
    /// taken at BEGIN (waiting up to the busy timeout), so what `body` reads cannot change
    /// under it, in this process or another. Rolled back if `body` throws.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try store.pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as BackOfficeError {
            throw error
        } catch {
            throw QueueError(error, path: path)
        }
    }
}
