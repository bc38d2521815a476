import FormKit
import Foundation
import GuichetModel
import HTTPTypes
import Queue
import Rendering

/// The gateway without its transport: request → validate → store → respond.
///
/// Routes, under the gateway's prefix (`gateway_url`, "/guichet" by default):
/// - `POST /formulaires/<id>` — a submission: 303 to its receipt, 422 with the errors, 409 when
///   the page was older than the form's definition;
/// - `GET /suivi/<reference>?cle=<key>` — the receipt and tracking page;
/// - `GET /formulaires/<id>` — 303 to the form's published page (a bookmarked action URL).
public struct GatewayCore: GatewayHandler {
    public let site: GatewaySite
    public let queue: SubmissionQueue
    public let limits: GatewayLimits
    let pages: GatewayPages
    /// The clock, replaceable in tests (receipt dates, validation of date bounds).
    let now: @Sendable () -> Date
    /// The back-office API's rate limits (API/, `<prefix>/api/v1/…`).
    let apiState: BackOfficeAPIState
    /// The origins a submission may come from whatever the request's own authority, lower-cased:
    /// the site's, and the gateway's when `gateway_url` is a full URL. Computed once here rather
    /// than at every POST (URLComponents and Foundation's string search were 2 % of the
    /// gateway's CPU under load).
    let configuredOrigins: Set<String>

    /// - Parameter apiState: the back-office API's rate limits; CGI passes one that also counts
    ///   calls in the database (`countsInDatabase`), since its process dies after each request.
    public init(site: GatewaySite, queue: SubmissionQueue, limits: GatewayLimits = GatewayLimits(),
                apiState: BackOfficeAPIState = BackOfficeAPIState(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.site = site
        self.queue = queue
        self.limits = limits
        self.apiState = apiState
        self.now = now
        pages = GatewayPages(site: site)
        var origins: Set<String> = [site.frame.origin.lowercased()]
        if site.config.gatewayURL.contains("://") { origins.insert(SitePaths.origin(of: site.config.gatewayURL).lowercased()) }
        configuredOrigins = origins
    }

    public func handle(_ request: GatewayRequest) async -> GatewayResponse {
        let path = request.path
        guard path == site.prefix || path.hasPrefix(site.prefix + "/") else { return notFound() }
        let route = path.dropFirst(site.prefix.count).split(separator: "/", omittingEmptySubsequences: true)
        switch (request.head.method, route.first, route.count) {
        case (.post, "formulaires", 2):
            return await submit(formID: String(route[1]), request)
        case (.get, "formulaires", 2), (.head, "formulaires", 2):
            guard site.forms[String(route[1])] != nil else { return notFound() }
            return redirect(to: site.frame.published(SitePaths.formURL(String(route[1]))))
        case (_, "api", _):
            return await BackOfficeAPI.handle(request, route: route.dropFirst(), core: self)
        case (.get, "suivi", 2), (.head, "suivi", 2):
            return receipt(reference: String(route[1]), query: request.query, origin: requestOrigin(request))
        case (_, "formulaires", 2), (_, "suivi", 2):
            var fields = HTTPFields()
            fields[.allow] = route.first == "formulaires" ? "GET, HEAD, POST" : "GET, HEAD"
            return GatewayResponse(status: .methodNotAllowed, body: pages.message(
                title: "Action impossible", paragraphs: ["Cette adresse ne s’utilise pas de cette façon. Passez par les pages du site."],
                links: [pages.homeLink]), extraHeaders: fields)
        default:
            return notFound()
        }
    }

    /// A form submission is read and validated in a task, handed to the queue, and answered
    /// from the queue's writer once committed: the task ends at the hand-over, and no actor or
    /// continuation sits between the writer and the transport (measured: the gateway's CPU per
    /// submission fell by about a tenth). Everything else goes through `handle(_:)`.
    public func handle(_ request: GatewayRequest, completion: @escaping @Sendable (GatewayResponse) -> Void) {
        Task {
            guard request.head.method == .post, let formID = submissionFormID(request.path) else {
                completion(await handle(request))
                return
            }
            switch prepareSubmission(formID: formID, request) {
            case .answer(let response):
                completion(response)
            case .store(let new, let form):
                queue.submit(new) { result in
                    let stored = result.mapError { $0 as any Error }
                    if case .success = stored {
                        completion(self.answer(stored, form: form))
                    } else {
                        // A whole page to render, maybe for each of a large batch: not on the
                        // writer, which the next batch waits for.
                        Task { completion(self.answer(stored, form: form)) }
                    }
                }
            }
        }
    }

    /// `<id>` when `path` is `<prefix>/formulaires/<id>`.
    func submissionFormID(_ path: String) -> String? {
        guard let rest = path.utf8.dropPrefix(site.prefix.utf8), let id = rest.dropPrefix("/formulaires/".utf8) else {
            return nil
        }
        // As `handle(_:)` routes it: empty segments ("//") are ignored.
        let segments = id.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        guard segments.count == 1 else { return nil }
        return String(decoding: segments[0], as: UTF8.self)
    }

    public func refuse(_ reason: TransportRefusal) -> GatewayResponse {
        switch reason {
        case .bodyTooLarge:
            return GatewayResponse(status: .contentTooLarge, body: pages.message(
                title: "Envoi trop volumineux",
                paragraphs: ["Votre envoi dépasse la taille maximale acceptée (\(FrenchNumber.fileSize(limits.maximumBodySize)) en tout, pièces jointes comprises). Rien n’a été enregistré.",
                             "Revenez au formulaire et joignez des fichiers plus légers : une photo de document prise avec un téléphone peut être réduite, ou le document scanné en noir et blanc."],
                links: [pages.homeLink]))
        case .malformed:
            return badRequest(formID: nil)
        }
    }

    // MARK: - Submission: request → validate → store → respond

    func submit(formID: String, _ request: GatewayRequest) async -> GatewayResponse {
        switch prepareSubmission(formID: formID, request) {
        case .answer(let response):
            return response
        case .store(let new, let form):
            do {
                return answer(.success(try await queue.submit(new)), form: form)
            } catch {
                return answer(.failure(error), form: form)
            }
        }
    }

    /// What a submission leads to before anything is stored.
    enum SubmissionStep {
        /// Refused, invalid (422) or stale (409): answered without storing anything.
        case answer(GatewayResponse)
        /// Valid: to be stored, then answered by `answer(_:form:)`.
        case store(NewSubmission, FormDefinition)
    }

    /// Request → validate: everything of a submission that needs no database.
    func prepareSubmission(formID: String, _ request: GatewayRequest) -> SubmissionStep {
        guard let form = site.forms[formID] else { return .answer(notFound()) }
        if let refusal = checkOrigin(request) { return .answer(refusal) }

        let received: ReceivedForm
        switch RequestBody.parse(contentType: request.head.headerFields[.contentType], body: request.body, limits: limits) {
        case .success(let form): received = form
        case .failure(.unsupportedMediaType):
            return .answer(GatewayResponse(status: .unsupportedMediaType, body: pages.message(
                title: "Envoi non reconnu",
                paragraphs: ["Votre envoi n’a pas la forme d’un formulaire du site. Rien n’a été enregistré. Remplissez le formulaire depuis sa page."],
                links: [pages.formLink(formID)].compactMap { $0 })))
        case .failure(.tooManyFields), .failure(.fieldTooLarge):
            return .answer(refuse(.bodyTooLarge))
        case .failure(.badEncoding):
            return .answer(GatewayResponse(status: .badRequest, body: pages.message(
                title: "Caractères illisibles",
                paragraphs: ["Votre navigateur a envoyé des caractères qu’il est impossible de lire. Rien n’a été enregistré.",
                             "Revenez au formulaire, vérifiez le texte saisi (en particulier ce qui a été copié-collé) et envoyez-le à nouveau."],
                links: [pages.formLink(formID)].compactMap { $0 })))
        case .failure(.malformed):
            return .answer(badRequest(formID: formID))
        }

        // A robot fills every field, including the one people neither see nor hear.
        if let trap = received.values[FormView.honeypotFieldName], trap.contains(where: { !$0.isEmpty }) {
            return .answer(GatewayResponse(status: .badRequest, body: pages.message(
                title: "Envoi refusé",
                paragraphs: ["Votre envoi ressemble à celui d’un programme automatique et n’a pas été enregistré.",
                             "Si vous êtes une personne, revenez au formulaire et envoyez-le à nouveau, ou contactez-nous."],
                links: [pages.formLink(formID)].compactMap { $0 })))
        }
        if let named = received.values[FormView.formFieldName]?.first, named != formID {
            return .answer(badRequest(formID: formID))
        }

        var submission = FormSubmission(values: received.values)
        for (name, files) in received.files {
            submission.files[name] = files.map {
                UploadedFile(filename: $0.filename, size: $0.bytes.count, detectedType: FileSignature.detect($0.bytes))
            }
        }
        let today = ParisDateTime(now()).date
        let result = FormValidator.validate(form, submission, today: today)
        // Values are kept for the page shown again; files cannot be (browsers do not allow it).
        // Only those pages need them: copying the dictionary for every stored submission would
        // be wasted work.
        var keptValues: [String: [String]] {
            var kept = received.values
            kept[FormView.honeypotFieldName] = nil
            return kept
        }

        let version = received.values[FormView.versionFieldName]?.first
        if version != form.digest {
            // The page was generated from an older definition: its fields may not be the ones
            // checked now. Show the current form with what the citizen typed, nothing lost.
            return .answer(GatewayResponse(status: .conflict, body: pages.formPage(
                form, values: keptValues, errors: [],
                notice: "Ce formulaire a été mis à jour depuis que vous avez ouvert la page. Vos réponses ont été reprises ci-dessous : vérifiez-les, joignez de nouveau vos fichiers s’il y en a, puis envoyez le formulaire.")))
        }
        guard result.isValid else {
            return .answer(GatewayResponse(status: .unprocessableContent, body: pages.formPage(form, values: keptValues, errors: result.errors)))
        }

        var attachments: [NewAttachment] = []
        for field in form.fields where field.kind == .file {
            for file in received.files[field.id] ?? [] where !(file.filename.isEmpty && file.bytes.isEmpty) {
                attachments.append(NewAttachment(fieldID: field.id, filename: FileNames.displayName(file.filename),
                                                 contentType: FileSignature.mediaType(FileSignature.detect(file.bytes)),
                                                 bytes: file.bytes))
            }
        }
        let new = NewSubmission(formID: form.id, formDigest: form.digest, serviceID: form.service, channel: .web,
                                payloadJSON: SubmissionPayload.json(result.values), attachments: attachments,
                                // The RGPD notice's period, counted from today (purged by #6's `queue purge`).
                                retentionDays: today.days(until: today.adding(form.privacy.retention)),
                                notifyEmail: MailRecipient.address(form: form, values: result.values, site: site))
        return .store(new, form)
    }

    /// Store → respond: the 303 to the receipt once the submission is committed, or the page
    /// saying nothing was stored.
    func answer(_ stored: Result<StoredReceipt, any Error>, form: FormDefinition) -> GatewayResponse {
        switch stored {
        case .success(let stored):
            // Only once the transaction is committed (synchronous=FULL): no receipt is ever
            // given for a submission that a crash could lose.
            return redirect(to: trackingURL(reference: stored.reference, key: stored.trackingKey))
        case .failure:
            return GatewayResponse(status: .serviceUnavailable, body: pages.message(
                title: "Enregistrement impossible pour le moment",
                paragraphs: ["Votre \(form.procedure.kind == .demande ? "demande" : "envoi") n’a pas pu être enregistré, à cause d’un incident de notre côté. Rien n’a été enregistré et aucun accusé d’enregistrement n’a été délivré.",
                             "Revenez en arrière avec le bouton « Précédent » de votre navigateur : vos réponses y sont encore. Réessayez dans quelques minutes, ou contactez le service."],
                links: [pages.formLink(form.id)].compactMap { $0 }), extraHeaders: [.retryAfter: "120"])
        }
    }

    func trackingURL(reference: String, key: String) -> String {
        site.prefix + "/suivi/" + reference + "?cle=" + key
    }

    /// Refuses a submission sent from another site (cross-site request forgery). Browsers send
    /// `Origin` on POST; older ones only `Referer`. The site's own origin and the origin the
    /// request was addressed to (preview on 127.0.0.1, a gateway on another host name) are
    /// accepted. A request with neither header is accepted: some privacy settings strip both.
    func checkOrigin(_ request: GatewayRequest) -> GatewayResponse? {
        let fields = request.head.headerFields
        let claimed: String?
        if let origin = fields[.origin] {
            claimed = origin
        } else if let referer = fields[.referer] {
            claimed = SitePaths.origin(of: referer)
        } else {
            claimed = nil
        }
        guard let claimed else { return nil }
        let lowered = claimed.lowercased()
        if configuredOrigins.contains(lowered) { return nil }
        if let authority = request.head.authority,
           "\(request.head.scheme ?? "http")://\(authority)".lowercased() == lowered { return nil }
        // Debian's fastcgi_params passes `HTTP_HOST $host`, which drops the port: when the
        // request names no port, the same scheme and host are enough (a port is not a
        // security boundary for browsers' cookies either).
        if let authority = request.head.authority, !authority.contains(":"),
           let components = URLComponents(string: claimed), let host = components.host,
           (components.scheme ?? "").lowercased() == (request.head.scheme ?? "http").lowercased(),
           host.lowercased() == authority.lowercased() { return nil }
        return GatewayResponse(status: .forbidden, body: pages.message(
            title: "Envoi refusé",
            paragraphs: ["Ce formulaire a été envoyé depuis un autre site que celui de \(site.config.authority.name). Par sécurité, il n’a pas été enregistré.",
                         "Remplissez le formulaire directement sur notre site."],
            links: [pages.homeLink]))
    }

    // MARK: - Receipt and tracking page

    /// `http://127.0.0.1:8080` or `https://www.ville.fr`: where the citizen reached the gateway,
    /// for the full address of the receipt they are asked to keep.
    func requestOrigin(_ request: GatewayRequest) -> String {
        guard let authority = request.head.authority, !authority.isEmpty,
              authority.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) }) else { return site.frame.origin }
        return "\(request.head.scheme ?? "http")://\(authority)"
    }

    func receipt(reference raw: String, query: String, origin: String) -> GatewayResponse {
        let key = Self.queryValue("cle", in: query) ?? ""
        let unknown = GatewayResponse(status: .notFound, body: pages.message(
            title: "Accusé d’enregistrement introuvable",
            paragraphs: ["Aucune demande ne correspond à cette adresse. Vérifiez que vous avez copié l’adresse complète, clé comprise (la partie qui suit « ?cle= »).",
                         "Si vous avez perdu cette adresse, contactez le service en donnant votre référence : il vous renseignera."],
            links: [pages.homeLink]))
        guard let reference = ReferenceCode.normalize(raw), !key.isEmpty, key.utf8.count <= 128 else { return unknown }
        do {
            guard let record = try queue.find(reference: reference, trackingKey: key) else { return unknown }
            var fields = HTTPFields()
            // The address holds the key: no other site may learn it from a link followed here.
            fields[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
            let mail = site.config.mail == nil ? nil : try queue.mailNotices(reference: reference)
                .first { $0.template == "accuse-enregistrement" }
            return GatewayResponse(status: .ok, body: pages.receiptPage(record, trackingURL: origin + trackingURL(reference: reference, key: key),
                                                                        mail: mail),
                                   extraHeaders: fields)
        } catch {
            return GatewayResponse(status: .serviceUnavailable, body: pages.message(
                title: "Suivi indisponible pour le moment",
                paragraphs: ["Votre demande est bien enregistrée, mais son suivi ne peut pas être affiché pour l’instant, à cause d’un incident de notre côté. Réessayez dans quelques minutes."],
                links: [pages.homeLink]), extraHeaders: [.retryAfter: "120"])
        }
    }

    static func queryValue(_ name: String, in query: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2, parts[0] == name { return String(parts[1]).removingPercentEncoding }
        }
        return nil
    }

    // MARK: - Common answers

    func redirect(to location: String) -> GatewayResponse {
        var fields = HTTPFields()
        fields[.location] = location
        return GatewayResponse(status: .seeOther, body: "", extraHeaders: fields)
    }

    func notFound() -> GatewayResponse {
        GatewayResponse(status: .notFound, body: pages.message(
            title: "Page introuvable",
            paragraphs: ["L’adresse demandée ne correspond à aucune page du service de formulaires en ligne."],
            links: [pages.homeLink, .init(label: "Consulter le plan du site", url: site.frame.published(SitePaths.sitemapURL))]))
    }

    func badRequest(formID: String?) -> GatewayResponse {
        GatewayResponse(status: .badRequest, body: pages.message(
            title: "Envoi incomplet",
            paragraphs: ["Votre envoi est arrivé incomplet ou abîmé, peut-être à cause d’une coupure de la connexion. Rien n’a été enregistré.",
                         "Revenez au formulaire et envoyez-le à nouveau."],
            links: [pages.formLink(formID), pages.homeLink].compactMap { $0 }))
    }
}

extension Collection where Element == UInt8 {
    /// The rest of the bytes after `prefix`, or nil when they do not start with it.
    func dropPrefix(_ prefix: some Collection<UInt8>) -> SubSequence? {
        starts(with: prefix) ? dropFirst(prefix.count) : nil
    }
}
