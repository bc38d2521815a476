import Foundation
import GRDB
import GuichetModel

/// E-mail to citizens through the outbox (kind "mail"). A row is written in the transaction of
/// what it announces (the submission, an event), so a committed submission always has its
/// e-mail queued and a rolled-back one never has; the sender (`Notifications.MailSender`)
/// renders and sends it later, with the outbox's retries.
///
/// The body is small JSON, not the message: the message is rendered at sending time from the
/// stored request, the site's configuration and `Theme/`. The receipt's body holds the
/// tracking key (the link of the *accusé d'enregistrement*), the only place it exists besides
/// the citizen's browser; it is removed from the body as soon as the message is delivered or
/// given up, and the whole body is erased by the purge.
enum MailOutbox {
    static let kind = "mail"

    static func queueRegistration(_ db: Database, submissionID: Int64, reference: String, trackingKey: String,
                                  receivedAt: String, milliseconds: Int64) throws {
        let body = "{\"cle\":" + JSONText.quoted(trackingKey) + ",\"modele\":\"accuse-enregistrement\"}"
        try db.cachedStatement(sql: """
            INSERT INTO outbox (kind, submission_id, reference, body, next_attempt_at, created_at)
            VALUES ('mail', ?, ?, ?, ?, ?)
            """).executeDirect(db, .integer(submissionID), .text(reference), .text(body), .integer(milliseconds),
                           .text(receivedAt))
    }

    /// One message per event, when the request has an address and is not purged.
    static func queueEvent(_ db: Database, submissionID: Int64, reference: String, eventID: Int64, at stamp: String) throws {
        try db.execute(sql: """
            INSERT INTO outbox (kind, submission_id, reference, body, next_attempt_at, created_at)
            SELECT 'mail', id, reference, ?, ?, ? FROM submissions
            WHERE id = ? AND notify_email IS NOT NULL AND purged_at IS NULL
            """, arguments: ["{\"evenement\":\(eventID),\"modele\":\"evenement\"}",
                             Timestamp.milliseconds(stamp) ?? Timestamp.milliseconds(Date()), stamp, submissionID])
    }
}

/// An e-mail to send, with what its message is rendered from.
public struct MailJob: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        /// The *accusé d'enregistrement électronique*, with the key of the tracking link.
        case registration(trackingKey: String)
        /// A status change or a message of the service.
        case event(EventRecord)
    }

    public var item: OutboxItem
    public var record: SubmissionRecord
    /// Where it goes: the address the citizen gave.
    public var recipient: String
    public var content: Content
}

/// What became of one e-mail of a request, for its tracking page.
public struct MailNotice: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Waiting for its first or next attempt (the relay may be down: it will follow).
        case pending(attempts: Int)
        case delivered(at: Date)
        /// Given up: the address was refused, or too many attempts failed.
        case abandoned
    }

    /// "accuse-enregistrement", "evenement", or "efface" once the purge has emptied it.
    public var template: String
    public var state: State

    public init(template: String, state: State) {
        self.template = template
        self.state = state
    }
}

extension SubmissionQueue {
    // MARK: - E-mail

    /// What `item` (a claimed "mail" row) is to say and to whom; nil when there is nothing to
    /// send any more (the request was purged, has no address, or its event is gone): give the
    /// item up then.
    public func mailJob(for item: OutboxItem) throws -> MailJob? {
        guard item.kind == MailOutbox.kind, let reference = item.reference else { return nil }
        return try read { db -> MailJob? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT \(Store.recordColumns), CAST(notify_email AS BLOB) AS notify_email
                FROM submissions WHERE reference = ? AND purged_at IS NULL
                """, arguments: [reference]),
                  let recipient = Store.string(row, "notify_email") else { return nil }
            let record = try Store.record(db, row: row, path: path)
            guard let body = try? JSONSerialization.jsonObject(with: Data(item.body.utf8)) as? [String: Any],
                  let template = body["modele"] as? String else { return nil }
            switch template {
            case "accuse-enregistrement":
                guard let key = body["cle"] as? String else { return nil }
                return MailJob(item: item, record: record, recipient: recipient, content: .registration(trackingKey: key))
            case "evenement":
                guard let eventID = (body["evenement"] as? NSNumber)?.int64Value,
                      let event = try Row.fetchOne(db, sql: """
                          SELECT kind, at, CAST(message AS BLOB) AS message, CAST(data AS BLOB) AS data
                          FROM events WHERE id = ?
                          """, arguments: [eventID]),
                      let at = Timestamp.date(event["at"] as String?) else { return nil }
                return MailJob(item: item, record: record, recipient: recipient,
                               content: .event(EventRecord(kind: event["kind"], at: at,
                                                           message: Store.string(event, "message"),
                                                           data: Store.string(event, "data"))))
            default:
                return nil
            }
        }
    }

    /// The e-mails of a request, oldest first.
    public func mailNotices(reference: String) throws -> [MailNotice] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT body, attempts, next_attempt_at, delivered_at, last_error FROM outbox
                WHERE submission_id = (SELECT id FROM submissions WHERE reference = ?) AND kind = 'mail' ORDER BY id
                """, arguments: [reference]).map { row in
                let state: MailNotice.State
                if let delivered = Timestamp.date(row["delivered_at"] as String?) {
                    state = .delivered(at: delivered)
                } else if (row["next_attempt_at"] as Int64?) != nil {
                    state = .pending(attempts: row["attempts"])
                } else {
                    state = .abandoned
                }
                // The body keeps its "modele" after sending (only the key goes); the purge empties it.
                let body: String = row["body"]
                let template = body.contains(#""modele":"evenement""#) ? "evenement"
                    : body.contains(#""modele":"accuse-enregistrement""#) ? "accuse-enregistrement" : "efface"
                return MailNotice(template: template, state: state)
            }
        }
    }

    /// Whether e-mail of this request goes somewhere (an address was given and not erased).
    public func hasMailAddress(reference: String) throws -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT notify_email IS NOT NULL FROM submissions WHERE reference = ?",
                              arguments: [reference]) ?? false
        }
    }
}
