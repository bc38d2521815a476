import FormKit
import Foundation
import GuichetModel
import Testing

@Suite struct FormLoaderTests {
    static let services = [Service(id: "etat-civil", name: "Service état civil", email: "e@x.example", phone: "01 99 00 10 10",
                                   address: "1 place de la Mairie", hours: "")]
    static let valid = """
        id: acte-de-naissance
        title: Demande d’acte de naissance
        service: etat-civil
        introduction: Recevez une copie ou un extrait par courrier.
        pieces:
          - Le livret de famille, si vous l’avez
        procedure:
          kind: demande
          implicit_decision: acceptation
          delay: 2 mois
          appeal:
            - Recours gracieux auprès du maire dans un délai de deux mois.
        privacy:
          purpose: Traiter votre demande d’acte.
          legal_basis: Mission d’intérêt public (article 6-1-e du RGPD).
          recipients: [Service état civil]
          retention: 1 an
        identification: particulier
        groups:
          - legend: L’acte demandé
            fields:
              - id: type
                kind: radio
                label: Type d’acte
                required: true
                options:
                  - { value: copie-integrale, label: Copie intégrale }
                  - Extrait avec filiation
              - id: date-naissance
                kind: date
                label: Date de naissance
                latest: aujourd’hui
        """

    func load(_ text: String, file: String = "Forms/acte-de-naissance.yaml") -> Result<FormDefinition, Diagnostic> {
        do { return .success(try FormLoader.parse(text, file: file, services: Self.services)) } catch { return .failure(error) }
    }

    func message(_ text: String) -> String? {
        if case .failure(let d) = load(text) { return d.description }
        return nil
    }

    func replacing(_ old: String, _ new: String) -> String {
        precondition(Self.valid.contains(old), old)
        return Self.valid.replacingOccurrences(of: old, with: new)
    }

    @Test func loadsTheDefinitionAndAddsIdentification() throws {
        let form = try load(Self.valid).get()
        #expect(form.procedure == Procedure(kind: .demande, implicitDecision: .acceptation, delay: Duration(amount: 2, unit: .mois),
                                            appealRoutes: ["Recours gracieux auprès du maire dans un délai de deux mois."]))
        #expect(form.privacy.retention.description == "1 an")
        #expect(form.groups.map(\.legend) == ["Vos coordonnées", "L’acte demandé"])
        #expect(form.fields.map(\.id) == ["nom", "prenom", "adresse", "courriel", "telephone", "type", "date-naissance"])
        #expect(form.field("type")?.options.map(\.value) == ["copie-integrale", "extrait-avec-filiation"])
        #expect(form.field("date-naissance")?.latest == .today)
        #expect(form.field("telephone")?.required == false)
        #expect(form.field("type")?.line == 22)
        #expect(form.digest.count == 64)
        #expect(try load(Self.valid + "\n").get().digest != form.digest)
    }

    @Test func badDefinitionsAreReportedWithTheirLine() {
        let cases: [(String, String)] = [
            (replacing("title:", "titre:"),
             "Forms/acte-de-naissance.yaml:2: La clé « titre » n’est pas reconnue dans une définition de formulaire. Vouliez-vous écrire « title » ? Clés possibles : id, title, service, introduction, pieces, procedure, privacy, identification, groups, fields."),
            (replacing("service: etat-civil", "service: urbanisme"),
             "Forms/acte-de-naissance.yaml:3: Le service « urbanisme » n’est pas déclaré dans guichet.yaml. Services déclarés : etat-civil."),
            (replacing("id: acte-de-naissance", "id: acte-naissance"),
             "Forms/acte-de-naissance.yaml:1: L’identifiant « acte-naissance » doit être le nom du fichier (« acte-de-naissance ») : renommez le fichier ou corrigez l’identifiant."),
            (replacing("kind: radio", "kind: radios"),
             "Forms/acte-de-naissance.yaml:23: Le type de champ « radios » n’existe pas. Types possibles : text, textarea, email, tel, number, date, select, radio, checkboxes, checkbox, postcode, commune, address, siret, rna, iban, file."),
            (replacing("        label: Date de naissance\n", ""),
             "Forms/acte-de-naissance.yaml:29: Le champ « date-naissance » n’a pas d’intitulé : ajoutez « label: … », le texte que la personne lit à côté du champ."),
            (replacing("id: date-naissance", "id: type"),
             "Forms/acte-de-naissance.yaml:29: L’identifiant de champ « type » est déjà utilisé à la ligne 22 : chaque champ doit avoir un identifiant unique."),
            (replacing("id: date-naissance", "id: nom"),
             "Forms/acte-de-naissance.yaml:29: L’identifiant de champ « nom » est déjà utilisé par l’identification (particulier) : chaque champ doit avoir un identifiant unique."),
            (replacing("latest: aujourd’hui", "autocomplete: birthday"),
             "Forms/acte-de-naissance.yaml:32: « birthday » n’est pas une valeur d’autocomplete reconnue par les navigateurs : utilisez par exemple given-name, family-name, email, tel, postal-code, bday (liste complète dans le guide)."),
            (replacing("identification: particulier\n", ""),
             "Forms/acte-de-naissance.yaml:1: Une demande doit identifier son auteur (article R112-9-1 du CRPA) : ajoutez « identification: particulier » (ou entreprise, association)."),
            (replacing("  implicit_decision: acceptation\n", ""),
             "Forms/acte-de-naissance.yaml:8: La clé « implicit_decision » est obligatoire pour une demande (ce que vaut le silence de l’administration : acceptation, rejet ou aucune) et ne peut pas être vide."),
            (replacing("  delay: 2 mois", "  delay: deux mois"),
             "Forms/acte-de-naissance.yaml:10: Le délai « deux mois » n’est pas compris : écrivez un nombre suivi de jours, mois ou ans, par exemple « 2 mois »."),
            (replacing("  appeal:\n    - Recours gracieux auprès du maire dans un délai de deux mois.\n", ""),
             "Forms/acte-de-naissance.yaml:8: Une demande doit indiquer les voies et délais de recours (« appeal ») : l’accusé de réception doit les mentionner (article L112-11 du CRPA)."),
            (replacing("  retention: 1 an", "  retention: longtemps"),
             "Forms/acte-de-naissance.yaml:17: La durée de conservation « longtemps » n’est pas comprise : écrivez un nombre suivi de jours, mois ou ans, par exemple « 1 an »."),
            (replacing("  - legend: L’acte demandé\n", "  - legend:\n"),
             "Forms/acte-de-naissance.yaml:20: La clé « legend » est obligatoire dans un groupe (le titre du groupe, lu par les lecteurs d’écran) et ne peut pas être vide."),
            (replacing("          - Extrait avec filiation\n", ""),
             "Forms/acte-de-naissance.yaml:22: Le champ « type » doit proposer au moins deux choix (« options »)."),
            (replacing("identification: particulier", "identification: personne"),
             "Forms/acte-de-naissance.yaml:18: L’identification « personne » n’existe pas : écrivez particulier, entreprise ou association."),
            (replacing("kind: date\n        label: Date de naissance\n        latest: aujourd’hui",
                       "kind: text\n        label: Date de naissance\n        pattern: \"[0-9\""),
             "Forms/acte-de-naissance.yaml:32: Le motif « [0-9 » n’est pas une expression régulière valide."),
            (replacing("latest: aujourd’hui", "required: peut-être"),
             "Forms/acte-de-naissance.yaml:32: La valeur de « required » doit être true ou false."),
            (replacing("id: date-naissance", "id: Date_Naissance"),
             "Forms/acte-de-naissance.yaml:29: L’identifiant de champ « Date_Naissance » doit commencer par une lettre et ne contenir que des minuscules sans accent, des chiffres et des tirets (par exemple date-de-naissance)."),
            ("id: [", "Forms/acte-de-naissance.yaml:2: La syntaxe YAML est invalide : vérifiez l’indentation, les deux-points après chaque clé et les guillemets autour des textes qui contiennent « : » ou « # ». (détail : did not find expected node content)"),
        ]
        for (text, expected) in cases {
            #expect(message(text) == expected)
        }
    }

    /// The form says « Sauf mention « (facultatif) », tous les champs sont obligatoires » : a
    /// field without `required` is required, `required: false` makes it optional.
    @Test func fieldsAreRequiredUnlessSaidOtherwise() throws {
        #expect(try load(Self.valid).get().field("date-naissance")?.required == true)
        for written in ["false", "non", "no"] {
            let form = try load(replacing("latest: aujourd’hui", "latest: aujourd’hui\n        required: \(written)")).get()
            #expect(form.field("date-naissance")?.required == false, "required: \(written)")
        }
        for written in ["true", "oui"] {
            let form = try load(replacing("latest: aujourd’hui", "latest: aujourd’hui\n        required: \(written)")).get()
            #expect(form.field("date-naissance")?.required == true, "required: \(written)")
        }
    }

    /// `valid` with one more field at its end (its `- id:` on line 33, its extra keys from line 36).
    func withField(_ id: String, kind: String, _ extra: String = "") -> String {
        Self.valid + "\n      - id: \(id)\n        kind: \(kind)\n        label: Champ ajouté" + (extra.isEmpty ? "" : "\n" + extra)
    }

    @Test func keysThatDoNotApplyToTheKindAreRefused() {
        let cases: [(String, String)] = [
            (replacing("latest: aujourd’hui", "unit: jours"),
             "Forms/acte-de-naissance.yaml:32: La clé « unit » ne s’applique pas à un champ de type date. Clés possibles pour ce type : id, kind, label, hint, required, autocomplete, earliest, latest."),
            (replacing("latest: aujourd’hui", "accept: [pdf]"),
             "Forms/acte-de-naissance.yaml:32: La clé « accept » ne s’applique pas à un champ de type date. Clés possibles pour ce type : id, kind, label, hint, required, autocomplete, earliest, latest."),
            (withField("nom-usage", kind: "text", "        min: 1"),
             "Forms/acte-de-naissance.yaml:36: La clé « min » ne s’applique pas à un champ de type text. Clés possibles pour ce type : id, kind, label, hint, required, autocomplete, min_length, max_length, pattern, pattern_message."),
            // The line of the key, not of its first item.
            (withField("nom-usage", kind: "text", "        options:\n          - Oui\n          - Non"),
             "Forms/acte-de-naissance.yaml:36: La clé « options » ne s’applique pas à un champ de type text. Clés possibles pour ce type : id, kind, label, hint, required, autocomplete, min_length, max_length, pattern, pattern_message."),
            (withField("nom-usage", kind: "text", "        max_files: 2"),
             "Forms/acte-de-naissance.yaml:36: La clé « max_files » ne s’applique pas à un champ de type text. Clés possibles pour ce type : id, kind, label, hint, required, autocomplete, min_length, max_length, pattern, pattern_message."),
            (withField("invites", kind: "number", "        earliest: aujourd’hui"),
             "Forms/acte-de-naissance.yaml:36: La clé « earliest » ne s’applique pas à un champ de type number. Clés possibles pour ce type : id, kind, label, hint, required, autocomplete, min, max, unit."),
            (withField("piece", kind: "file", "        accept: [pdf]\n        pattern: \"[a-z]+\"\n        pattern_message: Écrivez en minuscules."),
             "Forms/acte-de-naissance.yaml:37: La clé « pattern » ne s’applique pas à un champ de type file. Clés possibles pour ce type : id, kind, label, hint, required, accept, max_size, max_files."),
            (withField("message", kind: "textarea", "        autocomplete: street-address"),
             "Forms/acte-de-naissance.yaml:36: La clé « autocomplete » ne s’applique pas à un champ de type textarea. Clés possibles pour ce type : id, kind, label, hint, required, min_length, max_length, pattern, pattern_message."),
            (replacing("        required: true\n", "        required: true\n        max_length: 20\n"),
             "Forms/acte-de-naissance.yaml:26: La clé « max_length » ne s’applique pas à un champ de type radio. Clés possibles pour ce type : id, kind, label, hint, required, options."),
            (withField("domicile", kind: "address", "        autocomplete: street-address"),
             "Forms/acte-de-naissance.yaml:36: La clé « autocomplete » ne s’applique pas à un champ de type address. Clés possibles pour ce type : id, kind, label, hint, required."),
            (withField("accord", kind: "checkbox", "        options: [Oui, Non]"),
             "Forms/acte-de-naissance.yaml:36: La clé « options » ne s’applique pas à un champ de type checkbox. Clés possibles pour ce type : id, kind, label, hint, required."),
            (withField("nom-usage", kind: "text", "        pattern_message: Écrivez en majuscules."),
             "Forms/acte-de-naissance.yaml:36: « pattern_message » est le message d’un motif : ajoutez le motif (« pattern: … ») ou retirez « pattern_message »."),
        ]
        for (text, expected) in cases {
            #expect(message(text) == expected)
        }
        // What does apply is accepted.
        #expect(throws: Never.self) {
            try load(withField("invites", kind: "number", "        min: 1\n        max: 250\n        unit: personnes")).get()
        }
    }

    /// Every id the form writes (field, -indice, -erreur, choices -1…-n, address parts and
    /// theirs, the page's own) must be unique, or labels and error links point elsewhere.
    @Test func generatedHTMLIDsMustNotCollide() {
        let cases: [(String, String)] = [
            (withField("type-1", kind: "text"),
             "Forms/acte-de-naissance.yaml:33: Le champ « type-1 » recevrait l’identifiant « type-1 », déjà pris par le choix n° 1 du champ « type » à la ligne 22 : deux éléments d’une page ne peuvent pas avoir le même identifiant. Choisissez un autre identifiant pour le champ « type-1 »."),
            (withField("adresse-voie", kind: "text"),
             "Forms/acte-de-naissance.yaml:33: Le champ « adresse-voie » recevrait l’identifiant « adresse-voie », déjà pris par la zone de la voie du champ « adresse » ajouté par l’identification (particulier) : deux éléments d’une page ne peuvent pas avoir le même identifiant. Choisissez un autre identifiant pour le champ « adresse-voie »."),
            (withField("adresse-code-postal-indice", kind: "text"),
             "Forms/acte-de-naissance.yaml:33: Le champ « adresse-code-postal-indice » recevrait l’identifiant « adresse-code-postal-indice », déjà pris par l’indication de la zone du code postal du champ « adresse » ajouté par l’identification (particulier) : deux éléments d’une page ne peuvent pas avoir le même identifiant. Choisissez un autre identifiant pour le champ « adresse-code-postal-indice »."),
            (withField("date-naissance-erreur", kind: "text"),
             "Forms/acte-de-naissance.yaml:33: Le champ « date-naissance-erreur » recevrait l’identifiant « date-naissance-erreur », déjà pris par le message d’erreur du champ « date-naissance » à la ligne 29 : deux éléments d’une page ne peuvent pas avoir le même identifiant. Choisissez un autre identifiant pour le champ « date-naissance-erreur »."),
            // The later field's generated id meets an earlier field's own id.
            (withField("choix-2", kind: "text") + "\n      - id: choix\n        kind: radio\n        label: Choix\n        options: [Un, Deux]",
             "Forms/acte-de-naissance.yaml:36: Le choix n° 2 du champ « choix » recevrait l’identifiant « choix-2 », déjà pris par le champ « choix-2 » à la ligne 33 : deux éléments d’une page ne peuvent pas avoir le même identifiant. Choisissez un autre identifiant pour le champ « choix »."),
            (withField("contenu", kind: "text"),
             "Forms/acte-de-naissance.yaml:33: Le champ « contenu » recevrait l’identifiant « contenu », que Guichet réserve à la page ou au formulaire : choisissez un autre identifiant pour le champ « contenu »."),
            (withField("donnees-acte-de-naissance", kind: "text"),
             "Forms/acte-de-naissance.yaml:33: Le champ « donnees-acte-de-naissance » recevrait l’identifiant « donnees-acte-de-naissance », que Guichet réserve à la page ou au formulaire : choisissez un autre identifiant pour le champ « donnees-acte-de-naissance »."),
        ]
        for (text, expected) in cases {
            #expect(message(text) == expected)
        }
    }

    @Test func fileFieldsNeedTheirFormats() {
        let text = replacing("        latest: aujourd’hui", "        latest: aujourd’hui\n      - id: piece\n        kind: file\n        label: Justificatif\n        accept: [pdf, docx]")
        #expect(message(text) == "Forms/acte-de-naissance.yaml:36: Le format « docx » n’est pas accepté : choisissez parmi pdf, jpg, png.")
        let ok = try? load(replacing("        latest: aujourd’hui", "        latest: aujourd’hui\n      - id: piece\n        kind: file\n        label: Justificatif\n        accept: [PDF, jpeg]\n        max_size: 2 Mo")).get()
        #expect(ok?.field("piece")?.accept == ["pdf", "jpg"])
        #expect(ok?.field("piece")?.maxFileSize == 2_000_000)
        #expect(ok?.hasFiles == true)
    }

    @Test func signalementNeedsNoSilenceRule() throws {
        let text = replacing("  kind: demande\n  implicit_decision: acceptation\n  delay: 2 mois\n", "  kind: signalement\n")
        let form = try load(text).get()
        #expect(form.procedure.kind == .signalement)
        #expect(message(replacing("  kind: demande\n", "  kind: signalement\n")) ==
                "Forms/acte-de-naissance.yaml:9: La règle du silence ne concerne que les demandes : retirez « implicit_decision » ou indiquez « kind: demande ».")
    }
}

@Suite struct RandomSubmissionTests {
    /// Arbitrary strings, bytes, missing and repeated fields: the engine never crashes and
    /// always answers with values or errors for every field.
    @Test(arguments: 0..<50)
    func randomSubmissionsGetAnAnswer(seed: UInt64) throws {
        let form = try FormLoader.parse(FormLoaderTests.valid, file: "Forms/acte-de-naissance.yaml", services: FormLoaderTests.services)
        var generator = SplitMix(seed: seed)
        let alphabet = Array("aé0 9@.+-/\\\n\r\t\u{0}\u{202E}<>\"'&%😀W") + ["oui", "extrait-avec-filiation", "14/07/1990"].flatMap { Array($0) }
        let names = form.fields.map(\.id) + ["adresse-voie", "adresse-code-postal", "adresse-commune", "inconnu"]
        for _ in 0..<40 {
            var values: [String: [String]] = [:]
            for name in names where Bool.random(using: &generator) {
                let count = Int.random(in: 0...3, using: &generator)
                values[name] = (0..<count).map { _ in
                    String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
                }
            }
            let result = FormValidator.validate(form, FormSubmission(values: values), today: SimpleDate(year: 2026, month: 11, day: 22)!)
            #expect(result.errors.allSatisfy { !$0.message.isEmpty })
            // A required field is either valid or in error; never silently missing.
            for field in form.fields where field.required {
                #expect(result.values[field.id] != nil || result.errors.contains { $0.fieldID.hasPrefix(field.id) }, "\(field.id)")
            }
        }
    }
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
