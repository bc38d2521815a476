import FormKit
import Foundation
import GuichetModel
import HTTPTypes
import Queue

extension BackOfficeAPI {
    // MARK: - POST /submissions

    /// A request taken by an agent at the counter, by phone, post or e-mail:
    /// `{"formulaire": "contact", "canal": "guichet", "valeurs": {"nom": "Martin", "objet": ["a", "b"]}}`.
    ///
    /// `valeurs` holds what the web form would send, one key per control: a string, or a list
    /// of strings for checkboxes (a boolean is accepted for a single checkbox, a number for a
    /// number field); an address either as its four controls (`adresse-voie`,
    /// `adresse-code-postal`…) or as `{"voie", "complement", "code_postal", "commune"}` under the
    /// field's id, the shape of the payload. The values are then judged by `FormValidator`
    /// exactly as a web submission is, with the same messages. Files cannot be sent in v1.
    func submit(token: TokenInfo) async -> Reply {
        if let refusal = require(.submit, token, action: "submit") { return refusal }
        let body: APIJSON
        switch jsonBody(limit: Self.maximumSubmissionBody, action: "submit") {
        case .success(let value): body = value
        case .failure(let refusal): return refusal
        }
        func refuse(_ code: String, _ message: String, status: HTTPResponse.Status = .unprocessableContent) -> Reply {
            Reply(response: Self.error(status, code, message), audit: ("submit", nil, status == .forbidden ? "forbidden" : "invalid"))
        }
        guard case .object(let members) = body else {
            return refuse("requete-invalide", "Le corps doit être un objet JSON : {\"formulaire\": \"…\", \"canal\": \"guichet\", \"valeurs\": {…}}.")
        }
        let known: Set<String> = ["formulaire", "canal", "valeurs", "version"]
        if let unknown = members.first(where: { !known.contains($0.0) }) {
            return refuse("requete-invalide", "Champ inconnu « \(unknown.0.prefix(40)) ». Champs possibles : formulaire, canal, valeurs, version.")
        }
        guard case .string(let formID)? = body["formulaire"] else {
            return refuse("requete-invalide", "« formulaire » est obligatoire : l’identifiant d’un formulaire (\(site.forms.keys.sorted().joined(separator: ", "))).")
        }
        guard let form = site.forms[formID] else {
            return refuse("formulaire-inconnu", "Formulaire inconnu « \(formID.prefix(40)) ». Formulaires : \(site.forms.keys.sorted().joined(separator: ", ")).")
        }
        guard token.covers(service: form.service) else {
            return refuse("service-non-autorise",
                          "Ce jeton ne peut pas enregistrer de demande pour le formulaire « \(form.id) » : il relève du service « \(form.service) », que le jeton ne couvre pas.",
                          status: .forbidden)
        }
        let agentChannels: [Channel] = [.guichet, .telephone, .courrier, .courriel]
        guard case .string(let channelText)? = body["canal"], let channel = Channel(rawValue: channelText), agentChannels.contains(channel) else {
            return refuse("canal-invalide", BackOfficeError.webChannelRefused.description)
        }
        switch body["version"] {
        case nil, .null?: break
        case .string(let version)? where version == form.digest: break
        case .string?:
            return refuse("version-perimee",
                          "Le formulaire « \(form.id) » a changé depuis la version indiquée (« version ») : relisez sa définition et ses champs, puis envoyez la demande à nouveau.",
                          status: .conflict)
        case let other?:
            return refuse("requete-invalide", "« version » doit être l’empreinte du formulaire (une chaîne), pas \(other.frenchKind).")
        }
        guard case .object(let values)? = body["valeurs"] else {
            return refuse("requete-invalide", "« valeurs » est obligatoire : un objet dont chaque clé est l’identifiant d’un champ du formulaire.")
        }

        // valeurs → what a browser would have sent, plus the errors of shape (per field).
        var sent: [String: [String]] = [:]
        var shapeErrors: [FieldError] = []
        var count = 0
        let fields = Dictionary(form.fields.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var addressParts: [String: (field: Field, part: Field.AddressPart)] = [:]
        for field in form.fields where field.kind == .address {
            for part in Field.AddressPart.allCases { addressParts[field.addressPartID(part)] = (field, part) }
        }
        func typeError(_ id: String, _ label: String, _ value: APIJSON, expected: String) {
            shapeErrors.append(FieldError(fieldID: id, message: "La valeur de « \(label) » doit être \(expected), pas \(value.frenchKind)."))
        }
        for (key, value) in values {
            if let field = fields[key] {
                switch (field.kind, value) {
                case (_, .null):
                    continue
                case (.file, _):
                    shapeErrors.append(FieldError(fieldID: key, message: "Les pièces jointes ne peuvent pas être transmises par l’API dans cette version : déposez-les dans le logiciel métier, ou invitez l’usager à utiliser le formulaire en ligne."))
                case (.address, .object(let parts)):
                    let names: [String: Field.AddressPart] = ["voie": .street, "complement": .complement, "code_postal": .postcode, "commune": .commune]
                    for (name, part) in parts {
                        guard let addressPart = names[name] else {
                            shapeErrors.append(FieldError(fieldID: key, message: "L’adresse « \(field.label) » n’a pas de partie « \(name.prefix(40)) » : voie, complement, code_postal, commune."))
                            continue
                        }
                        switch part {
                        case .null: continue
                        case .string(let text): sent[field.addressPartID(addressPart), default: []].append(text); count += 1
                        default: typeError(field.addressPartID(addressPart), field.label, part, expected: "une chaîne de caractères")
                        }
                    }
                case (.address, _):
                    typeError(key, field.label, value, expected: "un objet {\"voie\", \"complement\", \"code_postal\", \"commune\"}")
                case (_, .string(let text)):
                    sent[key, default: []].append(text); count += 1
                case (.checkbox, .bool(let flag)):
                    if flag { sent[key, default: []].append("oui"); count += 1 }
                case (.number, .number(let digits)):
                    sent[key, default: []].append(digits); count += 1
                case (_, .array(let items)):
                    for item in items {
                        guard case .string(let text) = item else {
                            typeError(key, field.label, item, expected: "une chaîne de caractères dans la liste"); break
                        }
                        sent[key, default: []].append(text); count += 1
                    }
                default:
                    typeError(key, field.label, value, expected: field.kind == .checkboxes ? "une liste de chaînes de caractères" : "une chaîne de caractères")
                }
            } else if let (field, _) = addressParts[key] {
                switch value {
                case .null: continue
                case .string(let text): sent[key, default: []].append(text); count += 1
                default: typeError(key, field.label, value, expected: "une chaîne de caractères")
                }
            } else {
                shapeErrors.append(FieldError(fieldID: key.count > 100 ? String(key.prefix(100)) : key,
                                              message: "Le formulaire « \(form.id) » n’a pas de champ « \(key.prefix(40)) »."))
            }
        }
        // The web's limits on a body apply here too.
        if count > core.limits.maximumFieldCount || sent.values.contains(where: { $0.contains { $0.utf8.count > core.limits.maximumFieldSize } }) {
            return Reply(response: Self.error(.contentTooLarge, "trop-volumineux",
                                              "Trop de valeurs (au plus \(core.limits.maximumFieldCount)) ou une valeur trop longue (au plus \(core.limits.maximumFieldSize / 1024) Kio) : rien n’a été enregistré."),
                         audit: ("submit", nil, "invalid"))
        }

        // Judged exactly as the web form is.
        let today = ParisDateTime(now).date
        let result = FormValidator.validate(form, FormSubmission(values: sent), today: today)
        var errors = shapeErrors
        let flagged = Set(shapeErrors.map(\.fieldID))
        errors += result.errors.filter { !flagged.contains($0.fieldID) }
        guard errors.isEmpty else {
            return Reply(response: Self.error(.unprocessableContent, "validation",
                                              errors.count == 1 ? "La demande n’a pas été enregistrée : un champ est à corriger."
                                                                : "La demande n’a pas été enregistrée : \(errors.count) champs sont à corriger.",
                                              extra: [("champs", .array(errors.map { .object([("champ", .string($0.fieldID)), ("message", .string($0.message))]) }))]),
                         audit: ("submit", nil, "invalid"))
        }
        let new = NewSubmission(formID: form.id, formDigest: form.digest, serviceID: form.service, channel: channel,
                                payloadJSON: SubmissionPayload.json(result.values), attachments: [],
                                retentionDays: today.days(until: today.adding(form.privacy.retention)),
                                notifyEmail: MailRecipient.address(form: form, values: result.values, site: core.site))
        do {
            let stored = try await queue.submit(new, token: token)
            var fields = HTTPFields()
            fields[.location] = origin + base + "/submissions/" + stored.reference
            return Reply(response: Self.json(.created, .object([
                ("reference", .string(stored.reference)),
                ("cle", .string(stored.trackingKey)),
                ("suivi", .string(origin + core.trackingURL(reference: stored.reference, key: stored.trackingKey))),
                ("recue_le", .string(Self.iso(stored.receivedAt))),
            ]), headers: fields))
        } catch {
            return failure(error, action: "submit")
        }
    }
}
