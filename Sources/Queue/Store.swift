import Foundation
import GRDB
import GuichetModel

/// The writing and reading code of the queue, shared by the group committer and the
/// synchronous path.
///
/// Text columns are bound and read as bytes: GRDB binds a Swift `String` as a C string and
/// reads one back with `String(cString:)`, so a NUL character would silently cut the text.
/// `CAST(? AS TEXT)` with a blob argument, and `CAST(column AS BLOB)` when reading, keep every
/// byte (see `text(_:)` and `string(_:_:)`). The inserts of each submission, on the group
/// committer's serial path, bind with SQLite's C API instead (`Statement.executeDirect`), which
/// binds text with its length and keeps every byte too.
final class Store: Sendable {
    let pool: DatabasePool
    let path: String
    let referenceSeed: UInt64?
    let transactions = Counter()

    /// Compared against when a reference is unknown, so that case costs the same as a wrong key.
    static let absentKeyHash = [UInt8](repeating: 0, count: 32)

    /// Attempts at drawing a free reference before giving up (each draws a new random part of
    /// 31³ values; a second attempt is already a rarity).
    static let referenceAttempts = 32

    init(pool: DatabasePool, path: String, referenceSeed: UInt64?) {
        self.pool = pool
        self.path = path
        self.referenceSeed = referenceSeed
    }

    // MARK: - Writing

    /// Stores `items` in one transaction. If that fails because of one item (a constraint),
    /// stores them one transaction each, so a bad item cannot cost the others their receipt.
    /// If it fails because of the database (busy, disk full, I/O), every item gets the error.
    /// (The group committer calls `commit(_:keys:_:)` on the writer it holds; this form lets
    /// tests commit a batch of their choosing.)
    func commit(_ items: [NewSubmission]) async -> [Result<StoredReceipt, QueueError>] {
        // Drawn and hashed before taking the write lock: the one writer should spend its time
        // on SQLite, not on random bytes and SHA-256.
        let keys = items.map { _ in NewKey() }
        do {
            return try await pool.writeWithoutTransaction { db in self.commit(items, keys: keys, db) }
        } catch {
            return Array(repeating: .failure(QueueError(error, path: path)), count: items.count)
        }
    }

    /// `commit(_:)` on the writer connection, which the caller holds (the group committer).
    func commit(_ items: [NewSubmission], keys: [NewKey], _ db: Database) -> [Result<StoredReceipt, QueueError>] {
        do {
            let receipts = try Store.transaction(db, items, keys: keys, referenceSeed: referenceSeed)
            transactions.add(1)
            return receipts.map { .success($0) }
        } catch {
            let failure = QueueError(error, path: path)
            guard items.count > 1, !failure.isEnvironmental else {
                return Array(repeating: .failure(failure), count: items.count)
            }
            var results: [Result<StoredReceipt, QueueError>] = []
            results.reserveCapacity(items.count)
            for (item, key) in zip(items, keys) {
                results += commit([item], keys: [key], db)
            }
            return results
        }
    }

    func commitNow(_ item: NewSubmission) throws -> StoredReceipt {
        do {
            let key = NewKey()
            let receipts = try pool.writeWithoutTransaction { db in
                try Store.transaction(db, [item], keys: [key], referenceSeed: referenceSeed)
            }
            transactions.add(1)
            return receipts[0]
        } catch {
            throw QueueError(error, path: path)
        }
    }

    /// A PASSIVE checkpoint on the writer connection, between two transactions: it copies what
    /// the background checkpointer could not (`BackgroundCheckpointer.takeFinishRequest`). A
    /// failure changes nothing (the log keeps its frames for a later pass).
    func finishCheckpoint(_ db: Database) {
        _ = try? db.checkpoint(.passive)
    }

    /// One IMMEDIATE transaction (it takes the write lock at BEGIN, waiting with the busy
    /// timeout, so it can never fail half-way on a lock upgrade).
    static func transaction(_ db: Database, _ items: [NewSubmission], keys: [NewKey], referenceSeed: UInt64?) throws -> [StoredReceipt] {
        precondition(keys.count == items.count, "one tracking key per submission")
        var receipts: [StoredReceipt] = []
        receipts.reserveCapacity(items.count)
        var generator = ReferenceRandom(seed: referenceSeed)
        try db.inTransaction(.immediate) {
            receipts.removeAll(keepingCapacity: true)
            var position = try nextPosition(db, generator: &generator)
            for (item, key) in zip(items, keys) {
                receipts.append(try insert(item, key: key, at: position, db, generator: &generator))
                position.id += 1
                position.sequence += 1
            }
            return .commit
        }
        return receipts
    }

    /// A tracking key and its stored hash.
    struct NewKey: Sendable {
        let key = TrackingKey.generate()
        let storedHash: Data

        init() {
            storedHash = Data(TrackingKey.hash(key))
        }
    }

    /// The id and reference sequence of the next request (see `ReferenceCode.make`).
    struct Position {
        var id: Int64
        var sequence: UInt64
    }

    /// Where the next request goes, read inside the write transaction (which holds the lock,
    /// so no other process can take the same id). Requests are never deleted (the RGPD purge
    /// erases their content and keeps the row), so ids only grow and the sequence needs no
    /// state of its own: it follows the queue's first request, whose reference is never
    /// changed: request `id` gets the first one's sequence part plus `id − first id`. The first
    /// request of a new queue starts at a random point of the sequence, so that references do
    /// not tell how many requests a queue has received; a queue whose references were all
    /// random (before session 8) goes on from its first one's. Should the first reference not
    /// be a valid one (a row written by hand), the sequence goes on from the last request's.
    static func nextPosition(_ db: Database, generator: inout ReferenceRandom) throws -> Position {
        let space = ReferenceCode.sequenceSpace
        guard let last = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM submissions")) else {
            return Position(id: 1, sequence: generator.next() % space)
        }
        // Only a row written by hand can get there; an error, not an overflow trap.
        guard last < Int64.max else { throw QueueError.storage(detail: "plus aucun numéro de demande libre") }
        for query in ["SELECT id, reference FROM submissions ORDER BY id LIMIT 1",
                      "SELECT id, reference FROM submissions ORDER BY id DESC LIMIT 1"] {
            guard let anchor = try Row.fetchOne(db.cachedStatement(sql: query)),
                  let sequence = ReferenceCode.sequence(of: anchor["reference"]) else { continue }
            let id: Int64 = anchor["id"]
            return Position(id: last + 1, sequence: (sequence + UInt64(last + 1 - id) % space) % space)
        }
        return Position(id: last + 1, sequence: generator.next() % space)
    }

    private static func insert(_ item: NewSubmission, key: NewKey, at position: Position, _ db: Database,
                               generator: inout ReferenceRandom) throws -> StoredReceipt {
        let trackingKey = key.key
        let milliseconds = Timestamp.milliseconds(Date())
        let receivedAt = Timestamp.string(milliseconds: milliseconds)

        // ON CONFLICT DO NOTHING on the reference only: any other constraint still fails.
        // The transaction holds the write lock, so a reference that went in is unique. A
        // conflict needs an older reference with the same sequence part: one of the random
        // references of a queue older than session 8, or one from 28.6 million requests ago.
        let insertSubmission = try db.cachedStatement(sql: """
            INSERT INTO submissions
                (id, reference, form_id, form_digest, service_id, channel, received_at, payload, key_hash, retention_days,
                 notify_email)
            VALUES (?, ?, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), ?, ?, CAST(? AS TEXT), ?, ?, CAST(? AS TEXT))
            ON CONFLICT (reference) DO NOTHING
            """)
        var reference = ""
        for attempt in 1...referenceAttempts {
            reference = ReferenceCode.make(sequence: position.sequence, using: &generator)
            try insertSubmission.executeDirect(
                db, .integer(position.id), .text(reference), .text(item.formID), .text(item.formDigest), .text(item.serviceID),
                .text(item.channel.rawValue), .text(receivedAt), .text(item.payloadJSON),
                .blob(key.storedHash), .integer(item.retentionDays), .text(item.notifyEmail))
            if db.changesCount == 1 { break }
            if attempt == referenceAttempts {
                throw QueueError.storage(detail: "aucune référence libre après \(referenceAttempts) tirages")
            }
        }
        let submissionID = position.id

        if !item.attachments.isEmpty {
            let insertAttachment = try db.cachedStatement(sql: """
                INSERT INTO attachments (submission_id, field_id, filename, content_type, size, sha256, bytes)
                VALUES (?, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), ?, ?, ?)
                """)
            for attachment in item.attachments {
                try insertAttachment.executeDirect(
                    db, .integer(submissionID), .text(attachment.fieldID), .text(attachment.filename),
                    .text(attachment.contentType), .integer(Int64(attachment.bytes.count)),
                    .text(Bytes.sha256Hex(attachment.bytes)), .bytes(attachment.bytes))
            }
        }

        try db.cachedStatement(sql: "INSERT INTO events (submission_id, kind, at) VALUES (?, 'depot', ?)")
            .executeDirect(db, .integer(submissionID), .text(receivedAt))

        // The "new submission" notices of the webhooks, committed with the submission itself.
        try Outbox.announce(db, submissionID: submissionID, reference: reference, submission: item,
                            receivedAt: receivedAt, milliseconds: milliseconds)
        // The citizen's *accusé d'enregistrement* by e-mail, committed with the submission too.
        if item.notifyEmail != nil {
            try MailOutbox.queueRegistration(db, submissionID: submissionID, reference: reference, trackingKey: trackingKey,
                                             receivedAt: receivedAt, milliseconds: milliseconds)
        }

        return StoredReceipt(reference: reference, trackingKey: trackingKey,
                             receivedAt: Timestamp.date(milliseconds: milliseconds))
    }

    /// A string argument for `CAST(? AS TEXT)`: bound as text normally, as its UTF-8 bytes when
    /// it contains a NUL (which GRDB's text binding would cut). Never an empty blob, which GRDB
    /// binds as NULL.
    static func text(_ string: String) -> any DatabaseValueConvertible {
        string.utf8.contains(0) ? Data(string.utf8) : string
    }

    /// Reads column `column` of a row selected as `CAST(column AS BLOB)`.
    static func string(_ row: Row, _ column: String) -> String? {
        guard let data: Data = row[column] else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - Reading

    /// Columns of `submissions` that `record(_:row:path:)` reads.
    static let recordColumns = """
        id, reference, CAST(form_id AS BLOB) AS form_id, CAST(form_digest AS BLOB) AS form_digest,
        CAST(service_id AS BLOB) AS service_id, channel, received_at,
        CAST(payload AS BLOB) AS payload, CAST(status AS BLOB) AS status, retention_days,
        delivery_count, lease_until, acked_at, purged_at
        """

    /// The request with this canonical reference, if `services` (a JSON array, nil: any
    /// service) holds its service. An unknown reference and one of another service both cost
    /// one index lookup that returns no row.
    static func record(_ db: Database, reference: String, path: String, services: String? = nil) throws -> SubmissionRecord? {
        let row: Row?
        if let services {
            row = try Row.fetchOne(db, sql: """
                SELECT \(recordColumns) FROM submissions
                WHERE reference = ? AND service_id IN (SELECT value FROM json_each(?))
                """, arguments: [reference, services])
        } else {
            row = try Row.fetchOne(db, sql: "SELECT \(recordColumns) FROM submissions WHERE reference = ?",
                                   arguments: [reference])
        }
        guard let row else { return nil }
        return try record(db, row: row, path: path)
    }

    /// The request of a row selected with `recordColumns`, with its attachments and events.
    static func record(_ db: Database, row: Row, path: String) throws -> SubmissionRecord {
        let reference: String = row["reference"]
        let id: Int64 = row["id"]
        let channelText: String = row["channel"]
        let receivedText: String = row["received_at"]
        guard let channel = Channel(rawValue: channelText),
              let received = Timestamp.milliseconds(receivedText) else {
            throw QueueError.corrupt(path: path, detail: "la demande \(reference) est illisible")
        }

        let attachments = try Row.fetchAll(db, sql: """
            SELECT id, CAST(field_id AS BLOB) AS field_id, CAST(filename AS BLOB) AS filename,
                   CAST(content_type AS BLOB) AS content_type, size, sha256
            FROM attachments WHERE submission_id = ? ORDER BY id
            """, arguments: [id]).map { row in
            AttachmentInfo(id: row["id"], fieldID: string(row, "field_id") ?? "",
                           filename: string(row, "filename") ?? "",
                           contentType: string(row, "content_type") ?? "",
                           size: row["size"], sha256: row["sha256"])
        }

        let events = try Row.fetchAll(db, sql: """
            SELECT kind, at, CAST(message AS BLOB) AS message, CAST(data AS BLOB) AS data
            FROM events WHERE submission_id = ? ORDER BY id
            """, arguments: [id]).map { row in
            let at: String = row["at"]
            guard let milliseconds = Timestamp.milliseconds(at) else {
                throw QueueError.corrupt(path: path, detail: "un événement de la demande \(reference) est illisible")
            }
            return EventRecord(kind: row["kind"], at: Timestamp.date(milliseconds: milliseconds),
                               message: string(row, "message"), data: string(row, "data"))
        }

        return SubmissionRecord(
            reference: reference, formID: string(row, "form_id") ?? "",
            formDigest: string(row, "form_digest") ?? "", serviceID: string(row, "service_id") ?? "",
            channel: channel, receivedAt: Timestamp.date(milliseconds: received),
            payloadJSON: string(row, "payload") ?? "", status: string(row, "status") ?? "",
            retentionDays: row["retention_days"], attachments: attachments, events: events,
            cursor: String(id), deliveryCount: row["delivery_count"],
            leaseUntil: (row["lease_until"] as Int64?).map { Timestamp.date(milliseconds: $0) },
            acknowledgedAt: Timestamp.date(row["acked_at"] as String?),
            purgedAt: Timestamp.date(row["purged_at"] as String?))
    }
}

/// The random parts of references come from the system's secure generator; tests may ask for a
/// seeded SplitMix64 restarted at every transaction, to make references collide on purpose.
struct ReferenceRandom: RandomNumberGenerator {
    private var state: UInt64?
    private var system = SystemRandomNumberGenerator()

    init(seed: UInt64?) { state = seed }

    mutating func next() -> UInt64 {
        guard var z = state else { return system.next() }
        z &+= 0x9E37_79B9_7F4A_7C15
        state = z
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
