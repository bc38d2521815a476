import FormKit
import GuichetModel
import Testing

/// Each field kind with tables of inputs: what is accepted (and how it is normalised), and
/// what is refused with the exact sentence the citizen reads.
@Suite struct FieldValidationTests {
    static let today = SimpleDate(year: 2026, month: 11, day: 22)!

    func form(_ field: Field) -> FormDefinition {
        FormDefinition(id: "essai", title: "Essai", service: "accueil", introduction: nil, piecesToPrepare: [],
                       procedure: Procedure(kind: .information, implicitDecision: .aucune, delay: nil, appealRoutes: []),
                       privacy: PrivacyNotice(purpose: "p", legalBasis: "b", recipients: ["r"], retention: Duration(amount: 1, unit: .ans)),
                       identification: nil, groups: [FieldGroup(legend: nil, fields: [field])], digest: "d")
    }

    func check(_ field: Field, _ input: String) -> Result<NormalizedValue?, FieldError> {
        let result = FormValidator.validate(form(field), FormSubmission(values: [field.id: [input]]), today: Self.today)
        if let error = result.errors.first { return .failure(error) }
        return .success(result.values[field.id])
    }

    func accepts(_ field: Field, _ input: String, as expected: NormalizedValue?) {
        #expect(check(field, input) == .success(expected), "input \(input.debugDescription)")
    }

    func refuses(_ field: Field, _ input: String, with message: String, control: String? = nil) {
        #expect(check(field, input) == .failure(FieldError(fieldID: control ?? field.id, message: message)), "input \(input.debugDescription)")
    }

    @Test func requiredAndOptionalText() {
        let name = Field(id: "nom", kind: .text, label: "Nom", required: true, maxLength: 10)
        accepts(name, "  Dupont ", as: .text("Dupont"))
        refuses(name, "", with: "Renseignez le champ « Nom ».")
        refuses(name, "   \t ", with: "Renseignez le champ « Nom ».")
        refuses(name, "Dupont-Martin", with: "« Nom » doit contenir au plus 10 caractères (vous en avez saisi 13).")
        refuses(name, "Du\r\npont", with: "« Nom » doit tenir sur une seule ligne : retirez les retours à la ligne.")
        accepts(name, "Du\u{0}pont\u{7}", as: .text("Dupont"))
        accepts(Field(id: "nom", kind: .text, label: "Nom"), "", as: nil)
        refuses(Field(id: "code", kind: .text, label: "Code", minLength: 4), "ab", with: "« Code » doit contenir au moins 4 caractères.")
        refuses(Field(id: "x", kind: .text, label: "X"), String(repeating: "a", count: 20_001),
                with: "« X » doit contenir au plus 20000 caractères (vous en avez saisi 20001).")
    }

    @Test func textareaKeepsLineBreaks() {
        let message = Field(id: "message", kind: .textarea, label: "Votre message", required: true)
        accepts(message, "Bonjour,\r\nMerci.\r", as: .text("Bonjour,\nMerci."))
    }

    @Test func patternWithItsOwnMessage() {
        let field = Field(id: "plaque", kind: .text, label: "Immatriculation", pattern: "[A-Z]{2}-[0-9]{3}-[A-Z]{2}",
                          patternMessage: "Saisissez l’immatriculation sous la forme AB-123-CD.")
        accepts(field, "AB-123-CD", as: .text("AB-123-CD"))
        refuses(field, "AB123CD", with: "Saisissez l’immatriculation sous la forme AB-123-CD.")
        refuses(field, "xAB-123-CDx", with: "Saisissez l’immatriculation sous la forme AB-123-CD.")
    }

    @Test func email() {
        let field = Field(id: "courriel", kind: .email, label: "Adresse électronique", required: true)
        accepts(field, "Marie.Curie@Exemple.FR", as: .text("Marie.Curie@exemple.fr"))
        accepts(field, "a+tri@sous.domaine.example", as: .text("a+tri@sous.domaine.example"))
        accepts(field, "élodie@mairie.fr", as: .text("élodie@mairie.fr"))
        for bad in ["marie", "marie@", "@exemple.fr", "marie@exemple", "marie@@exemple.fr", "marie curie@exemple.fr",
                    "marie@exemple..fr", "marie@exemple.f", ".marie@exemple.fr", "marie@-exemple.fr", "a@b.c0"] {
            refuses(field, bad, with: "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")
        }
    }

    @Test func frenchTelephoneNumbers() {
        let field = Field(id: "tel", kind: .tel, label: "Téléphone")
        for good in ["06 12 34 56 78", "0612345678", "06.12.34.56.78", "06-12-34-56-78", "+33 6 12 34 56 78",
                     "+33 (0)6 12 34 56 78", "0033 6 12 34 56 78", "+33612345678"] {
            accepts(field, good, as: .text("+33612345678"))
        }
        accepts(field, "+262 262 12 34 56", as: .text("+262262123456"))
        for bad in ["06 12 34 56", "612345678", "00 12 34 56 78", "06 12 34 56 78 9", "+33 06 12 34 56 7", "tel: 06", "+1"] {
            refuses(field, bad, with: "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78.")
        }
    }

    @Test func postcode() {
        let field = Field(id: "cp", kind: .postcode, label: "Code postal")
        accepts(field, "99150", as: .text("99150"))
        accepts(field, "75 001", as: .text("75001"))
        accepts(field, "97400", as: .text("97400"))
        for bad in ["7500", "750011", "7500A", "00100", "٧٥٠٠١"] {
            refuses(field, bad, with: "Saisissez un code postal de 5 chiffres, par exemple 75001.")
        }
    }

    @Test func siretUsesLuhnAndLaPosteException() {
        let field = Field(id: "siret", kind: .siret, label: "SIRET")
        accepts(field, "732 829 320 00074", as: .text("73282932000074"))
        // La Poste: digits summing to a multiple of 5, though Luhn fails.
        #expect(!FieldFormats.isValidSIRET("35600000000002"))
        accepts(field, "35600000000001", as: .text("35600000000001"))
        refuses(field, "73282932000075", with: "Ce numéro SIRET n’existe pas : vérifiez les 14 chiffres (ils figurent sur l’avis de situation au répertoire SIRENE).")
        refuses(field, "7328293200007", with: "Saisissez un numéro SIRET de 14 chiffres, par exemple 123 456 789 00012.")
        refuses(field, "7328293200007A", with: "Saisissez un numéro SIRET de 14 chiffres, par exemple 123 456 789 00012.")
    }

    @Test func rna() {
        let field = Field(id: "rna", kind: .rna, label: "RNA")
        accepts(field, "w751234567", as: .text("W751234567"))
        for bad in ["751234567", "W75123456", "W7512345678", "X751234567"] {
            refuses(field, bad, with: "Saisissez un numéro RNA valide : la lettre W suivie de 9 chiffres, par exemple W751234567.")
        }
    }

    @Test func ibanUsesModulo97() {
        let field = Field(id: "iban", kind: .iban, label: "IBAN")
        accepts(field, "FR76 3000 6000 0112 3456 7890 189", as: .text("FR7630006000011234567890189"))
        accepts(field, "de89370400440532013000", as: .text("DE89370400440532013000"))
        refuses(field, "FR76 3000 6000 0112 3456 7890 188",
                with: "Cet IBAN n’est pas valide : vérifiez chaque caractère en vous aidant de votre relevé d’identité bancaire (RIB).")
        refuses(field, "FR76 3000 6000 0112 3456 7890", with: "Saisissez un IBAN valide, par exemple FR76 3000 6000 0112 3456 7890 189.")
        refuses(field, "1234", with: "Saisissez un IBAN valide, par exemple FR76 3000 6000 0112 3456 7890 189.")
    }

    @Test func numberWithBoundsAndUnit() {
        let field = Field(id: "personnes", kind: .number, label: "Nombre de personnes", minimum: 1, maximum: 200, unit: "personnes")
        accepts(field, "12", as: .number(12))
        accepts(field, "12,5", as: .number(12.5))
        accepts(field, "1 20", as: .number(120))
        refuses(field, "0", with: "« Nombre de personnes » doit être compris entre 1 et 200 personnes.")
        refuses(field, "201", with: "« Nombre de personnes » doit être compris entre 1 et 200 personnes.")
        for bad in ["douze", "1e3", "nan", "inf", "--1", "12,5,6"] {
            refuses(field, bad, with: "Saisissez un nombre pour « Nombre de personnes », par exemple 1.")
        }
    }

    @Test func dateAsOneFieldWithItsFormat() {
        let field = Field(id: "naissance", kind: .date, label: "Date de naissance", latest: .today)
        let expected = NormalizedValue.date(SimpleDate(year: 1990, month: 7, day: 14)!)
        // "14071990": the 8 digits alone, as typed on a phone's number pad.
        for good in ["14/07/1990", "14-07-1990", "14.07.1990", "14 07 1990", "1990-07-14", "14/7/1990", "14071990"] {
            accepts(field, good, as: expected)
        }
        accepts(field, "22/11/2026", as: .date(Self.today))
        refuses(field, "23/11/2026", with: "« Date de naissance » doit être aujourd’hui ou une date passée.")
        for bad in ["31/02/1990", "14/13/1990", "14/07/90", "1990", "14 juillet 1990", "00/01/1990", "01/01/1700",
                    "31021990", "19900714", "1407199", "140719900", "１４０７１９９０"] {
            refuses(field, bad, with: "Saisissez une date valide au format JJ/MM/AAAA, par exemple 14/07/1990.")
        }
        let event = Field(id: "date", kind: .date, label: "Date de la réservation", earliest: .today,
                          latest: .date(SimpleDate(year: 2027, month: 6, day: 30)!))
        refuses(event, "21/11/2026", with: "« Date de la réservation » doit être aujourd’hui ou une date à venir.")
        refuses(event, "01/07/2027", with: "« Date de la réservation » doit être le 30 juin 2027 ou avant.")
    }

    @Test func choices() {
        let options = [Field.Option(value: "copie-integrale", label: "Copie intégrale"), Field.Option(value: "extrait", label: "Extrait")]
        let radio = Field(id: "type", kind: .radio, label: "Type d’acte", required: true, options: options)
        accepts(radio, "extrait", as: .text("extrait"))
        refuses(radio, "", with: "Choisissez une réponse pour « Type d’acte ».")
        refuses(radio, "autre", with: "La réponse envoyée pour « Type d’acte » ne fait pas partie des choix proposés : choisissez une des réponses de la liste.")
        let select = Field(id: "type", kind: .select, label: "Type d’acte", options: options)
        accepts(select, "", as: nil)
        accepts(select, "copie-integrale", as: .text("copie-integrale"))
    }

    @Test func checkboxesKeepTheOrderOfTheOptions() {
        let field = Field(id: "jours", kind: .checkboxes, label: "Jours", required: true,
                          options: ["lundi", "mardi", "jeudi"].map { Field.Option(value: $0, label: $0) })
        let result = FormValidator.validate(form(field), FormSubmission(values: ["jours": ["jeudi", "lundi"]]), today: Self.today)
        #expect(result.values["jours"] == .list(["lundi", "jeudi"]))
        #expect(FormValidator.validate(form(field), FormSubmission(values: [:]), today: Self.today).errors ==
                [FieldError(fieldID: "jours", message: "Cochez au moins une réponse pour « Jours ».")])
        #expect(FormValidator.validate(form(field), FormSubmission(values: ["jours": ["lundi", "lundi"]]), today: Self.today).errors ==
                [FieldError(fieldID: "jours", message: "La réponse envoyée pour « Jours » ne fait pas partie des choix proposés : choisissez une des réponses de la liste.")])
    }

    @Test func consentCheckbox() {
        let field = Field(id: "accord", kind: .checkbox, label: "J’atteste sur l’honneur l’exactitude des informations", required: true)
        accepts(field, "oui", as: .flag(true))
        refuses(field, "", with: "Cochez la case « J’atteste sur l’honneur l’exactitude des informations » pour continuer.")
        accepts(Field(id: "infos", kind: .checkbox, label: "Recevoir des informations"), "", as: .flag(false))
    }

    @Test func repeatedSingleValueField() {
        let field = Field(id: "nom", kind: .text, label: "Nom")
        let result = FormValidator.validate(form(field), FormSubmission(values: ["nom": ["a", "b"]]), today: Self.today)
        #expect(result.errors == [FieldError(fieldID: "nom", message: "Le champ « Nom » a été envoyé plusieurs fois : rechargez la page et remplissez-le une seule fois.")])
    }

    @Test func addressPointsAtTheControlToFix() {
        let field = Field(id: "adresse", kind: .address, label: "Adresse postale", required: true)
        func submit(_ street: String, _ complement: String, _ postcode: String, _ commune: String) -> ValidationResult {
            FormValidator.validate(form(field), FormSubmission(values: ["adresse-voie": [street], "adresse-complement": [complement],
                                                                        "adresse-code-postal": [postcode], "adresse-commune": [commune]]),
                                   today: Self.today)
        }
        #expect(submit("3 rue des Lilas", "", "99 150", "Brémonval").values["adresse"] ==
                .address(street: "3 rue des Lilas", complement: nil, postcode: "99150", commune: "Brémonval"))
        #expect(submit("", "", "99150", "Brémonval").errors ==
                [FieldError(fieldID: "adresse-voie", message: "Renseignez le numéro et le nom de la voie, par exemple 12 rue de la Paix.")])
        #expect(submit("3 rue des Lilas", "", "9915", "Brémonval").errors ==
                [FieldError(fieldID: "adresse-code-postal", message: "Saisissez un code postal de 5 chiffres, par exemple 75001.")])
        #expect(submit("3 rue des Lilas", "Bât. B", "99150", "").errors ==
                [FieldError(fieldID: "adresse-commune", message: "Renseignez la commune.")])
    }

    /// The limit is said the same way under the field and in the message, never rounded up.
    @Test func fileSizesAreWrittenAsPeopleReadThem() {
        let cases: [(Int, String)] = [(5_000_000, "5 Mo"), (2_500_000, "2,5 Mo"), (500_000, "500 ko"), (10_000_000, "10 Mo"),
                                      (1_000_000, "1 Mo"), (2_560_000, "2,5 Mo"), (999_999, "999 ko"), (1_500, "1 ko"), (800, "800 octets")]
        for (bytes, text) in cases {
            #expect(FileSize.french(bytes) == text, "\(bytes)")
        }
        let field = Field(id: "plan", kind: .file, label: "Plan", accept: ["pdf"], maxFileSize: 2_500_000)
        let result = FormValidator.validate(form(field), FormSubmission(files: ["plan": [UploadedFile(filename: "plan.pdf", size: 2_600_000, detectedType: "pdf")]]),
                                            today: Self.today)
        #expect(result.errors.first?.message ==
                "Le fichier « plan.pdf » dépasse 2,5 Mo : réduisez sa taille (par exemple en le numérisant en noir et blanc) ou découpez-le.")
    }

    @Test func filesAreCheckedByTypeBytesSizeAndCount() {
        let field = Field(id: "photo", kind: .file, label: "Photo du problème", required: true,
                          accept: ["jpg", "png"], maxFileSize: 5_000_000, maxFiles: 2)
        func submit(_ files: [UploadedFile]) -> ValidationResult {
            FormValidator.validate(form(field), FormSubmission(files: ["photo": files]), today: Self.today)
        }
        let ok = submit([UploadedFile(filename: "C:\\Users\\moi\\Trottoir.JPEG", size: 120_000, detectedType: "jpg")])
        #expect(ok.values["photo"] == .files([UploadedFile(filename: "Trottoir.JPEG", size: 120_000, detectedType: "jpg")]))
        #expect(submit([]).errors.first?.message == "Joignez le document demandé : « Photo du problème ».")
        #expect(submit([UploadedFile(filename: "", size: 0, detectedType: nil)]).errors.first?.message == "Joignez le document demandé : « Photo du problème ».")
        #expect(submit([UploadedFile(filename: "scan.pdf", size: 10, detectedType: "pdf")]).errors.first?.message ==
                "Le fichier « scan.pdf » doit être au format JPG ou PNG.")
        #expect(submit([UploadedFile(filename: "virus.jpg", size: 10, detectedType: nil)]).errors.first?.message ==
                "Le contenu du fichier « virus.jpg » ne correspond pas à un fichier JPG ou PNG : enregistrez-le de nouveau dans l’un de ces formats.")
        #expect(submit([UploadedFile(filename: "../../etc/passwd.png", size: 6_000_000, detectedType: "png")]).errors.first?.message ==
                "Le fichier « passwd.png » dépasse 5 Mo : réduisez sa taille (par exemple en le numérisant en noir et blanc) ou découpez-le.")
        #expect(submit(Array(repeating: UploadedFile(filename: "a.png", size: 1, detectedType: "png"), count: 3)).errors.first?.message ==
                "Joignez au plus 2 fichiers.")
        #expect(submit([UploadedFile(filename: "vide.png", size: 0, detectedType: "png")]).errors.first?.message ==
                "Le fichier « vide.png » est vide : choisissez de nouveau le bon fichier.")
    }
}
