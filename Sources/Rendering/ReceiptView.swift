import GuichetModel

/// The *accusé d'enregistrement électronique* (CRPA L112-11) and tracking page of one
/// submission, as `Theme/templates/receipt.mustache` shows it. The gateway fills it from the
/// queue; every date is already in French, Europe/Paris.
public struct ReceiptView: Sendable {
    public var reference: String
    /// "22 novembre 2026 à 23 h 34"
    public var receivedAt: String
    /// ISO 8601 with offset, for `<time datetime>`.
    public var receivedAtISO: String
    public var formTitle: String
    public var formURL: String
    public var channel: String
    public var service: ServiceView
    /// "demande", "signalement"…: how the page names what was sent.
    public var noun: String
    /// "enregistrée" or "enregistré", agreeing with `noun`.
    public var registered: String
    public var isDemande: Bool
    /// Date by which the *accusé de réception* is due (10 working days), for a demande.
    public var acknowledgementDue: String?
    public var silenceMeansAcceptance: Bool
    public var silenceMeansRejection: Bool
    /// The date of the implicit decision if the file is complete ("22 janvier 2027").
    public var silenceDate: String?
    public var silenceDelay: String?
    public var appealRoutes: [String]
    public var hasAppealRoutes: Bool
    public var status: String
    public var events: [EventLine]
    public var answers: [AnswerLine]
    public var files: [FileLine]
    public var hasFiles: Bool
    /// The address of this page (with its key), for the citizen to keep.
    public var trackingURL: String
    /// What became of the e-mailed *accusé d'enregistrement* (sent, on its way, refused); nil
    /// when the site sends no e-mail or the form had no address.
    public var mailNotice: String?

    public struct ServiceView: Sendable {
        public var name: String
        public var email: String
        public var phone: String
        public var phoneURI: String
        public var address: String
        public var hours: String
        public init(_ service: Service) {
            name = service.name
            email = service.email
            phone = service.phone
            phoneURI = PhoneNumber.telURI(service.phone)
            address = service.address
            hours = service.hours
        }
    }

    public struct EventLine: Sendable {
        public var date: String
        public var dateISO: String
        public var label: String
        public var message: String?
        public init(date: String, dateISO: String, label: String, message: String?) {
            self.date = date
            self.dateISO = dateISO
            self.label = label
            self.message = message
        }
    }

    public struct AnswerLine: Sendable {
        public var label: String
        /// One entry per line (an address has several).
        public var lines: [String]
        public init(label: String, lines: [String]) {
            self.label = label
            self.lines = lines
        }
    }

    public struct FileLine: Sendable {
        public var name: String
        /// "1,2 Mo"
        public var size: String
        public var type: String
        public init(name: String, size: String, type: String) {
            self.name = name
            self.size = size
            self.type = type
        }
    }

    public init(reference: String, receivedAt: String, receivedAtISO: String, formTitle: String, formURL: String,
                channel: String, service: ServiceView, kind: Procedure.Kind?, acknowledgementDue: String?,
                implicitDecision: Procedure.ImplicitDecision?, silenceDate: String?, silenceDelay: String?,
                appealRoutes: [String], status: String, events: [EventLine], answers: [AnswerLine], files: [FileLine],
                trackingURL: String) {
        self.reference = reference
        self.receivedAt = receivedAt
        self.receivedAtISO = receivedAtISO
        self.formTitle = formTitle
        self.formURL = formURL
        self.channel = channel
        self.service = service
        (noun, registered) = Self.nouns(kind)
        isDemande = kind == .demande
        self.acknowledgementDue = acknowledgementDue
        silenceMeansAcceptance = isDemande && implicitDecision == .acceptation && silenceDate != nil
        silenceMeansRejection = isDemande && implicitDecision == .rejet && silenceDate != nil
        self.silenceDate = silenceDate
        self.silenceDelay = silenceDelay
        self.appealRoutes = appealRoutes
        hasAppealRoutes = !appealRoutes.isEmpty
        self.status = status
        self.events = events
        self.answers = answers
        self.files = files
        hasFiles = !files.isEmpty
        self.trackingURL = trackingURL
    }
}

extension ReceiptView {
    /// How a page or an e-mail names what was sent ("demande", "signalement"…) and the
    /// participle agreeing with it ("enregistrée", "enregistré").
    public static func nouns(_ kind: Procedure.Kind?) -> (noun: String, registered: String) {
        let noun: String
        switch kind {
        case .signalement: noun = "signalement"
        case .reclamation: noun = "réclamation"
        case .information: noun = "message"
        case .demande, nil: noun = "demande"
        }
        return (noun, kind == .signalement || kind == .information ? "enregistré" : "enregistrée")
    }
}

/// A short page of the gateway: a refusal, a missing receipt, an unknown address. Each
/// paragraph is plain text (escaped by the template); `links` say where to go next.
public struct MessageView: Sendable {
    public var paragraphs: [String]
    public var links: [LinkView]
    public var hasLinks: Bool

    public struct LinkView: Sendable {
        public var label: String
        public var url: String
        public init(label: String, url: String) {
            self.label = label
            self.url = url
        }
    }

    public init(paragraphs: [String], links: [LinkView] = []) {
        self.paragraphs = paragraphs
        self.links = links
        hasLinks = !links.isEmpty
    }
}
