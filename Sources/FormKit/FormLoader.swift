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
    static let commonFieldKeys = ["id", "kind", "label", "hint", "required"]
    /// The keys that mean something for each kind of field. Any other key of `fieldKeys` is
    /// refused: the form would silently ignore it (a `unit` on a date, `accept` on a text),
    /// and the editor would believe the rule is applied.
    public static func fieldKeys(for kind: Field.Kind) -> [String] {
        let specific: [String]
        switch kind {
        case .text, .textarea, .commune:
            // No autocomplete on a textarea: the template gives it none.
            specific = (kind == .textarea ? [] : ["autocomplete"]) + ["min_length", "max_length", "pattern", "pattern_message"]
        case .email, .tel: specific = ["autocomplete", "min_length", "max_length"]
        case .postcode, .siret, .rna, .iban: specific = ["autocomplete"]
        case .number: specific = ["autocomplete", "min", "max", "unit"]
        case .date: specific = ["autocomplete", "earliest", "latest"]
        case .select: specific = ["autocomplete", "options"]
        case .radio, .checkboxes: specific = ["options"]
        case .checkbox, .address: specific = []
        case .file: specific = ["accept", "max_size", "max_files"]
        }
        return commonFieldKeys + specific
    }
    /// Types whose first bytes the gateway recognises, so a declared type can be checked.
    public static let acceptableFileTypes = ["pdf", "jpg", "png"]
    /// Names the generated form uses for its own hidden fields.
    public static let reservedFieldIDs = ["guichet-formulaire", "guichet-version", "guichet-site-web"]
    /// Ids the default theme gives the page around a form (`layout`, `page` and `form`
    /// templates): a field must not take them either.
    static func pageIDs(formID: String) -> [String] {
        ["menu", "contenu", "pied-de-page", "resume-erreurs", "avant-de-commencer", "formulaire-en-ligne",
         "dans-cette-rubrique", "donnees-\(formID)"]
    }

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

        try checkUniqueIDs(groups.flatMap(\.fields), formID: id, identification: identification, file: file)

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
        let allowed = fieldKeys(for: kind)
        for key in map.keys where !allowed.contains(key) {
            throw Diagnostic(file: file, line: keyLine(map, key), message:
                "La clé « \(key) » ne s’applique pas à un champ de type \(kind.rawValue). Clés possibles pour ce type : \(allowed.joined(separator: ", ")).")
        }
        var field = Field(id: id, kind: kind, label: label, hint: try map.string("hint"), line: map.line)
        // Most questions of a démarche are required, and the form marks them with an asterisk:
        // the definition follows the same convention.
        field.required = try bool(map, "required", file: file) ?? true
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
        } else if map.node("pattern_message") != nil {
            throw Diagnostic(file: file, line: keyLine(map, "pattern_message"), message:
                "« pattern_message » est le message d’un motif : ajoutez le motif (« pattern: … ») ou retirez « pattern_message ».")
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
            break
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

    // MARK: - Ids in the page

    /// Every id the form will write (a field's own, its hint's, its error's, its choices', its
    /// address parts') must be unique in the page, or labels, `aria-describedby` and the links
    /// of the error summary point at the wrong element, and two controls send the same name.
    static func checkUniqueIDs(_ fields: [Field], formID: String, identification: Identification?, file: String) throws(Diagnostic) {
        enum Owner { case field(Field, Field.HTMLRole), guichet }
        var owners: [String: Owner] = [:]
        for reserved in reservedFieldIDs + pageIDs(formID: formID) { owners[reserved] = .guichet }
        func origin(_ field: Field) -> String {
            field.line.map { "à la ligne \($0)" } ?? "ajouté par l’identification (\(identification?.rawValue ?? ""))"
        }
        var fieldIDs: [String: Field] = [:]
        for field in fields {
            if let previous = fieldIDs[field.id] {
                let place = previous.line.map { "à la ligne \($0)" } ?? "par l’identification (\(identification?.rawValue ?? ""))"
                throw Diagnostic(file: file, line: field.line, message:
                    "L’identifiant de champ « \(field.id) » est déjà utilisé \(place) : chaque champ doit avoir un identifiant unique.")
            }
            fieldIDs[field.id] = field
            for (htmlID, role) in field.htmlIDs {
                switch owners[htmlID] {
                case nil:
                    owners[htmlID] = .field(field, role)
                case .guichet:
                    throw Diagnostic(file: file, line: field.line, message:
                        "\(describe(role, of: field.id).capitalizedFirst) recevrait l’identifiant « \(htmlID) », que Guichet réserve à la page ou au formulaire : choisissez un autre identifiant pour le champ « \(field.id) ».")
                case .field(let other, let otherRole):
                    throw Diagnostic(file: file, line: field.line, message:
                        "\(describe(role, of: field.id).capitalizedFirst) recevrait l’identifiant « \(htmlID) », déjà pris par \(describe(otherRole, of: other.id)) \(origin(other)) : deux éléments d’une page ne peuvent pas avoir le même identifiant. Choisissez un autre identifiant pour le champ « \(field.id) ».")
                }
            }
        }
    }

    /// "la zone du code postal du champ « adresse »": what an id is given to, for messages.
    static func describe(_ role: Field.HTMLRole, of fieldID: String) -> String {
        func part(_ part: Field.AddressPart) -> String {
            switch part {
            case .street: return "la zone de la voie"
            case .complement: return "la zone du complément d’adresse"
            case .postcode: return "la zone du code postal"
            case .commune: return "la zone de la commune"
            }
        }
        let field = "du champ « \(fieldID) »"
        switch role {
        case .control: return "le champ « \(fieldID) »"
        case .hint: return "l’indication \(field)"
        case .error: return "le message d’erreur \(field)"
        case .option(let number): return "le choix n° \(number) \(field)"
        case .part(let p): return "\(part(p)) \(field)"
        case .partHint(let p): return "l’indication de \(part(p)) \(field)"
        case .partError(let p): return "le message d’erreur de \(part(p)) \(field)"
        }
    }

    // MARK: - Scalars

    /// Line of `key` itself (`lineOf` gives its value's, a line lower for a block list). Form
    /// files are whole YAML documents, so Yams' line is the file's.
    static func keyLine(_ map: YAMLMapping, _ key: String) -> Int? {
        map.node.mapping?.first { $0.key.string == key }?.key.mark?.line ?? map.lineOf(key)
    }

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

extension String {
    /// "le champ" → "Le champ".
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
