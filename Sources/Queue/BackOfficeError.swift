import Foundation

/// Why a back-office call was refused (the database itself is fine: those are `QueueError`).
/// `description` is French: the CLI prints it and the HTTP API may send it as it is. No
/// message repeats more than 40 characters of what the caller sent, and none holds a request's
/// content.
///
/// Suggested HTTP statuses: `missingScope` 403, `purged` 410, `transitionRefused` and
/// `duplicateAcknowledgement` 409, everything else 400 (or 422).
public enum BackOfficeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The token lacks the scope this call needs.
    case missingScope(TokenScope)
    /// `limit` outside 1…`maximum`.
    case invalidLimit(maximum: Int)
    /// `lease` outside the allowed range (seconds).
    case invalidLease(minimum: Int, maximum: Int)
    /// An `after` cursor that no answer of ours contained.
    case invalidCursor
    /// An event kind that does not exist (the first 40 characters of what was sent).
    case unknownEventKind(String)
    /// This kind of event must carry a message to the citizen.
    case messageRequired(EventKind)
    /// Message longer than `limit` characters (Unicode scalars).
    case messageTooLong(limit: Int)
    /// Control characters other than line breaks and tabs in a message.
    case forbiddenCharacters
    /// Event data that is not a JSON object, or is too long.
    case invalidData(limit: Int)
    /// `incomplet` without `date_limite` (AAAA-MM-JJ, not before the event's day) in its data.
    case deadlineRequired
    /// A decision was already taken (`status`): only a message may follow.
    case transitionRefused(status: String, kind: EventKind)
    /// The *accusé de réception* was already issued.
    case duplicateAcknowledgement
    /// An event dated before the request was received.
    case eventBeforeReceipt
    /// The request's content was erased at the end of its retention period.
    case purged
    /// A request submitted by a token must come from the counter, phone, post or e-mail.
    case webChannelRefused
    /// A request submitted by a token for a service the token does not cover.
    case serviceNotCovered
    /// Token creation: empty, too long or with control characters.
    case invalidTokenName
    /// Token creation: no service given.
    case noService
    /// Token creation: a service id that is not lowercase letters, digits and dashes.
    case invalidService(String)
    /// Token creation: no scope given.
    case noScope
    /// Token creation: not an https URL (http only for 127.0.0.1/localhost).
    case invalidWebhookURL

    public var description: String {
        switch self {
        case let .missingScope(scope):
            return "Ce jeton n’a pas le droit « \(scope.rawValue) » nécessaire à cette opération. Créez un jeton avec --scope \(scope.rawValue)."
        case let .invalidLimit(maximum):
            return "Le nombre de demandes demandé (limit) doit être compris entre 1 et \(maximum)."
        case let .invalidLease(minimum, maximum):
            return "La durée de réservation (lease) doit être comprise entre \(minimum) et \(maximum) secondes."
        case .invalidCursor:
            return "Le curseur (after) n’est pas valide : reprenez celui d’une réponse précédente, ou omettez-le pour repartir du début."
        case let .unknownEventKind(kind):
            let list = EventKind.allCases.map(\.rawValue).joined(separator: ", ")
            return "Type d’événement inconnu « \(kind) ». Types possibles : \(list)."
        case let .messageRequired(kind):
            switch kind {
            case .incomplet:
                return "Un événement « incomplet » doit comporter un message listant les pièces ou informations manquantes (article L114-5 du CRPA)."
            default:
                return "Un événement « \(kind.rawValue) » doit comporter un message pour l’usager."
            }
        case let .messageTooLong(limit):
            return "Le message dépasse \(FrenchNumber.grouped(limit)) caractères : raccourcissez-le."
        case .forbiddenCharacters:
            return "Le message contient des caractères de contrôle : seuls les retours à la ligne et les tabulations sont admis."
        case let .invalidData(limit):
            return "Les données de l’événement doivent être un objet JSON d’au plus \(FrenchNumber.grouped(limit)) octets."
        case .deadlineRequired:
            return "Un événement « incomplet » doit indiquer la date limite pour compléter le dossier : « date_limite » au format AAAA-MM-JJ, au plus tôt le jour de l’événement (article L114-5 du CRPA)."
        case let .transitionRefused(status, kind):
            return "La demande a déjà reçu une décision (« \(status) ») : l’événement « \(kind.rawValue) » est refusé ; seul un message peut encore être adressé à l’usager."
        case .duplicateAcknowledgement:
            return "L’accusé de réception de cette demande a déjà été délivré."
        case .eventBeforeReceipt:
            return "Un événement ne peut pas être daté d’avant la réception de la demande."
        case .purged:
            return "Le contenu de cette demande a été effacé à la fin de sa durée de conservation : elle ne peut plus être modifiée."
        case .webChannelRefused:
            return "Une demande enregistrée par un agent doit indiquer son canal : guichet, telephone, courrier ou courriel."
        case .serviceNotCovered:
            return "Ce jeton ne peut pas enregistrer de demande pour ce service."
        case .invalidTokenName:
            return "Le nom du jeton doit faire de 1 à \(TokenLimits.nameCharacters) caractères, sans caractère de contrôle."
        case .noService:
            return "Indiquez au moins un service (--service) : un jeton ne voit que les demandes de ses services."
        case let .invalidService(service):
            return "Identifiant de service invalide « \(service) » : lettres minuscules, chiffres et tirets seulement, comme dans guichet.yaml."
        case .noScope:
            return "Indiquez au moins un droit (--scope) parmi : \(TokenScope.allCases.map(\.rawValue).joined(separator: ", "))."
        case .invalidWebhookURL:
            return "L’adresse du webhook doit être une URL https:// (http:// seulement vers 127.0.0.1 ou localhost), sans identifiants."
        }
    }
}

/// Integers written the French way: "5 000" (narrow no-break space between groups).
public enum FrenchNumber {
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var output = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { output.append("\u{202F}") }
            output.append(character)
        }
        return (value < 0 ? "-" : "") + output
    }
}
