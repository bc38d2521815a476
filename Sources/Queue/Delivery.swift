import Foundation
import GRDB
import GuichetModel

/// A status change or message a back-office adds to a request; the citizen's tracking page
/// shows each one, dated. Raw values are stored and used by the API and the CLI.
public enum EventKind: String, Sendable, CaseIterable, Codable {
    /// *Accusé de réception* (CRPA L112-11): once per request.
    case accuseDeReception = "accuse-de-reception"
    /// File incomplete (L114-5): a message listing what is missing and `date_limite` in data.
    case incomplet
    /// Being handled.
    case enCours = "en-cours"
    /// Decision: accepted.
    case acceptee
    /// Decision: refused (the tracking page gives the appeal routes).
    case refusee
    /// Decision: closed without follow-up.
    case sansSuite = "sans-suite"
    /// A message to the citizen; does not change the status, allowed at any time.
    case message

    /// A decision ends the procedure: after one, only messages may follow.
    public var isDecision: Bool { self == .acceptee || self == .refusee || self == .sansSuite }

    /// The kind named `text`, or `BackOfficeError.unknownEventKind` (French).
    public static func parse(_ text: String) throws -> EventKind {
        guard let kind = EventKind(rawValue: text) else {
            throw BackOfficeError.unknownEventKind(String(text.prefix(40)))
        }
        return kind
    }
}

/// The statuses a request goes through (`SubmissionRecord.status`).
public enum QueueStatus {
    /// Stored, not yet acknowledged by a back-office.
    public static let new = "nouvelle"
    /// Acknowledged by a back-office (`ack`), no event yet.
    public static let acknowledged = "prise-en-charge"
    /// Decisions: no status change after one of these.
    public static let final: Set<String> = ["acceptee", "refusee", "sans-suite"]
}

/// What `ack` did.
public enum AckOutcome: String, Sendable, Equatable {
    case acknowledged
    /// Acknowledged before (by this or another token): nothing changed. Acks are idempotent.
    case alreadyAcknowledged
    /// Unknown reference, or a request of a service the token does not cover (the two are
    /// indistinguishable on purpose).
    case notFound
}

/// One page of `list`.
public struct SubmissionPage: Sendable, Equatable {
    /// In queue order (oldest first).
    public var items: [SubmissionRecord]
    /// Give it back as `after` to continue; equals the `after` given when nothing is new.
    /// nil only when the queue holds nothing for this token yet.
    public var cursor: String?
    /// More items are waiting after `cursor`.
    public var hasMore: Bool
}

/// An attachment with its bytes.
public struct AttachmentContent: Sendable, Equatable {
    public var info: AttachmentInfo
    public var bytes: [UInt8]
}

/// Bounds of the back-office calls.
public enum BackOfficeLimits {
    /// Most items in one `pull` or `list` answer.
    public static let items = 500
    /// Lease bounds, seconds.
    public static let minimumLease = 10
    public static let maximumLease = 86_400
    /// A message to the citizen: Unicode scalars (about characters).
    public static let messageCharacters = 5_000
    /// Event data: bytes of JSON.
    public static let dataBytes = 10_000
}

extension SubmissionQueue {
    // MARK: - Delivery to back-offices (at least once)

    /// Hands out up to `limit` requests of the token's services that no back-office has
    /// acknowledged and that nobody holds: never leased, or lease expired. Each one is leased
    /// to this token until `now + lease` in the same IMMEDIATE transaction that chose it, so
    /// two pullers (threads, processes) never get the same item while its lease runs; an
    /// item not acknowledged in time comes back to the next `pull` (at-least-once delivery).
    ///
    /// - Parameters:
    ///   - status: only requests in this status ("nouvelle" for new ones); nil: any.
    ///   - formID, serviceID: narrower filters; a service the token does not cover gives [].
    ///   - lease: seconds, `BackOfficeLimits.minimumLease…maximumLease`.
    /// - Returns: oldest first, with payload, attachments' metadata and events.
    public func pull(token: TokenInfo, status: String? = nil, formID: String? = nil, serviceID: String? = nil,
                     limit: Int = 50, lease: TimeInterval = 300, now: Date = Date()) throws -> [SubmissionRecord] {
        try Self.require(token, .pull)
        try Self.checkLimit(limit)
        guard lease >= Double(BackOfficeLimits.minimumLease), lease <= Double(BackOfficeLimits.maximumLease) else {
            throw BackOfficeError.invalidLease(minimum: BackOfficeLimits.minimumLease, maximum: BackOfficeLimits.maximumLease)
        }
        let nowMilliseconds = Timestamp.milliseconds(now)
        let until = nowMilliseconds + Int64((lease * 1000).rounded())
        let stamp = Timestamp.string(milliseconds: nowMilliseconds)
        let ids: [Int64] = try write { db in
            var sql = """
                SELECT id, reference FROM submissions
                WHERE acked_at IS NULL AND purged_at IS NULL AND (lease_until IS NULL OR lease_until <= ?)
                """
            var arguments: [(any DatabaseValueConvertible)?] = [nowMilliseconds]
            Self.filter(&sql, &arguments, token: token, formID: formID, serviceID: serviceID, status: status)
            sql += " ORDER BY id LIMIT ?"
            arguments.append(limit)
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            let lease = try db.cachedStatement(sql: """
                UPDATE submissions SET lease_token_id = ?, lease_until = ?, delivery_count = delivery_count + 1
                WHERE id = ?
                """)
            for row in rows {
                try lease.execute(arguments: [token.storedID, until, row["id"] as Int64])
                try Self.audit(db, token: token, action: "pull", reference: row["reference"], outcome: "leased", at: stamp)
            }
            if rows.isEmpty {
                try Self.audit(db, token: token, action: "pull", reference: nil, outcome: "empty", at: stamp)
            }
            return rows.map { $0["id"] }
        }
        return try read { [path] db in try ids.map { try Self.record(db, id: $0, path: path) } }
    }

    /// Everything of the token's services after `after` (nil: from the start), acknowledged
    /// or not, purged ones included (payload "{}"), without leasing anything: a back-office
    /// that keeps its own copy walks the queue with it. Each item read is audited.
    ///
    /// - Parameters:
    ///   - after: the `cursor` of a previous page (an opaque string).
    ///   - receivedFrom, receivedTo: received in [from, to), when given.
    public func list(token: TokenInfo, after: String? = nil, limit: Int = 100, formID: String? = nil,
                     serviceID: String? = nil, receivedFrom: Date? = nil, receivedTo: Date? = nil,
                     now: Date = Date()) throws -> SubmissionPage {
        try Self.require(token, .pull)
        try Self.checkLimit(limit)
        let start = try Self.cursorID(after)
        let page = try read { [path] db -> SubmissionPage in
            var sql = "SELECT \(Store.recordColumns) FROM submissions WHERE id > ?"
            var arguments: [(any DatabaseValueConvertible)?] = [start]
            Self.filter(&sql, &arguments, token: token, formID: formID, serviceID: serviceID, status: nil)
            if let receivedFrom {
                sql += " AND received_at >= ?"
                arguments.append(Timestamp.string(receivedFrom))
            }
            if let receivedTo {
                sql += " AND received_at < ?"
                arguments.append(Timestamp.string(receivedTo))
            }
            sql += " ORDER BY id LIMIT ?"
            arguments.append(limit + 1)
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            let items = try rows.prefix(limit).map { try Store.record(db, row: $0, path: path) }
            return SubmissionPage(items: items, cursor: items.last?.cursor ?? after.map { _ in String(start) },
                                  hasMore: rows.count > limit)
        }
        let stamp = Timestamp.string(now)
        try write { db in
            for item in page.items {
                try Self.audit(db, token: token, action: "list", reference: item.reference, outcome: "ok", at: stamp)
            }
            if page.items.isEmpty {
                try Self.audit(db, token: token, action: "list", reference: nil, outcome: "empty", at: stamp)
            }
        }
        return page
    }

    /// The request `reference` (any form `ReferenceCode.normalize` accepts) if it belongs to
    /// one of the token's services; nil otherwise, exactly as for an unknown reference.
    public func find(reference: String, token: TokenInfo, now: Date = Date()) throws -> SubmissionRecord? {
        try Self.require(token, .pull)
        let canonical = ReferenceCode.normalize(reference)
        let record = try read { [path] db in
            try canonical.flatMap { try Store.record(db, reference: $0, path: path, services: token.servicesJSON) }
        }
        try recordAudit(token: token, action: "find", reference: canonical, outcome: record == nil ? "not-found" : "ok", at: now)
        return record
    }

    /// Attachment `id` of request `reference`, with its bytes; nil when the reference is not
    /// visible to the token or the attachment is not one of that request's.
    public func attachment(reference: String, id: Int64, token: TokenInfo, now: Date = Date()) throws -> AttachmentContent? {
        try Self.require(token, .pull)
        let canonical = ReferenceCode.normalize(reference)
        let content = try read { db -> AttachmentContent? in
            guard let canonical else { return nil }
            var sql = """
                SELECT a.id, CAST(a.field_id AS BLOB) AS field_id, CAST(a.filename AS BLOB) AS filename,
                       CAST(a.content_type AS BLOB) AS content_type, a.size, a.sha256, a.bytes
                FROM attachments AS a JOIN submissions AS s ON s.id = a.submission_id
                WHERE s.reference = ? AND a.id = ?
                """
            var arguments: [(any DatabaseValueConvertible)?] = [canonical, id]
            if let services = token.servicesJSON {
                sql += " AND s.service_id IN (SELECT value FROM json_each(?))"
                arguments.append(services)
            }
            guard let row = try Row.fetchOne(db, sql: sql, arguments: StatementArguments(arguments)) else { return nil }
            let bytes: Data? = row["bytes"]
            return AttachmentContent(
                info: AttachmentInfo(id: row["id"], fieldID: Store.string(row, "field_id") ?? "",
                                     filename: Store.string(row, "filename") ?? "",
                                     contentType: Store.string(row, "content_type") ?? "",
                                     size: row["size"], sha256: row["sha256"]),
                bytes: bytes.map { Array($0) } ?? [])
        }
        try recordAudit(token: token, action: "attachment", reference: canonical, outcome: content == nil ? "not-found" : "ok", at: now)
        return content
    }

    /// Acknowledges request `reference`: the back-office has it safely on its side. It will
    /// not be pulled again; its lease ends; a "nouvelle" request becomes "prise-en-charge".
    /// Idempotent: a second ack changes nothing and says so.
    public func ack(reference: String, token: TokenInfo, now: Date = Date()) throws -> AckOutcome {
        try Self.require(token, .ack)
        let canonical = ReferenceCode.normalize(reference)
        let stamp = Timestamp.string(now)
        return try write { db in
            guard let canonical, let row = try Self.visibleRow(db, reference: canonical, token: token) else {
                try Self.audit(db, token: token, action: "ack", reference: canonical, outcome: "not-found", at: stamp)
                return .notFound
            }
            if (row["acked_at"] as String?) != nil {
                try Self.audit(db, token: token, action: "ack", reference: canonical, outcome: "already", at: stamp)
                return .alreadyAcknowledged
            }
            try db.execute(sql: """
                UPDATE submissions
                SET acked_at = ?, acked_by = ?, lease_until = NULL, lease_token_id = NULL,
                    status = CASE WHEN status = ? THEN ? ELSE status END
                WHERE id = ?
                """, arguments: [stamp, token.storedID, QueueStatus.new, QueueStatus.acknowledged, row["id"] as Int64])
            try Self.audit(db, token: token, action: "ack", reference: canonical, outcome: "ok", at: stamp)
            return .acknowledged
        }
    }

    /// Adds a status change or a message to request `reference` and updates its status (a
    /// `message` leaves the status alone). Returns the stored event, or nil when the reference
    /// is not visible to the token (as for an unknown one).
    ///
    /// Rules: after a decision (acceptee, refusee, sans-suite) only `message`; one
    /// `accuse-de-reception`; `incomplet` and `message` need a message; `incomplet` needs
    /// `{"date_limite": "AAAA-MM-JJ"}` in `data` (other keys are kept); messages are at most
    /// `BackOfficeLimits.messageCharacters` long, without control characters but line breaks
    /// and tabs; `data` is a JSON object of at most `BackOfficeLimits.dataBytes`.
    ///
    /// - Throws: `BackOfficeError` (French) when a rule is broken; nothing is stored then.
    @discardableResult
    public func addEvent(reference: String, token: TokenInfo, kind: EventKind, message: String? = nil,
                         data: String? = nil, at: Date = Date()) throws -> EventRecord? {
        try Self.require(token, .events)
        let canonical = ReferenceCode.normalize(reference)
        let stamp = Timestamp.string(at)
        let message = message.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        let data = data.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        let deadline: SimpleDate?
        do {
            deadline = try Self.validate(kind: kind, message: message, data: data)
        } catch {
            try recordAudit(token: token, action: "event", reference: canonical, outcome: "invalid", at: at)
            throw error
        }
        enum Outcome { case notFound, refused(BackOfficeError), stored(EventRecord) }
        let outcome: Outcome = try write { db in
            guard let canonical, let row = try Self.visibleRow(db, reference: canonical, token: token) else {
                try Self.audit(db, token: token, action: "event", reference: canonical, outcome: "not-found", at: stamp)
                return .notFound
            }
            let id: Int64 = row["id"]
            let status = Store.string(row, "status") ?? ""
            var refusal: BackOfficeError?
            if (row["purged_at"] as String?) != nil {
                refusal = .purged
            } else if QueueStatus.final.contains(status) && kind != .message {
                refusal = .transitionRefused(status: status, kind: kind)
            } else if let received = Timestamp.milliseconds(row["received_at"] as String), Timestamp.milliseconds(at) < received {
                refusal = .eventBeforeReceipt
            } else if let deadline, deadline < ParisDateTime(at).date {
                refusal = .deadlineRequired
            } else if kind == .accuseDeReception,
                      try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM events WHERE submission_id = ? AND kind = ?)",
                                        arguments: [id, kind.rawValue]) == true {
                refusal = .duplicateAcknowledgement
            }
            if let refusal {
                try Self.audit(db, token: token, action: "event", reference: canonical, outcome: "refused", at: stamp)
                return .refused(refusal)
            }
            try db.execute(sql: "INSERT INTO events (submission_id, kind, at, message, data) VALUES (?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT))",
                           arguments: [id, kind.rawValue, stamp, message.map(Store.text), data.map(Store.text)])
            let eventID = db.lastInsertedRowID
            if kind != .message {
                try db.execute(sql: "UPDATE submissions SET status = ? WHERE id = ?", arguments: [kind.rawValue, id])
            }
            try MailOutbox.queueEvent(db, submissionID: id, reference: canonical, eventID: eventID, at: stamp)
            try Self.audit(db, token: token, action: "event", reference: canonical, outcome: kind.rawValue, at: stamp)
            return .stored(EventRecord(kind: kind.rawValue, at: Timestamp.date(stamp) ?? at, message: message, data: data))
        }
        switch outcome {
        case .notFound: return nil
        case let .refused(error): throw error
        case let .stored(event): return event
        }
    }

    /// `addEvent` with the kind as sent over HTTP or typed in the CLI.
    @discardableResult
    public func addEvent(reference: String, token: TokenInfo, kind: String, message: String? = nil,
                         data: String? = nil, at: Date = Date()) throws -> EventRecord? {
        let parsed: EventKind
        do {
            parsed = try EventKind.parse(kind)
        } catch {
            try Self.require(token, .events)
            try recordAudit(token: token, action: "event", reference: ReferenceCode.normalize(reference), outcome: "invalid", at: at)
            throw error
        }
        return try addEvent(reference: reference, token: token, kind: parsed, message: message, data: data, at: at)
    }

    /// Stores a request taken by an agent (counter, phone, post, e-mail) for one of the
    /// token's services, exactly like a web submission (same transaction, receipt and
    /// webhook notices). The caller has validated it with FormKit, as the gateway does.
    public func submit(_ submission: NewSubmission, token: TokenInfo) async throws -> StoredReceipt {
        try Self.require(token, .submit)
        guard submission.channel != .web else { throw BackOfficeError.webChannelRefused }
        guard token.covers(service: submission.serviceID) else { throw BackOfficeError.serviceNotCovered }
        let receipt = try await submit(submission)
        try recordAudit(token: token, action: "submit", reference: receipt.reference, outcome: submission.channel.rawValue)
        return receipt
    }

    // MARK: - Helpers

    static func require(_ token: TokenInfo, _ scope: TokenScope) throws {
        guard token.allows(scope) else { throw BackOfficeError.missingScope(scope) }
    }

    static func checkLimit(_ limit: Int) throws {
        guard (1...BackOfficeLimits.items).contains(limit) else {
            throw BackOfficeError.invalidLimit(maximum: BackOfficeLimits.items)
        }
    }

    /// Cursor → submissions.id after which to list (0: from the start).
    static func cursorID(_ cursor: String?) throws -> Int64 {
        guard let cursor else { return 0 }
        guard !cursor.isEmpty, cursor.utf8.count <= 18, cursor.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let id = Int64(cursor) else { throw BackOfficeError.invalidCursor }
        return id
    }

    /// Appends the token's services and the optional filters to a WHERE clause.
    static func filter(_ sql: inout String, _ arguments: inout [(any DatabaseValueConvertible)?], token: TokenInfo,
                       formID: String?, serviceID: String?, status: String?) {
        if let services = token.servicesJSON {
            sql += " AND service_id IN (SELECT value FROM json_each(?))"
            arguments.append(services)
        }
        if let serviceID {
            sql += " AND service_id = CAST(? AS TEXT)"
            arguments.append(Store.text(serviceID))
        }
        if let formID {
            sql += " AND form_id = CAST(? AS TEXT)"
            arguments.append(Store.text(formID))
        }
        if let status {
            sql += " AND status = CAST(? AS TEXT)"
            arguments.append(Store.text(status))
        }
    }

    /// The delivery columns of a request visible to `token`, nil otherwise.
    static func visibleRow(_ db: Database, reference: String, token: TokenInfo) throws -> Row? {
        var sql = """
            SELECT id, received_at, CAST(status AS BLOB) AS status, acked_at, purged_at
            FROM submissions WHERE reference = ?
            """
        var arguments: [(any DatabaseValueConvertible)?] = [reference]
        if let services = token.servicesJSON {
            sql += " AND service_id IN (SELECT value FROM json_each(?))"
            arguments.append(services)
        }
        return try Row.fetchOne(db, sql: sql, arguments: StatementArguments(arguments))
    }

    static func record(_ db: Database, id: Int64, path: String) throws -> SubmissionRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(Store.recordColumns) FROM submissions WHERE id = ?", arguments: [id]) else {
            throw QueueError.storage(detail: "demande \(id) disparue")
        }
        return try Store.record(db, row: row, path: path)
    }

    /// Checks what does not depend on the request; returns the deadline of an `incomplet`.
    static func validate(kind: EventKind, message: String?, data: String?) throws -> SimpleDate? {
        if let message {
            if message.unicodeScalars.count > BackOfficeLimits.messageCharacters {
                throw BackOfficeError.messageTooLong(limit: BackOfficeLimits.messageCharacters)
            }
            let allowed: Set<UInt32> = [0x09, 0x0A, 0x0D]
            if message.unicodeScalars.contains(where: { ($0.value < 0x20 && !allowed.contains($0.value)) || (0x7F...0x9F).contains($0.value) }) {
                throw BackOfficeError.forbiddenCharacters
            }
        } else if kind == .message || kind == .incomplet {
            throw BackOfficeError.messageRequired(kind)
        }
        var object: [String: Any]?
        if let data {
            guard data.utf8.count <= BackOfficeLimits.dataBytes, !data.utf8.contains(0),
                  let parsed = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] else {
                throw BackOfficeError.invalidData(limit: BackOfficeLimits.dataBytes)
            }
            object = parsed
        }
        guard kind == .incomplet else { return nil }
        guard let text = object?["date_limite"] as? String, text.utf8.count == 10, let deadline = SimpleDate(iso: text) else {
            throw BackOfficeError.deadlineRequired
        }
        return deadline
    }
}
