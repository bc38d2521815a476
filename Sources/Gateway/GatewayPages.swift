import FormKit
import Foundation
import GuichetModel
import HTTPTypes
import Markdown
import Queue
import Rendering

/// Every page the gateway answers with, rendered with the site's own templates and frame.
struct GatewayPages: Sendable {
    let site: GatewaySite

    // MARK: - The form page, shown again

    /// The form's page as the build publishes it, with the citizen's values (never files: a
    /// browser cannot be given a file back) and either the errors to fix or a notice.
    func formPage(_ form: FormDefinition, values: [String: [String]], errors: [FieldError], notice: String? = nil) -> String {
        let formView = site.frame.formView(form, values: values, errors: errors.map { (id: $0.fieldID, message: $0.message) })
        var view = site.frame.pageView(title: form.title, url: SitePaths.formURL(form.id), description: nil,
                                       breadcrumb: site.frame.formBreadcrumb(form), content: introduction(form))
        view.pieces = form.piecesToPrepare
        view.hasPieces = !form.piecesToPrepare.isEmpty
        view.form = site.theme.renderForm(formView)
        view.showErrors(formView.errors)
        view.notice = notice
        return site.theme.renderPage(view, template: "page")
    }

    /// The form's introduction, with links to other pages written as editors write them
    /// (`../demarches/etat-civil.md`) published as the build publishes them. The build has
    /// already refused broken links, so only the rewriting is done here.
    func introduction(_ form: FormDefinition) -> String {
        guard let text = form.introduction else { return "" }
        return MarkdownRenderer.render(text) { link in
            let url = link.url
            guard !url.contains(":"), !url.hasPrefix("#"), !url.hasPrefix("//") else { return nil }
            var path = url
            var suffix = ""
            if let cut = path.firstIndex(where: { $0 == "#" || $0 == "?" }) {
                suffix = String(path[cut...])
                path = String(path[..<cut])
            }
            var segments: [Substring] = []
            for segment in path.split(separator: "/") {
                if segment == ".." { _ = segments.popLast() } else if segment != "." { segments.append(segment) }
            }
            let joined = segments.joined(separator: "/")
            let published = path.hasSuffix(".md") ? SitePaths.url(forSourcePath: "Content/" + joined) : "/" + joined
            return site.frame.published(published) + suffix
        }.html
    }

    // MARK: - The receipt

    func receiptPage(_ record: SubmissionRecord, trackingURL: String, mail: MailNotice? = nil) -> String {
        let facts = RequestFacts(record, site: site)
        let form = facts.form
        var receipt = ReceiptView(
            reference: record.reference, receivedAt: facts.received.french, receivedAtISO: facts.received.iso8601,
            formTitle: form?.title ?? record.formID, formURL: site.frame.published(SitePaths.formURL(record.formID)),
            channel: GatewayWording.channel(record.channel), service: ReceiptView.ServiceView(facts.service),
            kind: facts.procedure?.kind, acknowledgementDue: facts.acknowledgementDue?.french,
            implicitDecision: facts.procedure?.implicitDecision, silenceDate: facts.silenceDate?.french,
            silenceDelay: facts.procedure?.delay?.description, appealRoutes: facts.appealRoutes,
            status: GatewayWording.status(record.status),
            events: record.events.map { event in
                let at = ParisDateTime(event.at)
                return ReceiptView.EventLine(date: at.french, dateISO: at.iso8601, label: GatewayWording.event(event.kind),
                                             message: event.message)
            },
            answers: SubmissionPayload.answers(payloadJSON: record.payloadJSON, form: form),
            files: SubmissionPayload.files(payloadJSON: record.payloadJSON, form: form),
            trackingURL: trackingURL)
        receipt.mailNotice = mail.map(GatewayWording.mailNotice)
        let title = "Accusé d’enregistrement"
        var view = site.frame.pageView(
            title: title, url: site.prefix + "/suivi/" + record.reference, description: nil,
            breadcrumb: [BreadcrumbItemView(label: "Accueil", url: site.frame.published("/"), isCurrent: false),
                         BreadcrumbItemView(label: "\(title) \(record.reference)", url: trackingURL, isCurrent: true)],
            content: "")
        view.documentTitle = "\(title) \(record.reference) – \(site.config.authority.name)"
        view.receipt = receipt
        view.noIndex = true
        return site.theme.renderPage(view, template: "receipt")
    }

    // MARK: - Short messages

    /// A page with a title, plain-text paragraphs and links (refusals, unknown addresses).
    func message(title: String, paragraphs: [String], links: [MessageView.LinkView] = [], noIndex: Bool = true) -> String {
        var view = site.frame.pageView(title: title, url: site.prefix + "/", description: nil,
                                       breadcrumb: [BreadcrumbItemView(label: "Accueil", url: site.frame.published("/"), isCurrent: false),
                                                    BreadcrumbItemView(label: title, url: site.prefix + "/", isCurrent: true)],
                                       content: "")
        view.message = MessageView(paragraphs: paragraphs, links: links)
        view.noIndex = noIndex
        return site.theme.renderPage(view, template: "message")
    }

    var homeLink: MessageView.LinkView { .init(label: "Revenir à la page d’accueil", url: site.frame.published("/")) }

    func formLink(_ id: String?) -> MessageView.LinkView? {
        guard let id, let form = site.forms[id] else { return nil }
        return .init(label: "Revenir au formulaire « \(form.title) »", url: site.frame.published(SitePaths.formURL(id)))
    }
}

/// French words for the queue's codes, as a citizen reads them.
enum GatewayWording {
    static func channel(_ channel: Channel) -> String {
        switch channel {
        case .web: return "Formulaire en ligne"
        case .guichet: return "Accueil du public (au guichet)"
        case .telephone: return "Téléphone"
        case .courrier: return "Courrier postal"
        case .courriel: return "Courriel"
        }
    }

    static func status(_ status: String) -> String {
        switch status {
        case "nouvelle": return "en attente de prise en charge par le service"
        case "prise-en-charge": return "prise en charge par le service"
        case "accuse-de-reception": return "accusé de réception envoyé"
        case "incomplet": return "dossier incomplet : des pièces ou informations manquent"
        case "en-cours": return "en cours d’instruction"
        case "acceptee": return "décision favorable"
        case "refusee": return "décision défavorable"
        case "sans-suite": return "classée sans suite"
        default: return status
        }
    }

    /// The sentence of the receipt page about its e-mailed copy.
    static func mailNotice(_ notice: MailNotice) -> String {
        switch notice.state {
        case let .delivered(at):
            return "Une copie de cet accusé d’enregistrement vous a été envoyée par courriel le \(ParisDateTime(at).french)."
        case .pending:
            return "Une copie de cet accusé d’enregistrement va vous être envoyée par courriel ; elle peut mettre quelque temps à arriver. En attendant, cette page en tient lieu."
        case .abandoned:
            return "La copie de cet accusé d’enregistrement n’a pas pu vous être envoyée par courriel (l’adresse indiquée a été refusée ou n’a pas pu être jointe). Cette page en tient lieu : gardez son adresse ou imprimez-la."
        }
    }

    static func event(_ kind: String) -> String {
        switch kind {
        case "depot": return "enregistrement et accusé d’enregistrement électronique"
        case "accuse-de-reception": return "accusé de réception"
        case "incomplet": return "dossier incomplet"
        case "en-cours": return "instruction en cours"
        case "acceptee": return "décision favorable"
        case "refusee": return "décision défavorable"
        case "sans-suite": return "classement sans suite"
        case "message": return "message du service"
        default: return kind
        }
    }
}
