/// A démarche as its editor declared it in `Forms/<id>.yaml`. From this one value come the
/// HTML form, its constraint attributes, the server-side validation and the back-office schema.
public struct FormDefinition: Sendable, Equatable {
    /// Identifier, also the file name and the URL (`acte-de-naissance`).
    public var id: String
    public var title: String
    /// Id of the handling service in `guichet.yaml`.
    public var service: String
    /// Markdown shown before the form.
    public var introduction: String?
    /// What the citizen should have at hand before starting ("Votre livret de famille").
    public var piecesToPrepare: [String]
    public var procedure: Procedure
    public var privacy: PrivacyNotice
    public var identification: Identification?
    /// Sections of the form in order; fields outside any group sit in groups without a legend.
    public var groups: [FieldGroup] {
        didSet { fields = groups.flatMap(\.fields) }
    }
    /// Every field, in order, whatever its group. Stored, not computed: the gateway reads it
    /// several times per submission, and flattening the groups each time was measurable.
    public private(set) var fields: [Field]
    /// Hex SHA-256 of the definition's canonical text: a page built from another version of
    /// the form is stale, and the gateway says so instead of validating against other rules.
    public var digest: String

    public init(id: String, title: String, service: String, introduction: String?, piecesToPrepare: [String],
                procedure: Procedure, privacy: PrivacyNotice, identification: Identification?,
                groups: [FieldGroup], digest: String) {
        self.id = id
        self.title = title
        self.service = service
        self.introduction = introduction
        self.piecesToPrepare = piecesToPrepare
        self.procedure = procedure
        self.privacy = privacy
        self.identification = identification
        self.groups = groups
        fields = groups.flatMap(\.fields)
        self.digest = digest
    }

    public var hasFiles: Bool { fields.contains { $0.kind == .file } }
    public func field(_ id: String) -> Field? { fields.first { $0.id == id } }
}

/// The legal nature of the démarche (CRPA): it decides which mentions the receipts carry.
public struct Procedure: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case demande, signalement, reclamation = "réclamation", information
    }

    /// What the administration's silence means after the delay (CRPA L231-1, L231-4).
    public enum ImplicitDecision: String, Sendable, CaseIterable {
        case acceptation, rejet, aucune
    }

    public var kind: Kind
    public var implicitDecision: ImplicitDecision
    /// Delay before the implicit decision, as written ("2 mois").
    public var delay: Duration?
    /// Voies et délais de recours, one sentence each.
    public var appealRoutes: [String]

    public init(kind: Kind, implicitDecision: ImplicitDecision, delay: Duration?, appealRoutes: [String]) {
        self.kind = kind
        self.implicitDecision = implicitDecision
        self.delay = delay
        self.appealRoutes = appealRoutes
    }
}

/// A legal delay or retention period: "2 mois", "15 jours", "1 an".
public struct Duration: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: String, Sendable { case jours, mois, ans }
    public var amount: Int
    public var unit: Unit

    public init(amount: Int, unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    /// Parses "2 mois", "15 jours", "1 an", "3 ans", "1 jour".
    public init?(french text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let amount = Int(parts[0]), amount > 0 else { return nil }
        switch parts[1].lowercased() {
        case "jour", "jours": unit = .jours
        case "mois": unit = .mois
        case "an", "ans", "année", "années": unit = .ans
        default: return nil
        }
        self.amount = amount
    }

    public var description: String {
        switch unit {
        case .jours: return amount == 1 ? "1 jour" : "\(amount) jours"
        case .mois: return "\(amount) mois"
        case .ans: return amount == 1 ? "1 an" : "\(amount) ans"
        }
    }
}

/// RGPD art. 13: what the citizen is told where their data is collected.
public struct PrivacyNotice: Sendable, Equatable {
    public var purpose: String
    public var legalBasis: String
    public var recipients: [String]
    public var retention: Duration

    public init(purpose: String, legalBasis: String, recipients: [String], retention: Duration) {
        self.purpose = purpose
        self.legalBasis = legalBasis
        self.recipients = recipients
        self.retention = retention
    }
}

/// Who files the request, and so which identifying fields the form must carry
/// (CRPA R112-9-1 for a private person).
public enum Identification: String, Sendable, Equatable, CaseIterable {
    case particulier, entreprise, association
}

public struct FieldGroup: Sendable, Equatable {
    /// Legend of the fieldset; nil for fields written outside any group.
    public var legend: String?
    public var fields: [Field]
    public init(legend: String?, fields: [Field]) {
        self.legend = legend
        self.fields = fields
    }
}
