// MARK: - 11.1, 11.9, 11.10 Champs et boutons

/// 11.1.1 every field has a label (label for, wrapping label, aria-labelledby, aria-label,
/// title; a placeholder is not one); 11.9.1 every button has a name; 11.10.2 a required
/// field says so in its label (for a human when it does not seem to).
/// Judged in `finish`: a `<label for>` may come after its field.
final class FormFieldRule: Rule {
    let elements: Set<String> = []
    private var fields: [Int] = []
    private var buttons: [Int] = []

    func visit(_ element: Int, in page: PageContext) {
        guard !page.hiddenFromAssistiveTechnologies[element] else { return }
        let node = page.node(element)
        let role = page.explicitRole(of: element)
        if let role {
            if role == "button" { buttons.append(element) }
            else if Self.fieldRoles.contains(role) { fields.append(element) }
            return
        }
        switch node.tag {
        case .input:
            let type = node.attribute("type")?.trimmingWhitespace().lowercased() ?? "text"
            if type == "submit" || type == "reset" || type == "button" { buttons.append(element) }
            else if type != "hidden" && type != "image" { fields.append(element) }
        case .select, .textarea: fields.append(element)
        case .button: buttons.append(element)
        default: break
        }
    }

    func finish(in page: PageContext) {
        for field in fields {
            let name = page.accessibleName(of: field)
            if name.isEmpty {
                let hasPlaceholder = page.nonEmptyAttribute("placeholder", of: field) != nil
                page.report("11.1.1", .nonConforme, at: field, hasPlaceholder ? Messages.fieldWithPlaceholderOnly : Messages.fieldWithoutLabel)
                continue
            }
            let required = page.node(field).has("required")
                || page.attribute("aria-required", of: field)?.trimmingWhitespace().lowercased() == "true"
            if required && !mentionsRequired(field, name: name, in: page) {
                page.report("11.10.2", .aVerifier, at: field, Messages.requiredWithoutIndication(name))
            }
        }
        for button in buttons where page.accessibleName(of: button).isEmpty {
            page.report("11.9.1", .nonConforme, at: button, Messages.buttonWithoutName)
        }
    }

    private func mentionsRequired(_ field: Int, name: String, in page: PageContext) -> Bool {
        var texts = [name]
        if let describedBy = page.attribute("aria-describedby", of: field) {
            for id in describedBy.split(whereSeparator: \.isWhitespace) {
                if let target = page.document.elementsByID[String(id)]?.first {
                    texts.append(page.textAlternative(ofSubtree: target, includeRoot: true))
                }
            }
        }
        // Radio buttons and checkboxes usually say it once, in their group's legend.
        if let fieldset = page.document.nearestAncestor(of: field, named: ["fieldset"]) {
            texts.append(page.accessibleName(of: fieldset))
        }
        let text = texts.joined(separator: " ").lowercased()
        return Self.requiredMarkers.contains { text.contains($0) }
    }

    static let fieldRoles: Set<String> = ["textbox", "combobox", "listbox", "searchbox", "spinbutton", "slider",
                                          "checkbox", "radio", "switch", "menuitemcheckbox", "menuitemradio"]
    static let requiredMarkers = ["*", "obligatoire", "requis", "required", "nécessaire", "exigé"]
}

// MARK: - 11.13 Autocomplete

/// 11.13.1 an `autocomplete` attribute holds a valid value (HTML autofill tokens).
final class AutocompleteRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["input", "select", "textarea"]

    func visit(_ element: Int, in page: PageContext) {
        guard let value = page.attribute("autocomplete", of: element), !page.hiddenFromAssistiveTechnologies[element] else { return }
        let node = page.node(element)
        let type = node.attribute("type")?.trimmingWhitespace().lowercased() ?? "text"
        if node.name == "input" && ["hidden", "button", "submit", "reset", "image"].contains(type) { return }
        if node.has("disabled") || page.attribute("aria-disabled", of: element)?.lowercased() == "true" { return }
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty else { return }
        if !Autocomplete.isValid(trimmed) {
            page.report("11.13.1", .nonConforme, at: element, Messages.autocompleteInvalid(trimmed))
        }
    }
}

/// The HTML autofill detail tokens: `[section-*] [shipping|billing] [contact] field [webauthn]`, or on/off.
enum Autocomplete {
    static func isValid(_ value: String) -> Bool {
        var tokens = value.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)[...]
        guard !tokens.isEmpty else { return false }
        if tokens.count == 1 && (tokens.first == "on" || tokens.first == "off") { return true }
        if tokens.last == "webauthn" { tokens = tokens.dropLast() }
        guard let field = tokens.last else { return false }
        tokens = tokens.dropLast()
        if tokens.first?.hasPrefix("section-") == true { tokens = tokens.dropFirst() }
        if tokens.first == "shipping" || tokens.first == "billing" { tokens = tokens.dropFirst() }
        if contactFields.contains(field) {
            if let contact = tokens.first, contactKinds.contains(contact) { tokens = tokens.dropFirst() }
        } else if !fields.contains(field) {
            return false
        }
        return tokens.isEmpty
    }

    static let fields: Set<String> = [
        "name", "honorific-prefix", "given-name", "additional-name", "family-name", "honorific-suffix", "nickname",
        "username", "new-password", "current-password", "one-time-code", "organization-title", "organization",
        "street-address", "address-line1", "address-line2", "address-line3", "address-level4", "address-level3",
        "address-level2", "address-level1", "country", "country-name", "postal-code", "cc-name", "cc-given-name",
        "cc-additional-name", "cc-family-name", "cc-number", "cc-exp", "cc-exp-month", "cc-exp-year", "cc-csc",
        "cc-type", "transaction-currency", "transaction-amount", "language", "bday", "bday-day", "bday-month",
        "bday-year", "sex", "url", "photo",
    ]
    static let contactFields: Set<String> = [
        "tel", "tel-country-code", "tel-national", "tel-area-code", "tel-local", "tel-local-prefix",
        "tel-local-suffix", "tel-extension", "email", "impp",
    ]
    static let contactKinds: Set<String> = ["home", "work", "mobile", "fax", "pager"]
}

// MARK: - 11.5, 11.6 Regroupements de champs

/// 11.6.1 every `<fieldset>` has a non-empty `<legend>`, every role="group"/"radiogroup" a
/// name; 11.5.1 radio buttons sharing a name outside any group (for a human: "si nécessaire").
final class FieldGroupRule: Rule {
    let elements: Set<String> = []
    private var radiosByName: [String: [Int]] = [:]

    func visit(_ element: Int, in page: PageContext) {
        guard !page.hiddenFromAssistiveTechnologies[element] else { return }
        let node = page.node(element)
        let role = page.explicitRole(of: element)
        if node.name == "fieldset" && role == nil {
            let legend = page.document.children(of: element).first { page.node($0).isElement }
            let named = legend.map { page.node($0).name == "legend" && !page.document.textContent(of: $0).isEmpty } ?? false
            if !named && page.nonEmptyAttribute("aria-label", of: element) == nil && page.labelledByText(of: element) == nil {
                page.report("11.6.1", .nonConforme, at: element, Messages.fieldsetWithoutLegend)
            }
        } else if role == "group" || role == "radiogroup" {
            if page.nonEmptyAttribute("aria-label", of: element) == nil && page.labelledByText(of: element) == nil
                && page.nonEmptyAttribute("title", of: element) == nil {
                page.report("11.6.1", .nonConforme, at: element, Messages.groupWithoutName)
            }
        }
        if node.name == "input", node.attribute("type")?.trimmingWhitespace().lowercased() == "radio",
           let name = node.attribute("name"), !name.isEmpty {
            radiosByName[name, default: []].append(element)
        }
    }

    func finish(in page: PageContext) {
        for (_, radios) in radiosByName.sorted(by: { $0.value[0] < $1.value[0] }) where radios.count > 1 {
            let grouped = radios.allSatisfy { radio in
                page.document.ancestors(of: radio).contains { ancestor in
                    page.node(ancestor).name == "fieldset" || ["group", "radiogroup"].contains(page.explicitRole(of: ancestor) ?? "")
                }
            }
            if !grouped { page.report("11.5.1", .aVerifier, at: radios[0], Messages.radiosNotGrouped) }
        }
    }
}
