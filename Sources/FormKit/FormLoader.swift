import Crypto
import Foundation
import GuichetModel
import YAMLReading
import Yams

/// Reads `Forms/<id>.yaml` into a `FormDefinition`, refusing anything that would give a
/// form a citizen cannot fill, or a démarche without its legal mentions.
public enum FormLoader {
    static let topKeys = ["id", "title", "service", "introduction", "pieces", "procedure", "privacy",
                          "identification", "groups", "fields"]
    static let fieldKeys = ["id", "kind", "label", "hint", "required", "autocomplete", "min_length", "max_length",
                            "pattern", "pattern_message", "min", "max", "unit", "earliest", "latest", "options",
                            "accept", "max_size", "max_files"]
    /// Types whose first bytes the gateway recognises, so a declared type can be checked.
    public static let acceptableFileTypes = ["pdf", "jpg", "png"]
    /// Names the generated form uses for its own hidden fields.
    public static let reservedFieldIDs = ["guichet-formulaire", "guichet-version", "guichet-site-web"]

    public static func parse(_ text: String, file: String, services: [Service]) throws(Diagnostic) -> FormDefinition {
        let root = try YAMLMapping.parse(text, file: file)
        try root.rejectUnknownKeys(topKeys, context: "dans une définition de formulaire")
        let context = "dans une définition de formulaire"

        let id = try root.requiredString("id", context: context)
        try checkIdentifier(id, file: file, line: root.lineOf("id"), what: "L’identifiant du formulaire")
        let expected = (file as NSString).lastPathComponent.replacingOccurrences(of: ".yaml", with: "")
        if id != expected {
            throw Diagnostic(file: file, line: root.lineOf("id"), message:
                "L’identifiant « \(id) » doit être le nom du fichier (« \(expected) ») : renommez le fichier ou corrigez l’identifiant.")
        }
        let title = try root.requiredString("title", context: context)
        let serviceID = try root.requiredString("service", context: context)
        guard services.contains(where: { $0.id == serviceID }) else {
            let known = services.map(\.id).joined(separator: ", ")
            throw Diagnostic(file: file, line: root.lineOf("service"), message:
                "Le service « \(serviceID) » n’est pas déclaré dans guichet.yaml. Services déclarés : \(known.isEmpty ? "aucun" : known).")
        }
        let pieces = try stringList(root, "pieces")

        let procedure = try parseProcedure(root, file: file)
        let privacy = try parsePrivacy(root, file: file)

        var identification: Identification?
        if let value = try root.string("identification") {
            guard let kind = Identification(rawValue: value) else {
                throw Diagnostic(file: file, line: root.lineOf("identification"), message:
                    "L’identification « \(value) » n’existe pas : écrivez particulier, entreprise ou association.")
            }
            identification = kind
        }
        if procedure.kind == .demande && identification == nil {
            throw Diagnostic(file: file, line: root.line, message:
                "Une demande doit identifier son auteur (article R112-9-1 du CRPA) : ajoutez « identification: particulier » (ou entreprise, association).")
        }

        var groups: [FieldGroup] = []
        if let identification { groups.append(IdentificationFields.group(for: identification)) }
        if root.node("groups") != nil && root.node("fields") != nil {
            throw Diagnostic(file: file, line: root.lineOf("fields"), message:
                "Utilisez soit « groups » (champs regroupés sous des légendes), soit « fields », pas les deux.")
        }
        for item in try root.sequence("groups") ?? [] {
            let group = try YAMLMapping(node: item, file: file, what: "Chaque groupe")
            try group.rejectUnknownKeys(["legend", "fields"], context: "dans un groupe")
            let legend = try group.requiredString("legend", context: "dans un groupe (le titre du groupe, lu par les lecteurs d’écran)")
            let fields = try parseFields(group, file: file)
            if fields.isEmpty {
                throw Diagnostic(file: file, line: group.line, message: "Le groupe « \(legend) » ne contient aucun champ.")
            }
            groups.append(FieldGroup(legend: legend, fields: fields))
        }
        if root.node("fields") != nil {
            groups.append(FieldGroup(legend: nil, fields: try parseFields(root, file: file)))
        }
        if groups.allSatisfy({ $0.fields.isEmpty }) {
            throw Diagnostic(file: file, line: root.line, message: "Le formulaire ne contient aucun champ : ajoutez une section « fields ».")
        }

        var seen: [String: Int?] = [:]
        for field in groups.flatMap(\.fields) {
            if let previous = seen[field.id] {
                let origin = previous.map { "à la ligne \($0)" } ?? "par l’identification (\(identification?.rawValue ?? ""))"
                throw Diagnostic(file: file, line: field.line, message:
                    "L’identifiant de champ « \(field.id) » est déjà utilisé \(origin) : chaque champ doit avoir un identifiant unique.")
            }
            seen[field.id] = field.line
        }

        let digest = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        return FormDefinition(id: id, title: title, service: serviceID, introduction: try root.string("introduction"),
                              piecesToPrepare: pieces, procedure: procedure, privacy: privacy,
                              identification: identification, groups: groups, digest: digest)
    }

    // MARK: - Sections

    static func parseProcedure(_ root: YAMLMapping, file: String) throws(Diagnostic) -> Procedure {
        let map = try root.requiredMapping("procedure", what: "La section « procedure »",
                                           context: "(nature de la démarche et règle du silence de l’administration)")
        try map.rejectUnknownKeys(["kind", "implicit_decision", "delay", "appeal"], context: "dans « procedure »")
        let kindText = try map.requiredString("kind", context: "dans « procedure »")
        guard let kind = Procedure.Kind(rawValue: kindText) ?? (kindText == "reclamation" ? .reclamation : nil) else {
            throw Diagnostic(file: file, line: map.lineOf("kind"), message:
                "La nature « \(kindText) » n’existe pas : écrivez demande, signalement, réclamation ou information.")
        }
        var decision = Procedure.ImplicitDecision.aucune
        var delay: Duration?
        let appeal = try stringList(map, "appeal")
        if kind == .demande {
            let text = try map.requiredString("implicit_decision", context:
                "pour une demande (ce que vaut le silence de l’administration : acceptation, rejet ou aucune)")
            guard let value = Procedure.ImplicitDecision(rawValue: text) else {
                throw Diagnostic(file: file, line: map.lineOf("implicit_decision"), message:
                    "« \(text) » n’est pas une règle de silence : écrivez acceptation, rejet ou aucune.")
            }
            decision = value
            if decision != .aucune {
                let delayText = try map.requiredString("delay", context: "quand le silence vaut décision (par exemple « 2 mois »)")
                guard let parsed = Duration(french: delayText) else {
                    throw Diagnostic(file: file, line: map.lineOf("delay"), message:
                        "Le délai « \(delayText) » n’est pas compris : écrivez un nombre suivi de jours, mois ou ans, par exemple « 2 mois ».")
                }
                delay = parsed
            }
            if appeal.isEmpty {
                throw Diagnostic(file: file, line: map.line, message:
                    "Une demande doit indiquer les voies et délais de recours (« appeal ») : l’accusé de réception doit les mentionner (article L112-11 du CRPA).")
            }
        } else if map.node("implicit_decision") != nil {
            throw Diagnostic(file: file, line: map.lineOf("implicit_decision"), message:
                "La règle du silence ne concerne que les demandes : retirez « implicit_decision » ou indiquez « kind: demande ».")
        }
        return Procedure(kind: kind, implicitDecision: decision, delay: delay, appealRoutes: appeal)
    }

    static func parsePrivacy(_ root: YAMLMapping, file: String) throws(Diagnostic) -> PrivacyNotice {
        let context = "dans « privacy » (mentions de l’article 13 du RGPD)"
        let map = try root.requiredMapping("privacy", what: "La section « privacy »",
                                           context: "(finalité, base légale, destinataires et durée de conservation des données, article 13 du RGPD)")
        try map.rejectUnknownKeys(["purpose", "legal_basis", "recipients", "retention"], context: "dans « privacy »")
        let retentionText = try map.requiredString("retention", context: context)
        guard let retention = Duration(french: retentionText) else {
            throw Diagnostic(file: file, line: map.lineOf("retention"), message:
                "La durée de conservation « \(retentionText) » n’est pas comprise : écrivez un nombre suivi de jours, mois ou ans, par exemple « 1 an ».")
        }
        let recipients = try stringList(map, "recipients")
        if recipients.isEmpty {
            throw Diagnostic(file: file, line: map.line, message: "La clé « recipients » est obligatoire \(context) : listez qui reçoit les données.")
        }
        return PrivacyNotice(purpose: try map.requiredString("purpose", context: context),
                             legalBasis: try map.requiredString("legal_basis", context: context),
                             recipients: recipients, retention: retention)
    }

    static func parseFields(_ parent: YAMLMapping, file: String) throws(Diagnostic) -> [Field] {
        var fields: [Field] = []
        for item in try parent.sequence("fields") ?? [] {
            fields.append(try parseField(YAMLMapping(node: item, file: file, what: "Chaque champ"), file: file))
        }
        return fields
    }

    static func parseField(_ map: YAMLMapping, file: String) throws(Diagnostic) -> Field {
        try map.rejectUnknownKeys(fieldKeys, context: "dans un champ")
        let id = try map.requiredString("id", context: "dans un champ")
        try checkIdentifier(id, file: file, line: map.lineOf("id"), what: "L’identifiant de champ")
        if reservedFieldIDs.contains(id) {
            throw Diagnostic(file: file, line: map.lineOf("id"), message: "L’identifiant « \(id) » est réservé par Guichet : choisissez-en un autre.")
        }
        let kindText = try map.requiredString("kind", context: "dans le champ « \(id) »")
        guard let kind = Field.Kind(rawValue: kindText) else {
            throw Diagnostic(file: file, line: map.lineOf("kind"), message:
                "Le type de champ « \(kindText) » n’existe pas. Types possibles : \(Field.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard let label = try map.string("label") else {
            throw Diagnostic(file: file, line: map.node("label") == nil ? map.line : map.lineOf("label"), message:
                "Le champ « \(id) » n’a pas d’intitulé : ajoutez « label: … », le texte que la personne lit à côté du champ.")
        }
        var field = Field(id: id, kind: kind, label: label, hint: try map.string("hint"), line: map.line)
        field.required = try bool(map, "required", file: file) ?? false
        if let token = try map.string("autocomplete") {
            guard AutocompleteTokens.isValid(token) else {
                throw Diagnostic(file: file, line: map.lineOf("autocomplete"), message:
                    "« \(token) » n’est pas une valeur d’autocomplete reconnue par les navigateurs : utilisez par exemple given-name, family-name, email, tel, postal-code, bday (liste complète dans le guide).")
            }
            field.autocomplete = token
        }
        field.minLength = try map.int("min_length")
        field.maxLength = try map.int("max_length")
        if let pattern = try map.string("pattern") {
            do { _ = try NSRegularExpression(pattern: pattern) } catch {
                throw Diagnostic(file: file, line: map.lineOf("pattern"), message:
                    "Le motif « \(pattern) » n’est pas une expression régulière valide.")
            }
            guard let message = try map.string("pattern_message") else {
                throw Diagnostic(file: file, line: map.lineOf("pattern"), message:
                    "Un motif doit avoir son message : ajoutez « pattern_message: … » qui dit quoi saisir, avec un exemple.")
            }
            field.pattern = pattern
            field.patternMessage = message
        }
        field.minimum = try double(map, "min", file: file)
        field.maximum = try double(map, "max", file: file)
        field.unit = try map.string("unit")
        field.earliest = try dateBound(map, "earliest", file: file)
        field.latest = try dateBound(map, "latest", file: file)
        field.options = try parseOptions(map, file: file)
        field.accept = try stringList(map, "accept").map { $0.lowercased() == "jpeg" ? "jpg" : $0.lowercased() }
        for type in field.accept where !acceptableFileTypes.contains(type) {
            throw Diagnostic(file: file, line: map.lineOf("accept"), message:
                "Le format « \(type) » n’est pas accepté : choisissez parmi \(acceptableFileTypes.joined(separator: ", ")).")
        }
        if let size = try map.string("max_size") {
            guard let bytes = parseSize(size) else {
                throw Diagnostic(file: file, line: map.lineOf("max_size"), message:
                    "La taille « \(size) » n’est pas comprise : écrivez par exemple « 5 Mo » ou « 500 ko ».")
            }
            field.maxFileSize = bytes
        }
        field.maxFiles = try map.int("max_files") ?? 1

        switch kind {
        case .select, .radio, .checkboxes:
            if field.options.count < 2 {
                throw Diagnostic(file: file, line: map.line, message: "Le champ « \(id) » doit proposer au moins deux choix (« options »).")
            }
        case .file:
            if field.accept.isEmpty {
                throw Diagnostic(file: file, line: map.line, message: "Le champ « \(id) » doit dire quels formats il accepte (« accept: [pdf, jpg, png] »).")
            }
            if field.maxFileSize == nil { field.maxFileSize = 5_000_000 }
            if !(1...10).contains(field.maxFiles) {
                throw Diagnostic(file: file, line: map.lineOf("max_files"), message: "« max_files » doit être compris entre 1 et 10.")
            }
        default:
            if !field.options.isEmpty {
                throw Diagnostic(file: file, line: map.lineOf("options"), message:
                    "Le champ « \(id) » est de type \(kind.rawValue) : seuls les types select, radio et checkboxes ont des « options ».")
            }
        }
        if let min = field.minLength, let max = field.maxLength, min > max {
            throw Diagnostic(file: file, line: map.lineOf("min_length"), message: "« min_length » est plus grand que « max_length ».")
        }
        return field
    }

    static func parseOptions(_ map: YAMLMapping, file: String) throws(Diagnostic) -> [Field.Option] {
        var options: [Field.Option] = []
        for item in try map.sequence("options") ?? [] {
            if let label = item.scalar?.string {
                options.append(Field.Option(value: slug(label), label: label))
            } else {
                let option = try YAMLMapping(node: item, file: file, what: "Chaque choix")
                try option.rejectUnknownKeys(["value", "label"], context: "dans un choix")
                let label = try option.requiredString("label", context: "dans un choix")
                options.append(Field.Option(value: try option.string("value") ?? slug(label), label: label))
            }
            if options.dropLast().contains(where: { $0.value == options.last!.value }) {
                throw Diagnostic(file: file, line: map.lineOf(item), message: "Deux choix ont la même valeur « \(options.last!.value) ».")
            }
        }
        return options
    }

    // MARK: - Scalars

    static func stringList(_ map: YAMLMapping, _ key: String) throws(Diagnostic) -> [String] {
        var result: [String] = []
        for item in try map.sequence(key) ?? [] {
            guard let text = item.scalar?.string.trimmingWhitespace(), !text.isEmpty else {
                throw Diagnostic(file: map.file, line: map.lineOf(item), message: "Chaque élément de « \(key) » doit être un texte.")
            }
            result.append(text)
        }
        return result
    }

    static func bool(_ map: YAMLMapping, _ key: String, file: String) throws(Diagnostic) -> Bool? {
        guard let text = try map.string(key) else { return nil }
        switch text.lowercased() {
        case "true", "oui", "yes": return true
        case "false", "non", "no": return false
        default:
            throw Diagnostic(file: file, line: map.lineOf(key), message: "La valeur de « \(key) » doit être true ou false.")
        }
    }

    static func double(_ map: YAMLMapping, _ key: String, file: String) throws(Diagnostic) -> Double? {
        guard let text = try map.string(key) else { return nil }
        guard let value = FieldFormats.number(text) else {
            throw Diagnostic(file: file, line: map.lineOf(key), message: "La valeur de « \(key) » doit être un nombre, par exemple 10.")
        }
        return value
    }

    static func dateBound(_ map: YAMLMapping, _ key: String, file: String) throws(Diagnostic) -> Field.DateBound? {
        guard let text = try map.string(key) else { return nil }
        if ["today", "aujourd’hui", "aujourd'hui"].contains(text.lowercased()) { return .today }
        guard let date = SimpleDate(iso: text) else {
            throw Diagnostic(file: file, line: map.lineOf(key), message:
                "« \(key) » doit être « aujourd’hui » ou une date AAAA-MM-JJ, par exemple 2026-09-01.")
        }
        return .date(date)
    }

    /// "5 Mo", "500 ko", "2 MB" → bytes (decimal units, as the message shows them).
    static func parseSize(_ text: String) -> Int? {
        let parts = text.lowercased().split(separator: " ")
        guard parts.count == 2, let amount = Double(parts[0].replacingOccurrences(of: ",", with: ".")), amount > 0 else { return nil }
        switch parts[1] {
        case "ko", "kb": return Int(amount * 1_000)
        case "mo", "mb": return Int(amount * 1_000_000)
        default: return nil
        }
    }

    static func checkIdentifier(_ id: String, file: String, line: Int?, what: String) throws(Diagnostic) {
        guard id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }), id.first?.isLetter == true,
              id.count <= 60 else {
            throw Diagnostic(file: file, line: line, message:
                "\(what) « \(id) » doit commencer par une lettre et ne contenir que des minuscules sans accent, des chiffres et des tirets (par exemple date-de-naissance).")
        }
    }

    /// "Oui, par courrier" → "oui-par-courrier": stable values for choices written as text.
    static func slug(_ label: String) -> String {
        let folded = label.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR"))
        var result = ""
        for char in folded {
            if char.isASCII && (char.isLetter || char.isNumber) { result.append(char) } else if !result.hasSuffix("-") { result.append("-") }
        }
        return String(result.trimmingCharacters(in: CharacterSet(charactersIn: "-")).prefix(60))
    }
}
