import FormKit
import Foundation
import GuichetModel
import HTTPTypes
import Queue

/// The back-office API: JSON under `<prefix>/api/v1` (docs/openapi.yaml describes it).
///
/// Every call: `Authorization: Bearer <secret>` (401 otherwise, `WWW-Authenticate: Bearer`),
/// then the token's rate limit (429, `Retry-After`), then the route, the token's scope (403)
/// and its services: a request of another service is answered exactly like an unknown one
/// (404). Every call leaves a line in the queue's audit log (codes and references only).
///
/// | route | scope |
/// |---|---|
/// | `GET /submissions?status=&limit=&lease=&form=&service=` — pull with a lease | pull |
/// | `GET /submissions?after=<cursor>&limit=&form=&service=` — list since a cursor | pull |
/// | `GET /submissions/{reference}` | pull |
/// | `GET /submissions/{reference}/attachments/{id}` — the bytes | pull |
/// | `POST /submissions/{reference}/ack` | ack |
/// | `POST /submissions/{reference}/events` | events |
/// | `POST /submissions` — a request taken at the counter, by phone, post, e-mail | submit |
struct BackOfficeAPI {
    let core: GatewayCore
    let request: GatewayRequest
    let now: Date

    /// Most items in one answer of `GET /submissions`.
    static let maximumItems = 100
    static let defaultItems = 50
    static let defaultLease = 300
    /// Bodies of `ack` and `events`.
    static let maximumSmallBody = 64 * 1024
    /// Body of `POST /submissions` (a form's values; no files in v1).
    static let maximumSubmissionBody = 1024 * 1024
    /// Statuses `status=` may ask for.
    static let statuses = ["nouvelle", "prise-en-charge", "accuse-de-reception", "incomplet", "en-cours",
                           "acceptee", "refusee", "sans-suite"]

    var site: GatewaySite { core.site }
    var queue: SubmissionQueue { core.queue }
    /// `http://127.0.0.1:8080`: the origin the caller reached, for absolute URLs in answers.
    var origin: String { core.requestOrigin(request) }
    var base: String { site.prefix + "/api/v1" }

    /// What a route answered, and the audit line to write when the queue has not written one.
    struct Reply: Error {
        var response: GatewayResponse
        var audit: (action: String, reference: String?, outcome: String)?
    }

    // MARK: - Entry

    /// `route`: the path's segments after the gateway's prefix and "api".
    static func handle(_ request: GatewayRequest, route: ArraySlice<Substring>, core: GatewayCore) async -> GatewayResponse {
        let api = BackOfficeAPI(core: core, request: request, now: core.now())
        return await api.handle(segments: route.map { String($0) })
    }

    func handle(segments: [String]) async -> GatewayResponse {
        // 1. Who is calling.
        let token: TokenInfo
        switch authenticate() {
        case .success(let found): token = found
        case .failure(let refusal): return refusal.response
        }
        // 2. How often.
        var limited = core.apiState.perToken.take(token.id, now: now)
        if limited == nil, core.apiState.countsInDatabase,
           let recent = try? queue.auditCount(tokenID: token.id, since: now.addingTimeInterval(-60)),
           recent >= core.apiState.perMinute {
            limited = 60
        }
        if let wait = limited {
            if core.apiState.throttledAudit.take(token.id, now: now) == nil {
                try? queue.recordAudit(tokenID: token.id, action: "api", reference: nil, outcome: "rate-limited", at: now)
            }
            var fields = HTTPFields()
            fields[.retryAfter] = String(wait)
            return Self.error(.tooManyRequests, "trop-de-requetes",
                              "Trop de requêtes pour ce jeton (au plus \(Int(core.apiState.perToken.rate)) par seconde, \(Int(core.apiState.perToken.burst)) d’affilée). Réessayez dans \(wait) s.",
                              headers: fields)
        }
        // 3. What for.
        let reply = await route(segments, token: token)
        if let audit = reply.audit {
            try? queue.recordAudit(tokenID: token.id, action: audit.action, reference: audit.reference, outcome: audit.outcome, at: now)
        }
        return reply.response
    }

    func route(_ segments: [String], token: TokenInfo) async -> Reply {
        // Segments are percent-decoded; one that does not decode matches nothing.
        let decoded = segments.map { $0.removingPercentEncoding }
        guard decoded.allSatisfy({ $0 != nil }), decoded.first == "v1", decoded.count >= 2, decoded[1] == "submissions" else {
            return Reply(response: Self.error(.notFound, "introuvable", "Aucune opération de l’API ne correspond à cette adresse. Les adresses commencent par \(base)/submissions."),
                         audit: ("api", nil, "not-found"))
        }
        let path = decoded.compactMap { $0 }
        let method = request.head.method
        switch path.count {
        case 2:
            switch method {
            case .get: return await submissions(token: token)
            case .post: return await submit(token: token)
            default: return methodNotAllowed("GET, POST")
            }
        case 3:
            guard method == .get else { return methodNotAllowed("GET") }
            return await submission(path[2], token: token)
        case 4 where path[3] == "ack":
            guard method == .post else { return methodNotAllowed("POST") }
            return await acknowledge(path[2], token: token)
        case 4 where path[3] == "events":
            guard method == .post else { return methodNotAllowed("POST") }
            return await addEvent(path[2], token: token)
        case 5 where path[3] == "attachments":
            guard method == .get else { return methodNotAllowed("GET") }
            return await attachment(path[2], id: path[4], token: token)
        default:
            return Reply(response: Self.error(.notFound, "introuvable", "Aucune opération de l’API ne correspond à cette adresse."),
                         audit: ("api", nil, "not-found"))
        }
    }

    // MARK: - Authentication

    func authenticate() -> Result<TokenInfo, Reply> {
        let values = request.head.headerFields[values: .authorization]
        var secret: String?
        if values.count == 1 {
            let value = values[0].trimmingSpaces
            if value.count > 7, value.prefix(7).lowercased() == "bearer " {
                secret = String(value.dropFirst(7)).trimmingSpaces
            }
        }
        func refused(_ outcome: String, _ challenge: String, _ message: String) -> Result<TokenInfo, Reply> {
            if core.apiState.refusedAudit.take(0, now: now) == nil {
                try? queue.recordAudit(tokenID: nil, action: "auth", reference: nil, outcome: outcome, at: now)
            }
            var fields = HTTPFields()
            fields[.wwwAuthenticate] = challenge
            return .failure(Reply(response: Self.error(.unauthorized, "authentification", message, headers: fields)))
        }
        guard let secret, !secret.isEmpty else {
            return refused("missing", "Bearer realm=\"guichet\"",
                           "Authentification requise : envoyez l’en-tête « Authorization: Bearer <jeton> » avec le jeton créé par « guichet token create ».")
        }
        do {
            guard let token = try queue.authenticate(secret, now: now) else {
                return refused("refused", "Bearer realm=\"guichet\", error=\"invalid_token\"",
                               "Jeton inconnu, révoqué ou mal formé. Vérifiez sa valeur, ou demandez un nouveau jeton à l’administrateur du guichet.")
            }
            return .success(token)
        } catch {
            return .failure(Reply(response: Self.unavailable()))
        }
    }

    /// 403 when the token lacks `scope`, written to the audit log as `action` / "forbidden".
    func require(_ scope: TokenScope, _ token: TokenInfo, action: String, reference: String? = nil) -> Reply? {
        guard !token.allows(scope) else { return nil }
        var fields = HTTPFields()
        fields[.wwwAuthenticate] = "Bearer realm=\"guichet\", error=\"insufficient_scope\", scope=\"\(scope.rawValue)\""
        return Reply(response: Self.error(.forbidden, "droit-manquant", BackOfficeError.missingScope(scope).description, headers: fields),
                     audit: (action, reference, "forbidden"))
    }

    // MARK: - GET /submissions (pull or list)

    func submissions(token: TokenInfo) async -> Reply {
        if let refusal = require(.pull, token, action: "pull") { return refusal }
        let parameters: [String: String]
        switch Self.queryParameters(request.query, allowed: ["status", "limit", "lease", "form", "service", "after"]) {
        case .success(let found): parameters = found
        case .failure(let problem): return invalid(problem.message, action: "pull")
        }
        let isListing = parameters["after"] != nil
        let action = isListing ? "list" : "pull"
        if isListing, parameters["status"] != nil || parameters["lease"] != nil {
            return invalid("Le paramètre « after » (liste depuis un curseur) ne se combine pas avec « status » ni « lease » (réservation des demandes nouvelles).", action: action)
        }
        guard let limit = Self.integer(parameters["limit"], default: Self.defaultItems, in: 1...Self.maximumItems) else {
            return invalid("Le nombre de demandes demandé (limit) doit être un entier compris entre 1 et \(Self.maximumItems).", action: action)
        }
        if let form = parameters["form"], site.forms[form] == nil {
            return invalid("Formulaire inconnu « \(form.prefix(40)) » (paramètre form). Formulaires : \(site.forms.keys.sorted().joined(separator: ", ")).", action: action)
        }
        if let service = parameters["service"], !site.config.services.contains(where: { $0.id == service }) {
            return invalid("Service inconnu « \(service.prefix(40)) » (paramètre service). Services : \(site.config.services.map(\.id).joined(separator: ", ")).", action: action)
        }
        do {
            if isListing {
                let after = parameters["after"]!
                let page = try queue.list(token: token, after: after.isEmpty ? "0" : after, limit: limit,
                                          formID: parameters["form"], serviceID: parameters["service"], now: now)
                return Reply(response: Self.json(.ok, .object([
                    ("items", .array(page.items.map(item))),
                    ("next", .string(page.cursor ?? (after.isEmpty ? "0" : after))),
                    ("has_more", .bool(page.hasMore)),
                ])))
            }
            let status = parameters["status"]
            if let status, !Self.statuses.contains(status) {
                return invalid("Statut inconnu « \(status.prefix(40)) » (paramètre status). Statuts : \(Self.statuses.joined(separator: ", ")).", action: action)
            }
            guard let lease = Self.integer(parameters["lease"], default: Self.defaultLease,
                                           in: BackOfficeLimits.minimumLease...BackOfficeLimits.maximumLease) else {
                return invalid("La durée de réservation (lease) doit être un nombre entier de secondes compris entre \(BackOfficeLimits.minimumLease) et \(BackOfficeLimits.maximumLease) (24 h).", action: action)
            }
            let items = try queue.pull(token: token, status: status, formID: parameters["form"], serviceID: parameters["service"],
                                       limit: limit, lease: TimeInterval(lease), now: now)
            return Reply(response: Self.json(.ok, .object([
                ("items", .array(items.map(item))),
                ("lease_until", .string(Self.iso(items.first?.leaseUntil ?? now.addingTimeInterval(TimeInterval(lease))))),
            ])))
        } catch {
            return failure(error, action: action)
        }
    }

    // MARK: - GET /submissions/{reference}

    func submission(_ reference: String, token: TokenInfo) async -> Reply {
        if let refusal = require(.pull, token, action: "find", reference: reference) { return refusal }
        do {
            guard let record = try queue.find(reference: reference, token: token, now: now) else { return notFound() }
            return Reply(response: Self.json(.ok, item(record)))
        } catch {
            return failure(error, action: "find")
        }
    }

    // MARK: - GET /submissions/{reference}/attachments/{id}

    func attachment(_ reference: String, id rawID: String, token: TokenInfo) async -> Reply {
        if let refusal = require(.pull, token, action: "attachment", reference: reference) { return refusal }
        // An id that is not a stored one cannot be: answered as for an unknown attachment.
        guard !rawID.isEmpty, rawID.utf8.count <= 18, rawID.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let id = Int64(rawID), id > 0 else {
            return Reply(response: Self.notFoundResponse(), audit: ("attachment", reference, "not-found"))
        }
        do {
            guard let content = try queue.attachment(reference: reference, id: id, token: token, now: now) else { return notFound() }
            var fields = HTTPFields()
            fields[.contentType] = Self.safeMediaType(content.info.contentType)
            fields[.contentDisposition] = Self.contentDisposition(content.info.filename)
            fields[.xContentTypeOptions] = "nosniff"
            fields[.contentSecurityPolicy] = "default-src 'none'; sandbox"
            fields[.cacheControl] = "no-store"
            if let digest = Self.base64(hex: content.info.sha256) {
                fields[HTTPField.Name("Repr-Digest")!] = "sha-256=:\(digest):"
                fields[HTTPField.Name("Digest")!] = "sha-256=\(digest)"
            }
            return Reply(response: GatewayResponse(head: HTTPResponse(status: .ok, headerFields: fields), body: content.bytes))
        } catch {
            return failure(error, action: "attachment")
        }
    }

    // MARK: - POST /submissions/{reference}/ack

    func acknowledge(_ reference: String, token: TokenInfo) async -> Reply {
        if let refusal = require(.ack, token, action: "ack", reference: reference) { return refusal }
        // No body is needed; one, if sent, must be a JSON object (its content is ignored).
        if !request.body.isEmpty {
            switch jsonBody(limit: Self.maximumSmallBody, action: "ack") {
            case .failure(let refusal): return refusal
            case .success(.object): break
            case .success(let other):
                return Reply(response: Self.error(.unprocessableContent, "requete-invalide",
                                                  "Le corps d’un acquittement doit être vide ou un objet JSON, pas \(other.frenchKind)."),
                             audit: ("ack", reference, "invalid"))
            }
        }
        do {
            switch try queue.ack(reference: reference, token: token, now: now) {
            case .notFound: return notFound()
            case .acknowledged:
                return Reply(response: Self.json(.ok, .object([("reference", .string(ReferenceCode.normalize(reference) ?? reference)),
                                                                ("statut", .string("acquittee"))])))
            case .alreadyAcknowledged:
                return Reply(response: Self.json(.ok, .object([("reference", .string(ReferenceCode.normalize(reference) ?? reference)),
                                                                ("statut", .string("deja-acquittee"))])))
            }
        } catch {
            return failure(error, action: "ack")
        }
    }

    // MARK: - Answers

    /// A request as the API shows it.
    func item(_ record: SubmissionRecord) -> APIJSON {
        let payload: APIJSON
        switch APIJSON.read(Array(record.payloadJSON.utf8), maximumDepth: 64) {
        case .success(let value): payload = value
        case .failure: payload = .object([])
        }
        let attachmentBase = origin + base + "/submissions/" + record.reference + "/attachments/"
        return .object([
            ("reference", .string(record.reference)),
            ("form", .string(record.formID)),
            ("form_digest", .string(record.formDigest)),
            ("service", .string(record.serviceID)),
            ("channel", .string(record.channel.rawValue)),
            ("status", .string(record.status)),
            ("received_at", .string(Self.iso(record.receivedAt))),
            ("payload", payload),
            ("attachments", .array(record.attachments.map { attachment in
                .object([
                    ("id", .int64(attachment.id)),
                    ("field", .string(attachment.fieldID)),
                    ("filename", .string(attachment.filename)),
                    ("content_type", .string(Self.safeMediaType(attachment.contentType))),
                    ("size", .int(attachment.size)),
                    ("sha256", .string(attachment.sha256)),
                    ("url", .string(attachmentBase + String(attachment.id))),
                ])
            })),
            ("events", .array(record.events.map(Self.event))),
            ("delivery_count", .int(record.deliveryCount)),
            ("lease_until", record.leaseUntil.map { .string(Self.iso($0)) } ?? .null),
            ("acknowledged_at", record.acknowledgedAt.map { .string(Self.iso($0)) } ?? .null),
            ("purged_at", record.purgedAt.map { .string(Self.iso($0)) } ?? .null),
            ("retention_days", record.retentionDays.map { .int($0) } ?? .null),
            ("cursor", .string(record.cursor)),
        ])
    }

    static func event(_ event: EventRecord) -> APIJSON {
        var members: [(String, APIJSON)] = [("type", .string(event.kind)), ("date", .string(iso(event.at))),
                                            ("message", .optional(event.message))]
        var data: APIJSON = .null
        if let text = event.data, case .success(let value) = APIJSON.read(Array(text.utf8), maximumDepth: 64), case .object = value {
            data = value
            if case .string(let deadline)? = value["date_limite"] { members.append(("date_limite", .string(deadline))) }
            if case .array(let items)? = value["pieces_manquantes"] {
                members.append(("pieces_manquantes", .array(items.filter { if case .string = $0 { return true } else { return false } })))
            }
        }
        members.append(("data", data))
        return .object(members)
    }

    static func json(_ status: HTTPResponse.Status, _ value: APIJSON, headers: HTTPFields = [:]) -> GatewayResponse {
        var fields = headers
        fields[.contentType] = "application/json"
        fields[.cacheControl] = "no-store"
        fields[.xContentTypeOptions] = "nosniff"
        return GatewayResponse(head: HTTPResponse(status: status, headerFields: fields), body: value.bytes)
    }

    /// `{"erreur": code, "message": French sentence}`.
    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:],
                      extra: [(String, APIJSON)] = []) -> GatewayResponse {
        json(status, .object([("erreur", .string(code)), ("message", .string(message))] + extra), headers: headers)
    }

    static func notFoundResponse() -> GatewayResponse {
        error(.notFound, "introuvable", "Aucune demande ne correspond à cette référence pour ce jeton.")
    }

    /// 404, the queue having written the audit line.
    func notFound() -> Reply { Reply(response: Self.notFoundResponse()) }

    static func unavailable() -> GatewayResponse {
        var fields = HTTPFields()
        fields[.retryAfter] = "30"
        return error(.serviceUnavailable, "indisponible",
                     "Le guichet ne peut pas accéder à sa base de données pour le moment. Réessayez dans quelques instants.", headers: fields)
    }

    func invalid(_ message: String, action: String, reference: String? = nil) -> Reply {
        Reply(response: Self.error(.badRequest, "parametre-invalide", message), audit: (action, reference, "invalid"))
    }

    func methodNotAllowed(_ allow: String) -> Reply {
        var fields = HTTPFields()
        fields[.allow] = allow
        return Reply(response: Self.error(.methodNotAllowed, "methode-non-permise",
                                          "Cette adresse de l’API s’utilise avec : \(allow).", headers: fields),
                     audit: ("api", nil, "invalid"))
    }

    /// The answer to an error of the queue. `BackOfficeError`s were written to the audit log by
    /// the queue when they concern a request; the others are written here.
    func failure(_ error: Error, action: String, reference: String? = nil) -> Reply {
        guard let error = error as? BackOfficeError else { return Reply(response: Self.unavailable()) }
        let (status, code) = Self.status(of: error)
        // The queue writes its own line for what concerns a request; not for these refusals.
        let outcome: String?
        switch error {
        case .missingScope, .serviceNotCovered: outcome = "forbidden"
        case .webChannelRefused, .invalidLimit, .invalidLease, .invalidCursor: outcome = "invalid"
        default: outcome = nil
        }
        return Reply(response: Self.error(status, code, error.description), audit: outcome.map { (action, reference, $0) })
    }

    static func status(of error: BackOfficeError) -> (HTTPResponse.Status, String) {
        switch error {
        case .missingScope: return (.forbidden, "droit-manquant")
        case .serviceNotCovered: return (.forbidden, "service-non-autorise")
        case .invalidLimit, .invalidLease, .invalidCursor: return (.badRequest, "parametre-invalide")
        case .unknownEventKind: return (.unprocessableContent, "type-inconnu")
        case .transitionRefused: return (.conflict, "transition-refusee")
        case .duplicateAcknowledgement: return (.conflict, "deja-accuse")
        case .purged: return (.gone, "effacee")
        case .webChannelRefused: return (.unprocessableContent, "canal-invalide")
        case .messageRequired, .messageTooLong, .forbiddenCharacters, .invalidData, .deadlineRequired, .eventBeforeReceipt:
            return (.unprocessableContent, "evenement-invalide")
        case .invalidTokenName, .noService, .invalidService, .noScope, .invalidWebhookURL:
            return (.badRequest, "requete-invalide")
        }
    }

    // MARK: - Reading requests

    /// The JSON body of a POST: 413 past `limit`, 415 for another media type (or a charset
    /// other than UTF-8), 400 for a document that is not JSON.
    func jsonBody(limit: Int, action: String, reference: String? = nil) -> Result<APIJSON, Reply> {
        guard request.body.count <= limit else {
            return .failure(Reply(response: Self.error(.contentTooLarge, "trop-volumineux",
                                                       "Le corps de la requête dépasse \(limit / 1024) Kio : rien n’a été enregistré."),
                                  audit: (action, reference, "invalid")))
        }
        let contentType = request.head.headerFields[.contentType].map(MediaType.parse)
        guard let contentType, contentType.type == "application/json",
              contentType.parameters["charset"].map({ ["utf-8", "utf8"].contains($0.lowercased()) }) ?? true else {
            return .failure(Reply(response: Self.error(.unsupportedMediaType, "type-de-contenu",
                                                       "Le corps de la requête doit être du JSON : en-tête « Content-Type: application/json » (UTF-8)."),
                                  audit: (action, reference, "invalid")))
        }
        switch APIJSON.read(request.body) {
        case .success(let value): return .success(value)
        case .failure(let problem):
            return .failure(Reply(response: Self.error(.badRequest, "json-invalide",
                                                       "Le corps de la requête n’est pas un JSON valide : \(problem.message) (octet \(problem.offset))."),
                                  audit: (action, reference, "invalid")))
        }
    }

    /// `a=1&b=x%20y` → ["a": "1", "b": "x y"]; a name given twice, an unknown one or a value
    /// that does not decode is refused with a French message.
    struct QueryProblem: Error {
        var message: String
    }

    static func queryParameters(_ query: String, allowed: Set<String>) -> Result<[String: String], QueryProblem> {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                  let value = (parts.count == 2 ? String(parts[1]) : "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                return .failure(QueryProblem(message: "Paramètre mal encodé dans l’adresse (encodage en pourcentage UTF-8 attendu)."))
            }
            guard allowed.contains(name) else {
                return .failure(QueryProblem(message: "Paramètre inconnu « \(name.prefix(40)) ». Paramètres possibles : \(allowed.sorted().joined(separator: ", "))."))
            }
            guard parameters[name] == nil else { return .failure(QueryProblem(message: "Le paramètre « \(name) » est donné plusieurs fois.")) }
            parameters[name] = value
        }
        return .success(parameters)
    }

    /// A decimal integer in `range` (digits only), `default` when absent, nil when invalid.
    static func integer(_ text: String?, default value: Int, in range: ClosedRange<Int>) -> Int? {
        guard let text else { return value }
        guard !text.isEmpty, text.utf8.count <= 9, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let number = Int(text),
              range.contains(number) else { return nil }
        return number
    }

    // MARK: - Formats

    /// ISO 8601 in UTC with milliseconds: "2026-11-20T09:05:03.042Z".
    /// Rounded to the nearest millisecond, as the queue stores dates.
    static func iso(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (days, inDay) = (milliseconds.dividedFloor(by: 86_400_000), milliseconds - milliseconds.dividedFloor(by: 86_400_000) * 86_400_000)
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(inDay / 3_600_000, 2)):\(pad(inDay / 60_000 % 60, 2)):"
            + "\(pad(inDay / 1000 % 60, 2)).\(pad(inDay % 1000, 3))Z"
    }

    /// A stored content type if it is a plain `type/subtype`, else application/octet-stream.
    static func safeMediaType(_ text: String) -> String {
        let token: (Substring) -> Bool = { part in
            !part.isEmpty && part.utf8.count <= 64 && part.utf8.allSatisfy {
                ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || "!#$&^_.+-".utf8.contains($0)
            }
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, token(parts[0]), token(parts[1]) else { return "application/octet-stream" }
        return text.lowercased()
    }

    /// `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266 and
    /// 8187): no quote, backslash, control character or path can get through.
    static func contentDisposition(_ filename: String) -> String {
        var name = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        name = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }.map(Character.init))
        if name.isEmpty || name == "." || name == ".." { name = "piece-jointe" }
        let fallback = String(name.unicodeScalars.map { scalar -> Character in
            let ok = scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\" && scalar != "%"
            return ok ? Character(scalar) : "_"
        })
        var attrChar = CharacterSet()
        attrChar.insert(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: attrChar) ?? fallback
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }

    /// Lowercase hexadecimal → standard base64 (for the digest headers), nil if not hex.
    static func base64(hex: String) -> String? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0, !digits.isEmpty else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case 48...57: return digit - 48
            case 97...102: return digit - 87
            case 65...70: return digit - 55
            default: return nil
            }
        }
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return Data(bytes).base64EncodedString()
    }
}

private extension Int64 {
    /// Division rounded towards minus infinity.
    func dividedFloor(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
