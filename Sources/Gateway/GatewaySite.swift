import ContentLoader
import FormKit
import Foundation
import GuichetModel
import Rendering

/// What the gateway reads at start from the site's folder: the same `guichet.yaml`, `Forms/`
/// and `Theme/` the build used, so it validates with the rules the HTML was generated from
/// and answers with pages that look like the site.
public struct GatewaySite: Sendable {
    public let config: SiteConfig
    public let forms: [String: FormDefinition]
    public let theme: Theme
    public let frame: SiteFrame
    /// The path every gateway URL starts with ("/guichet"), from `gateway_url`.
    public let prefix: String

    public init(config: SiteConfig, forms: [FormDefinition], theme: Theme) {
        self.config = config
        self.forms = Dictionary(forms.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.theme = theme
        frame = SiteFrame(config: config)
        // A full URL (https://demarches.ville.fr/guichet) serves under its path; a path under
        // the site's base path.
        let gateway = config.gatewayURL
        var path = gateway.hasPrefix("/") ? frame.basePath + gateway : (URLComponents(string: gateway)?.path ?? "")
        while path.hasSuffix("/") { path.removeLast() }
        prefix = path
    }

    /// Loads the site's folder; every problem is reported with its file, as the build does.
    public static func load(root: URL) throws(DiagnosticList) -> GatewaySite {
        var diagnostics: [Diagnostic] = []
        let configFile = root.appendingPathComponent(ConfigLoader.fileName)
        guard let data = FileManager.default.contents(atPath: configFile.path), let text = String(data: data, encoding: .utf8) else {
            throw DiagnosticList([Diagnostic(file: ConfigLoader.fileName, message:
                "Le fichier guichet.yaml est introuvable ou illisible dans \(root.path) : indiquez le dossier du site avec --root.")])
        }
        let config: SiteConfig
        do {
            config = try ConfigLoader.parse(text)
        } catch {
            throw DiagnosticList([error])
        }
        let (forms, problems) = FormLoader.loadFolder(root.appendingPathComponent("Forms"), services: config.services)
        diagnostics += problems
        var theme: Theme?
        do {
            theme = try Theme.load(root: root, requiring: Theme.requiredTemplates + Theme.gatewayTemplates
                                   + (config.mail == nil ? [] : Theme.mailTemplates))
        } catch {
            diagnostics.append(error)
        }
        guard diagnostics.isEmpty, let theme else { throw DiagnosticList(diagnostics) }
        return GatewaySite(config: config, forms: forms, theme: theme)
    }

    /// The service a form is routed to (FormLoader guarantees it exists).
    func service(of form: FormDefinition) -> Service? {
        config.services.first { $0.id == form.service }
    }
}
