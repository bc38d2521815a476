import GuichetModel
import YAMLReading
import Yams

/// Reads `guichet.yaml` into a `SiteConfig`, reporting the first problem with its line.
public enum ConfigLoader {
    public static let fileName = "guichet.yaml"

    public static func parse(_ text: String, file: String = fileName) throws(Diagnostic) -> SiteConfig {
        let root = try YAMLMapping.parse(text, file: file)
        try root.rejectUnknownKeys(["authority", "base_url", "gateway_url", "accessibility", "dpo", "navigation", "services"],
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

        return SiteConfig(authority: authority, baseURL: baseURL, accessibility: status, dpo: dpo,
                          navigation: navigation, services: services, gatewayURL: gatewayURL)
    }
}
