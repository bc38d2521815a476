/// The `id` attributes the form template gives a field, in one place: the renderer writes
/// them, the validator points errors at them, and the form loader checks that no two fields
/// produce the same one (a duplicate id breaks labels, `aria-describedby` and error links).
extension Field {
    /// The controls of an address field, in the order they are shown; the raw value is the
    /// suffix of their id (`adresse-code-postal`).
    public enum AddressPart: String, Sendable, CaseIterable {
        case street = "voie", complement, postcode = "code-postal", commune
    }

    /// What an id is given to, so a message can say which two things would share it.
    public enum HTMLRole: Sendable, Equatable {
        case control, hint, error
        /// Choice number n (from 1) of a radio or checkboxes field.
        case option(Int)
        case part(AddressPart), partHint(AddressPart), partError(AddressPart)
    }

    /// "nom" → "nom-indice": the hint under a field or a control.
    public static func hintID(_ controlID: String) -> String { controlID + "-indice" }
    /// "nom" → "nom-erreur": the error message of a field or a control.
    public static func errorID(_ controlID: String) -> String { controlID + "-erreur" }
    /// Choice `number` (from 1) of a radio or checkboxes field: "sujet-1".
    public func optionID(_ number: Int) -> String { "\(id)-\(number)" }
    /// "adresse" → "adresse-code-postal".
    public func addressPartID(_ part: AddressPart) -> String { "\(id)-\(part.rawValue)" }

    /// Every id the form may give this field, shown with errors or not. The field's own id is
    /// listed for every kind (it is also the name sent to the gateway).
    public var htmlIDs: [(id: String, role: HTMLRole)] {
        var ids: [(id: String, role: HTMLRole)] = [(id, .control), (Field.hintID(id), .hint), (Field.errorID(id), .error)]
        switch kind {
        case .radio, .checkboxes:
            ids += options.indices.map { (optionID($0 + 1), .option($0 + 1)) }
        case .address:
            for part in AddressPart.allCases {
                let partID = addressPartID(part)
                ids += [(partID, .part(part)), (Field.hintID(partID), .partHint(part)), (Field.errorID(partID), .partError(part))]
            }
        default:
            break
        }
        return ids
    }
}
