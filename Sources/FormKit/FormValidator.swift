import GuichetModel

/// The one place where a submission is judged. The HTML form (its `required`, `maxlength`,
/// `autocomplete`…) is generated from the same `FormDefinition`, but the server-side rules
/// here are the authority: browsers can be bypassed, and the form is `novalidate`.
public enum FormValidator {
    /// Values longer than this are refused whatever the field says: no honest answer to a
    /// form question is longer, and it bounds the work done on hostile input.
    public static let absoluteMaximumLength = 20_000

    public static func validate(_ form: FormDefinition, _ submission: FormSubmission, today: SimpleDate) -> ValidationResult {
        var values: [String: NormalizedValue] = [:]
        var errors: [FieldError] = []
        for field in form.fields {
            switch validate(field, submission, today: today) {
            case .success(let value?): values[field.id] = value
            case .success(nil): break
            case .failure(let error): errors.append(error)
            }
        }
        return ValidationResult(values: values, errors: errors)
    }

    /// nil value = optional field left empty.
    static func validate(_ field: Field, _ submission: FormSubmission, today: SimpleDate) -> Result<NormalizedValue?, FieldError> {
        func fail(_ message: String, control: String? = nil) -> Result<NormalizedValue?, FieldError> {
            .failure(FieldError(fieldID: control ?? field.id, message: message))
        }
        switch field.kind {
        case .address:
            return validateAddress(field, submission)
        case .file:
            return validateFiles(field, submission.files[field.id] ?? [])
        case .checkboxes:
            let chosen = (submission.values[field.id] ?? []).filter { !$0.isEmpty }
            if chosen.isEmpty { return field.required ? fail(Messages.chooseAtLeastOne(field.label)) : .success(nil) }
            let allowed = Set(field.options.map(\.value))
            guard chosen.allSatisfy(allowed.contains), Set(chosen).count == chosen.count else {
                return fail(Messages.unknownChoice(field.label))
            }
            // Kept in the order of the options, whatever order the browser sent.
            return .success(.list(field.options.map(\.value).filter(chosen.contains)))
        case .checkbox:
            let raw = submission.values[field.id] ?? []
            guard raw.count <= 1 else { return fail(Messages.repeatedField(field.label)) }
            let checked = raw.first == "oui"
            if raw.first.map({ !$0.isEmpty && $0 != "oui" }) == true { return fail(Messages.unknownChoice(field.label)) }
            if field.required && !checked { return fail(Messages.mustCheck(field.label)) }
            return .success(.flag(checked))
        default:
            break
        }

        let raw = submission.values[field.id] ?? []
        guard raw.count <= 1 else { return fail(Messages.repeatedField(field.label)) }
        let text = TextNormalizer.clean(raw.first ?? "")
        if text.isEmpty {
            if !field.required { return .success(nil) }
            switch field.kind {
            case .select, .radio: return fail(Messages.choose(field.label))
            default: return fail(Messages.enter(field.label))
            }
        }
        // Counted once: a count of characters walks the whole text (grapheme breaking).
        let length = text.count
        if length > absoluteMaximumLength || (field.maxLength.map { length > $0 } ?? false) {
            return fail(Messages.tooLong(field.label, maximum: min(field.maxLength ?? absoluteMaximumLength, absoluteMaximumLength), actual: length))
        }
        if let minimum = field.minLength, length < minimum {
            return fail(Messages.tooShort(field.label, minimum: minimum))
        }
        if field.kind != .textarea && TextNormalizer.hasLineBreak(text) {
            return fail(Messages.singleLine(field.label))
        }

        let value: NormalizedValue
        switch field.kind {
        case .text, .textarea, .commune:
            value = .text(text)
        case .email:
            guard let email = FieldFormats.email(text) else { return fail(Messages.invalidEmail) }
            value = .text(email)
        case .tel:
            guard let phone = FieldFormats.phone(text) else { return fail(Messages.invalidPhone) }
            value = .text(phone)
        case .postcode:
            guard let postcode = FieldFormats.postcode(text) else { return fail(Messages.invalidPostcode) }
            value = .text(postcode)
        case .siret:
            guard let digits = FieldFormats.digits(text, count: 14) else { return fail(Messages.invalidSIRETFormat) }
            guard FieldFormats.isValidSIRET(digits) else { return fail(Messages.invalidSIRETChecksum) }
            value = .text(digits)
        case .rna:
            guard let rna = FieldFormats.rna(text) else { return fail(Messages.invalidRNA) }
            value = .text(rna)
        case .iban:
            guard let iban = FieldFormats.ibanCharacters(text) else { return fail(Messages.invalidIBANFormat) }
            guard FieldFormats.isValidIBAN(iban) else { return fail(Messages.invalidIBANChecksum) }
            value = .text(iban)
        case .number:
            guard let number = FieldFormats.number(text) else { return fail(Messages.invalidNumber(field)) }
            if let minimum = field.minimum, number < minimum { return fail(Messages.numberOutOfRange(field)) }
            if let maximum = field.maximum, number > maximum { return fail(Messages.numberOutOfRange(field)) }
            value = .number(number)
        case .date:
            guard let date = FieldFormats.date(text) else { return fail(Messages.invalidDate) }
            if let earliest = field.earliest.map({ resolve($0, today: today) }), date < earliest {
                return fail(field.earliest == .today ? Messages.dateNotInPast(field.label) : Messages.dateTooEarly(field.label, earliest))
            }
            if let latest = field.latest.map({ resolve($0, today: today) }), latest < date {
                return fail(field.latest == .today ? Messages.dateNotInFuture(field.label) : Messages.dateTooLate(field.label, latest))
            }
            value = .date(date)
        case .select, .radio:
            guard field.options.contains(where: { $0.value == text }) else { return fail(Messages.unknownChoice(field.label)) }
            value = .text(text)
        case .address, .file, .checkboxes, .checkbox:
            preconditionFailure("handled above")
        }
        if let pattern = field.pattern, case .text(let string) = value, !FieldFormats.matches(string, pattern: pattern) {
            return fail(field.patternMessage ?? Messages.patternMismatch(field.label))
        }
        return .success(value)
    }

    static func resolve(_ bound: Field.DateBound, today: SimpleDate) -> SimpleDate {
        switch bound {
        case .today: return today
        case .date(let date): return date
        }
    }

    // MARK: - Composite fields

    static func validateAddress(_ field: Field, _ submission: FormSubmission) -> Result<NormalizedValue?, FieldError> {
        // Errors point at the control to fix (its id, from `Field.addressPartID`).
        let ids = (street: field.addressPartID(.street), complement: field.addressPartID(.complement),
                   postcode: field.addressPartID(.postcode), commune: field.addressPartID(.commune))
        func single(_ id: String) -> String? {
            let raw = submission.values[id] ?? []
            guard raw.count <= 1 else { return nil }
            return TextNormalizer.clean(raw.first ?? "")
        }
        guard let street = single(ids.street), let complement = single(ids.complement),
              let postcodeText = single(ids.postcode), let commune = single(ids.commune) else {
            return .failure(FieldError(fieldID: ids.street, message: Messages.repeatedField(field.label)))
        }
        if street.isEmpty && postcodeText.isEmpty && commune.isEmpty && complement.isEmpty && !field.required {
            return .success(nil)
        }
        let limit = 200
        for (id, value) in [(ids.street, street), (ids.complement, complement), (ids.commune, commune)] where value.count > limit {
            return .failure(FieldError(fieldID: id, message: Messages.tooLong(field.label, maximum: limit, actual: value.count)))
        }
        if street.isEmpty { return .failure(FieldError(fieldID: ids.street, message: Messages.enterStreet)) }
        guard let postcode = FieldFormats.postcode(postcodeText) else {
            return .failure(FieldError(fieldID: ids.postcode, message: postcodeText.isEmpty ? Messages.enterPostcode : Messages.invalidPostcode))
        }
        if commune.isEmpty { return .failure(FieldError(fieldID: ids.commune, message: Messages.enterCommune)) }
        return .success(.address(street: street, complement: complement.isEmpty ? nil : complement, postcode: postcode, commune: commune))
    }

    static func validateFiles(_ field: Field, _ files: [UploadedFile]) -> Result<NormalizedValue?, FieldError> {
        let files = files.filter { !($0.filename.isEmpty && $0.size == 0) }  // browsers send an empty part for "no file"
        if files.isEmpty { return field.required ? .failure(FieldError(fieldID: field.id, message: Messages.attach(field.label))) : .success(nil) }
        if files.count > field.maxFiles {
            return .failure(FieldError(fieldID: field.id, message: Messages.tooManyFiles(field.maxFiles)))
        }
        for file in files {
            let name = FileNames.displayName(file.filename)
            let ext = FileNames.normalizedExtension(file.filename)
            if !field.accept.isEmpty {
                guard let ext, field.accept.contains(ext) else {
                    return .failure(FieldError(fieldID: field.id, message: Messages.wrongFileType(name, accepted: field.accept)))
                }
                // The extension says one thing; the bytes must agree (a renamed .exe is not a PDF).
                guard file.detectedType == ext else {
                    return .failure(FieldError(fieldID: field.id, message: Messages.fileContentMismatch(name, accepted: field.accept)))
                }
            }
            if file.size == 0 { return .failure(FieldError(fieldID: field.id, message: Messages.emptyFile(name))) }
            if let maximum = field.maxFileSize, file.size > maximum {
                return .failure(FieldError(fieldID: field.id, message: Messages.fileTooLarge(name, maximum: maximum)))
            }
        }
        return .success(.files(files.map { UploadedFile(filename: FileNames.displayName($0.filename), size: $0.size, detectedType: $0.detectedType) }))
    }
}
