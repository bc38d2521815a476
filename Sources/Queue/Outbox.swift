import Crypto
import Foundation
import GRDB

/// A message waiting in the outbox: written in the transaction of what it announces, sent
/// later by a worker (`claimOutbox` → send → `outboxDelivered` / `outboxFailed`), retried with
/// exponential backoff. Kind "webhook" now (a "new submission" notice to a token's URL).
public struct OutboxItem: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var tokenID: Int64?
    public var reference: String?
    /// JSON text, sent as it is (the signature covers these exact bytes).
    public var body: String
    /// Attempts so far, this one included.
    public var attempts: Int
    /// Where to post a webhook notice (the token's current URL).
    public var webhookURL: String?
    /// HMAC key of the token (the SHA-256 of its secret).
    let signingKey: [UInt8]?

    /// The `X-Guichet-Signature` header value for sending `body` at `date`:
    /// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">". nil for kinds without one.
    public func signature(at date: Date = Date()) -> String? {
        signingKey.map { WebhookSignature.header(body: body, timestamp: Int64(date.timeIntervalSince1970.rounded(.down)), key: $0) }
    }
}

/// Signatures of webhook notices. The key is the SHA-256 of the token's secret: the
/// back-office holding the secret can check a notice; nobody else can forge one.
public enum WebhookSignature {
    public static let headerName = "X-Guichet-Signature"

    public static func header(body: String, timestamp: Int64, key: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).\(body)".utf8), using: SymmetricKey(data: key))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// What a back-office runs on a notice: true when `header` signs `body` with the key of
    /// `secret` and is at most `tolerance` seconds old (replays of old notices are refused).
    public static func verify(header: String, body: String, secret: String, now: Date = Date(),
                              tolerance: TimeInterval = 300) -> Bool {
        var timestamp: Int64?
        var signature: String?
        for part in header.split(separator: ",") {
            if part.hasPrefix("t=") { timestamp = Int64(part.dropFirst(2)) }
            if part.hasPrefix("v1=") { signature = String(part.dropFirst(3)) }
        }
        guard let timestamp, let signature, abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = self.header(body: body, timestamp: timestamp, key: TokenSecret.hash(secret))
        return Bytes.constantTimeEqual(Array(expected.utf8), Array("t=\(timestamp),v1=\(signature)".utf8))
    }
}

/// Backoff of the outbox.
public enum OutboxPolicy {
    /// After this many failed attempts the item is given up (`last_error` kept).
    public static let maximumAttempts = 12
    /// Seconds before attempt n + 1 after n failures: 30 s, 1 min, 2 min… at most 6 h.
    public static func delay(afterAttempts attempts: Int) -> TimeInterval {
        min(30 * pow(2, Double(max(0, attempts - 1))), 6 * 3600)
    }
}

enum Outbox {
    /// Inserts one "new submission" notice per active token with a webhook URL whose services
    /// include the submission's. Runs inside the submission's own transaction.
    static func announce(_ db: Database, submissionID: Int64, reference: String, submission: NewSubmission,
                         receivedAt: String, milliseconds: Int64) throws {
        // Written by hand, keys in sorted order as `JSONText.object` gives them: this runs for
        // every submission, and JSONSerialization was 18 % of the gateway's CPU under load
        // (Benchmarks/gateway-vs-php.sh --perf).
        let body = "{\"canal\":" + JSONText.quoted(submission.channel.rawValue)
            + ",\"evenement\":\"nouvelle-demande\",\"formulaire\":" + JSONText.quoted(submission.formID)
            + ",\"recue_le\":" + JSONText.quoted(receivedAt) + ",\"reference\":" + JSONText.quoted(reference)
            + ",\"service\":" + JSONText.quoted(submission.serviceID) + "}"
        try db.cachedStatement(sql: """
            INSERT INTO outbox (kind, token_id, submission_id, reference, body, next_attempt_at, created_at)
            SELECT 'webhook', t.id, ?, ?, CAST(? AS TEXT), ?, ? FROM tokens AS t
            WHERE t.revoked_at IS NULL AND t.webhook_url IS NOT NULL
              AND EXISTS (SELECT 1 FROM json_each(t.services) WHERE json_each.value = CAST(? AS TEXT))
            """).executeDirect(db, .integer(submissionID), .text(reference), .text(body), .integer(milliseconds),
                           .text(receivedAt), .text(submission.serviceID))
    }
}

extension SubmissionQueue {
    // MARK: - Outbox

    /// Takes up to `limit` items of `kind` that are due, and holds them for `claim` seconds
    /// (another worker, in this process or another, will not take them meanwhile; if this
    /// one dies, they come back). Each claim counts as an attempt. Webhook items of revoked
    /// tokens, or of tokens that no longer have a URL, are given up instead.
    public func claimOutbox(kind: String = "webhook", now: Date = Date(), limit: Int = 20,
                            claim: TimeInterval = 60) throws -> [OutboxItem] {
        let nowMilliseconds = Timestamp.milliseconds(now)
        return try write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT o.id, o.kind, o.token_id, o.reference, CAST(o.body AS BLOB) AS body, o.attempts,
                       CAST(t.webhook_url AS BLOB) AS webhook_url, t.token_hash, t.revoked_at
                FROM outbox AS o LEFT JOIN tokens AS t ON t.id = o.token_id
                WHERE o.kind = ? AND o.next_attempt_at IS NOT NULL AND o.next_attempt_at <= ?
                ORDER BY o.next_attempt_at, o.id LIMIT ?
                """, arguments: [kind, nowMilliseconds, max(1, min(limit, 500))])
            var items: [OutboxItem] = []
            for row in rows {
                let id: Int64 = row["id"]
                let url = Store.string(row, "webhook_url")
                if kind == "webhook" && (url == nil || (row["revoked_at"] as String?) != nil) {
                    try db.execute(sql: "UPDATE outbox SET next_attempt_at = NULL, last_error = ? WHERE id = ?",
                                   arguments: ["jeton révoqué ou sans adresse de webhook", id])
                    continue
                }
                let attempts = (row["attempts"] as Int) + 1
                try db.execute(sql: "UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE id = ?",
                               arguments: [attempts, nowMilliseconds + Int64(claim * 1000), id])
                let key: Data? = row["token_hash"]
                items.append(OutboxItem(id: id, kind: row["kind"], tokenID: row["token_id"], reference: row["reference"],
                                        body: Store.string(row, "body") ?? "", attempts: attempts, webhookURL: url,
                                        signingKey: key.map { Array($0) }))
            }
            return items
        }
    }

    /// The item was delivered (webhook: a 2xx answer).
    public func outboxDelivered(id: Int64, now: Date = Date()) throws {
        try write { db in
            // A mail's body holds the tracking key of its receipt: the key goes once delivered.
            try db.execute(sql: """
                UPDATE outbox SET delivered_at = ?, next_attempt_at = NULL, last_error = NULL,
                                  body = CASE kind WHEN 'mail' THEN json_remove(body, '$.cle') ELSE body END
                WHERE id = ?
                """, arguments: [Timestamp.string(now), id])
        }
    }

    /// The attempt failed with `error` (a short French or technical text, no personal data;
    /// cut at 500 characters). Returns when it will be tried again, nil if given up: after
    /// `OutboxPolicy.maximumAttempts`, or at once when `permanent` (an address the relay
    /// refuses).
    @discardableResult
    public func outboxFailed(id: Int64, error: String, permanent: Bool = false, now: Date = Date()) throws -> Date? {
        try write { db in
            guard let attempts = try Int.fetchOne(db, sql: "SELECT attempts FROM outbox WHERE id = ?", arguments: [id]) else { return nil }
            let next: Int64? = attempts >= OutboxPolicy.maximumAttempts || permanent ? nil
                : Timestamp.milliseconds(now) + Int64(OutboxPolicy.delay(afterAttempts: attempts) * 1000)
            try db.execute(sql: """
                UPDATE outbox SET next_attempt_at = ?, last_error = CAST(? AS TEXT),
                                  body = CASE WHEN ? IS NULL AND kind = 'mail' THEN json_remove(body, '$.cle') ELSE body END
                WHERE id = ?
                """, arguments: [next, Store.text(String(error.prefix(500))), next, id])
            return next.map { Timestamp.date(milliseconds: $0) }
        }
    }

    /// Items of `kind` still to send (due now or later).
    public func outboxPending(kind: String = "webhook") throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE kind = ? AND next_attempt_at IS NOT NULL", arguments: [kind]) ?? 0
        }
    }
}
