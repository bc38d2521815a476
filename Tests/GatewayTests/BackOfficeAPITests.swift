import FormKit
import Foundation
@testable import Gateway
import GuichetModel
import HTTPTypes
import Queue
import Testing

/// A clock the tests move by hand (leases, rate limits), shared with the gateway.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    /// Seconds added at each API call, so that the rate limit (20/s) never bites by accident.
    var step: TimeInterval = 0.05

    init(_ start: Date) { current = start }

    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
    /// Never behind `date` (a submission stored with the wall clock, on a loaded CI machine
    /// possibly later than the clock's start).
    func catchUp(to date: Date) { lock.withLock { current = max(current, date.addingTimeInterval(1)) } }
}

/// The back-office API on the demo site and a real SQLite file (GatewayFixture), with tokens
/// created through the queue's own API.
struct APIFixture {
    let base: GatewayFixture
    let clock: TestClock
    let gateway: GatewayCore
    var queue: SubmissionQueue { base.queue }
    var site: GatewaySite { base.site }

    init() throws {
        base = try GatewayFixture()
        // A little ahead of the wall clock, so events added "now" are never before a receipt.
        let clock = TestClock(Date().addingTimeInterval(5))
        self.clock = clock
        gateway = GatewayCore(site: GatewayFixture.site, queue: base.queue, now: { clock.now })
    }

    func token(_ services: [String], scopes: [TokenScope] = TokenScope.allCases) throws -> String {
        try queue.createToken(name: "test \(services.joined(separator: ","))", services: services, scopes: scopes).secret
    }

    /// `path` is relative to /guichet/api/v1 unless it starts with "/".
    func call(_ method: HTTPRequest.Method, _ path: String, secret: String?, body: [UInt8] = [],
              contentType: String? = "application/json", headers: HTTPFields = [:]) async -> GatewayResponse {
        clock.advance(clock.step)
        var fields = headers
        if let secret { fields[.authorization] = "Bearer \(secret)" }
        if let contentType, !body.isEmpty || method == .post { fields[.contentType] = contentType }
        let full = path.hasPrefix("/") ? path : "/guichet/api/v1/" + path
        let head = HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1:8080", path: full, headerFields: fields)
        return await gateway.handle(GatewayRequest(head: head, body: body))
    }

    func get(_ path: String, _ secret: String?) async -> GatewayResponse { await call(.get, path, secret: secret) }

    func post(_ path: String, _ secret: String?, json: String) async -> GatewayResponse {
        await call(.post, path, secret: secret, body: Array(json.utf8))
    }

    /// A contact form sent by a citizen on the web, with a PDF: (reference, key).
    func webContact(filename: String = "justificatif.pdf") async throws -> (String, String) {
        let body = GatewayFixture.multipart(base.validContact(), files: [
            .init(name: "piece-jointe", filename: filename, type: "application/pdf", bytes: GatewayFixture.pdf)])
        let response = await base.post("contact", body: body, contentType: "multipart/form-data; boundary=----GuichetTest7MA4YWxkTrZu0gW")
        let location = try #require(response.location, "\(response.text.prefix(400))")
        let reference = String(location.dropFirst("/guichet/suivi/".count).prefix { $0 != "?" })
        let key = String(location.split(separator: "=").last!)
        return (reference, key)
    }

    /// A request for the état civil, stored as the gateway would.
    func birthCertificateRequest() async throws -> StoredReceipt {
        let form = try #require(site.forms["acte-de-naissance"])
        let stored = try await queue.submit(NewSubmission(formID: form.id, formDigest: form.digest, serviceID: form.service, channel: .web,
                                                          payloadJSON: #"{"nom":"Martin"}"#))
        clock.catchUp(to: stored.receivedAt)
        return stored
    }
}

func object(_ response: GatewayResponse, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
    let parsed = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
    #expect(parsed != nil, "not a JSON object: \(response.text.prefix(300))", sourceLocation: sourceLocation)
    return parsed ?? [:]
}

func items(_ response: GatewayResponse) -> [[String: Any]] {
    (object(response)["items"] as? [[String: Any]]) ?? []
}

func references(_ response: GatewayResponse) -> [String] {
    items(response).compactMap { $0["reference"] as? String }
}

@Suite struct BackOfficeAPITests {
    // MARK: - Isolation between services

    @Test func twoServicesCannotSeeEachOthersRequests() async throws {
        let fixture = try APIFixture()
        let accueil = try fixture.token(["accueil"])
        let etatCivil = try fixture.token(["etat-civil"])
        let (contact, _) = try await fixture.webContact()
        let birth = try await fixture.birthCertificateRequest()
        let attachmentID = try #require(try fixture.queue.find(reference: contact)?.attachments.first?.id)

        // Each sees its own, in listings and pulls.
        #expect(references(await fixture.get("submissions?after=0", accueil)) == [contact])
        #expect(references(await fixture.get("submissions?after=0", etatCivil)) == [birth.reference])
        #expect(references(await fixture.get("submissions?status=nouvelle&service=accueil", etatCivil)) == [])
        #expect(references(await fixture.get("submissions?status=nouvelle&form=contact", etatCivil)) == [])
        #expect(references(await fixture.get("submissions?status=nouvelle", etatCivil)) == [birth.reference])
        #expect(references(await fixture.get("submissions?status=nouvelle", accueil)) == [contact])

        // Everything about another service's request is answered as for an unknown reference.
        var unknown = ""
        var generator = SystemRandomNumberGenerator()
        repeat { unknown = ReferenceCode.random(using: &generator) } while unknown == contact || unknown == birth.reference
        func answers(_ reference: String) async -> [(HTTPResponse.Status, String)] {
            [await fixture.get("submissions/\(reference)", etatCivil),
             await fixture.get("submissions/\(reference)/attachments/\(attachmentID)", etatCivil),
             await fixture.post("submissions/\(reference)/ack", etatCivil, json: "{}"),
             await fixture.post("submissions/\(reference)/events", etatCivil, json: #"{"type":"en-cours"}"#)]
                .map { ($0.head.status, $0.text) }
        }
        let foreign = await answers(contact)
        let missing = await answers(unknown)
        for (index, (status, text)) in foreign.enumerated() {
            #expect(status == .notFound, "\(index): \(text)")
            #expect(status == missing[index].0 && text == missing[index].1, "call \(index) tells a foreign reference from an unknown one")
        }
        // Nothing was changed by those calls, and the owner still sees its request untouched.
        let record = try #require(try fixture.queue.find(reference: contact))
        #expect(record.acknowledgedAt == nil && record.events.map(\.kind) == ["depot"] && record.status == "nouvelle")
        let own = await fixture.get("submissions/\(contact)", accueil)
        #expect(own.head.status == .ok)
        #expect(object(own)["reference"] as? String == contact)
        let bytes = await fixture.get("submissions/\(contact)/attachments/\(attachmentID)", accueil)
        #expect(bytes.head.status == .ok && bytes.body == GatewayFixture.pdf)
    }

    // MARK: - Delivery: leases, acks

    @Test func anExpiredLeaseRedeliversAndAnAckEndsDelivery() async throws {
        let fixture = try APIFixture()
        let secret = try fixture.token(["etat-civil"])
        let first = try await fixture.birthCertificateRequest()
        let second = try await fixture.birthCertificateRequest()

        let pulled = await fixture.get("submissions?status=nouvelle&lease=10&limit=1", secret)
        #expect(pulled.head.status == .ok, "\(pulled.text)")
        #expect(references(pulled) == [first.reference])
        #expect(items(pulled).first?["delivery_count"] as? Int == 1)
        let leaseUntil = try #require(object(pulled)["lease_until"] as? String)
        #expect(items(pulled).first?["lease_until"] as? String == leaseUntil)
        // While the lease runs, nobody else gets it: the next pull gives the second one.
        #expect(references(await fixture.get("submissions?status=nouvelle&lease=10", secret)) == [second.reference])
        #expect(references(await fixture.get("submissions?status=nouvelle&lease=10", secret)) == [])

        // Not acknowledged in time: both come back, delivered a second time.
        fixture.clock.advance(11)
        let again = await fixture.get("submissions?status=nouvelle&lease=60", secret)
        #expect(references(again) == [first.reference, second.reference])
        #expect(items(again).map { $0["delivery_count"] as? Int } == [2, 2])

        // Acknowledged: never delivered again, even after the lease; the status follows.
        let ack = await fixture.post("submissions/\(first.reference)/ack", secret, json: "")
        #expect(ack.head.status == .ok, "\(ack.text)")
        #expect(object(ack)["statut"] as? String == "acquittee")
        fixture.clock.advance(61)
        #expect(references(await fixture.get("submissions?lease=10", secret)) == [second.reference])
        let record = object(await fixture.get("submissions/\(first.reference)", secret))
        #expect(record["status"] as? String == "prise-en-charge")
        #expect(record["acknowledged_at"] is String)
        // The listing still shows both, with a cursor to go on from.
        let listing = await fixture.get("submissions?after=0&limit=1", secret)
        #expect(references(listing) == [first.reference])
        #expect(object(listing)["has_more"] as? Bool == true)
        let next = try #require(object(listing)["next"] as? String)
        let rest = await fixture.get("submissions?after=\(next)", secret)
        #expect(references(rest) == [second.reference] && object(rest)["has_more"] as? Bool == false)
        let end = object(await fixture.get("submissions?after=\(object(rest)["next"] as! String)", secret))
        #expect((end["items"] as? [Any])?.isEmpty == true && end["next"] as? String == object(rest)["next"] as? String)
    }

    @Test func acksAreIdempotent() async throws {
        let fixture = try APIFixture()
        let secret = try fixture.token(["etat-civil"])
        let stored = try await fixture.birthCertificateRequest()
        let first = await fixture.post("submissions/\(stored.reference)/ack", secret, json: "{}")
        let firstDate = try fixture.queue.find(reference: stored.reference)?.acknowledgedAt
        // Typed as people type references: lowercase, without dashes.
        let second = await fixture.post("submissions/\(stored.reference.lowercased().replacingOccurrences(of: "-", with: ""))/ack", secret, json: "")
        let third = await fixture.call(.post, "submissions/\(stored.reference)/ack", secret: secret, contentType: nil)
        #expect(first.head.status == .ok && second.head.status == .ok && third.head.status == .ok, "\(third.text)")
        #expect(object(first)["statut"] as? String == "acquittee")
        #expect(object(second)["statut"] as? String == "deja-acquittee")
        #expect(object(third)["statut"] as? String == "deja-acquittee")
        #expect(object(second)["reference"] as? String == stored.reference)
        #expect(try fixture.queue.find(reference: stored.reference)?.acknowledgedAt == firstDate)
        let outcomes = try fixture.queue.auditLog().filter { $0.action == "ack" }.map(\.outcome)
        #expect(outcomes.sorted() == ["already", "already", "ok"])
    }

    // MARK: - Events on the citizen's tracking page

    @Test func eventsAppearDatedAndInOrderOnTheReceipt() async throws {
        let fixture = try APIFixture()
        let secret = try fixture.token(["etat-civil"])
        let stored = try await fixture.birthCertificateRequest()
        let events = "submissions/\(stored.reference)/events"

        let are = await fixture.post(events, secret, json: #"{"type":"accuse-de-reception"}"#)
        #expect(are.head.status == .created, "\(are.text)")
        let areMessage = try #require(object(are)["message"] as? String)
        let received = ParisDateTime(stored.receivedAt).date
        let form = try #require(fixture.site.forms["acte-de-naissance"])
        // The CRPA mentions: receipt date, service and its contacts, silence rule and its date.
        #expect(areMessage.contains(received.french) && areMessage.contains("Service état civil"))
        #expect(areMessage.contains("etat-civil@bremonval.example"))
        #expect(areMessage.contains(received.adding(form.procedure.delay!).french) && areMessage.contains("acceptée"))
        #expect(areMessage.contains("attestation"))
        #expect(await fixture.post(events, secret, json: #"{"type":"accuse-de-reception"}"#).head.status == .conflict)

        fixture.clock.advance(60)
        let deadline = ParisDateTime(fixture.clock.now).date.adding(days: 30)
        let incomplete = await fixture.post(events, secret, json: """
            {"type":"incomplet","message":"Il manque une pièce.","pieces_manquantes":["Copie du livret de famille"],"date_limite":"\(deadline.iso)"}
            """)
        #expect(incomplete.head.status == .created, "\(incomplete.text)")
        #expect(object(incomplete)["date_limite"] as? String == deadline.iso)
        #expect(object(incomplete)["pieces_manquantes"] as? [String] == ["Copie du livret de famille"])
        fixture.clock.advance(60)
        #expect(await fixture.post(events, secret, json: #"{"type":"en-cours"}"#).head.status == .created)
        fixture.clock.advance(60)
        #expect(await fixture.post(events, secret, json: #"{"type":"message","message":"Votre acte est prêt : il part au courrier ce jour."}"#).head.status == .created)
        fixture.clock.advance(60)
        #expect(await fixture.post(events, secret, json: #"{"type":"acceptee"}"#).head.status == .created)
        // After a decision, only messages.
        let late = await fixture.post(events, secret, json: #"{"type":"en-cours"}"#)
        #expect(late.head.status == .conflict && object(late)["erreur"] as? String == "transition-refusee")

        let page = await fixture.base.get("/guichet/suivi/\(stored.reference)?cle=\(stored.trackingKey)")
        #expect(page.head.status == .ok)
        let html = page.text
        let labels = ["enregistrement et accusé d’enregistrement électronique", "accusé de réception", "dossier incomplet",
                      "instruction en cours", "message du service", "décision favorable"]
        var position = html.startIndex
        for label in labels {
            let found = try #require(html.range(of: "</time> : \(label)", range: position..<html.endIndex), "\(label) missing or out of order")
            position = found.upperBound
        }
        #expect(html.contains("Copie du livret de famille") && html.contains(deadline.french))
        #expect(html.contains("Votre acte est prêt : il part au courrier ce jour."))
        let record = try #require(try fixture.queue.find(reference: stored.reference))
        for event in record.events {
            #expect(html.contains("<time datetime=\"\(ParisDateTime(event.at).iso8601)\">\(ParisDateTime(event.at).french)</time>"))
        }
        #expect(record.status == "acceptee")
        // The API gives the same events, dated in ISO 8601.
        let shown = try #require(object(await fixture.get("submissions/\(stored.reference)", secret))["events"] as? [[String: Any]])
        #expect(shown.map { $0["type"] as? String } == ["depot", "accuse-de-reception", "incomplet", "en-cours", "message", "acceptee"])
        #expect(shown.allSatisfy { ($0["date"] as? String).map { ISO8601DateFormatter.withMilliseconds.date(from: $0) != nil } == true })
    }

    @Test func badEventsAreRefusedInFrench() async throws {
        let fixture = try APIFixture()
        let secret = try fixture.token(["etat-civil"])
        let stored = try await fixture.birthCertificateRequest()
        let path = "submissions/\(stored.reference)/events"
        let cases: [(String, String, HTTPResponse.Status, String)] = [
            ("unknown type", #"{"type":"depot"}"#, .unprocessableContent, "type-inconnu"),
            ("type missing", #"{"message":"x"}"#, .unprocessableContent, "requete-invalide"),
            ("type of the wrong kind", #"{"type":12}"#, .unprocessableContent, "requete-invalide"),
            ("message of the wrong kind", #"{"type":"message","message":["a"]}"#, .unprocessableContent, "requete-invalide"),
            ("message without text", #"{"type":"message"}"#, .unprocessableContent, "evenement-invalide"),
            ("incomplet without deadline", #"{"type":"incomplet","message":"x"}"#, .unprocessableContent, "evenement-invalide"),
            ("incomplet with a past deadline", #"{"type":"incomplet","message":"x","date_limite":"2001-01-01"}"#, .unprocessableContent, "evenement-invalide"),
            ("deadline on another type", #"{"type":"en-cours","date_limite":"2099-01-01"}"#, .unprocessableContent, "evenement-invalide"),
            ("unknown member", #"{"type":"en-cours","statut":"x"}"#, .unprocessableContent, "requete-invalide"),
            ("control characters", #"{"type":"message","message":"a\u0007b"}"#, .unprocessableContent, "evenement-invalide"),
            ("not an object", #"["en-cours"]"#, .unprocessableContent, "requete-invalide"),
            ("malformed JSON", #"{"type":"en-cours""#, .badRequest, "json-invalide"),
            ("empty body", "", .badRequest, "json-invalide"),
        ]
        for (name, body, status, code) in cases {
            let response = await fixture.post(path, secret, json: body)
            #expect(response.head.status == status, "\(name): \(response.text)")
            let answer = object(response)
            #expect(answer["erreur"] as? String == code, "\(name): \(response.text)")
            let message = answer["message"] as? String ?? ""
            #expect(message.count > 20 && message.contains(where: { "éèàâêôùç’«".contains($0) }), "\(name): French message expected, got \(message)")
        }
        #expect(try fixture.queue.find(reference: stored.reference)?.events.map(\.kind) == ["depot"])
        // A message longer than the queue's limit, and a body past 64 Kio.
        let long = String(repeating: "é", count: BackOfficeLimits.messageCharacters + 1)
        #expect(await fixture.post(path, secret, json: #"{"type":"message","message":"\#(long)"}"#).head.status == .unprocessableContent)
        let huge = String(repeating: "a", count: 70_000)
        let tooLarge = await fixture.post(path, secret, json: #"{"type":"message","message":"\#(huge)"}"#)
        #expect(tooLarge.head.status == .contentTooLarge && object(tooLarge)["erreur"] as? String == "trop-volumineux")
        // Other media types.
        let form = await fixture.call(.post, path, secret: secret, body: Array("type=en-cours".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(form.head.status == .unsupportedMediaType && object(form)["erreur"] as? String == "type-de-contenu")
        let latin1 = await fixture.call(.post, path, secret: secret, body: Array(#"{"type":"en-cours"}"#.utf8), contentType: "application/json; charset=iso-8859-1")
        #expect(latin1.head.status == .unsupportedMediaType)
        let noType = await fixture.call(.post, path, secret: secret, body: Array(#"{"type":"en-cours"}"#.utf8), contentType: nil)
        #expect(noType.head.status == .unsupportedMediaType)
        let withCharset = await fixture.call(.post, path, secret: secret, body: Array(#"{"type":"en-cours"}"#.utf8), contentType: "application/json; charset=UTF-8")
        #expect(withCharset.head.status == .created, "\(withCharset.text)")
    }

    // MARK: - Requests taken by agents

    func contactValues(_ fixture: APIFixture) -> String {
        let reply = fixture.site.forms["contact"]!.fields.first { $0.id == "reponse" }!.options[0].value
        return """
            {"objet":"question-demarche","message":"Bonjour,\\r\\nÀ quelle heure ouvre la mairie le samedi ?\\r\\nMerci.",
             "reponse":"\(reply)","nom":"Dupont-Lefèvre","prenom":"Élise",
             "adresse":{"voie":"12 rue des Tilleuls","complement":null,"code_postal":"12345","commune":"Brémonval"},
             "courriel":"elise.dupont@example.org","telephone":""}
            """
    }

    @Test func aCounterRequestGetsAReferenceAndAWorkingReceipt() async throws {
        let fixture = try APIFixture()
        let secret = try fixture.token(["accueil"], scopes: [.pull, .submit])
        let response = await fixture.post("submissions", secret, json: """
            {"formulaire":"contact","canal":"guichet","valeurs":\(contactValues(fixture))}
            """)
        #expect(response.head.status == .created, "\(response.text)")
        let answer = object(response)
        let reference = try #require(answer["reference"] as? String)
        let key = try #require(answer["cle"] as? String)
        #expect(ReferenceCode.isValid(reference))
        #expect(answer["suivi"] as? String == "http://127.0.0.1:8080/guichet/suivi/\(reference)?cle=\(key)")
        #expect(response.head.headerFields[.location] == "http://127.0.0.1:8080/guichet/api/v1/submissions/\(reference)")

        let receipt = await fixture.base.get("/guichet/suivi/\(reference)?cle=\(key)")
        #expect(receipt.head.status == .ok)
        #expect(receipt.text.contains(reference) && receipt.text.contains("Accueil du public (au guichet)"))
        #expect(receipt.text.contains("12345 Brémonval"))

        // Stored exactly as the same answers sent on the web are.
        let (web, _) = try await fixture.webContact()
        let api = try #require(try fixture.queue.find(reference: reference))
        let browser = try #require(try fixture.queue.find(reference: web))
        #expect(api.channel == .guichet && browser.channel == .web)
        func canonical(_ text: String, without key: String? = nil) throws -> String {
            var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            if let key { #expect(object.removeValue(forKey: key) != nil) }
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        #expect(try canonical(api.payloadJSON) == canonical(browser.payloadJSON, without: "piece-jointe"),
                "the same answers give the same payload")
        #expect(api.retentionDays == browser.retentionDays && api.formDigest == browser.formDigest)
        #expect(try fixture.queue.auditLog().contains { $0.action == "submit" && $0.reference == reference && $0.outcome == "guichet" })

        // The other channels, and the address given as its four controls, as the web sends it.
        for channel in ["telephone", "courrier", "courriel"] {
            let other = await fixture.post("submissions", secret, json: """
                {"formulaire":"contact","canal":"\(channel)","version":"\(fixture.site.forms["contact"]!.digest)","valeurs":{"objet":"question-demarche","message":"Par \(channel).","reponse":"\(fixture.site.forms["contact"]!.fields.first { $0.id == "reponse" }!.options[0].value)",
                 "nom":"Martin","prenom":"Paul","adresse-voie":"1 place de la Mairie","adresse-code-postal":"12345","adresse-commune":"Brémonval","courriel":"paul@example.org"}}
                """)
            #expect(other.head.status == .created, "\(channel): \(other.text)")
        }
    }

    @Test func anInvalidCounterRequestGetsTheWebFormsMessages() async throws {
        let fixture = try APIFixture()
        let secret = try fixture.token(["accueil", "etat-civil"], scopes: [.submit])
        let form = try #require(fixture.site.forms["contact"])
        let values: [String: [String]] = ["objet": ["question-demarche"], "message": [""], "nom": [""], "prenom": ["Élise"],
                                          "adresse-voie": ["12 rue des Tilleuls"], "adresse-code-postal": ["1234"],
                                          "adresse-commune": ["Brémonval"], "courriel": ["pas-une-adresse"], "reponse": ["nimporte"]]
        let expected = FormValidator.validate(form, FormSubmission(values: values), today: ParisDateTime(fixture.clock.now).date).errors
        #expect(expected.count >= 4)
        let body = """
            {"formulaire":"contact","canal":"telephone","valeurs":{"objet":"question-demarche","message":"","nom":"","prenom":"Élise",
             "adresse":{"voie":"12 rue des Tilleuls","code_postal":"1234","commune":"Brémonval"},"courriel":"pas-une-adresse","reponse":"nimporte"}}
            """
        let response = await fixture.post("submissions", secret, json: body)
        #expect(response.head.status == .unprocessableContent, "\(response.text)")
        let answer = object(response)
        #expect(answer["erreur"] as? String == "validation")
        let fields = try #require(answer["champs"] as? [[String: String]])
        #expect(fields.map { $0["champ"]! } == expected.map(\.fieldID))
        #expect(fields.map { $0["message"]! } == expected.map(\.message))
        #expect(try fixture.queue.count() == 0)

        // Shapes the web cannot send: an unknown field, a file, wrong types. Each is named.
        let odd = await fixture.post("submissions", secret, json: """
            {"formulaire":"contact","canal":"courrier","valeurs":{"inconnu":"x","piece-jointe":"a.pdf","nom":12,"prenom":{"a":1},"objet":["question-demarche",3]}}
            """)
        #expect(odd.head.status == .unprocessableContent)
        let oddFields = Dictionary(uniqueKeysWithValues: ((object(odd)["champs"] as? [[String: String]]) ?? []).map { ($0["champ"]!, $0["message"]!) })
        #expect(oddFields["inconnu"]?.contains("n’a pas de champ") == true)
        #expect(oddFields["piece-jointe"]?.contains("pièces jointes") == true)
        #expect(oddFields["nom"]?.contains("un nombre") == true && oddFields["prenom"]?.contains("un objet") == true)
        #expect(oddFields["objet"] != nil)

        // Request shapes: form, channel, service of the token, scope.
        let cases: [(String, String, HTTPResponse.Status, String)] = [
            ("unknown form", #"{"formulaire":"nope","canal":"guichet","valeurs":{}}"#, .unprocessableContent, "formulaire-inconnu"),
            ("web channel", #"{"formulaire":"contact","canal":"web","valeurs":{}}"#, .unprocessableContent, "canal-invalide"),
            ("no channel", #"{"formulaire":"contact","valeurs":{}}"#, .unprocessableContent, "canal-invalide"),
            ("no values", #"{"formulaire":"contact","canal":"guichet"}"#, .unprocessableContent, "requete-invalide"),
            ("old version", #"{"formulaire":"contact","canal":"guichet","version":"abc","valeurs":{}}"#, .conflict, "version-perimee"),
            ("service not covered", #"{"formulaire":"signalement-voirie","canal":"guichet","valeurs":{}}"#, .forbidden, "service-non-autorise"),
            ("files", #"{"formulaire":"contact","canal":"guichet","valeurs":{},"fichiers":[]}"#, .unprocessableContent, "requete-invalide"),
        ]
        for (name, body, status, code) in cases {
            let response = await fixture.post("submissions", secret, json: body)
            #expect(response.head.status == status && object(response)["erreur"] as? String == code, "\(name): \(response.text)")
        }
        let readOnly = try fixture.token(["accueil"], scopes: [.pull])
        let refused = await fixture.post("submissions", readOnly, json: #"{"formulaire":"contact","canal":"guichet","valeurs":{}}"#)
        #expect(refused.head.status == .forbidden && object(refused)["erreur"] as? String == "droit-manquant")
        #expect(try fixture.queue.count() == 0)
    }

    // MARK: - Authentication, scopes, limits, parameters

    @Test func everyCallNeedsAValidTokenWithTheRightScope() async throws {
        let fixture = try APIFixture()
        let secret = try fixture.token(["etat-civil"], scopes: [.pull])
        let stored = try await fixture.birthCertificateRequest()
        let paths = ["submissions?status=nouvelle", "submissions?after=0", "submissions/\(stored.reference)",
                     "submissions/\(stored.reference)/attachments/1", "nowhere"]
        let revoked = try fixture.queue.createToken(name: "ancien", services: ["etat-civil"])
        try fixture.queue.revokeToken(id: revoked.token.id)
        let wrong = "gch_" + String(repeating: "a", count: 52)
        for path in paths {
            for (name, headers) in [("none", HTTPFields()), ("basic", [.authorization: "Basic YTpi"]), ("empty bearer", [.authorization: "Bearer "]),
                                    ("unknown", [.authorization: "Bearer \(wrong)"]), ("revoked", [.authorization: "Bearer \(revoked.secret)"]),
                                    ("truncated", [.authorization: "Bearer \(secret.dropLast())"])] as [(String, HTTPFields)] {
                let response = await fixture.call(.get, path, secret: nil, headers: headers)
                #expect(response.head.status == .unauthorized, "\(path) \(name): \(response.text)")
                #expect(response.head.headerFields[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(object(response)["erreur"] as? String == "authentification")
            }
        }
        // The scheme is case-insensitive.
        #expect(await fixture.call(.get, "submissions?after=0", secret: nil, headers: [.authorization: "bearer \(secret)"]).head.status == .ok)
        // pull only: no ack, no events, no submissions.
        for (path, body) in [("submissions/\(stored.reference)/ack", "{}"), ("submissions/\(stored.reference)/events", #"{"type":"en-cours"}"#),
                             ("submissions", #"{"formulaire":"contact","canal":"guichet","valeurs":{}}"#)] {
            let response = await fixture.post(path, secret, json: body)
            #expect(response.head.status == .forbidden && object(response)["erreur"] as? String == "droit-manquant", "\(path): \(response.text)")
        }
        #expect(try fixture.queue.find(reference: stored.reference)?.acknowledgedAt == nil)
        // Every call is in the audit log, refused ones included, and nothing personal is in it.
        let log = try fixture.queue.auditLog(limit: 1000)
        #expect(log.contains { $0.action == "auth" && $0.tokenID == nil && $0.outcome == "refused" })
        #expect(log.contains { $0.action == "auth" && $0.outcome == "missing" })
        #expect(log.contains { $0.action == "ack" && $0.outcome == "forbidden" && $0.reference == stored.reference })
        #expect(log.contains { $0.action == "find" && $0.outcome == "ok" || $0.action == "list" })
        #expect(!log.contains { [$0.action, $0.outcome, $0.reference ?? ""].joined().contains("Martin") })
    }

    @Test func aTokenIsRateLimited() async throws {
        let fixture = try APIFixture()
        let secret = try fixture.token(["etat-civil"])
        let other = try fixture.token(["accueil"])
        fixture.clock.step = 0
        for index in 0..<60 {
            let response = await fixture.get("submissions?after=0", secret)
            #expect(response.head.status == .ok, "call \(index)")
        }
        let limited = await fixture.get("submissions?after=0", secret)
        #expect(limited.head.status == .tooManyRequests)
        #expect(limited.head.headerFields[.retryAfter] == "1")
        #expect(object(limited)["erreur"] as? String == "trop-de-requetes")
        // Another token is not affected; the bucket refills with time.
        #expect(await fixture.get("submissions?after=0", other).head.status == .ok)
        fixture.clock.advance(0.1)
        #expect(await fixture.get("submissions?after=0", secret).head.status == .ok)
        #expect(try fixture.queue.auditLog(limit: 500).filter { $0.outcome == "rate-limited" }.count == 1)
    }

    /// Under CGI every request is a new process with full buckets: the limit is then counted
    /// in the audit log, whichever process served the calls.
    @Test func aTokenIsRateLimitedAcrossProcessesUnderCGI() async throws {
        let fixture = try APIFixture()
        let secret = try fixture.token(["etat-civil"])
        let start = fixture.clock.now
        func freshProcess(at offset: TimeInterval) async -> GatewayResponse {
            // A new core each time, as a new CGI process: 1 call per second, 60 in a minute.
            let core = GatewayCore(site: GatewayFixture.site, queue: fixture.queue,
                                   apiState: BackOfficeAPIState(rate: 1, burst: 5, countsInDatabase: true),
                                   now: { start.addingTimeInterval(offset) })
            let head = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: "/guichet/api/v1/submissions?after=0",
                                   headerFields: [.authorization: "Bearer \(secret)"])
            return await core.handle(GatewayRequest(head: head))
        }
        for call in 0..<60 {
            #expect(await freshProcess(at: Double(call) * 0.5).head.status == .ok, "call \(call)")
        }
        let limited = await freshProcess(at: 30.5)
        #expect(limited.head.status == .tooManyRequests)
        #expect(limited.head.headerFields[.retryAfter] == "60")
        // A minute after the first calls, the oldest have left the window.
        #expect(await freshProcess(at: 95).head.status == .ok)
    }

    @Test func badParametersAreRefusedWith400() async throws {
        let fixture = try APIFixture()
        let secret = try fixture.token(["etat-civil"])
        for query in ["limit=0", "limit=101", "limit=abc", "limit=-1", "limit=+5", "lease=9", "lease=86401", "lease=1e3",
                      "status=inconnu", "after=abc", "after=-1", "after=0&lease=60", "after=0&status=nouvelle",
                      "form=inconnu", "service=inconnu", "limit=5&limit=6", "couleur=bleu", "after=%FF"] {
            let response = await fixture.get("submissions?\(query)", secret)
            #expect(response.head.status == .badRequest, "\(query): \(response.text)")
            #expect(object(response)["erreur"] as? String == "parametre-invalide", "\(query)")
        }
        for query in ["limit=1", "limit=100", "lease=10", "lease=86400", "after=", "after=0&limit=100", "status=nouvelle&form=acte-de-naissance&service=etat-civil"] {
            #expect(await fixture.get("submissions?\(query)", secret).head.status == .ok, "\(query)")
        }
        // Refused calls are in the audit log too (without what was sent).
        let refusals = try fixture.queue.auditLog(limit: 1000).filter { $0.outcome == "invalid" }
        #expect(Set(refusals.map(\.action)) == ["pull", "list"] && refusals.count == 18)
        let wrongMethod = await fixture.call(.delete, "submissions", secret: secret)
        #expect(wrongMethod.head.status == .methodNotAllowed && wrongMethod.head.headerFields[.allow] == "GET, POST")
        #expect(await fixture.call(.get, "submissions/ABC/ack", secret: secret).head.status == .methodNotAllowed)
        #expect(await fixture.get("/guichet/api/v2/submissions", secret).head.status == .notFound)
        #expect(await fixture.get("submissions/7KM-4QX-29W/attachments/abc", secret).head.status == .notFound)
        #expect(await fixture.get("submissions/%ZZ", secret).head.status == .notFound)
    }

    // MARK: - Attachments

    @Test func attachmentsComeWithTheirTypeNameAndDigest() async throws {
        let fixture = try APIFixture()
        let secret = try fixture.token(["accueil"])
        let (reference, _) = try await fixture.webContact(filename: "rapport final été (v2).pdf")
        let record = object(await fixture.get("submissions/\(reference)", secret))
        let attachment = try #require((record["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["field"] as? String == "piece-jointe")
        #expect(attachment["content_type"] as? String == "application/pdf")
        #expect(attachment["size"] as? Int == GatewayFixture.pdf.count)
        let sha = try #require(attachment["sha256"] as? String)
        let url = try #require(attachment["url"] as? String)
        #expect(url.hasPrefix("http://127.0.0.1:8080/guichet/api/v1/submissions/\(reference)/attachments/"))
        #expect(record["payload"] is [String: Any], "the payload is an object, not a string")

        let response = await fixture.get(String(url.dropFirst("http://127.0.0.1:8080".count)), secret)
        #expect(response.head.status == .ok && response.body == GatewayFixture.pdf)
        #expect(response.head.headerFields[.contentType] == "application/pdf")
        let disposition = try #require(response.head.headerFields[.contentDisposition])
        #expect(disposition.hasPrefix("attachment; filename=\""))
        #expect(disposition.contains("filename*=UTF-8''"))
        let quoted = disposition.split(separator: "\"")
        #expect(quoted.count == 3, "one quoted fallback name, no stray quote: \(disposition)")
        #expect(!disposition.contains("\\") && !disposition.contains("\r") && !disposition.contains("\n"))
        let digest = try #require(BackOfficeAPI.base64(hex: sha))
        #expect(response.head.headerFields[HTTPField.Name("Repr-Digest")!] == "sha-256=:\(digest):")
        #expect(response.head.headerFields[HTTPField.Name("Digest")!] == "sha-256=\(digest)")
        #expect(response.head.headerFields[.xContentTypeOptions] == "nosniff")
    }

    @Test func contentDispositionIsSafe() {
        for (name, fallback) in [("a.pdf", "a.pdf"), ("été.pdf", "_t_.pdf"), ("../../etc/passwd", "passwd"), ("a\"b\r\nX: y.pdf", "a_bX: y.pdf"),
                                 ("", "piece-jointe"), ("..", "piece-jointe"), ("100%.pdf", "100_.pdf")] {
            let header = BackOfficeAPI.contentDisposition(name)
            #expect(header.hasPrefix("attachment; filename=\"\(fallback)\"; filename*=UTF-8''"), "\(name): \(header)")
            #expect(header.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 }, "\(name): \(header)")
        }
        #expect(BackOfficeAPI.contentDisposition("été.pdf").hasSuffix("UTF-8''%C3%A9t%C3%A9.pdf"))
        #expect(BackOfficeAPI.safeMediaType("text/html\r\nX: y") == "application/octet-stream")
    }

    // MARK: - Hostile JSON

    @Test func hostileJSONIsRefusedCleanly() async throws {
        let fixture = try APIFixture()
        let secret = try fixture.token(["etat-civil", "accueil"])
        let stored = try await fixture.birthCertificateRequest()
        let events = "submissions/\(stored.reference)/events"
        let cases: [(String, [UInt8], HTTPResponse.Status)] = [
            ("deep arrays", Array(String(repeating: "[", count: 60_000).utf8), .badRequest),
            ("deep objects", Array((String(repeating: #"{"a":"#, count: 5_000) + "1" + String(repeating: "}", count: 5_000)).utf8), .badRequest),
            ("NUL escaped", Array(#"{"type":"message","message":"a\u0000b"}"#.utf8), .badRequest),
            ("NUL byte", Array(#"{"type":"message","message":"a"#.utf8) + [0] + Array(#"b"}"#.utf8), .badRequest),
            ("invalid UTF-8", Array(#"{"type":"message","message":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8), .badRequest),
            ("lone surrogate", Array(#"{"type":"message","message":"\ud800"}"#.utf8), .badRequest),
            ("duplicate key", Array(#"{"type":"message","type":"acceptee","message":"x"}"#.utf8), .badRequest),
            ("byte order mark", [0xEF, 0xBB, 0xBF] + Array(#"{"type":"en-cours"}"#.utf8), .badRequest),
            ("trailing data", Array(#"{"type":"en-cours"} {}"#.utf8), .badRequest),
            ("bad number", Array(#"{"type":"message","message":"x","n":01}"#.utf8), .badRequest),
            ("single quotes", Array("{'type':'en-cours'}".utf8), .badRequest),
            ("10 MB", Array(repeating: UInt8(ascii: " "), count: 10 * 1024 * 1024), .contentTooLarge),
            ("wrong types", Array(#"{"type":true,"message":null}"#.utf8), .unprocessableContent),
            ("number as type", Array(#"{"type":1e999999}"#.utf8), .unprocessableContent),
        ]
        for (name, body, status) in cases {
            let response = await fixture.call(.post, events, secret: secret, body: body)
            #expect(response.head.status == status, "\(name): \(response.text.prefix(300))")
            #expect(object(response)["message"] is String, "\(name)")
        }
        // The same on the submission route (its limit is 1 Mio).
        let huge = await fixture.call(.post, "submissions", secret: secret, body: Array(repeating: UInt8(ascii: " "), count: 10 * 1024 * 1024))
        #expect(huge.head.status == .contentTooLarge)
        let deep = await fixture.call(.post, "submissions", secret: secret,
                                      body: Array((#"{"formulaire":"contact","canal":"guichet","valeurs":{"nom":"# + String(repeating: "[", count: 50_000)).utf8))
        #expect(deep.head.status == .badRequest)
        let manyValues = "{" + (0..<600).map { #""nom\#($0)":"x""# }.joined(separator: ",") + "}"
        let many = await fixture.post("submissions", secret, json: #"{"formulaire":"contact","canal":"guichet","valeurs":\#(manyValues)}"#)
        #expect(many.head.status == .unprocessableContent || many.head.status == .contentTooLarge, "\(many.text.prefix(200))")
        let nested = await fixture.post("submissions", secret, json: #"{"formulaire":"contact","canal":"guichet","valeurs":{"nom":[["Martin"]]}}"#)
        #expect(nested.head.status == .unprocessableContent)
        #expect(try fixture.queue.find(reference: stored.reference)?.events.map(\.kind) == ["depot"])
        #expect(try fixture.queue.count() == 1)
    }

    @Test func jsonReaderAndWriterRoundTrip() {
        let text = #"{"a":[1,-0.5e+3,true,false,null],"é":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","":{}}"#
        guard case .success(let value) = APIJSON.read(Array(text.utf8)) else { Issue.record("not read"); return }
        #expect(value["é"] == .string("\"\\/\u{8}\u{C}\n\r\té😀"))
        let written = value.bytes
        guard case .success(let again) = APIJSON.read(written) else { Issue.record("not read again"); return }
        #expect(again == value)
        #expect(String(decoding: APIJSON.string("a\u{1}\u{7F}").bytes, as: UTF8.self) == #""a\u0001\u007f""#)
    }
}

extension ISO8601DateFormatter {
    static var withMilliseconds: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
