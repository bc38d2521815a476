/// One question of a form.
public struct Field: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case text, textarea, email, tel, number, date, select, radio, checkboxes, checkbox
        case postcode, commune, address, siret, rna, iban, file
    }

    public struct Option: Sendable, Equatable {
        public var value: String
        public var label: String
        public init(value: String, label: String) {
            self.value = value
            self.label = label
        }
    }

    /// Bounds of a date field, relative to the day of submission or fixed.
    public enum DateBound: Sendable, Equatable {
        case today
        case date(SimpleDate)
    }

    public var id: String
    public var kind: Kind
    public var label: String
    public var hint: String?
    public var required: Bool
    /// HTML autocomplete token (WCAG 1.3.5, RGAA 11.13): "given-name", "email"…
    public var autocomplete: String?
    public var minLength: Int?
    public var maxLength: Int?
    /// Regular expression the whole value must match, with the message shown otherwise.
    public var pattern: String?
    public var patternMessage: String?
    public var minimum: Double?
    public var maximum: Double?
    /// Unit shown after a number ("m²", "personnes").
    public var unit: String?
    public var earliest: DateBound?
    public var latest: DateBound?
    public var options: [Option]
    /// File fields: accepted types as extensions ("pdf", "jpg", "png").
    public var accept: [String]
    /// File fields: maximum size of each file, in bytes.
    public var maxFileSize: Int?
    /// File fields: several files allowed (up to `maxFiles`).
    public var maxFiles: Int
    /// Line of the field in its YAML file, for messages.
    public var line: Int?

    public init(id: String, kind: Kind, label: String, hint: String? = nil, required: Bool = false,
                autocomplete: String? = nil, minLength: Int? = nil, maxLength: Int? = nil,
                pattern: String? = nil, patternMessage: String? = nil, minimum: Double? = nil,
                maximum: Double? = nil, unit: String? = nil, earliest: DateBound? = nil, latest: DateBound? = nil,
                options: [Option] = [], accept: [String] = [], maxFileSize: Int? = nil, maxFiles: Int = 1,
                line: Int? = nil) {
        self.id = id
        self.kind = kind
        self.label = label
        self.hint = hint
        self.required = required
        self.autocomplete = autocomplete
        self.minLength = minLength
        self.maxLength = maxLength
        self.pattern = pattern
        self.patternMessage = patternMessage
        self.minimum = minimum
        self.maximum = maximum
        self.unit = unit
        self.earliest = earliest
        self.latest = latest
        self.options = options
        self.accept = accept
        self.maxFileSize = maxFileSize
        self.maxFiles = maxFiles
        self.line = line
    }
}
