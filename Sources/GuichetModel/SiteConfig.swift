/// What `guichet.yaml` says about the authority publishing the portal.
public struct SiteConfig: Sendable, Equatable {
    public var authority: Authority
    /// Absolute origin of the published site, without a trailing slash (`https://www.ville.fr`).
    public var baseURL: String
    public var accessibility: AccessibilityStatus
    public var dpo: DataProtectionOfficer
    public var navigation: [NavigationEntry]
    public var services: [Service]
    /// Path (or absolute URL) where the gateway receives forms: a form posts to
    /// `gatewayURL + "/formulaires/<id>"`.
    public var gatewayURL: String
    /// E-mail to citizens; nil: none is sent.
    public var mail: MailSettings?

    public init(authority: Authority, baseURL: String, accessibility: AccessibilityStatus,
                dpo: DataProtectionOfficer, navigation: [NavigationEntry], services: [Service],
                gatewayURL: String = "/guichet", mail: MailSettings? = nil) {
        self.authority = authority
        self.baseURL = baseURL
        self.accessibility = accessibility
        self.dpo = dpo
        self.navigation = navigation
        self.services = services
        self.gatewayURL = gatewayURL
        self.mail = mail
    }

    public func service(id: String) -> Service? { services.first { $0.id == id } }
}

public struct PostalAddress: Sendable, Equatable {
    public var street: String
    public var postcode: String
    public var city: String
    public init(street: String, postcode: String, city: String) {
        self.street = street
        self.postcode = postcode
        self.city = city
    }
    /// One line, as printed under a letterhead: "1 place de la Mairie, 99150 Brémonval".
    public var singleLine: String { "\(street), \(postcode) \(city)" }
}

/// The commune, intercommunalité or département that publishes the portal.
public struct Authority: Sendable, Equatable {
    public var name: String
    public var kind: String
    public var address: PostalAddress
    public var phone: String
    public var email: String
    public var siret: String
    public init(name: String, kind: String, address: PostalAddress, phone: String, email: String, siret: String) {
        self.name = name
        self.kind = kind
        self.address = address
        self.phone = phone
        self.email = email
        self.siret = siret
    }
}

/// The accessibility status every page must show (décret n° 2019-768, art. 3).
public enum AccessibilityStatus: String, Sendable, CaseIterable {
    case non
    case partiellement
    case totalement

    /// The sentence shown in every footer: "Accessibilité : partiellement conforme".
    public var footerLabel: String { "Accessibilité : \(rawValue) conforme" }
}

/// Délégué à la protection des données (RGPD art. 37), named on every form's notice.
public struct DataProtectionOfficer: Sendable, Equatable {
    public var name: String
    public var email: String
    public var address: String
    public init(name: String, email: String, address: String) {
        self.name = name
        self.email = email
        self.address = address
    }
}

/// One entry of the main navigation, in the order of `guichet.yaml`.
public struct NavigationEntry: Sendable, Equatable {
    public var label: String
    /// Site-relative URL of a page (`/demarches/`).
    public var url: String
    public var line: Int?
    public init(label: String, url: String, line: Int? = nil) {
        self.label = label
        self.url = url
        self.line = line
    }
}

/// A back-office service that handles requests (état civil, services techniques…).
public struct Service: Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String
    public var phone: String
    public var address: String
    public var hours: String
    public init(id: String, name: String, email: String, phone: String, address: String, hours: String) {
        self.id = id
        self.name = name
        self.email = email
        self.phone = phone
        self.address = address
        self.hours = hours
    }
}

/// Telephone numbers as people write them ("01 99 00 10 00") and as links need them.
public enum PhoneNumber {
    /// `tel:` URI (RFC 3966) for a French number: "01 99 00 10 00" → "tel:+33199001000".
    /// Numbers already international keep their "+"; anything else keeps its digits.
    public static func telURI(_ written: String) -> String {
        let digits = written.filter { $0.isASCII && $0.isNumber }
        if written.drop(while: { $0 == " " }).hasPrefix("+") { return "tel:+" + digits }
        if digits.count == 10, digits.hasPrefix("0") { return "tel:+33" + digits.dropFirst() }
        return "tel:" + digits
    }
}
