import Foundation
import GRDB

/// What `purge` erased (or, with `dryRun`, would erase).
public struct PurgeReport: Sendable, Equatable {
    /// References of the requests erased, oldest first (references are not personal data).
    public var references: [String]
    public var attachments: Int
    public var attachmentBytes: Int
    public var dryRun: Bool
    /// `PRAGMA wal_checkpoint(TRUNCATE)` emptied the WAL (false when a reader kept it busy:
    /// the erased bytes then leave the WAL at the next checkpoint).
    public var walTruncated: Bool

    public var submissions: Int { references.count }
}

extension SubmissionQueue {
    // MARK: - Retention (RGPD)

    /// Erases the content of requests past their retention period: received_at +
    /// retention_days < now, and done with — a decision taken (acceptee, refusee,
    /// sans-suite), or, for a form of `nonDemandeForms` (signalements, réclamations,
    /// informations: no decision to wait for), acknowledged by a back-office. Requests of
    /// forms not listed are treated as *demandes* (the cautious side).
    ///
    /// For each: attachments deleted, payload set to "{}", event messages and data set to
    /// NULL, outbox bodies emptied, `purged_at` set. Kept for the statistics: reference,
    /// form, service, channel, dates, status, event kinds and dates. `secure_delete` is on,
    /// and the WAL is checkpointed and truncated afterwards, so the erased bytes leave the
    /// disk files. Requests without a retention period are never purged.
    public func purge(now: Date = Date(), nonDemandeForms: Set<String> = [], dryRun: Bool = false) throws -> PurgeReport {
        let nowMilliseconds = Timestamp.milliseconds(now)
        let stamp = Timestamp.string(now)
        var report = try write { db -> PurgeReport in
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.id, s.reference, CAST(s.form_id AS BLOB) AS form_id, CAST(s.status AS BLOB) AS status,
                       s.acked_at, s.received_at, s.retention_days,
                       (SELECT COUNT(*) FROM attachments AS a WHERE a.submission_id = s.id) AS attachments,
                       (SELECT COALESCE(SUM(size), 0) FROM attachments AS a WHERE a.submission_id = s.id) AS bytes
                FROM submissions AS s
                WHERE s.purged_at IS NULL AND s.retention_days IS NOT NULL
                ORDER BY s.id
                """)
            var report = PurgeReport(references: [], attachments: 0, attachmentBytes: 0, dryRun: dryRun, walTruncated: false)
            for row in rows {
                guard let received = Timestamp.milliseconds(row["received_at"] as String) else { continue }
                let days: Int64 = row["retention_days"]
                guard received + days * 86_400_000 < nowMilliseconds else { continue }
                let status = Store.string(row, "status") ?? ""
                let formID = Store.string(row, "form_id") ?? ""
                let done = QueueStatus.final.contains(status)
                    || (nonDemandeForms.contains(formID) && (row["acked_at"] as String?) != nil)
                guard done else { continue }
                let id: Int64 = row["id"]
                let reference: String = row["reference"]
                report.references.append(reference)
                report.attachments += row["attachments"] as Int
                report.attachmentBytes += row["bytes"] as Int
                guard !dryRun else { continue }
                try db.execute(sql: "DELETE FROM attachments WHERE submission_id = ?", arguments: [id])
                try db.execute(sql: "UPDATE events SET message = NULL, data = NULL WHERE submission_id = ?", arguments: [id])
                try db.execute(sql: "UPDATE outbox SET body = '{}', next_attempt_at = NULL WHERE submission_id = ?", arguments: [id])
                try db.execute(sql: "UPDATE submissions SET payload = '{}', notify_email = NULL, purged_at = ?, lease_until = NULL, lease_token_id = NULL WHERE id = ?",
                               arguments: [stamp, id])
                try Self.insertAudit(db, tokenID: nil, action: "purge", reference: reference, outcome: "ok", at: stamp)
            }
            return report
        }
        if !dryRun && !report.references.isEmpty {
            report.walTruncated = try checkpoint()
        }
        return report
    }

    /// `PRAGMA wal_checkpoint(TRUNCATE)`; true when the whole WAL was copied and emptied.
    @discardableResult
    func checkpoint() throws -> Bool {
        do {
            return try store.pool.writeWithoutTransaction { db in
                guard let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") else { return false }
                return (row[0] as Int) == 0
            }
        } catch {
            throw QueueError(error, path: path)
        }
    }
}
