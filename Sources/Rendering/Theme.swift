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
        MustacheContentTypes.register(ByteHTMLContentType(), named: ByteHTMLContentType.name)
        var library = MustacheLibrary()
        for name in names.sorted() where name.hasSuffix(".mustache") {
            let file = "Theme/templates/\(name)"
            guard let data = fm.contents(atPath: templatesDir.appendingPathComponent(name).path),
                  let text = String(data: data, encoding: .utf8) else {
                throw Diagnostic(file: file, message: "Le gabarit est illisible (fichier absent ou pas en UTF-8).")
            }
            do {
                // Our escaping for every template: the library starts each template, partials
                // included, with its own HTML type, so a pragma on a line of its own (which
                // renders as nothing) at the top gives the same output with the faster escaper.
                // A template that declares its own type (`mail-text`) still switches to it.
                try library.register("{{% CONTENT_TYPE: \(ByteHTMLContentType.name)}}\n" + text,
                                     named: String(name.dropLast(".mustache".count)))
            } catch let error as MustacheTemplate.ParserError {
                throw Diagnostic(file: file, line: max(1, error.context.lineNumber - 1),  // the added pragma line
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
        (library.render(ByReference(view), withTemplate: "mail-text") ?? "", library.render(ByReference(view), withTemplate: "mail") ?? "")
    }

    /// Renders `template` as the body of `layout`: the page-specific part first, then the frame
    /// (header, navigation, footer) around it.
    public func renderPage(_ view: PageView, template: String) -> String {
        var view = view
        view.body = library.render(ByReference(view), withTemplate: template) ?? ""
        return library.render(ByReference(view), withTemplate: "layout") ?? ""
    }
}

/// A view handed to the templates by reference. swift-mustache keeps the context as `Any`
/// and casts it to `MustacheParent` (and `MustacheCustomRepresentation`) for every tag it
/// resolves. Each successful cast of a struct copies it, retaining every string and array
/// inside (a page view holds about twenty); so the view sits in a class. But casting a class
/// instance costs more than casting a struct (the runtime also looks at its superclasses):
/// the templates get a one-field struct that holds the class, one retain per copy.
struct ByReference<View: MustacheParent>: MustacheParent {
    final class Box {
        let view: View
        init(_ view: View) { self.view = view }
    }
    let box: Box
    init(_ view: View) { box = Box(view) }
    func child(named name: String) -> Any? { box.view.child(named: name) }
}

/// swift-mustache's HTML escaping, done on UTF-8 bytes. The library's walks the string by
/// Character and hashes each one into a dictionary: a fifth of the time spent in templates
/// on a 10,000-page build.
struct ByteHTMLContentType: MustacheContentType {
    static let name = "GUICHET_HTML"

    func escapeText(_ text: String) -> String {
        HTMLText.escape(text)
    }
}

/// Text made safe to place in HTML, in element content or a quoted attribute value: the five
/// characters swift-mustache escapes, with the same entities. Templates (through
/// `ByteHTMLContentType`) and the pages written without them (the queue dashboard) share it.
public enum HTMLText {
    /// Works on UTF-8 bytes: text without any of the five comes back as is, without a copy,
    /// and a combining mark after "<" cannot hide it (a Character-by-Character walk sees
    /// "<\u{338}" as one character that is not "<").
    public static func escape(_ text: String) -> String {
        var contiguous = text  // withUTF8 may make a bridged or lazy string contiguous first
        return contiguous.withUTF8 { bytes in
            guard let first = bytes.firstIndex(where: { entity(for: $0) != nil }) else { return text }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            out.append(contentsOf: bytes[..<first])
            for byte in bytes[first...] {
                if let entity = entity(for: byte) {
                    out.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
                } else {
                    out.append(byte)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    @inline(__always)
    private static func entity(for byte: UInt8) -> StaticString? {
        switch byte {
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): "&#39;"
        default: nil
        }
    }
}
