import GuichetModel

/// What the form templates show: built from a `FormDefinition` (the same value the gateway
/// validates with), plus, when the gateway sends the page back, the citizen's values and the
/// errors to fix. Field names are the Mustache tags of `Theme/templates/form.mustache`.
public struct FormView: Sendable {
    public var formID: String
    public var title: String
    /// Where the browser posts: the gateway URL of `guichet.yaml` + `/formulaires/<id>`.
    public var action: String
    /// Set only when the form has a file field (multipart costs bandwidth and parsing).
    public var enctype: String?
    public var digest: String
    public var groups: [FieldGroupView]
    public var errors: [ErrorSummaryItem]
    public var hasErrors: Bool
    public var privacy: PrivacyView
    /// The names of the hidden fields, shared with the gateway.
    public var formField = FormView.formFieldName
    public var versionField = FormView.versionFieldName
    public var honeypotField = FormView.honeypotFieldName

    public static let formFieldName = "guichet-formulaire"
    public static let versionFieldName = "guichet-version"
    /// A field people never see nor hear; robots that fill every input give themselves away.
    public static let honeypotFieldName = "guichet-site-web"

    /// - Parameters:
    ///   - values: what the citizen sent (the page is shown again with it), by field name.
    ///   - errors: field or control id → French message, in the order of the form.
    public init(form: FormDefinition, config: SiteConfig, action: String, privacyPageURL: String,
                values: [String: [String]] = [:], errors: [(id: String, message: String)] = []) {
        formID = form.id
        title = form.title
        self.action = action
        enctype = form.hasFiles ? "multipart/form-data" : nil
        digest = form.digest
        let messages = Dictionary(errors.map { ($0.id, $0.message) }, uniquingKeysWith: { first, _ in first })
        groups = form.groups.map { group in
            FieldGroupView(legend: group.legend, fields: group.fields.map { FieldView($0, values: values, errors: messages) })
        }
        // A set of radios or checkboxes has no element of its own to focus: link to its first choice.
        let firstChoice = Dictionary(uniqueKeysWithValues: form.fields.filter { $0.kind == .radio || $0.kind == .checkboxes }
            .map { ($0.id, $0.id + "-1") })
        self.errors = errors.map { ErrorSummaryItem(target: "#" + (firstChoice[$0.id] ?? $0.id), message: $0.message) }
        hasErrors = !errors.isEmpty
        privacy = PrivacyView(form: form, config: config, privacyPageURL: privacyPageURL)
    }
}

public struct ErrorSummaryItem: Sendable {
    public var target: String
    public var message: String
}

public struct FieldGroupView: Sendable {
    public var legend: String?
    public var hasLegend: Bool
    public var fields: [FieldView]
    init(legend: String?, fields: [FieldView]) {
        self.legend = legend
        hasLegend = legend != nil
        self.fields = fields
    }
}

/// One question, with everything its template needs precomputed: ids for `aria-describedby`,
/// the error, the kept value, and one flag per kind (Mustache has no comparisons).
///
/// Mustache looks a missing or nil value up in the enclosing contexts, and the parts of an
/// address are rendered inside the address's own view: so an address view keeps every
/// per-control property nil (its hint is `legendHint`), or its parts would borrow them.
public struct FieldView: Sendable {
    public var id: String
    public var label: String
    public var hint: String?
    public var hintID: String?
    /// Address fields only: the hint shown under the legend, tied to the fieldset.
    public var legendHint: String?
    public var legendHintID: String?
    public var error: String?
    public var errorID: String?
    /// "nom-indice nom-erreur": the hint, then the error, read after the label.
    public var describedBy: String?
    public var required: Bool
    public var autocomplete: String?
    public var value: String
    public var inputType: String
    public var inputMode: String?
    public var maxLength: Int?
    public var spellcheckOff: Bool
    public var isInput = false, isTextarea = false, isSelect = false, isRadio = false, isCheckboxes = false
    public var isCheckbox = false, isFile = false, isAddress = false
    public var options: [OptionView] = []
    public var accept: String?
    public var multiple: Bool
    public var checked: Bool
    public var unit: String?
    public var address: [FieldView] = []

    init(_ field: Field, values: [String: [String]], errors: [String: String]) {
        id = field.id
        label = field.label
        required = field.required
        autocomplete = field.autocomplete
        maxLength = field.kind == .file ? nil : field.maxLength
        unit = field.unit
        multiple = field.kind == .file && field.maxFiles > 1
        let sent = values[field.id] ?? []
        value = field.kind == .file ? "" : (sent.first ?? "")
        checked = sent.first == "oui"
        spellcheckOff = [.email, .tel, .postcode, .siret, .rna, .iban].contains(field.kind)
        var hint = field.hint
        inputType = "text"
        switch field.kind {
        case .text, .commune, .siret, .rna, .iban: isInput = true
        case .email: isInput = true; inputType = "email"
        case .tel: isInput = true; inputType = "tel"
        case .postcode: isInput = true; inputMode = "numeric"; maxLength = 5
        case .number: isInput = true; inputMode = "decimal"
        case .date:
            // No inputmode="numeric": the number pad of iOS has no "/" (FieldFormats.date also
            // takes the 8 digits alone, "14071990").
            isInput = true
            hint = [field.hint, "Format attendu : JJ/MM/AAAA, par exemple 14/07/1990."].compactMap { $0 }.joined(separator: " ")
        case .textarea: isTextarea = true
        case .select: isSelect = true
        case .radio: isRadio = true
        case .checkboxes: isCheckboxes = true
        case .checkbox: isCheckbox = true
        case .file:
            isFile = true
            accept = field.accept.map { "." + $0 }.joined(separator: ",")
            let limit = field.maxFileSize.map(FileSize.french) ?? ""
            let count = field.maxFiles > 1 ? "Jusqu’à \(field.maxFiles) fichiers, " : "Un fichier, "
            let formats = field.accept.map { $0.uppercased() }.joined(separator: ", ")
            hint = [field.hint, "\(count)au format \(formats), de \(limit) au plus chacun."].compactMap { $0 }.joined(separator: " ")
        case .address: isAddress = true
        }
        let selected = Set(sent)
        options = field.options.enumerated().map { index, option in
            OptionView(id: field.optionID(index + 1), name: field.id, value: option.value, label: option.label,
                       selected: selected.contains(option.value))
        }
        if field.kind == .address {
            address = FieldView.addressParts(of: field, values: values, errors: errors)
            // A fieldset's description is read with its legend (aria-describedby on the fieldset).
            legendHint = hint
            legendHintID = hint == nil ? nil : Field.hintID(field.id)
            // Nothing the parts look up may be set here (see the type's comment); the group's
            // own error is shown at the part it concerns.
            autocomplete = nil
            maxLength = nil
            unit = nil
            return
        }
        self.hint = hint
        hintID = hint == nil ? nil : Field.hintID(field.id)
        error = errors[field.id]
        errorID = error == nil ? nil : Field.errorID(field.id)
        let described = [hintID, errorID].compactMap { $0 }
        describedBy = described.isEmpty ? nil : described.joined(separator: " ")
    }

    static func addressParts(of field: Field, values: [String: [String]], errors: [String: String]) -> [FieldView] {
        let parts: [(Field.AddressPart, String, String, Bool, Int)] = [
            (.street, "Numéro et nom de la voie", "address-line1", true, 200),
            (.complement, "Complément d’adresse", "address-line2", false, 200),
            (.postcode, "Code postal", "postal-code", true, 5),
            (.commune, "Commune", "address-level2", true, 200),
        ]
        return parts.map { part, label, token, required, maxLength in
            let control = Field(id: field.addressPartID(part), kind: part == .postcode ? .postcode : .text, label: label,
                                hint: part == .complement ? "Bâtiment, appartement, lieu-dit…" : nil,
                                required: required && field.required, autocomplete: token, maxLength: maxLength)
            return FieldView(control, values: values, errors: errors)
        }
    }
}

public struct OptionView: Sendable {
    public var id: String
    /// The field's name, which every radio or checkbox of the set shares.
    public var name: String
    public var value: String
    public var label: String
    public var selected: Bool
}

/// RGPD article 13, shown next to the submit button.
public struct PrivacyView: Sendable {
    public var controller: String
    public var dpoName: String
    public var dpoEmail: String
    public var dpoAddress: String
    public var purpose: String
    public var legalBasis: String
    public var recipients: String
    public var retention: String
    public var privacyURL: String

    init(form: FormDefinition, config: SiteConfig, privacyPageURL: String) {
        controller = config.authority.name
        dpoName = config.dpo.name
        dpoEmail = config.dpo.email
        dpoAddress = config.dpo.address
        purpose = form.privacy.purpose
        legalBasis = form.privacy.legalBasis
        recipients = form.privacy.recipients.joined(separator: ", ")
        retention = form.privacy.retention.description
        privacyURL = privacyPageURL
    }
}
