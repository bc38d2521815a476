import Foundation
import GRDB
import GuichetModel
@testable import Queue
import Testing

@Suite struct SubmissionQueueTests {
    @Test func roundTripWithTwoAttachments() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let before = Date()
        let submission = Sample.submission(1, attachments: [
            NewAttachment(fieldID: "justificatif", filename: "livret.pdf", contentType: "application/pdf",
                          bytes: Sample.millionA.bytes),
            NewAttachment(fieldID: "photo", filename: "photo.jpg", contentType: "image/jpeg",
                          bytes: Sample.abc.bytes),
        ])
        let receipt = try await queue.submit(submission)

        #expect(ReferenceCode.normalize(receipt.reference) == receipt.reference)
        #expect(receipt.trackingKey.count == 26)
        #expect(receipt.trackingKey.allSatisfy { "abcdefghijklmnopqrstuvwxyz234567".contains($0) })
        #expect(abs(receipt.receivedAt.timeIntervalSince(before)) < 60)

        let record = try #require(try queue.find(reference: receipt.reference, trackingKey: receipt.trackingKey))
        #expect(record.reference == receipt.reference)
        #expect(record.formID == submission.formID)
        #expect(record.formDigest == submission.formDigest)
        #expect(record.serviceID == submission.serviceID)
        #expect(record.channel == .web)
        #expect(record.payloadJSON == submission.payloadJSON)
        #expect(record.status == "nouvelle")
        #expect(record.retentionDays == 365)
        #expect(record.receivedAt == receipt.receivedAt)
        #expect(record.events.map(\.kind) == ["depot"])
        #expect(record.events.first?.at == receipt.receivedAt)

        #expect(record.attachments.map(\.fieldID) == ["justificatif", "photo"])
        #expect(record.attachments.map(\.filename) == ["livret.pdf", "photo.jpg"])
        #expect(record.attachments.map(\.contentType) == ["application/pdf", "image/jpeg"])
        #expect(record.attachments.map(\.size) == [1_000_000, 3])
        #expect(record.attachments.map(\.sha256) == [Sample.millionA.sha256, Sample.abc.sha256])
        #expect(try queue.attachmentBytes(id: record.attachments[0].id) == Sample.millionA.bytes)
        #expect(try queue.attachmentBytes(id: record.attachments[1].id) == Sample.abc.bytes)
        #expect(try queue.attachmentBytes(id: 999_999) == nil)

        // The synchronous path stores the same way.
        let now = try queue.submitNow(Sample.submission(2))
        #expect(try queue.find(reference: now.reference)?.payloadJSON == Sample.submission(2).payloadJSON)
        #expect(try queue.count() == 2)
        #expect(try queue.integrityReport() == [])
        // The key itself is nowhere in the file, only its hash.
        let hashes = try queue.strings("SELECT hex(key_hash) FROM submissions")
        #expect(hashes.allSatisfy { $0.count == 64 })
        #expect(try queue.strings("SELECT COUNT(*) FROM submissions WHERE instr(CAST(key_hash AS TEXT), '\(receipt.trackingKey)') > 0") == ["0"])
    }

    @Test func durabilityPragmasAreSet() throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        #expect(try queue.pragma("journal_mode") == "wal")
        #expect(try queue.pragma("synchronous") == "2") // FULL
        #expect(try queue.pragma("foreign_keys") == "1")
        #expect(try queue.pragma("secure_delete") == "1")
        #expect(try queue.pragma("busy_timeout") == "10000")
        #expect(try queue.pragma("application_id") == String(Schema.applicationID))
    }

    @Test func reopeningIsIdempotent() async throws {
        let folder = try TemporaryFolder()
        var references: [String] = []
        for round in 0..<3 {
            let queue = try SubmissionQueue(path: folder.path())
            #expect(try queue.strings("SELECT identifier FROM grdb_migrations ORDER BY identifier") == ["v1", "v2", "v3", "v4", "v5"])
            #expect(try queue.count() == round)
            references.append(try await queue.submit(Sample.submission(round)).reference)
        }
        let queue = try SubmissionQueue(path: folder.path())
        #expect(try queue.count() == 3)
        #expect(try references.allSatisfy { try queue.find(reference: $0) != nil })
        #expect(try queue.integrityReport() == [])
    }

    /// A queue written before v5 (outbox rows found by their reference) gets each row's request
    /// id, and its e-mails are still found and purged with their request.
    @Test func v5GivesOutboxRowsTheirRequest() throws {
        let folder = try TemporaryFolder()
        let path = folder.path()
        do {
            let pool = try DatabasePool(path: path)
            try Schema.migrator.migrate(pool, upTo: "v4")
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO submissions (id, reference, form_id, form_digest, service_id, channel, received_at, payload,
                                             key_hash, notify_email)
                    VALUES (7, 'ABC-DEF-GHJ', 'contact', 'x', 'accueil', 'web', '2026-11-20T09:05:03.042Z', '{}', zeroblob(32),
                            'elise@example.org');
                    INSERT INTO events (submission_id, kind, at) VALUES (7, 'depot', '2026-11-20T09:05:03.042Z');
                    INSERT INTO outbox (kind, reference, body, next_attempt_at, created_at)
                    VALUES ('mail', 'ABC-DEF-GHJ', '{"modele":"accuse-enregistrement"}', 1, '2026-11-20T09:05:03.042Z'),
                           ('webhook', NULL, '{}', 1, '2026-11-20T09:05:03.042Z');
                    """)
            }
        }
        let queue = try SubmissionQueue(path: path)
        #expect(try queue.strings("SELECT COALESCE(submission_id, 'NULL') FROM outbox ORDER BY id") == ["7", "NULL"])
        #expect(try queue.strings("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' ORDER BY name")
                == ["outbox_due", "outbox_submission"])
        #expect(try queue.mailNotices(reference: "ABC-DEF-GHJ").count == 1)
        #expect(try queue.integrityReport() == [])
    }

    @Test func aNewerSchemaIsRefusedInFrench() throws {
        let folder = try TemporaryFolder()
        do {
            let queue = try SubmissionQueue(path: folder.path())
            _ = try queue.submitNow(Sample.submission(1))
            try queue.execute("INSERT INTO grdb_migrations (identifier) VALUES ('v7-jetons')")
        }
        #expect(throws: QueueError.newerSchema(path: folder.path(), unknownMigrations: ["v7-jetons"])) {
            try SubmissionQueue(path: folder.path())
        }
        let message = QueueError.newerSchema(path: "depot.sqlite", unknownMigrations: ["v7-jetons"]).description
        #expect(message.contains("version plus récente de Guichet"))
        #expect(message.contains("« v7-jetons »"))
    }

    @Test func filesThatAreNotAQueueAreRefusedAndLeftAlone() throws {
        let folder = try TemporaryFolder()
        // Not SQLite at all.
        let text = Data(String(repeating: "Ceci n'est pas une base.\n", count: 400).utf8)
        try text.write(to: URL(fileURLWithPath: folder.path("notes.txt")))
        #expect(throws: QueueError.notAQueue(path: folder.path("notes.txt"))) {
            try SubmissionQueue(path: folder.path("notes.txt"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path("notes.txt"))) == text)

        // Another program's SQLite database.
        do {
            let queue = try SubmissionQueue(path: folder.path("autre.sqlite"))
            try queue.execute("PRAGMA application_id = 42")
        }
        #expect(throws: QueueError.notAQueue(path: folder.path("autre.sqlite"))) {
            try SubmissionQueue(path: folder.path("autre.sqlite"))
        }

        // A folder that does not exist.
        let missing = folder.path("absent/depot.sqlite")
        do {
            _ = try SubmissionQueue(path: missing)
            Issue.record("opened \(missing)")
        } catch let error as QueueError {
            guard case .unavailable = error else { Issue.record("\(error)"); return }
            #expect(error.description.hasPrefix("La base de dépôt est inaccessible (\(missing))"))
        }
    }

    @Test func theTrackingKeyIsChecked() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let first = try await queue.submit(Sample.submission(1))
        let second = try await queue.submit(Sample.submission(2))

        #expect(try queue.find(reference: first.reference, trackingKey: first.trackingKey)?.reference == first.reference)
        // Typed back by a person: lowercase, spaces, key in capitals.
        let typed = first.reference.lowercased().replacingOccurrences(of: "-", with: " ")
        #expect(try queue.find(reference: typed, trackingKey: first.trackingKey.uppercased()) != nil)

        // Wrong key, another submission's key, empty key, unknown reference, invalid reference.
        #expect(try queue.find(reference: first.reference, trackingKey: second.trackingKey) == nil)
        #expect(try queue.find(reference: first.reference, trackingKey: String(first.trackingKey.dropLast()) + "a") == nil
            || first.trackingKey.hasSuffix("a"))
        #expect(try queue.find(reference: first.reference, trackingKey: "") == nil)
        var generator = SystemRandomNumberGenerator()
        var unknown = ReferenceCode.random(using: &generator)
        while unknown == first.reference || unknown == second.reference { unknown = ReferenceCode.random(using: &generator) }
        #expect(try queue.find(reference: unknown, trackingKey: first.trackingKey) == nil)
        #expect(try queue.find(reference: unknown) == nil)
        #expect(try queue.find(reference: "pas une référence", trackingKey: first.trackingKey) == nil)
        #expect(try queue.find(reference: String(repeating: "7", count: 10_000), trackingKey: String(repeating: "k", count: 100_000)) == nil)
    }

    @Test func hostileContentIsStoredIntact() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        // 10 MB of JSON-looking text with NUL bytes, emoji, right-to-left text, combining marks.
        let piece = "{\"nom\":\"a\u{0}b\",\"emoji\":\"👩🏽‍⚕️🇫🇷\",\"rtl\":\"\u{202E}مرحبا\u{202C}\",\"accent\":\"e\u{301}\"}\n"
        let big = String(repeating: piece, count: 10_000_000 / piece.utf8.count + 1)
        #expect(big.utf8.count >= 10_000_000)
        let submission = NewSubmission(
            formID: "signalement\u{0}x", formDigest: "d\u{0}", serviceID: "services-techniques", channel: .courriel,
            payloadJSON: big,
            attachments: [
                NewAttachment(fieldID: "pièce", filename: "\u{202E}fdp.exe 🙂 نموذج\u{0}.pdf",
                              contentType: "application/octet-stream", bytes: Sample.empty.bytes),
                NewAttachment(fieldID: "nul", filename: "zéros.bin", contentType: "", bytes: [0, 0, 0, 255]),
            ],
            retentionDays: nil)
        for receipt in [try await queue.submit(submission), try queue.submitNow(submission)] {
            let record = try #require(try queue.find(reference: receipt.reference, trackingKey: receipt.trackingKey))
            #expect(record.payloadJSON.utf8.count == big.utf8.count)
            #expect(record.payloadJSON == big)
            #expect(record.formID == "signalement\u{0}x")
            #expect(record.formDigest == "d\u{0}")
            #expect(record.channel == .courriel)
            #expect(record.retentionDays == nil)
            #expect(record.attachments.map(\.filename) == submission.attachments.map(\.filename))
            #expect(record.attachments.map(\.fieldID) == ["pièce", "nul"])
            #expect(record.attachments.map(\.contentType) == ["application/octet-stream", ""])
            #expect(record.attachments.map(\.size) == [0, 4])
            #expect(record.attachments[0].sha256 == Sample.empty.sha256)
            #expect(try queue.attachmentBytes(id: record.attachments[0].id) == [])
            #expect(try queue.attachmentBytes(id: record.attachments[1].id) == [0, 0, 0, 255])
        }
        #expect(try queue.integrityReport() == [])
    }

    @Test func aBadSubmissionDoesNotPoisonItsBatch() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        var bad = Sample.submission(2)
        bad.retentionDays = 0 // CHECK (retention_days > 0)
        var alsoBad = Sample.submission(4)
        alsoBad.formID = "" // CHECK (form_id <> '')

        // One batch, as the group committer would hand it over.
        let results = await queue.store.commit([Sample.submission(1), bad, Sample.submission(3), alsoBad])
        #expect(results.count == 4)
        let stored = try results.compactMap { result -> String? in
            guard case .success(let receipt) = result else { return nil }
            return try queue.find(reference: receipt.reference, trackingKey: receipt.trackingKey)?.payloadJSON
        }
        #expect(stored == [Sample.submission(1).payloadJSON, Sample.submission(3).payloadJSON])
        for index in [1, 3] {
            guard case .failure(.rejected(let detail)) = results[index] else {
                Issue.record("item \(index): \(results[index])"); continue
            }
            #expect(detail.contains("CHECK constraint failed"))
        }
        #expect(try queue.count() == 2)
        #expect(try queue.integrityReport() == [])

        // Through the public API, the caller gets a French error and nothing is stored.
        await #expect(throws: QueueError.self) { try await queue.submit(bad) }
        do {
            _ = try queue.submitNow(bad)
            Issue.record("stored a bad submission")
        } catch let error as QueueError {
            #expect(error.description.hasPrefix("La demande n'a pas été enregistrée"))
            #expect(!error.description.contains("Dupont")) // no personal data in messages
        }
        #expect(try queue.count() == 2)
    }

    @Test func referenceCollisionsAreDrawnAgainInTheSameTransaction() async throws {
        let folder = try TemporaryFolder()
        // Every transaction restarts the same seeded generator, so each one draws the same
        // random parts: the test knows which reference each request will try first.
        let queue = try SubmissionQueue(path: folder.path(), maximumBatchSize: 256, referenceSeed: 7)
        let first = try queue.submitNow(Sample.submission(0)).reference
        let start = try #require(ReferenceCode.sequence(of: first))
        func drawn(sequence: UInt64, attempt: Int) -> String {
            var generator = ReferenceRandom(seed: 7)
            var reference = ""
            for _ in 1...attempt { reference = ReferenceCode.make(sequence: sequence, using: &generator) }
            return reference
        }
        // Requests 2…6 are taken by rows whose references are the first draws of requests
        // 7…11, as an older random reference could be.
        let blockers = (Int64(2)...6).map { id in (id, drawn(sequence: start + UInt64(id + 5) - 1, attempt: 1)) }
        try await queue.store.pool.write { db in
            for (id, reference) in blockers {
                try db.execute(sql: """
                    INSERT INTO submissions (id, reference, form_id, form_digest, service_id, channel, received_at, payload, key_hash)
                    VALUES (?, ?, 'contact', 'x', 'accueil', 'web', '2026-11-20T09:05:03.042Z', '{}', zeroblob(32))
                    """, arguments: [id, reference])
                try db.execute(sql: "INSERT INTO events (submission_id, kind, at) VALUES (?, 'depot', '2026-11-20T09:05:03.042Z')",
                               arguments: [id])
            }
        }
        var references: [String] = []
        for number in 7..<11 {
            references.append(try queue.submitNow(Sample.submission(number)).reference)
        }
        references.append(try await queue.submit(Sample.submission(11)).reference)
        // Each drew its first reference, found it taken, and kept its second draw.
        #expect(references == (7...11).map { drawn(sequence: start + UInt64($0) - 1, attempt: 2) })
        #expect(Set(references + [first]).count == 6)
        #expect(try queue.count() == 11)
        #expect(queue.committedTransactions == 6)
        #expect(try queue.integrityReport() == [])
    }

    @Test func referencesFollowTheOrderOfArrival() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        var references: [String] = []
        for number in 0..<20 { references.append(try queue.submitNow(Sample.submission(number)).reference) }
        // Grouped transactions too: one batch of 200 concurrent submissions.
        let grouped = await withTaskGroup(of: String?.self) { group in
            for number in 20..<220 { group.addTask { try? await queue.submit(Sample.submission(number)).reference } }
            return await group.reduce(into: [String]()) { if let reference = $1 { $0.append(reference) } }
        }
        #expect(grouped.count == 200)
        let stored = try queue.strings("SELECT reference FROM submissions ORDER BY id")
        #expect(stored.count == 220)
        #expect(Array(stored.prefix(20)) == references)
        #expect(Set(stored) == Set(references + grouped))
        // Sequence parts follow the ids, one apart (modulo 31⁵), from a random start.
        let sequences = try stored.map { try #require(ReferenceCode.sequence(of: $0)) }
        for (previous, next) in zip(sequences, sequences.dropFirst()) {
            #expect(next == (previous + 1) % ReferenceCode.sequenceSpace)
        }
        // As text they sort in the order of arrival, except where the count starts again.
        let wraps = zip(stored, stored.dropFirst()).filter { $0.0 >= $0.1 }.count
        #expect(wraps == (sequences.first! + 219 >= ReferenceCode.sequenceSpace ? 1 : 0))
        #expect(try queue.integrityReport() == [])
    }

    @Test func aNewQueueStartsAtARandomPointAndABatchTakesConsecutiveSequences() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path(), maximumBatchSize: 256, referenceSeed: 11)
        // One grouped transaction of 40: the first request of the queue starts the sequence.
        let results = await queue.store.commit((0..<40).map { Sample.submission($0) })
        #expect(queue.committedTransactions == 1)
        let references = try results.map { try $0.get().reference }
        var generator = ReferenceRandom(seed: 11)
        let start = generator.next() % ReferenceCode.sequenceSpace
        #expect(references.map { ReferenceCode.sequence(of: $0) } == (0..<40).map { (start + UInt64($0)) % ReferenceCode.sequenceSpace })
        #expect(try queue.strings("SELECT id FROM submissions ORDER BY id") == (1...40).map(String.init))
        #expect(try queue.strings("SELECT reference FROM submissions ORDER BY id") == references)
        // Each request of the batch has its one "dépôt" event, at its time of receipt, in order.
        #expect(try queue.strings("""
            SELECT s.id || ' ' || (e.at = s.received_at) FROM events AS e JOIN submissions AS s ON s.id = e.submission_id
            WHERE e.kind = 'depot' ORDER BY e.id
            """) == (1...40).map { "\($0) 1" })
        #expect(try queue.strings("SELECT COUNT(*) FROM events") == ["40"])
        // A second batch: its events are its own, not the first batch's again.
        _ = await queue.store.commit((40..<45).map { Sample.submission($0) })
        #expect(try queue.strings("SELECT submission_id FROM events ORDER BY id") == (1...45).map(String.init))
    }

    /// A first row whose reference is not a valid one (written by hand): the sequence goes on
    /// from the last request's.
    @Test func anInvalidFirstReferenceFallsBackOnTheLastOne() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let rows: [(Int64, String)] = [(1, "AAA-AAA-AAA"), (2, "NOT-A-VALID"), (3, "7KM-4QX-29W")]
        try await queue.store.pool.write { db in
            for (id, reference) in rows {
                try db.execute(sql: """
                    INSERT INTO submissions (id, reference, form_id, form_digest, service_id, channel, received_at, payload, key_hash)
                    VALUES (?, ?, 'contact', 'x', 'accueil', 'web', '2026-11-20T09:05:03.042Z', '{}', zeroblob(32))
                    """, arguments: [id, reference])
            }
        }
        #expect(!ReferenceCode.isValid("AAA-AAA-AAA"))
        let receipt = try queue.submitNow(Sample.submission(1))
        let last = try #require(ReferenceCode.sequence(of: "7KM-4QX-29W"))
        #expect(ReferenceCode.sequence(of: receipt.reference) == last + 1)
    }

    /// A hand-written row with the largest id: the next request gets a clear error, no crash.
    @Test func theLargestIdIsAnErrorNotACrash() async throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        try await queue.store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO submissions (id, reference, form_id, form_digest, service_id, channel, received_at, payload, key_hash)
                VALUES (9223372036854775807, '7KM-4QX-29W', 'contact', 'x', 'accueil', 'web', '2026-11-20T09:05:03.042Z', '{}', zeroblob(32))
                """)
        }
        #expect(throws: QueueError.self) { try queue.submitNow(Sample.submission(1)) }
        await #expect(throws: QueueError.self) { try await queue.submit(Sample.submission(2)) }
        #expect(try queue.count() == 1)
    }

    /// A queue older than session 8 holds random references: new ones go on from its first
    /// request's sequence part, and the old ones are still found.
    @Test func aQueueOfRandomReferencesGoesOnFromItsFirstRequest() throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        var generator = SystemRandomNumberGenerator()
        let old = (0..<50).map { _ in ReferenceCode.random(using: &generator) }
        try queue.store.pool.write { db in
            for (offset, reference) in old.enumerated() {
                try db.execute(sql: """
                    INSERT INTO submissions (id, reference, form_id, form_digest, service_id, channel, received_at, payload, key_hash)
                    VALUES (?, ?, 'contact', 'x', 'accueil', 'web', '2026-11-20T09:05:03.042Z', '{}', zeroblob(32))
                    """, arguments: [offset + 10, reference])
                try db.execute(sql: "INSERT INTO events (submission_id, kind, at) VALUES (?, 'depot', '2026-11-20T09:05:03.042Z')",
                               arguments: [offset + 10])
            }
        }
        let receipt = try queue.submitNow(Sample.submission(1))
        let start = try #require(ReferenceCode.sequence(of: old[0]))
        #expect(ReferenceCode.sequence(of: receipt.reference) == (start + 50) % ReferenceCode.sequenceSpace)
        #expect(try queue.find(reference: receipt.reference, trackingKey: receipt.trackingKey) != nil)
        #expect(try queue.strings("SELECT id FROM submissions WHERE reference = '\(receipt.reference)'") == ["60"])
        #expect(try old.allSatisfy { try queue.find(reference: $0) != nil })
        #expect(try queue.integrityReport() == [])
    }

    @Test func timestampsRoundTripAndMatchFoundation() {
        #expect(Timestamp.string(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.string(milliseconds: 1_700_000_000_123) == "2023-11-14T22:13:20.123Z")
        #expect(Timestamp.milliseconds("2024-02-29T23:59:59.999Z") == 1_709_251_199_999)
        #expect(Timestamp.milliseconds("2024-02-29T23:59:59.99Z") == nil)
        #expect(Timestamp.milliseconds("2024-02-29 23:59:59.999Z") == nil)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let milliseconds = Int64.random(in: 0...4_102_444_800_000, using: &generator) // 1970…2100
            let text = Timestamp.string(milliseconds: milliseconds)
            #expect(Timestamp.milliseconds(text) == milliseconds)
            #expect(formatter.date(from: text).map { Timestamp.milliseconds($0) } == milliseconds, "\(text)")
        }
    }

    @Test func frenchMessages() {
        let busy = QueueError.busy(path: "/var/lib/guichet/depot.sqlite").description
        #expect(busy.contains("occupée depuis plus de 10 secondes"))
        #expect(QueueError.diskFull(path: "x").description.hasPrefix("Le disque de la base de dépôt est plein"))
        #expect(QueueError.notAQueue(path: "x").description.contains("n'est pas une base de dépôt Guichet"))
    }
}

@Suite struct QueueFilePermissionTests {
    @Test func aNewQueueFileIsReadableByItsOwnerOnly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-perm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("q.sqlite").path
        _ = try SubmissionQueue(path: path)
        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file): \(String(mode ?? 0, radix: 8))")
        }
    }
}

@Suite struct OutboxBodyTests {
    /// The notice written by hand is the same JSON, byte for byte, as the general writer gives.
    @Test func theHandWrittenNoticeIsTheSameJSON() throws {
        for text in ["contact", "a\"b\\c\nd\u{1}é🏛️", ""] {
            #expect(JSONText.quoted(text) == String(JSONText.array([text]).dropFirst().dropLast()), "\(text.debugDescription)")
        }
    }
}
