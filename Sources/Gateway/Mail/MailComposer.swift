import Foundation
import GuichetModel
import Notifications
import Queue
import Rendering

/// Composes the e-mails of the outbox with the site's configuration and `Theme/` templates
/// (`mail` and `mail-text`): the *accusé d'enregistrement* at submission, then one message per
/// status change or message of the service. From: the authority (the `from` address of
/// `guichet.yaml`); Reply-To: the handling service.
///
/// Only what the citizen needs to follow the request: reference, dates, form, service, the
/// service's message. Never the answers of the form nor any attachment.
public struct MailComposer: MailComposing {
    let site: GatewaySite
    let settings: MailSettings
    /// Scheme and host of the links (`https://www.ville.fr`); the site's `base_url` unless the
    /// gateway is served elsewhere (the local preview).
    let publicOrigin: String

    public var envelopeSender: String { settings.from }

    public init(site: GatewaySite, settings: MailSettings, publicOrigin: String? = nil) {
        self.site = site
        self.settings = settings
        var origin = publicOrigin ?? site.config.baseURL
        if let url = URLComponents(string: origin), let scheme = url.scheme, let host = url.host {
            origin = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        }
        self.publicOrigin = origin
    }

    public func message(for job: MailJob) throws -> MailMessage {
        let record = job.record
        let config = site.config
        let form = site.forms[record.formID]
        let service = config.service(id: record.serviceID)
            ?? Service(id: record.serviceID, name: config.authority.name, email: config.authority.email,
                       phone: config.authority.phone, address: config.authority.address.singleLine, hours: "")
        let received = ParisDateTime(record.receivedAt)
        let procedure = form?.procedure
        let isDemande = procedure?.kind == .demande
        let silenceDate = isDemande ? procedure?.delay.map { received.date.adding($0) } : nil
        let noun = ReceiptView.nouns(procedure?.kind).noun

        let occasion: MailView.Occasion
        let subject: String
        switch job.content {
        case let .registration(key):
            occasion = .registration(trackingURL: publicOrigin + site.prefix + "/suivi/" + record.reference + "?cle=" + key)
            subject = record.channel == .web ? "Accusé d’enregistrement de votre \(noun) \(record.reference)"
                : "Enregistrement de votre \(noun) \(record.reference)"
        case let .event(event):
            occasion = .event(kind: event.kind, date: ParisDateTime(event.at).date.french, message: event.message,
                              deadline: Self.deadline(event.data)?.french)
            subject = "Votre \(noun) \(record.reference) : \(Self.subjectLabel(event.kind))"
        }
        let view = MailView(
            subject: "\(subject) – \(config.authority.name)", authority: config.authority,
            siteURL: publicOrigin + site.frame.published("/"),
            privacyURL: publicOrigin + site.frame.published("/donnees-personnelles/"),
            reference: record.reference, receivedAt: received.french, formTitle: form?.title ?? record.formID,
            service: ReceiptView.ServiceView(service), kind: procedure?.kind,
            isElectronicSubmission: record.channel == .web, occasion: occasion,
            acknowledgementDue: isDemande ? FrenchCalendar.addingWorkingDays(10, to: received.date).french : nil,
            implicitDecision: procedure?.implicitDecision, silenceDate: silenceDate?.french,
            silenceDelay: procedure?.delay?.description, appealRoutes: isDemande ? procedure?.appealRoutes ?? [] : [])
        let (text, html) = site.theme.renderMail(view)
        let domain = settings.from.split(separator: "@").last.map(String.init) ?? "guichet.invalid"
        return MailMessage(
            from: Mailbox(name: config.authority.name, address: settings.from),
            to: [Mailbox(address: job.recipient)],
            replyTo: Mailbox(name: service.name, address: service.email),
            subject: view.subject, textBody: text, htmlBody: html,
            messageID: "\(job.item.id).\(record.reference).guichet@\(domain)",
            date: Date(),
            extraHeaders: [("Auto-Submitted", "auto-generated"), ("X-Auto-Response-Suppress", "All")])
    }

    /// `date_limite` of an event's data ("AAAA-MM-JJ"), if any.
    static func deadline(_ data: String?) -> SimpleDate? {
        guard let data, let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any],
              let text = object["date_limite"] as? String else { return nil }
        return SimpleDate(iso: text)
    }

    static func subjectLabel(_ kind: String) -> String {
        switch kind {
        case "accuse-de-reception": return "accusé de réception"
        case "incomplet": return "dossier incomplet"
        case "en-cours": return "instruction en cours"
        case "acceptee": return "décision favorable"
        case "refusee": return "décision défavorable"
        case "sans-suite": return "classement sans suite"
        case "message": return "message du service"
        default: return GatewayWording.event(kind)
        }
    }
}
