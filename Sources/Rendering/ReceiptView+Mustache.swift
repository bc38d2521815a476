import Mustache

// See PageView+Mustache.swift: keep each switch in step with its type's properties.

extension ReceiptView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "reference": return reference
        case "receivedAt": return receivedAt
        case "receivedAtISO": return receivedAtISO
        case "formTitle": return formTitle
        case "formURL": return formURL
        case "channel": return channel
        case "service": return service
        case "noun": return noun
        case "registered": return registered
        case "isDemande": return isDemande
        case "acknowledgementDue": return acknowledgementDue.map { $0 as Any }
        case "silenceMeansAcceptance": return silenceMeansAcceptance
        case "silenceMeansRejection": return silenceMeansRejection
        case "silenceDate": return silenceDate.map { $0 as Any }
        case "silenceDelay": return silenceDelay.map { $0 as Any }
        case "appealRoutes": return appealRoutes
        case "hasAppealRoutes": return hasAppealRoutes
        case "status": return status
        case "events": return events
        case "answers": return answers
        case "files": return files
        case "hasFiles": return hasFiles
        case "trackingURL": return trackingURL
        case "mailNotice": return mailNotice.map { $0 as Any }
        default: return nil
        }
    }
}

extension ReceiptView.ServiceView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "email": return email
        case "phone": return phone
        case "phoneURI": return phoneURI
        case "address": return address
        case "hours": return hours
        default: return nil
        }
    }
}

extension ReceiptView.EventLine: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "date": return date
        case "dateISO": return dateISO
        case "label": return label
        case "message": return message.map { $0 as Any }
        default: return nil
        }
    }
}

extension ReceiptView.AnswerLine: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "lines": return lines
        default: return nil
        }
    }
}

extension ReceiptView.FileLine: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "size": return size
        case "type": return type
        default: return nil
        }
    }
}

extension MessageView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "paragraphs": return paragraphs
        case "links": return links
        case "hasLinks": return hasLinks
        default: return nil
        }
    }
}

extension MessageView.LinkView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "url": return url
        default: return nil
        }
    }
}
