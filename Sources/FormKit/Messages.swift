import Foundation
import GuichetModel

/// Every sentence a citizen reads when a form is refused, in the plain style of the best
/// public-service forms: say what to do, with an example, never blame.
enum Messages {
    static func enter(_ label: String) -> String { "Renseignez le champ « \(label) »." }
    static func choose(_ label: String) -> String { "Choisissez une réponse pour « \(label) »." }
    static func chooseAtLeastOne(_ label: String) -> String { "Cochez au moins une réponse pour « \(label) »." }
    static func mustCheck(_ label: String) -> String { "Cochez la case « \(label) » pour continuer." }
    static func attach(_ label: String) -> String { "Joignez le document demandé : « \(label) »." }
    static func unknownChoice(_ label: String) -> String {
        "La réponse envoyée pour « \(label) » ne fait pas partie des choix proposés : choisissez une des réponses de la liste."
    }
    static func repeatedField(_ label: String) -> String {
        "Le champ « \(label) » a été envoyé plusieurs fois : rechargez la page et remplissez-le une seule fois."
    }
    static func tooLong(_ label: String, maximum: Int, actual: Int) -> String {
        "« \(label) » doit contenir au plus \(maximum) caractères (vous en avez saisi \(actual))."
    }
    static func tooShort(_ label: String, minimum: Int) -> String {
        "« \(label) » doit contenir au moins \(minimum) caractères."
    }
    static func singleLine(_ label: String) -> String {
        "« \(label) » doit tenir sur une seule ligne : retirez les retours à la ligne."
    }
    static func patternMismatch(_ label: String) -> String {
        "La réponse à « \(label) » n’a pas le format attendu : suivez l’exemple donné sous le champ."
    }
    static let invalidEmail = "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."
    static let invalidPhone = "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78."
    static let invalidPostcode = "Saisissez un code postal de 5 chiffres, par exemple 75001."
    static let enterPostcode = "Renseignez le code postal, par exemple 75001."
    static let enterStreet = "Renseignez le numéro et le nom de la voie, par exemple 12 rue de la Paix."
    static let enterCommune = "Renseignez la commune."
    static let invalidSIRETFormat = "Saisissez un numéro SIRET de 14 chiffres, par exemple 123 456 789 00012."
    static let invalidSIRETChecksum = "Ce numéro SIRET n’existe pas : vérifiez les 14 chiffres (ils figurent sur l’avis de situation au répertoire SIRENE)."
    static let invalidRNA = "Saisissez un numéro RNA valide : la lettre W suivie de 9 chiffres, par exemple W751234567."
    static let invalidIBANFormat = "Saisissez un IBAN valide, par exemple FR76 3000 6000 0112 3456 7890 189."
    static let invalidIBANChecksum = "Cet IBAN n’est pas valide : vérifiez chaque caractère en vous aidant de votre relevé d’identité bancaire (RIB)."
    static let invalidDate = "Saisissez une date valide au format JJ/MM/AAAA, par exemple 14/07/1990."

    static func invalidNumber(_ field: Field) -> String {
        "Saisissez un nombre pour « \(field.label) », par exemple \(example(field))."
    }
    static func numberOutOfRange(_ field: Field) -> String {
        let unit = field.unit.map { " \($0)" } ?? ""
        switch (field.minimum, field.maximum) {
        case let (min?, max?): return "« \(field.label) » doit être compris entre \(format(min)) et \(format(max))\(unit)."
        case let (min?, nil): return "« \(field.label) » doit être au moins de \(format(min))\(unit)."
        case let (nil, max?): return "« \(field.label) » doit être au plus de \(format(max))\(unit)."
        default: return invalidNumber(field)
        }
    }
    static func dateNotInFuture(_ label: String) -> String { "« \(label) » doit être aujourd’hui ou une date passée." }
    static func dateNotInPast(_ label: String) -> String { "« \(label) » doit être aujourd’hui ou une date à venir." }
    static func dateTooEarly(_ label: String, _ date: SimpleDate) -> String { "« \(label) » doit être le \(date.french) ou après." }
    static func dateTooLate(_ label: String, _ date: SimpleDate) -> String { "« \(label) » doit être le \(date.french) ou avant." }

    static func tooManyFiles(_ maximum: Int) -> String {
        maximum == 1 ? "Joignez un seul fichier." : "Joignez au plus \(maximum) fichiers."
    }
    static func wrongFileType(_ name: String, accepted: [String]) -> String {
        "Le fichier « \(name) » doit être au format \(formats(accepted))."
    }
    static func fileContentMismatch(_ name: String, accepted: [String]) -> String {
        "Le contenu du fichier « \(name) » ne correspond pas à un fichier \(formats(accepted)) : enregistrez-le de nouveau dans l’un de ces formats."
    }
    static func emptyFile(_ name: String) -> String { "Le fichier « \(name) » est vide : choisissez de nouveau le bon fichier." }
    static func fileTooLarge(_ name: String, maximum: Int) -> String {
        "Le fichier « \(name) » dépasse \(FileSize.french(maximum)) : réduisez sa taille (par exemple en le numérisant en noir et blanc) ou découpez-le."
    }

    /// "PDF, JPG ou PNG"
    static func formats(_ accepted: [String]) -> String {
        let upper = accepted.map { $0.uppercased() }
        guard upper.count > 1 else { return upper.first ?? "" }
        return upper.dropLast().joined(separator: ", ") + " ou " + upper.last!
    }

    static func format(_ number: Double) -> String {
        number == number.rounded() ? String(Int(number)) : String(number).replacingOccurrences(of: ".", with: ",")
    }

    static func example(_ field: Field) -> String {
        format(field.minimum.map { max($0, 1) } ?? 1)
    }
}
