import Foundation
import GuichetModel
import Mustache

/// The look of the site: Mustache templates and static assets from `Theme/`.
///
/// Templates are named after their file (`Theme/templates/page.mustache` → `page`). The site
/// builder and (later) the gateway render with the same templates, so both look the same.
public struct Theme: Sendable {
    /// What the site builder needs.
    public static let requiredTemplates = ["layout", "page", "sitemap", "not-found", "form", "form-field"]
    /// What the gateway needs on top: the receipt (accusé d'enregistrement) and short messages.
    public static let gatewayTemplates = ["receipt", "message"]
    /// E-mail to citizens: the HTML part and the plain-text part.
    public static let mailTemplates = ["mail", "mail-text"]

    let library: MustacheLibrary
    /// Asset files relative to `Theme/assets/` (published under `/assets/`).
    public let assets: [String]
    public let assetsDirectory: URL

    /// Loads `Theme/` from `root`; a template that does not parse is reported with its file.
    public static func load(root: URL, requiring required: [String] = requiredTemplates) throws(Diagnostic) -> Theme {
        let themeDir = root.appendingPathComponent("Theme")
        let templatesDir = themeDir.appendingPathComponent("templates")
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: templatesDir.path) else {
            throw Diagnostic(file: "Theme/templates", message: "Le dossier des gabarits Theme/templates est introuvable.")
        }
        var library = MustacheLibrary()
        for name in names.sorted() where name.hasSuffix(".mustache") {
            let file = "Theme/templates/\(name)"
            guard let data = fm.contents(atPath: templatesDir.appendingPathComponent(name).path),
                  let text = String(data: data, encoding: .utf8) else {
                throw Diagnostic(file: file, message: "Le gabarit est illisible (fichier absent ou pas en UTF-8).")
            }
            do {
                try library.register(text, named: String(name.dropLast(".mustache".count)))
            } catch let error as MustacheTemplate.ParserError {
                throw Diagnostic(file: file, line: error.context.lineNumber,
                                 message: "Le gabarit Mustache est mal formé (\(error.error)) : vérifiez que chaque {{#bloc}} est fermé par {{/bloc}}.")
            } catch {
                throw Diagnostic(file: file, message: "Le gabarit Mustache est mal formé (\(error)).")
            }
        }
        for required in required where library.getTemplate(named: required) == nil {
            throw Diagnostic(file: "Theme/templates/\(required).mustache", message: "Ce gabarit obligatoire est absent du thème.")
        }
        let assetsDir = themeDir.appendingPathComponent("assets")
        var assets: [String] = []
        if let enumerator = fm.enumerator(atPath: assetsDir.path) {
            while let path = enumerator.nextObject() as? String {
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: assetsDir.appendingPathComponent(path).path, isDirectory: &isDir), !isDir.boolValue {
                    assets.append(path)
                }
            }
        }
        return Theme(library: library, assets: assets.sorted(), assetsDirectory: assetsDir)
    }

    /// The HTML of a form (the gateway shows it again, with errors, through this same call).
    public func renderForm(_ form: FormView) -> String {
        library.render(["form": form], withTemplate: "form") ?? ""
    }

    /// The two parts of an e-mail: plain text (`mail-text`, which should start with
    /// `{{% CONTENT_TYPE: TEXT}}` so nothing is HTML-escaped) and HTML (`mail`).
    public func renderMail(_ view: MailView) -> (text: String, html: String) {
        (library.render(view, withTemplate: "mail-text") ?? "", library.render(view, withTemplate: "mail") ?? "")
    }

    /// Renders `template` as the body of `layout`: the page-specific part first, then the frame
    /// (header, navigation, footer) around it.
    public func renderPage(_ view: PageView, template: String) -> String {
        var view = view
        view.body = library.render(view, withTemplate: template) ?? ""
        return library.render(view, withTemplate: "layout") ?? ""
    }
}
