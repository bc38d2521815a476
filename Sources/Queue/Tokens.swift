import Crypto
import Foundation
import GRDB

/// What a back-office token may do. Raw values are stored and shown as they are.
public enum TokenScope: String, Sendable, CaseIterable, Codable, Comparable {
    /// Read the requests of its services: `pull`, `list`, `find`, attachments.
    case pull
    /// Acknowledge a request it has stored on its side (`ack`).
    case ack
    /// Add status changes and messages the citizen sees (`addEvent`).
    case events
    /// Store a request taken at the counter, by phone, post or e-mail (`submit(_:token:)`).
    case submit

    public static func < (lhs: TokenScope, rhs: TokenScope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A back-office token as stored (never its secret, which only its holder knows).
///
/// `TokenInfo.local(services:)` stands for the operator of the CLI, who has the database file
/// itself: every scope, the given services (all of them by default); the audit log records
/// its actions with no token id and an action prefixed with "cli-".
public struct TokenInfo: Sendable, Equatable, Identifiable {
    /// Stored id (1, 2, …); 0 for the local CLI's pseudo-token.
    public let id: Int64
    public var name: String
    /// Service ids (guichet.yaml) whose requests the token sees, sorted.
    public var services: [String]
    /// Sorted in the order of `TokenScope.allCases`.
    public var scopes: [TokenScope]
    public var createdAt: Date
    public var revokedAt: Date?
    /// Last successful `authenticate` (updated at most once a minute).
    public var lastUsedAt: Date?
    /// Where "new submission" notices are posted, if any.
    public var webhookURL: String?
    /// The local pseudo-token without a service list sees every service.
    let everyService: Bool

    init(id: Int64, name: String, services: [String], scopes: [TokenScope], createdAt: Date,
         revokedAt: Date?, lastUsedAt: Date?, webhookURL: String?, everyService: Bool = false) {
        self.id = id
        self.name = name
        self.services = services
        self.scopes = scopes
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
        self.webhookURL = webhookURL
        self.everyService = everyService
    }

    /// The CLI's operator: every scope; `services` nil means every service.
    public static func local(services: [String]? = nil) -> TokenInfo {
        TokenInfo(id: 0, name: "cli", services: Array(Set(services ?? [])).sorted(), scopes: TokenScope.allCases,
                  createdAt: Date(timeIntervalSince1970: 0), revokedAt: nil, lastUsedAt: nil, webhookURL: nil,
                  everyService: services == nil)
    }

    public var isLocal: Bool { id == 0 }
    public var isRevoked: Bool { revokedAt != nil }

    public func allows(_ scope: TokenScope) -> Bool { scopes.contains(scope) }

    /// Whether requests routed to `service` are visible to this token.
    public func covers(service: String) -> Bool { everyService || services.contains(service) }

    /// The services as the JSON array that SQL filters with `json_each`; nil: every service.
    var servicesJSON: String? {
        everyService ? nil : JSONText.array(services)
    }

    /// Token id as stored in the audit log and in `acked_by` / `lease_token_id` (NULL: CLI).
    var storedID: Int64? { isLocal ? nil : id }

    /// Action code of the audit log: "pull" for a token, "cli-pull" for the local CLI.
    func auditAction(_ action: String) -> String { isLocal ? "cli-" + action : action }
}

/// Secrets of back-office tokens: "gch_" followed by 52 lowercase base32 characters (256
/// random bits). The prefix makes a leaked token easy to recognise (secret scanners, logs).
public enum TokenSecret {
    public static let prefix = "gch_"
    /// Total length of a secret, prefix included.
    public static let length = 4 + 52

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return prefix + TrackingKey.base32(bytes)
    }

    /// Whether `secret` has the shape of a token (length, prefix, alphabet), in a time that
    /// does not depend on where a wrong character is.
    public static func isWellFormed(_ secret: String) -> Bool {
        let bytes = Array(secret.utf8)
        guard bytes.count == length else { return false }
        var bad = 0
        for (index, byte) in bytes.enumerated() {
            if index < 4 {
                bad |= byte == Array(prefix.utf8)[index] ? 0 : 1
            } else {
                let isLetter = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
                let isDigit = byte >= UInt8(ascii: "2") && byte <= UInt8(ascii: "7")
                bad |= (isLetter || isDigit) ? 0 : 1
            }
        }
        return bad == 0
    }

    /// The stored form: SHA-256 of the secret's UTF-8 bytes. It is also the HMAC key of the
    /// token's webhook notices (the back-office computes it from its secret).
    public static func hash(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(secret.utf8)))
    }
}

/// Limits on what a token creator may give.
public enum TokenLimits {
    public static let nameCharacters = 200
    public static let serviceIDCharacters = 100
    public static let services = 50
    public static let webhookURLCharacters = 2_000
}

extension SubmissionQueue {
    // MARK: - Tokens

    /// Creates a token for `services` with `scopes`. The secret is returned here only: the
    /// database keeps its SHA-256. Service ids are not checked against guichet.yaml here (the
    /// CLI does it when it has the site's folder).
    ///
    /// - Throws: `BackOfficeError` (French) for an empty or malformed name, service list,
    ///   scope list or webhook URL; `QueueError` for the database.
    public func createToken(name: String, services: [String], scopes: [TokenScope] = TokenScope.allCases,
                            webhookURL: String? = nil, now: Date = Date()) throws -> (secret: String, token: TokenInfo) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.unicodeScalars.count <= TokenLimits.nameCharacters,
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw BackOfficeError.invalidTokenName
        }
        let services = Array(Set(services)).sorted()
        guard !services.isEmpty else { throw BackOfficeError.noService }
        guard services.count <= TokenLimits.services else { throw BackOfficeError.invalidService(String(services[0].prefix(40))) }
        for service in services where !Self.isServiceID(service) {
            throw BackOfficeError.invalidService(String(service.prefix(40)))
        }
        let scopes = Array(Set(scopes)).sorted()
        guard !scopes.isEmpty else { throw BackOfficeError.noScope }
        if let webhookURL, !Self.isWebhookURL(webhookURL) { throw BackOfficeError.invalidWebhookURL }

        let secret = TokenSecret.generate()
        let created = Timestamp.string(now)
        let id = try write { db in
            try db.execute(sql: """
                INSERT INTO tokens (name, token_hash, services, scopes, created_at, webhook_url)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [name, Data(TokenSecret.hash(secret)), JSONText.array(services),
                                 JSONText.array(scopes.map(\.rawValue)), created, webhookURL])
            return db.lastInsertedRowID
        }
        let token = TokenInfo(id: id, name: name, services: services, scopes: scopes,
                              createdAt: Timestamp.date(created) ?? now, revokedAt: nil, lastUsedAt: nil,
                              webhookURL: webhookURL)
        return (secret, token)
    }

    /// Every token, revoked ones included, oldest first.
    public func listTokens() throws -> [TokenInfo] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.tokenColumns) FROM tokens ORDER BY id").map(Self.token)
        }
    }

    /// The token with this id, revoked or not.
    public func token(id: Int64) throws -> TokenInfo? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.tokenColumns) FROM tokens WHERE id = ?", arguments: [id]).map(Self.token)
        }
    }

    /// Revokes a token for good (its webhook notices stop too). Returns the token as it is
    /// now, nil if there is no such token. Revoking twice keeps the first date.
    @discardableResult
    public func revokeToken(id: Int64, now: Date = Date()) throws -> TokenInfo? {
        try write { db in
            try db.execute(sql: "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                           arguments: [Timestamp.string(now), id])
            return try Row.fetchOne(db, sql: "SELECT \(Self.tokenColumns) FROM tokens WHERE id = ?", arguments: [id])
                .map(Self.token)
        }
    }

    /// The active token whose secret is `secret`, or nil (unknown, revoked, malformed). The
    /// lookup goes through the SHA-256 of the secret (an attacker cannot steer it), and the
    /// stored hash is compared again in constant time. Updates `last_used_at` (at most once a
    /// minute per token, to spare the writer). Failures are not written to the audit log
    /// here: the HTTP layer records them with `recordAudit(… action: "auth" …)`.
    public func authenticate(_ secret: String, now: Date = Date()) throws -> TokenInfo? {
        let wellFormed = TokenSecret.isWellFormed(secret)
        // Hash even a malformed secret, so both paths cost about the same.
        let offered = TokenSecret.hash(wellFormed ? secret : TokenSecret.prefix)
        guard wellFormed else { return nil }
        let found = try read { db -> (TokenInfo, [UInt8])? in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.tokenColumns), token_hash FROM tokens WHERE token_hash = ?",
                                             arguments: [Data(offered)]) else { return nil }
            let stored: Data = row["token_hash"]
            return (try Self.token(row), Array(stored))
        }
        guard let (token, stored) = found, Bytes.constantTimeEqual(stored, offered), !token.isRevoked else { return nil }
        let nowMilliseconds = Timestamp.milliseconds(now)
        if token.lastUsedAt.map({ nowMilliseconds - Timestamp.milliseconds($0) >= 60_000 }) ?? true {
            let stamp = Timestamp.string(milliseconds: nowMilliseconds)
            try write { db in
                try db.execute(sql: "UPDATE tokens SET last_used_at = ? WHERE id = ?", arguments: [stamp, token.id])
            }
            var used = token
            used.lastUsedAt = Timestamp.date(stamp)
            return used
        }
        return token
    }

    static let tokenColumns = """
        id, CAST(name AS BLOB) AS name, CAST(services AS BLOB) AS services, CAST(scopes AS BLOB) AS scopes,
        created_at, revoked_at, last_used_at, CAST(webhook_url AS BLOB) AS webhook_url
        """

    static func token(_ row: Row) throws -> TokenInfo {
        let services = JSONText.strings(Store.string(row, "services") ?? "[]")
        let scopes = JSONText.strings(Store.string(row, "scopes") ?? "[]").compactMap(TokenScope.init(rawValue:)).sorted()
        return TokenInfo(id: row["id"], name: Store.string(row, "name") ?? "", services: services, scopes: scopes,
                         createdAt: Timestamp.date(row["created_at"] as String?) ?? Date(timeIntervalSince1970: 0),
                         revokedAt: Timestamp.date(row["revoked_at"] as String?),
                         lastUsedAt: Timestamp.date(row["last_used_at"] as String?),
                         webhookURL: Store.string(row, "webhook_url"))
    }

    /// Service ids as guichet.yaml allows them: lowercase ASCII letters, digits and dashes.
    static func isServiceID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= TokenLimits.serviceIDCharacters
            && id.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-") }
    }

    /// An https URL (http only towards the machine itself, for tests and local relays).
    static func isWebhookURL(_ text: String) -> Bool {
        guard text.utf8.count <= TokenLimits.webhookURLCharacters,
              !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }),
              let components = URLComponents(string: text), let host = components.host, !host.isEmpty,
              components.user == nil, components.password == nil else { return false }
        switch components.scheme?.lowercased() {
        case "https": return true
        case "http": return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
        default: return false
        }
    }
}

/// Small JSON helpers for the arrays of strings kept in text columns.
enum JSONText {
    static func array(_ strings: [String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: strings, options: [.withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func strings(_ text: String) -> [String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String] ?? []
    }

    /// A JSON string literal (RFC 8259 escaping).
    static func quoted(_ text: String) -> String {
        // Nothing to escape (references, form ids, dates, tracking keys: every outbox row of
        // every submission): the text between quotes, without a walk over its scalars.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A JSON object with sorted keys (stable bytes, so signatures and tests can rely on them).
    static func object(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
