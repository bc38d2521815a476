import GuichetModel

/// The fields that identify who files a request, added to the form by `identification:`.
/// A private person gives name, first name, postal and e-mail address (CRPA R112-9-1);
/// a company its SIRET; an association its RNA number.
enum IdentificationFields {
    static func group(for kind: Identification) -> FieldGroup {
        var fields: [Field] = []
        switch kind {
        case .particulier:
            break
        case .entreprise:
            fields.append(Field(id: "raison-sociale", kind: .text, label: "Raison sociale", required: true,
                                autocomplete: "organization", maxLength: 200))
            fields.append(Field(id: "siret", kind: .siret, label: "Numéro SIRET",
                                hint: "14 chiffres, par exemple 123 456 789 00012", required: true))
        case .association:
            fields.append(Field(id: "nom-association", kind: .text, label: "Nom de l’association", required: true,
                                autocomplete: "organization", maxLength: 200))
            fields.append(Field(id: "rna", kind: .rna, label: "Numéro RNA",
                                hint: "La lettre W suivie de 9 chiffres, par exemple W751234567", required: true))
        }
        let who = kind == .particulier ? "" : " du représentant"
        fields += [
            Field(id: "nom", kind: .text, label: "Nom\(who)", required: true, autocomplete: "family-name", maxLength: 100),
            Field(id: "prenom", kind: .text, label: "Prénom\(who)", required: true, autocomplete: "given-name", maxLength: 100),
            Field(id: "adresse", kind: .address, label: "Adresse postale", required: true),
            Field(id: "courriel", kind: .email, label: "Adresse électronique",
                  hint: "L’accusé d’enregistrement de votre demande y sera envoyé.", required: true,
                  autocomplete: "email", maxLength: 254),
            Field(id: "telephone", kind: .tel, label: "Téléphone",
                  hint: "Pour vous joindre si une précision est nécessaire.", required: false, autocomplete: "tel", maxLength: 30),
        ]
        let legend: String
        switch kind {
        case .particulier: legend = "Vos coordonnées"
        case .entreprise: legend = "L’entreprise"
        case .association: legend = "L’association"
        }
        return FieldGroup(legend: legend, fields: fields)
    }
}
