import GuichetModel
import YAMLReading
import Yams

/// Reads `guichet.yaml` into a `SiteConfig`, reporting the first problem with its line.
public enum ConfigLoader {
    public static let fileName = "guichet.yaml"

    public static func parse(_ text: String, file: String = fileName) throws(Diagnostic) -> SiteConfig {
        let root = try YAMLMapping.parse(text, file: file)
        try root.rejectUnknownKeys(["authority", "base_url", "gateway_url", "accessibility", "dpo", "navigation", "services", "mail"],
                                   context: "dans guichet.yaml")

        let authorityMap = try root.requiredMapping("authority", what: "La section « authority »", context: "(l’autorité qui publie le site)")
        try authorityMap.rejectUnknownKeys(["name", "kind", "address", "phone", "email", "siret"], context: "dans « authority »")
        let inAuthority = "dans « authority »"
        let addressMap = try authorityMap.requiredMapping("address", what: "L’adresse", context: inAuthority)
        try addressMap.rejectUnknownKeys(["street", "postcode", "city"], context: "dans l’adresse")
        let address = PostalAddress(
            street: try addressMap.requiredString("street", context: "dans l’adresse"),
            postcode: try addressMap.requiredString("postcode", context: "dans l’adresse"),
            city: try addressMap.requiredString("city", context: "dans l’adresse"))
        let authority = Authority(
            name: try authorityMap.requiredString("name", context: inAuthority),
            kind: try authorityMap.string("kind") ?? "commune",
            address: address,
            phone: try authorityMap.requiredString("phone", context: inAuthority),
            email: try authorityMap.requiredString("email", context: inAuthority),
            siret: try authorityMap.requiredString("siret", context: inAuthority))

        var baseURL = try root.requiredString("base_url", context: "(l’adresse publique du site, par exemple https://www.ville.fr)")
        guard baseURL.hasPrefix("https://") || baseURL.hasPrefix("http://") else {
            throw Diagnostic(file: file, line: root.lineOf("base_url"),
                             message: "« base_url » doit commencer par https:// (par exemple https://www.ville.fr).")
        }
        while baseURL.hasSuffix("/") { baseURL.removeLast() }

        let accessibilityMap = try root.requiredMapping("accessibility", what: "La section « accessibility »",
                                                        context: "(l’état de conformité au RGAA)")
        try accessibilityMap.rejectUnknownKeys(["status"], context: "dans « accessibility »")
        let statusText = try accessibilityMap.requiredString("status", context: "dans « accessibility »")
        guard let status = AccessibilityStatus(rawValue: statusText) else {
            throw Diagnostic(file: file, line: accessibilityMap.lineOf("status"),
                             message: "L’état d’accessibilité « \(statusText) » n’existe pas : écrivez non, partiellement ou totalement.")
        }

        let dpoMap = try root.requiredMapping("dpo", what: "La section « dpo »", context: "(le délégué à la protection des données)")
        try dpoMap.rejectUnknownKeys(["name", "email", "address"], context: "dans « dpo »")
        let dpo = DataProtectionOfficer(
            name: try dpoMap.requiredString("name", context: "dans « dpo »"),
            email: try dpoMap.requiredString("email", context: "dans « dpo »"),
            address: try dpoMap.requiredString("address", context: "dans « dpo »"))

        var navigation: [NavigationEntry] = []
        for item in try root.sequence("navigation") ?? [] {
            let entry = try YAMLMapping(node: item, file: file, what: "Chaque entrée de « navigation »")
            try entry.rejectUnknownKeys(["label", "url"], context: "dans une entrée de « navigation »")
            navigation.append(NavigationEntry(
                label: try entry.requiredString("label", context: "dans une entrée de « navigation »"),
                url: try entry.requiredString("url", context: "dans une entrée de « navigation »"),
                line: entry.line))
        }
        if navigation.isEmpty {
            throw Diagnostic(file: file, line: root.line,
                             message: "La section « navigation » est obligatoire : listez les entrées du menu principal (label et url).")
        }

        var services: [Service] = []
        for item in try root.sequence("services") ?? [] {
            let entry = try YAMLMapping(node: item, file: file, what: "Chaque service")
            let context = "dans un service"
            try entry.rejectUnknownKeys(["id", "name", "email", "phone", "address", "hours"], context: context)
            let id = try entry.requiredString("id", context: context)
            guard id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
                throw Diagnostic(file: file, line: entry.lineOf("id"),
                                 message: "L’identifiant de service « \(id) » ne doit contenir que des minuscules sans accent, des chiffres et des tirets.")
            }
            if services.contains(where: { $0.id == id }) {
                throw Diagnostic(file: file, line: entry.lineOf("id"), message: "Deux services portent l’identifiant « \(id) ».")
            }
            services.append(Service(
                id: id,
                name: try entry.requiredString("name", context: context),
                email: try entry.requiredString("email", context: context),
                phone: try entry.requiredString("phone", context: context),
                address: try entry.requiredString("address", context: context),
                hours: try entry.string("hours") ?? ""))
        }

        var gatewayURL = try root.string("gateway_url") ?? "/guichet"
        guard gatewayURL.hasPrefix("/") || gatewayURL.hasPrefix("https://") || gatewayURL.hasPrefix("http://") else {
            throw Diagnostic(file: file, line: root.lineOf("gateway_url"), message:
                "« gateway_url » doit être un chemin qui commence par « / » (par exemple /guichet) ou une adresse https://.")
        }
        while gatewayURL.hasSuffix("/") { gatewayURL.removeLast() }

        var mail: MailSettings?
        if let map = try root.mapping("mail", what: "La section « mail »") {
            mail = try parseMail(map, file: file)
        }

        return SiteConfig(authority: authority, baseURL: baseURL, accessibility: status, dpo: dpo,
                          navigation: navigation, services: services, gatewayURL: gatewayURL, mail: mail)
    }

    /// `mail:`: the sender address and one transport (smtp, sendmail or dossier).
    static func parseMail(_ map: YAMLMapping, file: String) throws(Diagnostic) -> MailSettings {
        let context = "dans « mail »"
        try map.rejectUnknownKeys(["from", "transport", "smtp", "sendmail", "dossier"], context: context)
        let from = try map.requiredString("from", context: "\(context) (l’adresse d’expédition, par exemple ne-pas-repondre@ville.fr)")
        guard MailSettings.isPlausibleAddress(from) else {
            throw Diagnostic(file: file, line: map.lineOf("from"), message:
                "« from » doit être une adresse électronique seule, sans nom ni chevrons (par exemple ne-pas-repondre@ville.fr) : le nom affiché est celui de la collectivité.")
        }
        let kind = try map.requiredString("transport", context: "\(context) (smtp, sendmail ou dossier)")
        let transport: MailSettings.Transport
        switch kind {
        case "smtp":
            guard let relay = try map.mapping("smtp", what: "La section « smtp »") else {
                throw Diagnostic(file: file, line: map.lineOf("transport"), message:
                    "Avec « transport: smtp », ajoutez une section « smtp » avec au moins « url » (par exemple smtp://relais.ville.fr:587).")
            }
            transport = .smtp(try parseRelay(relay, file: file))
        case "sendmail":
            transport = .sendmail(path: try map.string("sendmail") ?? "/usr/sbin/sendmail")
        case "dossier":
            transport = .directory(path: try map.string("dossier") ?? "var/courriels")
        default:
            throw Diagnostic(file: file, line: map.lineOf("transport"), message:
                "Le transport « \(kind) » n’existe pas : écrivez smtp, sendmail ou dossier.")
        }
        return MailSettings(from: from, transport: transport)
    }

    static func parseRelay(_ map: YAMLMapping, file: String) throws(Diagnostic) -> MailSettings.SMTPRelay {
        let context = "dans « smtp »"
        if map.node("password") != nil {
            throw Diagnostic(file: file, line: map.lineOf("password"), message:
                "Le mot de passe du relais ne s’écrit pas dans guichet.yaml (ce fichier est partagé) : mettez-le dans un fichier lisible du seul compte du guichet et indiquez son chemin dans « password_file », ou passez-le dans la variable d’environnement GUICHET_SMTP_PASSWORD.")
        }
        try map.rejectUnknownKeys(["url", "security", "username", "password_file", "ca_file"], context: context)
        let url = try map.requiredString("url", context: "\(context) (par exemple smtp://relais.ville.fr:587)")
        let isImplicitTLS = url.hasPrefix("smtps://")
        guard isImplicitTLS || url.hasPrefix("smtp://") else {
            throw Diagnostic(file: file, line: map.lineOf("url"), message:
                "L’adresse du relais doit commencer par smtp:// (STARTTLS, port 587 ou 25) ou smtps:// (TLS, port 465).")
        }
        let security: MailSettings.SMTPRelay.Security
        if let text = try map.string("security") {
            guard let value = MailSettings.SMTPRelay.Security(rawValue: text) else {
                throw Diagnostic(file: file, line: map.lineOf("security"), message:
                    "« security » vaut starttls, tls ou aucune (et non « \(text) »).")
            }
            security = value
        } else {
            security = isImplicitTLS ? .tls : .starttls
        }
        if security == .tls && !isImplicitTLS || security != .tls && isImplicitTLS {
            throw Diagnostic(file: file, line: map.lineOf("security"), message:
                "« security: tls » va avec une adresse smtps:// (et smtps:// avec tls) : accordez les deux.")
        }
        return MailSettings.SMTPRelay(url: url, security: security, username: try map.string("username"),
                                      passwordFile: try map.string("password_file"), caFile: try map.string("ca_file"))
    }
}
