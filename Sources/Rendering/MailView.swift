import GuichetModel
import Mustache

/// One e-mail to a citizen, as `Theme/templates/mail.mustache` (HTML part) and
/// `mail-text.mustache` (plain-text part) show it. The gateway fills it from the stored
/// request; dates are already in French, Europe/Paris. Exactly one of the `is…` flags of the
/// occasion is true.
public struct MailView: Sendable {
    public var subject: String
    public var authorityName: String
    public var authorityAddress: String
    public var siteURL: String
    public var privacyURL: String
    public var reference: String
    public var receivedAt: String
    public var formTitle: String
    public var service: ReceiptView.ServiceView
    /// "demande", "signalement"…
    public var noun: String
    /// "enregistrée" or "enregistré".
    public var registered: String
    /// "reçue" or "reçu", agreeing with `noun` too.
    public var received: String
    public var isDemande: Bool
    /// Sent through the web form (saisine par voie électronique): only then is the first
    /// message the *accusé d'enregistrement électronique* of CRPA L112-11; a request taken at
    /// the counter or on the phone gets a plain confirmation.
    public var isElectronicSubmission: Bool

    // The occasion.
    /// The *accusé d'enregistrement électronique*, sent at once.
    public var isRegistration: Bool
    /// The *accusé de réception* posted by the service.
    public var isAcknowledgement: Bool
    public var isIncomplete: Bool
    public var isInProgress: Bool
    public var isAccepted: Bool
    public var isRefused: Bool
    public var isClosed: Bool
    public var isMessage: Bool

    /// The tracking page with its key: only in the *accusé d'enregistrement* (the key is not
    /// kept afterwards).
    public var trackingURL: String?
    public var eventDate: String?
    /// The service's text, one entry per line.
    public var messageLines: [String]
    public var hasMessage: Bool
    /// `date_limite` of an incomplete file ("15 décembre 2026").
    public var deadline: String?
    public var acknowledgementDue: String?
    public var silenceMeansAcceptance: Bool
    public var silenceMeansRejection: Bool
    public var silenceDate: String?
    public var silenceDelay: String?
    public var appealRoutes: [String]
    public var hasAppealRoutes: Bool

    public enum Occasion: Sendable, Equatable {
        case registration(trackingURL: String)
        case event(kind: String, date: String, message: String?, deadline: String?)
    }

    public init(subject: String, authority: Authority, siteURL: String, privacyURL: String, reference: String,
                receivedAt: String, formTitle: String, service: ReceiptView.ServiceView, kind: Procedure.Kind?,
                isElectronicSubmission: Bool = true, occasion: Occasion, acknowledgementDue: String?, implicitDecision: Procedure.ImplicitDecision?,
                silenceDate: String?, silenceDelay: String?, appealRoutes: [String]) {
        self.subject = subject
        authorityName = authority.name
        authorityAddress = authority.address.singleLine
        self.siteURL = siteURL
        self.privacyURL = privacyURL
        self.reference = reference
        self.receivedAt = receivedAt
        self.formTitle = formTitle
        self.service = service
        let receipt = ReceiptView.nouns(kind)
        noun = receipt.noun
        registered = receipt.registered
        received = receipt.registered == "enregistrée" ? "reçue" : "reçu"
        isDemande = kind == .demande
        self.isElectronicSubmission = isElectronicSubmission
        var eventKind = ""
        switch occasion {
        case let .registration(url):
            trackingURL = url
            messageLines = []
            isRegistration = true
        case let .event(kind, date, message, deadline):
            eventKind = kind
            eventDate = date
            self.deadline = deadline
            messageLines = message.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) } ?? []
            isRegistration = false
        }
        hasMessage = !messageLines.isEmpty
        isAcknowledgement = eventKind == "accuse-de-reception"
        isIncomplete = eventKind == "incomplet"
        isInProgress = eventKind == "en-cours"
        isAccepted = eventKind == "acceptee"
        isRefused = eventKind == "refusee"
        isClosed = eventKind == "sans-suite"
        isMessage = eventKind == "message"
        self.acknowledgementDue = acknowledgementDue
        silenceMeansAcceptance = isDemande && implicitDecision == .acceptation && silenceDate != nil
        silenceMeansRejection = isDemande && implicitDecision == .rejet && silenceDate != nil
        self.silenceDate = silenceDate
        self.silenceDelay = silenceDelay
        self.appealRoutes = appealRoutes
        hasAppealRoutes = !appealRoutes.isEmpty
    }
}

extension MailView: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "subject": return subject
        case "authorityName": return authorityName
        case "authorityAddress": return authorityAddress
        case "siteURL": return siteURL
        case "privacyURL": return privacyURL
        case "reference": return reference
        case "receivedAt": return receivedAt
        case "formTitle": return formTitle
        case "service": return service
        case "noun": return noun
        case "registered": return registered
        case "received": return received
        case "isDemande": return isDemande
        case "isElectronicSubmission": return isElectronicSubmission
        case "isRegistration": return isRegistration
        case "isAcknowledgement": return isAcknowledgement
        case "isIncomplete": return isIncomplete
        case "isInProgress": return isInProgress
        case "isAccepted": return isAccepted
        case "isRefused": return isRefused
        case "isClosed": return isClosed
        case "isMessage": return isMessage
        case "trackingURL": return trackingURL.map { $0 as Any }
        case "eventDate": return eventDate.map { $0 as Any }
        case "messageLines": return messageLines
        case "hasMessage": return hasMessage
        case "deadline": return deadline.map { $0 as Any }
        case "acknowledgementDue": return acknowledgementDue.map { $0 as Any }
        case "silenceMeansAcceptance": return silenceMeansAcceptance
        case "silenceMeansRejection": return silenceMeansRejection
        case "silenceDate": return silenceDate.map { $0 as Any }
        case "silenceDelay": return silenceDelay.map { $0 as Any }
        case "appealRoutes": return appealRoutes
        case "hasAppealRoutes": return hasAppealRoutes
        default: return nil
        }
    }
}
