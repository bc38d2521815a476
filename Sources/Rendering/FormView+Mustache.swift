import Mustache

// See PageView+Mustache.swift: lookups without reflection. Keep in step with FormView.swift.

extension FormView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "formID": return self.formID
        case "title": return self.title
        case "action": return self.action
        case "enctype": return self.enctype.map { $0 as Any }
        case "digest": return self.digest
        case "groups": return self.groups
        case "errors": return self.errors
        case "hasErrors": return self.hasErrors
        case "privacy": return self.privacy
        case "formField": return self.formField
        case "versionField": return self.versionField
        case "honeypotField": return self.honeypotField
        default: return nil
        }
    }
}

extension ErrorSummaryItem: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "target": return self.target
        case "message": return self.message
        default: return nil
        }
    }
}

extension FieldGroupView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "legend": return self.legend.map { $0 as Any }
        case "hasLegend": return self.hasLegend
        case "fields": return self.fields
        default: return nil
        }
    }
}

extension FieldView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "id": return self.id
        case "label": return self.label
        case "hint": return self.hint.map { $0 as Any }
        case "hintID": return self.hintID.map { $0 as Any }
        case "legendHint": return self.legendHint.map { $0 as Any }
        case "legendHintID": return self.legendHintID.map { $0 as Any }
        case "error": return self.error.map { $0 as Any }
        case "errorID": return self.errorID.map { $0 as Any }
        case "describedBy": return self.describedBy.map { $0 as Any }
        case "required": return self.required
        case "autocomplete": return self.autocomplete.map { $0 as Any }
        case "value": return self.value
        case "inputType": return self.inputType
        case "inputMode": return self.inputMode.map { $0 as Any }
        case "maxLength": return self.maxLength.map { $0 as Any }
        case "spellcheckOff": return self.spellcheckOff
        case "isInput": return self.isInput
        case "isTextarea": return self.isTextarea
        case "isSelect": return self.isSelect
        case "isRadio": return self.isRadio
        case "isCheckboxes": return self.isCheckboxes
        case "isCheckbox": return self.isCheckbox
        case "isFile": return self.isFile
        case "isAddress": return self.isAddress
        case "options": return self.options
        case "accept": return self.accept.map { $0 as Any }
        case "multiple": return self.multiple
        case "checked": return self.checked
        case "unit": return self.unit.map { $0 as Any }
        case "address": return self.address
        default: return nil
        }
    }
}

extension OptionView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "id": return self.id
        case "name": return self.name
        case "value": return self.value
        case "label": return self.label
        case "selected": return self.selected
        default: return nil
        }
    }
}

extension PrivacyView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "controller": return self.controller
        case "dpoName": return self.dpoName
        case "dpoEmail": return self.dpoEmail
        case "dpoAddress": return self.dpoAddress
        case "purpose": return self.purpose
        case "legalBasis": return self.legalBasis
        case "recipients": return self.recipients
        case "retention": return self.retention
        case "privacyURL": return self.privacyURL
        default: return nil
        }
    }
}
