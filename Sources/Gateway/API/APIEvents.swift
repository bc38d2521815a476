import FormKit
import Foundation
import GuichetModel
import HTTPTypes
import Queue

extension BackOfficeAPI {
    // MARK: - POST /submissions/{reference}/events

    /// `{"type": "incomplet", "message": "…", "pieces_manquantes": ["…"], "date_limite": "2026-12-15"}`
    /// → 201 with the stored event. The citizen's tracking page shows what is stored, dated:
    /// for `incomplet` the missing pieces and the deadline are written into the message, for
    /// `accuse-de-reception` the CRPA mentions, for `refusee` the appeal routes (`EventWording`).
    func addEvent(_ reference: String, token: TokenInfo) async -> Reply {
        if let refusal = require(.events, token, action: "event", reference: reference) { return refusal }
        let body: APIJSON
        switch jsonBody(limit: Self.maximumSmallBody, action: "event", reference: reference) {
        case .success(let value): body = value
        case .failure(let refusal): return refusal
        }
        func refuse(_ code: String, _ message: String) -> Reply {
            Reply(response: Self.error(.unprocessableContent, code, message), audit: ("event", reference, "invalid"))
        }
        guard case .object(let members) = body else {
            return refuse("requete-invalide", "Le corps doit être un objet JSON : {\"type\": \"en-cours\", \"message\": \"…\"}.")
        }
        let known: Set<String> = ["type", "message", "pieces_manquantes", "date_limite"]
        if let unknown = members.first(where: { !known.contains($0.0) }) {
            return refuse("requete-invalide", "Champ inconnu « \(unknown.0.prefix(40)) ». Champs possibles : type, message, pieces_manquantes, date_limite.")
        }
        guard case .string(let typeText)? = body["type"] else {
            return refuse("requete-invalide", "« type » est obligatoire : une chaîne parmi \(EventKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let kind: EventKind
        do {
            kind = try EventKind.parse(typeText)
        } catch {
            return refuse("type-inconnu", "\(error)")
        }
        var message: String?
        switch body["message"] {
        case nil, .null?: message = nil
        case .string(let text)?: message = text
        case let other?: return refuse("requete-invalide", "« message » doit être une chaîne de caractères, pas \(other.frenchKind).")
        }
        var pieces: [String] = []
        switch body["pieces_manquantes"] {
        case nil, .null?: break
        case .array(let items)?:
            guard items.count <= 50 else { return refuse("evenement-invalide", "Au plus 50 pièces manquantes par événement.") }
            for item in items {
                guard case .string(let text) = item else {
                    return refuse("requete-invalide", "« pieces_manquantes » doit être une liste de chaînes de caractères.")
                }
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !trimmed.isEmpty, trimmed.unicodeScalars.count <= 500,
                      !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                    return refuse("evenement-invalide", "Chaque pièce manquante doit faire de 1 à 500 caractères, sans caractère de contrôle.")
                }
                pieces.append(trimmed)
            }
        case let other?:
            return refuse("requete-invalide", "« pieces_manquantes » doit être une liste de chaînes de caractères, pas \(other.frenchKind).")
        }
        var deadlineText: String?
        switch body["date_limite"] {
        case nil, .null?: break
        case .string(let text)?: deadlineText = text
        case let other?: return refuse("requete-invalide", "« date_limite » doit être une date AAAA-MM-JJ, pas \(other.frenchKind).")
        }
        if kind != .incomplet, !pieces.isEmpty || deadlineText != nil {
            return refuse("evenement-invalide", "« pieces_manquantes » et « date_limite » ne concernent que l’événement « incomplet ».")
        }

        var data: String?
        if kind == .incomplet {
            // The queue refuses a missing or malformed date_limite with its own message.
            var object: [(String, APIJSON)] = []
            if let deadlineText { object.append(("date_limite", .string(deadlineText))) }
            if !pieces.isEmpty { object.append(("pieces_manquantes", .array(pieces.map(APIJSON.string)))) }
            data = String(decoding: APIJSON.object(object).bytes, as: UTF8.self)
        }
        // Read without the token to word the message; `addEvent` decides what the token sees.
        let record = (try? queue.find(reference: reference)).flatMap { $0 }.flatMap { token.covers(service: $0.serviceID) ? $0 : nil }
        let wording = EventWording(site: site)
        let shown: String?
        switch kind {
        case .incomplet:
            shown = wording.incomplete(message: message, pieces: pieces, deadline: deadlineText.flatMap(SimpleDate.init(iso:)))
        case .accuseDeReception:
            shown = record.map { wording.acknowledgement($0, message: message) } ?? message
        case .refusee:
            shown = record.map { wording.refusal($0, message: message) } ?? message
        default:
            shown = message
        }
        do {
            guard let event = try queue.addEvent(reference: reference, token: token, kind: kind, message: shown, data: data, at: now) else {
                return notFound()
            }
            return Reply(response: Self.json(.created, Self.event(event)))
        } catch {
            return failure(error, action: "event", reference: reference)
        }
    }
}

/// The texts the citizen reads on the tracking page for some events, written from the site's
/// configuration (service, contacts) and the form's procedure (silence rule, appeal routes).
struct EventWording {
    let site: GatewaySite

    /// `incomplet` (CRPA L114-5): what is missing and the date by which to send it.
    func incomplete(message: String?, pieces: [String], deadline: SimpleDate?) -> String? {
        var parts: [String] = []
        if let message, !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { parts.append(message) }
        if !pieces.isEmpty { parts.append("Pièces ou informations manquantes : " + pieces.joined(separator: " ; ") + ".") }
        if parts.isEmpty { return nil }  // the queue asks for a message
        if let deadline {
            parts.append("À transmettre au service au plus tard le \(deadline.french). Le délai au terme duquel votre demande peut être acceptée ou rejetée implicitement ne court qu’à partir de leur réception (article L114-5 du code des relations entre le public et l’administration).")
        }
        return parts.joined(separator: "\n")
    }

    /// `accuse-de-reception` (CRPA L112-11, R112-5): date of receipt, service and contacts,
    /// silence rule and its date, attestation or appeal routes; the agent's message after.
    func acknowledgement(_ record: SubmissionRecord, message: String?) -> String {
        let form = site.forms[record.formID]
        let service = site.config.services.first { $0.id == record.serviceID }
        let received = ParisDateTime(record.receivedAt)
        var parts = ["Votre demande « \(form?.title ?? record.formID) » (référence \(record.reference)) a été reçue le \(received.date.french)."]
        if let service {
            var contact = "Elle est traitée par : \(service.name), \(service.address)"
            let means = [service.phone.isEmpty ? nil : "téléphone \(service.phone)", service.email.isEmpty ? nil : "courriel \(service.email)"].compactMap { $0 }
            if !means.isEmpty { contact += " (" + means.joined(separator: ", ") + ")" }
            parts.append(contact + ".")
        }
        if let procedure = form?.procedure, procedure.kind == .demande, let delay = procedure.delay {
            let silence = received.date.adding(delay).french
            switch procedure.implicitDecision {
            case .acceptation:
                parts.append("Si votre dossier est complet et que vous n’avez pas reçu de réponse le \(silence) (\(delay) après sa réception), votre demande sera considérée comme acceptée (décision implicite d’acceptation). Vous pourrez alors demander au service une attestation de cette décision (article L232-3 du code des relations entre le public et l’administration).")
            case .rejet:
                parts.append("Si votre dossier est complet et que vous n’avez pas reçu de réponse le \(silence) (\(delay) après sa réception), votre demande sera considérée comme rejetée (décision implicite de rejet).")
                if !procedure.appealRoutes.isEmpty {
                    parts.append("Voies de recours : " + procedure.appealRoutes.joined(separator: " "))
                }
            case .aucune:
                break
            }
        }
        if let message, !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { parts.append(message) }
        return parts.joined(separator: "\n")
    }

    /// `refusee`: the agent's message, then the appeal routes of the form.
    func refusal(_ record: SubmissionRecord, message: String?) -> String? {
        var parts: [String] = []
        if let message, !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { parts.append(message) }
        if let routes = site.forms[record.formID]?.procedure.appealRoutes, !routes.isEmpty {
            parts.append("Voies de recours : " + routes.joined(separator: " "))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "\n")
    }
}
