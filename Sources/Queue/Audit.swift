import Foundation
import GRDB
import GuichetModel

/// One line of the audit log: who (token id; nil for the local CLI or an unidentified
/// caller) did what (`action`) to which request (`reference`), with what result (`outcome`),
/// when. Codes and references only: never a request's content, never what a caller typed.
///
/// Actions written by the queue: `pull`, `list`, `find`, `attachment`, `ack`, `event`,
/// `submit`, `purge` (`cli-…` when the local CLI did it). Outcomes: `ok`, `leased`, `empty`,
/// `not-found`, `already`, `refused`, `invalid`, or the kind of the event stored. The HTTP
/// layer adds its own, e.g. `auth` / `refused` for a wrong token, through `recordAudit`.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var id: Int64
    public var at: Date
    public var tokenID: Int64?
    public var action: String
    public var reference: String?
    public var outcome: String
}

extension SubmissionQueue {
    // MARK: - Audit log

    /// Writes one line of the audit log in a transaction of its own. `action` and `outcome`
    /// are short codes (lowercase ASCII letters, digits and dashes, at most 40): anything else
    /// is stored as "autre", so free text (which could hold personal data) never gets in.
    /// `reference` is stored only if it is a valid reference, in canonical form.
    public func recordAudit(tokenID: Int64?, action: String, reference: String?, outcome: String,
                            at: Date = Date()) throws {
        let stamp = Timestamp.string(at)
        try write { db in
            try Self.insertAudit(db, tokenID: tokenID, action: action, reference: reference, outcome: outcome, at: stamp)
        }
    }

    /// Lines of the audit log for this token since `since`: every API call writes one, so this
    /// is how many calls it made, whichever process served them.
    public func auditCount(tokenID: Int64, since: Date) throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit WHERE token_id = ? AND at >= ?",
                             arguments: [tokenID, Timestamp.string(since)]) ?? 0
        }
    }

    /// The latest `limit` lines, newest first.
    public func auditLog(limit: Int = 100) throws -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, at, token_id, action, reference, outcome FROM audit ORDER BY id DESC LIMIT ?",
                             arguments: [max(0, limit)]).map { row in
                AuditEntry(id: row["id"], at: Timestamp.date(row["at"] as String?) ?? Date(timeIntervalSince1970: 0),
                           tokenID: row["token_id"], action: row["action"], reference: row["reference"],
                           outcome: row["outcome"])
            }
        }
    }

    func recordAudit(token: TokenInfo, action: String, reference: String?, outcome: String, at: Date = Date()) throws {
        try recordAudit(tokenID: token.storedID, action: token.auditAction(action), reference: reference, outcome: outcome, at: at)
    }

    static func audit(_ db: Database, token: TokenInfo, action: String, reference: String?, outcome: String, at stamp: String) throws {
        try insertAudit(db, tokenID: token.storedID, action: token.auditAction(action), reference: reference, outcome: outcome, at: stamp)
    }

    static func insertAudit(_ db: Database, tokenID: Int64?, action: String, reference: String?, outcome: String, at stamp: String) throws {
        try db.cachedStatement(sql: "INSERT INTO audit (at, token_id, action, reference, outcome) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [stamp, tokenID, code(action), reference.flatMap(ReferenceCode.normalize), code(outcome)])
    }

    static func code(_ text: String) -> String {
        let ok = !text.isEmpty && text.utf8.count <= 40 && text.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
        }
        return ok ? text : "autre"
    }
}
