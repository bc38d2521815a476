import GuichetModel

/// What a citizen (or an agent at the counter) sent: every value as text, as HTML forms send
/// them, and files as metadata (their bytes stay with the gateway).
public struct FormSubmission: Sendable, Equatable {
    /// Field name → values in the order received (a name may repeat: checkboxes).
    public var values: [String: [String]]
    public var files: [String: [UploadedFile]]

    public init(values: [String: [String]] = [:], files: [String: [UploadedFile]] = [:]) {
        self.values = values
        self.files = files
    }
}

public struct UploadedFile: Sendable, Equatable {
    public var filename: String
    public var size: Int
    /// Type recognised from the file's first bytes ("pdf", "jpg", "png"), nil if unknown.
    public var detectedType: String?

    public init(filename: String, size: Int, detectedType: String?) {
        self.filename = filename
        self.size = size
        self.detectedType = detectedType
    }
}

/// A value after validation, in one canonical form whatever the citizen typed.
public enum NormalizedValue: Sendable, Equatable {
    case text(String)
    case list([String])
    case number(Double)
    case date(SimpleDate)
    case flag(Bool)
    case address(street: String, complement: String?, postcode: String, commune: String)
    case files([UploadedFile])
}

/// The outcome of validation: values for every field, or the errors to show.
public struct ValidationResult: Sendable, Equatable {
    public var values: [String: NormalizedValue]
    /// In the order of the form, so the error summary follows the page.
    public var errors: [FieldError]
    public var isValid: Bool { errors.isEmpty }
}

public struct FieldError: Error, Sendable, Equatable {
    /// Id of the field, or of the control inside a composite field (`adresse-code-postal`)
    /// that the error summary must link to.
    public var fieldID: String
    public var message: String
    public init(fieldID: String, message: String) {
        self.fieldID = fieldID
        self.message = message
    }
}
