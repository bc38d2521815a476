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
        let facts = RequestFacts(record, site: site)
        let noun = ReceiptView.nouns(facts.procedure?.kind).noun

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
            subject = "Votre \(noun) \(record.reference) : \(GatewayWording.event(event.kind))"
        }
        let view = MailView(
            subject: "\(subject) – \(config.authority.name)", authority: config.authority,
            siteURL: publicOrigin + site.frame.published("/"),
            privacyURL: publicOrigin + site.frame.published("/donnees-personnelles/"),
            reference: record.reference, receivedAt: facts.received.french, formTitle: facts.form?.title ?? record.formID,
            service: ReceiptView.ServiceView(facts.service), kind: facts.procedure?.kind,
            isElectronicSubmission: record.channel == .web, occasion: occasion,
            acknowledgementDue: facts.acknowledgementDue?.french, implicitDecision: facts.procedure?.implicitDecision,
            silenceDate: facts.silenceDate?.french, silenceDelay: facts.procedure?.delay?.description,
            appealRoutes: facts.appealRoutes)
        let (text, html) = site.theme.renderMail(view)
        let domain = settings.from.split(separator: "@").last.map(String.init) ?? "guichet.invalid"
        return MailMessage(
            from: Mailbox(name: config.authority.name, address: settings.from),
            to: [Mailbox(address: job.recipient)],
            replyTo: Mailbox(name: facts.service.name, address: facts.service.email),
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
}
