import GuichetModel
import Queue

/// What the receipt page and the e-mails both state about a stored request: its form, the
/// handling service, when it was received (Paris time) and, for a *demande*, the date the
/// *accusé de réception* is due (10 jours ouvrés) and the date silence becomes a decision.
struct RequestFacts {
    let form: FormDefinition?
    let service: Service
    let received: ParisDateTime
    let procedure: Procedure?
    let isDemande: Bool
    let acknowledgementDue: SimpleDate?
    let silenceDate: SimpleDate?

    init(_ record: SubmissionRecord, site: GatewaySite) {
        let config = site.config
        form = site.forms[record.formID]
        // A service removed from guichet.yaml since: the authority answers for it.
        service = config.service(id: record.serviceID)
            ?? Service(id: record.serviceID, name: config.authority.name, email: config.authority.email,
                       phone: config.authority.phone, address: config.authority.address.singleLine, hours: "")
        let received = ParisDateTime(record.receivedAt)
        let procedure = form?.procedure
        let isDemande = procedure?.kind == .demande
        self.received = received
        self.procedure = procedure
        self.isDemande = isDemande
        acknowledgementDue = isDemande ? FrenchCalendar.addingWorkingDays(10, to: received.date) : nil
        silenceDate = isDemande ? procedure?.delay.map { received.date.adding($0) } : nil
    }

    /// The appeal routes a *demande* states; none for other kinds.
    var appealRoutes: [String] { isDemande ? procedure?.appealRoutes ?? [] : [] }
}
