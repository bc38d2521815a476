/// The autofill field names of the HTML standard, which WCAG 2.1 (1.3.5) and RGAA (11.13)
/// rely on: a token outside this list helps nobody's browser or assistive technology.
enum AutocompleteTokens {
    static let fieldNames: Set<String> = [
        "name", "honorific-prefix", "given-name", "additional-name", "family-name", "honorific-suffix",
        "nickname", "username", "new-password", "current-password", "one-time-code", "organization-title",
        "organization", "street-address", "address-line1", "address-line2", "address-line3",
        "address-level4", "address-level3", "address-level2", "address-level1", "country", "country-name",
        "postal-code", "cc-name", "cc-given-name", "cc-additional-name", "cc-family-name", "cc-number",
        "cc-exp", "cc-exp-month", "cc-exp-year", "cc-csc", "cc-type", "transaction-currency",
        "transaction-amount", "language", "bday", "bday-day", "bday-month", "bday-year", "sex", "url", "photo",
    ]
    /// Tokens that may follow home/work/mobile/fax/pager.
    static let contactFieldNames: Set<String> = [
        "tel", "tel-country-code", "tel-national", "tel-area-code", "tel-local", "tel-local-prefix",
        "tel-local-suffix", "tel-extension", "email", "impp",
    ]
    static let contactKinds: Set<String> = ["home", "work", "mobile", "fax", "pager"]

    /// "off", or `[section-x] [shipping|billing] [home|work…] field-name`.
    static func isValid(_ value: String) -> Bool {
        var tokens = value.lowercased().split(separator: " ").map(String.init)
        if tokens == ["off"] || tokens == ["on"] { return true }
        if tokens.first?.hasPrefix("section-") == true { tokens.removeFirst() }
        if let first = tokens.first, first == "shipping" || first == "billing" { tokens.removeFirst() }
        guard let last = tokens.popLast() else { return false }
        if fieldNames.contains(last) { return tokens.isEmpty }
        if contactFieldNames.contains(last) { return tokens.isEmpty || (tokens.count == 1 && contactKinds.contains(tokens[0])) }
        return false
    }
}
