import Accessibility
import Foundation
import Gateway
import GuichetModel
import Notifications
import Queue
import Testing

/// The e-mails of the demo site, composed from real queue rows (a submission with an address,
/// then every kind of event), as the sender composes them.
@Suite struct MailComposerTests {
    static let settings = MailSettings(from: "ne-pas-repondre@bremonval.example", transport: .directory(path: "/tmp/inutilise"))

    /// A request of `formID` stored with an address, each event of `events` added, and the
    /// jobs of its e-mails in order (the receipt first).
    static func jobs(formID: String, events: [(EventKind, String?, String?)]) throws -> (GatewayFixture, [MailJob]) {
        let fixture = try GatewayFixture()
        let form = try #require(fixture.site.forms[formID])
        let stored = try fixture.queue.submitNow(NewSubmission(
            formID: form.id, formDigest: form.digest, serviceID: form.service, channel: .web,
            payloadJSON: #"{"nom":"Réponse-Confidentielle","prenom":"Élise"}"#, retentionDays: 365,
            notifyEmail: "elise.dupont@example.org"))
        let token = try fixture.queue.createToken(name: "Service", services: [form.service]).token
        for (kind, message, data) in events {
            try fixture.queue.addEvent(reference: stored.reference, token: token, kind: kind, message: message, data: data)
        }
        let items = try fixture.queue.claimOutbox(kind: "mail", limit: 50)
        return (fixture, try items.map { try #require(try fixture.queue.mailJob(for: $0)) })
    }

    static func compose(_ fixture: GatewayFixture, _ job: MailJob) throws -> MailMessage {
        try MailComposer(site: fixture.site, settings: settings).message(for: job)
    }

    /// The HTML part passes the checker of the published pages, and goes to the oracles
    /// (Nu validator, axe-core) of `make test` with the gateway's pages.
    static func expectAccessible(_ message: MailMessage, name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let findings = try AccessibilityChecker.check(html: message.htmlBody, path: name) { _ in nil }
        let failures = findings.filter { $0.status == .nonConforme }
        #expect(failures.isEmpty, "\(name): \(failures.map { "\($0.test) l.\($0.line ?? 0) \($0.message)" })", sourceLocation: sourceLocation)
        if let folder = ProcessInfo.processInfo.environment["GUICHET_GATEWAY_PAGES"] {
            let url = URL(fileURLWithPath: folder)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try Data(message.htmlBody.utf8).write(to: url.appendingPathComponent("\(name).html"))
        }
    }

    @Test func theAccuseDEnregistrementOfADemande() throws {
        let (fixture, jobs) = try Self.jobs(formID: "acte-de-naissance", events: [])
        let job = try #require(jobs.first)
        guard case let .registration(key) = job.content else { Issue.record("not a receipt: \(job.content)"); return }
        let message = try Self.compose(fixture, job)
        let reference = job.record.reference
        #expect(message.subject == "Accusé d’enregistrement de votre demande \(reference) – Ville de Brémonval")
        #expect(message.from == Mailbox(name: "Ville de Brémonval", address: "ne-pas-repondre@bremonval.example"))
        #expect(message.to == [Mailbox(address: "elise.dupont@example.org")])
        #expect(message.replyTo == Mailbox(name: "Service état civil", address: "etat-civil@bremonval.example"))
        #expect(message.extraHeaders.contains { $0.name == "Auto-Submitted" && $0.value == "auto-generated" })
        let received = ParisDateTime(job.record.receivedAt)
        let due = FrenchCalendar.addingWorkingDays(10, to: received.date).french
        let silence = received.date.adding(months: 2).french
        for part in [message.textBody, message.htmlBody] {
            #expect(part.contains("https://www.bremonval.example/guichet/suivi/\(reference)?cle=\(key)"))
            #expect(part.contains(received.french))
            #expect(part.contains("article L112-11"))
            #expect(part.contains("au plus tard le \(due)"))
            #expect(part.contains(silence) && part.contains("acceptée"))
            #expect(part.contains("01 99 00 10 10"))
            // What the citizen answered stays in the queue, not in a mailbox.
            #expect(!part.contains("Réponse-Confidentielle"))
        }
        #expect(!message.textBody.contains("&") && !message.textBody.contains("<p>"), "the text part is not HTML-escaped")
        try Self.expectAccessible(message, name: "courriel-accuse-enregistrement")
    }

    @Test func everyEventOfADemandeHasItsMessage() throws {
        let (fixture, jobs) = try Self.jobs(formID: "acte-de-naissance", events: [
            (.accuseDeReception, nil, nil),
            (.incomplet, "Il manque la copie du livret de famille.", #"{"date_limite":"2099-12-15"}"#),
            (.enCours, nil, nil),
            (.message, "Votre acte est prêt.\nVenez le chercher à l’accueil.", nil),
            (.refusee, "La personne n’est pas née à Brémonval.", nil),
        ])
        #expect(jobs.count == 6)
        let messages = try jobs.dropFirst().map { try Self.compose(fixture, $0) }
        let reference = jobs[0].record.reference
        let subjects = messages.map(\.subject)
        #expect(subjects == ["accusé de réception", "dossier incomplet", "instruction en cours", "message du service", "décision défavorable"]
            .map { "Votre demande \(reference) : \($0) – Ville de Brémonval" })

        let acknowledgement = messages[0]
        let appeal = try #require(fixture.site.forms["acte-de-naissance"]?.procedure.appealRoutes.first)
        for part in [acknowledgement.textBody, acknowledgement.htmlBody] {
            #expect(part.contains("Accusé de réception de votre demande"))
            #expect(part.contains("décision implicite d’acceptation") && part.contains("L232-3"))
            #expect(part.contains(appeal.replacingOccurrences(of: "’", with: "’")))
            // The key is not kept after the receipt: later messages give the reference.
            #expect(!part.contains("?cle="))
        }
        #expect(messages[1].textBody.contains("15 décembre 2099") && messages[1].textBody.contains("L114-5"))
        #expect(messages[1].textBody.contains("> Il manque la copie du livret de famille."))
        #expect(messages[3].textBody.contains("> Votre acte est prêt.\n> Venez le chercher à l’accueil."))
        #expect(messages[3].htmlBody.contains("Votre acte est prêt.<br>Venez le chercher à l’accueil."))
        #expect(messages[4].textBody.contains("Voies et délais de recours") && messages[4].textBody.contains(appeal))
        #expect(Set(messages.map(\.messageID)).count == messages.count)
        for (message, name) in zip(messages, ["accuse-reception", "incomplet", "en-cours", "message", "refusee"]) {
            try Self.expectAccessible(message, name: "courriel-\(name)")
        }
    }

    @Test func aSignalementIsNotADemande() throws {
        let (fixture, jobs) = try Self.jobs(formID: "signalement-voirie", events: [(.acceptee, nil, nil)])
        let registration = try Self.compose(fixture, jobs[0])
        #expect(registration.subject.hasPrefix("Accusé d’enregistrement de votre signalement "))
        #expect(registration.textBody.contains("a bien été enregistré le"))
        #expect(!registration.textBody.contains("accusé de réception au plus tard"))
        let decision = try Self.compose(fixture, jobs[1])
        #expect(decision.textBody.contains("décision favorable"))
        try Self.expectAccessible(registration, name: "courriel-signalement")
    }

    @Test func aRequestTakenAtTheCounterIsConfirmedWithoutTheSVEMention() throws {
        let fixture = try GatewayFixture()
        let form = try #require(fixture.site.forms["acte-de-naissance"])
        _ = try fixture.queue.submitNow(NewSubmission(
            formID: form.id, formDigest: form.digest, serviceID: form.service, channel: .guichet,
            payloadJSON: "{}", retentionDays: 365, notifyEmail: "a@example.org"))
        let item = try #require(try fixture.queue.claimOutbox(kind: "mail", limit: 1).first)
        let message = try Self.compose(fixture, try #require(try fixture.queue.mailJob(for: item)))
        #expect(message.subject.hasPrefix("Enregistrement de votre demande "))
        #expect(!message.textBody.contains("L112-11") && message.textBody.contains("Ce courriel confirme que le service a enregistré votre demande."))
        #expect(message.textBody.hasPrefix("Ville de Brémonval\n\nEnregistrement de votre demande\n"))
    }

    @Test func theMessagesEncodeAsSevenBitMIME() throws {
        let (fixture, jobs) = try Self.jobs(formID: "contact", events: [(.message, "Réponse : « oui ».", nil)])
        for job in jobs {
            let bytes = try MIMEEncoder.encode(try Self.compose(fixture, job))
            #expect(bytes.allSatisfy { $0 < 0x80 }, "7-bit on the wire")
        }
    }
}
