import Foundation

/// The addresses every part of Guichet agrees on: the site builder publishes pages there, and
/// the gateway links to them and shows some of them again (form pages, with errors).
public enum SitePaths {
    public static let legalNoticeURL = "/mentions-legales/"
    public static let privacyURL = "/donnees-personnelles/"
    public static let accessibilityURL = "/accessibilite/"
    public static let sitemapURL = "/plan-du-site/"
    public static let assetsPrefix = "/assets/"
    /// Every form has its own page here; the gateway shows it again when a submission has errors.
    public static let formsURL = "/formulaires/"
    /// Title of the generated `/formulaires/` folder page (and of its breadcrumb item).
    public static let formsFolderTitle = "Formulaires en ligne"
    public static func formURL(_ id: String) -> String { formsURL + id + "/" }

    /// `Content/index.md` → `/`; `Content/a/index.md` → `/a/`; `Content/a/b.md` → `/a/b/`.
    public static func url(forSourcePath path: String) -> String {
        var relative = path.hasPrefix("Content/") ? String(path.dropFirst("Content/".count)) : path
        if relative.hasSuffix(".md") { relative.removeLast(3) }
        if relative == "index" { return "/" }
        if relative.hasSuffix("/index") { relative.removeLast("index".count) } else { relative += "/" }
        return "/" + relative
    }

    /// The path of the base URL, without a trailing slash: "" for `https://ville.fr`,
    /// "/portail" for `https://ville.fr/portail/`. Every published URL starts with it.
    public static func basePath(of baseURL: String) -> String {
        var path = URLComponents(string: baseURL)?.path ?? ""
        while path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// `https://www.ville.fr:8443` for `https://www.ville.fr:8443/portail/`.
    public static func origin(of baseURL: String) -> String {
        guard let components = URLComponents(string: baseURL), let scheme = components.scheme, let host = components.host else {
            return baseURL
        }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }
}
