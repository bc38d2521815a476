import Foundation
@testable import Gateway
import GRDB
import GuichetModel
import HTTPTypes
import Queue
import Testing

/// request → validate → store → respond, on the demo's forms and a real SQLite file.
@Suite struct SubmissionTests {
    @Test func validSubmissionIsStoredThenRedirectsToItsReceipt() async throws {
        let fixture = try GatewayFixture()
        let response = await fixture.post("contact", body: GatewayFixture.urlencoded(fixture.validContact()),
                                          headers: [.origin: "http://127.0.0.1:8080"])
        #expect(response.head.status == .seeOther, "\(response.text)")
        let location = try #require(response.location)
        #expect(location.hasPrefix("/guichet/suivi/"))
        let reference = String(location.dropFirst("/guichet/suivi/".count).prefix { $0 != "?" })
        #expect(ReferenceCode.isValid(reference))
        let key = try #require(location.split(separator: "=").last.map(String.init))
        #expect(key.count >= 22, "128 bits at least")

        let record = try #require(try fixture.queue.find(reference: reference, trackingKey: key))
        #expect(record.formID == "contact" && record.serviceID == fixture.site.forms["contact"]!.service)
        #expect(record.channel == .web)
        let today = ParisDateTime(record.receivedAt).date
        #expect(record.retentionDays == today.days(until: today.adding(fixture.site.forms["contact"]!.privacy.retention)))
        let payload = try JSONSerialization.jsonObject(with: Data(record.payloadJSON.utf8)) as! [String: Any]
        #expect(payload["nom"] as? String == "Dupont-Lefèvre")
        #expect((payload["adresse"] as? [String: Any])?["code_postal"] as? String == "12345")
        #expect(payload["guichet-version"] == nil && payload["guichet-site-web"] == nil, "only the form's fields are stored")

        let receipt = await fixture.get(location)
        #expect(receipt.head.status == .ok)
        #expect(receipt.head.headerFields[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
        #expect(receipt.head.headerFields[.cacheControl] == "no-store")
        let html = receipt.text
        #expect(html.contains(reference))
        #expect(html.contains("accusé d’enregistrement électronique"))
        #expect(html.contains("Dupont-Lefèvre") && html.contains("12345 Brémonval"))
        #expect(html.contains(fixture.site.config.services.first { $0.id == record.serviceID }!.name))
        #expect(html.contains("noindex"))
        try GatewayFixture.expectAccessible(receipt, name: "accuse-contact")
    }

    /// The FastCGI server calls `handle(_:completion:)`: a submission is answered from the
    /// queue's writer once committed, anything else through `handle(_:)`. The answers are the
    /// same (a second call of the completion would trap the continuation).
    @Test func theCompletionPathGivesTheSameAnswers() async throws {
        let fixture = try GatewayFixture()
        func answer(_ method: HTTPRequest.Method, _ path: String, body: [UInt8] = []) async -> GatewayResponse {
            let head = HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1:8080", path: path,
                                   headerFields: [.contentType: "application/x-www-form-urlencoded", .origin: "http://127.0.0.1:8080"])
            return await withCheckedContinuation { continuation in
                fixture.gateway.handle(GatewayRequest(head: head, body: body)) { continuation.resume(returning: $0) }
            }
        }
        let stored = await answer(.post, "/guichet/formulaires/contact", body: GatewayFixture.urlencoded(fixture.validContact()))
        #expect(stored.head.status == .seeOther, "\(stored.text)")
        let location = try #require(stored.location)
        let reference = String(location.dropFirst("/guichet/suivi/".count).prefix { $0 != "?" })
        let key = try #require(location.split(separator: "=").last.map(String.init))
        #expect(try fixture.queue.find(reference: reference, trackingKey: key) != nil, "answered once committed")

        // What is not stored: the very answer `handle(_:)` gives.
        let invalidBody = GatewayFixture.urlencoded(fixture.validContact().filter { $0.0 != "message" })
        let staleBody = GatewayFixture.urlencoded(fixture.validContact().map { $0.0 == "guichet-version" ? ($0.0, "ancienne") : $0 })
        for (method, path, body, status) in [(HTTPRequest.Method.post, "/guichet/formulaires/contact", invalidBody, HTTPResponse.Status.unprocessableContent),
                                             (.post, "/guichet/formulaires/contact", staleBody, .conflict),
                                             (.post, "/guichet/formulaires/inconnu", [], .notFound),
                                             (.get, location, [], .ok), (.get, "/guichet/formulaires/contact", [], .seeOther)] {
            let throughCompletion = await answer(method, path, body: body)
            let head = HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1:8080", path: path,
                                   headerFields: [.contentType: "application/x-www-form-urlencoded", .origin: "http://127.0.0.1:8080"])
            let direct = await fixture.gateway.handle(GatewayRequest(head: head, body: body))
            #expect(throughCompletion.head.status == status, "\(path)")
            #expect(throughCompletion.head.status == direct.head.status && throughCompletion.body == direct.body, "\(path)")
        }
        #expect(try fixture.queue.count() == 1)
    }

    /// A submission the queue cannot store gets a 503 saying nothing was stored and no receipt
    /// was given, on both paths (here the database refuses every new row).
    @Test func aSubmissionTheQueueCannotStoreGetsNoReceipt() async throws {
        let fixture = try GatewayFixture()
        let database = try DatabaseQueue(path: fixture.queue.path)
        try await database.write { db in
            try db.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON submissions BEGIN SELECT RAISE(ABORT, 'refused'); END")
        }
        let body = GatewayFixture.urlencoded(fixture.validContact())
        let head = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1:8080", path: "/guichet/formulaires/contact",
                               headerFields: [.contentType: "application/x-www-form-urlencoded"])
        let throughCompletion = await withCheckedContinuation { continuation in
            fixture.gateway.handle(GatewayRequest(head: head, body: body)) { continuation.resume(returning: $0) }
        }
        for response in [await fixture.post("contact", body: body), throughCompletion] {
            #expect(response.head.status == .serviceUnavailable)
            #expect(response.head.headerFields[.retryAfter] == "120")
            #expect(response.location == nil)
            #expect(response.text.contains("Rien n’a été enregistré et aucun accusé d’enregistrement n’a été délivré."))
            try GatewayFixture.expectAccessible(response, name: "enregistrement-impossible")
        }
        #expect(try fixture.queue.count() == 0)
    }

    @Test func aDemandeReceiptGivesTheLegalDatesAndAppealRoutes() async throws {
        let fixture = try GatewayFixture()
        let form = try #require(fixture.site.forms["acte-de-naissance"])
        #expect(form.procedure.kind == .demande)
        // Stored directly: the receipt is what is tested here, the form's own rules elsewhere.
        let stored = try await fixture.queue.submit(NewSubmission(
            formID: form.id, formDigest: form.digest, serviceID: form.service, channel: .web,
            payloadJSON: #"{"nom":"Martin"}"#, attachments: [], retentionDays: nil))
        let page = await fixture.get("/guichet/suivi/\(stored.reference)?cle=\(stored.trackingKey)")
        #expect(page.head.status == .ok)
        let received = ParisDateTime(stored.receivedAt).date
        let due = FrenchCalendar.addingWorkingDays(10, to: received)
        #expect(page.text.contains("au plus tard le \(due.french)"))
        #expect(page.text.contains(received.adding(form.procedure.delay!).french))
        #expect(page.text.contains("considérée comme <strong>acceptée</strong>"))
        for route in form.procedure.appealRoutes {
            #expect(page.text.contains(route.replacingOccurrences(of: "’", with: "’")))
        }
        try GatewayFixture.expectAccessible(page, name: "accuse-acte-de-naissance")
    }

    @Test func multipartWithAPDFStoresTheFileAndItsDigest() async throws {
        let fixture = try GatewayFixture()
        let body = GatewayFixture.multipart(fixture.validContact(), files: [
            .init(name: "piece-jointe", filename: "../../etc/Justificatif domicile.PDF", type: "application/pdf", bytes: GatewayFixture.pdf),
        ])
        let response = await fixture.post("contact", body: body, contentType: "multipart/form-data; boundary=----GuichetTest7MA4YWxkTrZu0gW")
        #expect(response.head.status == .seeOther, "\(response.text)")
        let reference = String(try #require(response.location).dropFirst("/guichet/suivi/".count).prefix { $0 != "?" })
        let record = try #require(try fixture.queue.find(reference: reference))
        let attachment = try #require(record.attachments.first)
        #expect(attachment.filename == "Justificatif domicile.PDF", "no folder part kept")
        #expect(attachment.contentType == "application/pdf")
        #expect(attachment.size == GatewayFixture.pdf.count)
        #expect(try fixture.queue.attachmentBytes(id: attachment.id) == GatewayFixture.pdf)
        let receipt = await fixture.get(response.location!)
        #expect(receipt.text.contains("Justificatif domicile.PDF"))
    }

    @Test func invalidSubmissionIsShownAgainWithErrorsAndNothingStored() async throws {
        let fixture = try GatewayFixture()
        var pairs = fixture.validContact().filter { $0.0 != "message" }
        pairs = pairs.map { $0.0 == "courriel" ? ("courriel", "elise.dupont@") : $0 }
        let response = await fixture.post("contact", body: GatewayFixture.urlencoded(pairs))
        #expect(response.head.status == .unprocessableContent)
        let html = response.text
        #expect(html.contains("<title>Erreur : "))
        #expect(html.contains("Il y a un problème"))
        #expect(html.contains("value=\"elise.dupont@\""), "values are kept")
        #expect(html.contains("value=\"Dupont-Lefèvre\""))
        #expect(html.contains("href=\"#message\""))
        #expect(try fixture.queue.count() == 0)
        try GatewayFixture.expectAccessible(response, name: "erreurs-contact")
    }

    @Test func aPageOlderThanTheFormIsShownAgainWithTheValuesAndANotice() async throws {
        let fixture = try GatewayFixture()
        let pairs = fixture.validContact().map { $0.0 == "guichet-version" ? ("guichet-version", "ancienne-version") : $0 }
        let response = await fixture.post("contact", body: GatewayFixture.urlencoded(pairs))
        #expect(response.head.status == .conflict)
        #expect(response.text.contains("a été mis à jour depuis que vous avez ouvert la page"))
        #expect(response.text.contains("value=\"Dupont-Lefèvre\""))
        #expect(response.text.contains("value=\"\(fixture.site.forms["contact"]!.digest)\""), "the new page carries the current version")
        #expect(try fixture.queue.count() == 0)
        try GatewayFixture.expectAccessible(response, name: "formulaire-modifie")
    }

    @Test func honeypotAndForeignOriginAreRefusedAndNothingStored() async throws {
        let fixture = try GatewayFixture()
        let robot = fixture.validContact().map { $0.0 == "guichet-site-web" ? ("guichet-site-web", "https://spam.example") : $0 }
        let trapped = await fixture.post("contact", body: GatewayFixture.urlencoded(robot))
        #expect(trapped.head.status == .badRequest)
        try GatewayFixture.expectAccessible(trapped, name: "refus-robot")

        let forged = await fixture.post("contact", body: GatewayFixture.urlencoded(fixture.validContact()),
                                        headers: [.origin: "https://evil.example"])
        #expect(forged.head.status == .forbidden)
        #expect(forged.text.contains("depuis un autre site"))
        try GatewayFixture.expectAccessible(forged, name: "refus-origine")
        let nullOrigin = await fixture.post("contact", body: GatewayFixture.urlencoded(fixture.validContact()), headers: [.origin: "null"])
        #expect(nullOrigin.head.status == .forbidden)
        let forgedReferer = await fixture.post("contact", body: GatewayFixture.urlencoded(fixture.validContact()),
                                               headers: [.referer: "https://evil.example/page"])
        #expect(forgedReferer.head.status == .forbidden)
        #expect(try fixture.queue.count() == 0)

        // A host without its port (Debian's fastcgi_params: HTTP_HOST $host) still matches its own origin.
        let portless = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1", path: "/guichet/formulaires/contact",
                                   headerFields: [.contentType: "application/x-www-form-urlencoded", .origin: "http://127.0.0.1:8080"])
        let throughDebianParams = await fixture.gateway.handle(GatewayRequest(head: portless, body: GatewayFixture.urlencoded(fixture.validContact())))
        #expect(throughDebianParams.head.status == .seeOther)
        let otherHost = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1", path: "/guichet/formulaires/contact",
                                    headerFields: [.contentType: "application/x-www-form-urlencoded", .origin: "http://evil.example:8080"])
        #expect(await fixture.gateway.handle(GatewayRequest(head: otherHost, body: GatewayFixture.urlencoded(fixture.validContact()))).head.status == .forbidden)

        let siteOrigin = SitePaths.origin(of: fixture.site.config.baseURL)
        let fromSite = await fixture.post("contact", body: GatewayFixture.urlencoded(fixture.validContact()), headers: [.origin: siteOrigin])
        #expect(fromSite.head.status == .seeOther)
    }

    @Test func receiptNeedsItsKeyAndDoesNotTellWhichPartIsWrong() async throws {
        let fixture = try GatewayFixture()
        let response = await fixture.post("contact", body: GatewayFixture.urlencoded(fixture.validContact()))
        let location = try #require(response.location)
        let withoutKey = String(location.prefix { $0 != "?" })
        let wrongKey = await fixture.get(withoutKey + "?cle=AAAAAAAAAAAAAAAAAAAAAAAAAA")
        let noKey = await fixture.get(withoutKey)
        let unknown = await fixture.get("/guichet/suivi/222-222-222?cle=AAAA")
        let garbage = await fixture.get("/guichet/suivi/%00%FF..%2F?cle=\(String(repeating: "x", count: 5_000))")
        for answer in [wrongKey, noKey, unknown, garbage] {
            #expect(answer.head.status == .notFound)
            #expect(answer.text == wrongKey.text, "the same page whatever is wrong")
        }
        #expect(!wrongKey.text.contains("Dupont"))
        try GatewayFixture.expectAccessible(wrongKey, name: "accuse-introuvable")
        // Lowercase and without dashes, as people type it.
        let reference = withoutKey.dropFirst("/guichet/suivi/".count)
        let typed = await fixture.get("/guichet/suivi/\(reference.lowercased().replacingOccurrences(of: "-", with: ""))?\(location.split(separator: "?")[1])")
        #expect(typed.head.status == .ok)
    }

    @Test func routesOutsideTheGatewayAreAnsweredCleanly() async throws {
        let fixture = try GatewayFixture()
        #expect(await fixture.get("/guichet/formulaires/contact").head.status == .seeOther)
        #expect(await fixture.get("/guichet/formulaires/contact").location == "/formulaires/contact/")
        let unknownForm = await fixture.post("inconnu", body: GatewayFixture.urlencoded(fixture.validContact()))
        #expect(unknownForm.head.status == .notFound)
        try GatewayFixture.expectAccessible(unknownForm, name: "introuvable")
        #expect(await fixture.get("/ailleurs").head.status == .notFound)
        let put = await fixture.gateway.handle(GatewayRequest(head: HTTPRequest(method: .put, scheme: "http", authority: "x",
                                                                                 path: "/guichet/formulaires/contact")))
        #expect(put.head.status == .methodNotAllowed)
        #expect(put.head.headerFields[.allow] == "GET, HEAD, POST")
    }
}
