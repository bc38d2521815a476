import Foundation
import GuichetModel

/// Stage 2: where every page goes and how pages relate (folders, listings, navigation).
///
/// Pages are kept in one array and refer to each other by index, so the plan is a plain value
/// that each later stage reads without sharing mutable objects.
public struct SitePlan: Sendable {
    public struct Entry: Sendable {
        /// Site-relative URL, always ending in `/` (`/demarches/etat-civil/`).
        public var url: String
        public var title: String
        public var frontMatter: FrontMatter
        /// Index in `SiteSource.pages`, or nil for a page the build generated.
        public var sourceIndex: Int?
        /// Index in `SiteSource.forms` for a form's own page, or of the form a page embeds.
        public var formIndex: Int?
        /// The source file, or the folder for a generated index (used in messages).
        public var sourcePath: String
        public var parent: Int?
        public var children: [Int] = []
        public var isFolder: Bool

        public var outputPath: String { String(url.dropFirst()) + "index.html" }
    }

    public var entries: [Entry]
    /// `Content/x/y.md` → index in `entries`.
    public var bySourcePath: [String: Int]
    /// URL → index in `entries`.
    public var byURL: [String: Int]
    /// Every URL that a link may target: pages, content files, theme assets, generated files.
    public var publishedFiles: Set<String>

    /// Pages every public-sector site must have, linked from every footer.
    public static let requiredPages: [(url: String, source: String, what: String)] = [
        ("/mentions-legales/", "Content/mentions-legales.md", "les mentions légales"),
        ("/donnees-personnelles/", "Content/donnees-personnelles.md", "la politique de données personnelles (RGPD)"),
        ("/accessibilite/", "Content/accessibilite.md", "la déclaration d’accessibilité (décret n° 2019-768)"),
    ]
    public static let sitemapURL = SitePaths.sitemapURL
    /// Every form has its own page here; the gateway shows it again when a submission has errors.
    public static let formsURL = SitePaths.formsURL
    public static func formURL(_ id: String) -> String { SitePaths.formURL(id) }
    public static let assetsPrefix = SitePaths.assetsPrefix
    /// Generated outputs that content may not shadow.
    public static let reservedFiles = ["/404.html", "/sitemap.xml"]

    /// `Content/index.md` → `/`; `Content/a/index.md` → `/a/`; `Content/a/b.md` → `/a/b/`.
    public static func url(forSourcePath path: String) -> String { SitePaths.url(forSourcePath: path) }

    public static func make(_ source: SiteSource) throws(BuildFailure) -> SitePlan {
        var diagnostics: [Diagnostic] = []
        var entries: [Entry] = []
        var byURL: [String: Int] = [:]
        var bySourcePath: [String: Int] = [:]

        for (index, page) in source.pages.enumerated() {
            let url = url(forSourcePath: page.sourcePath)
            if let other = byURL[url] {
                diagnostics.append(Diagnostic(file: page.sourcePath, line: 1, message:
                    "Cette page aurait la même adresse (\(url)) que \(entries[other].sourcePath) : renommez ou déplacez l’un des deux fichiers."))
                continue
            }
            if url == sitemapURL || url.hasPrefix(assetsPrefix) {
                diagnostics.append(Diagnostic(file: page.sourcePath, line: 1, message:
                    "L’adresse \(url) est réservée par Guichet (plan du site, fichiers du thème) : renommez ce fichier."))
                continue
            }
            byURL[url] = entries.count
            bySourcePath[page.sourcePath] = entries.count
            entries.append(Entry(url: url, title: page.frontMatter.title, frontMatter: page.frontMatter,
                                 sourceIndex: index, formIndex: nil, sourcePath: page.sourcePath, parent: nil,
                                 isFolder: page.sourcePath.hasSuffix("/index.md") || page.sourcePath == "Content/index.md"))
        }

        for (index, form) in source.forms.enumerated() {
            let url = formURL(form.id)
            if let other = byURL[url] {
                diagnostics.append(Diagnostic(file: entries[other].sourcePath, line: 1, message:
                    "Cette page a l’adresse \(url), réservée à la page du formulaire Forms/\(form.id).yaml : renommez-la."))
                continue
            }
            byURL[url] = entries.count
            entries.append(Entry(url: url, title: form.title, frontMatter: FrontMatter(title: form.title), sourceIndex: nil,
                                 formIndex: index, sourcePath: "Forms/\(form.id).yaml", parent: nil, isFolder: false))
        }
        let formIndexes = Dictionary(source.forms.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        for i in entries.indices {
            guard let id = entries[i].frontMatter.form, let sourceIndex = entries[i].sourceIndex else { continue }
            if let form = formIndexes[id] {
                entries[i].formIndex = form
            } else {
                let known = source.forms.map(\.id).joined(separator: ", ")
                diagnostics.append(Diagnostic(file: entries[i].sourcePath, line: source.pages[sourceIndex].formLine, message:
                    "Le formulaire « \(id) » n’existe pas : il faut un fichier Forms/\(id).yaml. Formulaires existants : \(known.isEmpty ? "aucun" : known)."))
            }
        }

        // Every folder on the way to a page gets an index page; generate those nobody wrote.
        func ensureFolder(_ url: String) -> Int {
            if let existing = byURL[url] {
                entries[existing].isFolder = true
                return existing
            }
            let name = url == "/" ? "Accueil" : url == formsURL ? SitePaths.formsFolderTitle : folderTitle(url)
            let folderPath = url == "/" ? "Content" : "Content" + String(url.dropLast())
            byURL[url] = entries.count
            entries.append(Entry(url: url, title: name, frontMatter: FrontMatter(title: name), sourceIndex: nil,
                                 formIndex: nil, sourcePath: folderPath, parent: nil, isFolder: true))
            return entries.count - 1
        }
        _ = ensureFolder("/")
        var index = 0
        while index < entries.count {
            let url = entries[index].url
            if url != "/" {
                let parentURL = parentFolder(of: url)
                let parent = ensureFolder(parentURL)
                entries[index].parent = parent
                entries[parent].children.append(index)
            }
            index += 1
        }
        // Compared through their order and title only: comparing whole entries copied each
        // one (front matter included) at every comparison of a large folder.
        let keys = entries.map { (order: $0.frontMatter.order, title: $0.title) }
        for i in entries.indices where entries[i].children.count > 1 {
            entries[i].children.sort { isOrderedBefore(keys[$0], keys[$1]) }
        }

        var files: Set<String> = Set(entries.map(\.url))
        files.insert(sitemapURL)
        for file in reservedFiles { files.insert(file) }
        for file in source.files {
            if reservedFiles.contains(file.url) || file.url.hasPrefix(assetsPrefix) || file.url.hasSuffix("/index.html") {
                diagnostics.append(Diagnostic(file: file.sourcePath, message:
                    "Ce fichier prendrait la place d’un fichier produit par Guichet (\(file.url)) : renommez-le."))
            }
            files.insert(file.url)
        }
        for asset in source.theme.assets { files.insert(assetsPrefix + asset) }

        for required in requiredPages where byURL[required.url] == nil || entries[byURL[required.url]!].sourceIndex == nil {
            diagnostics.append(Diagnostic(file: required.source, message:
                "Cette page obligatoire est absente : créez \(required.source) avec \(required.what) ; chaque pied de page y renvoie."))
        }
        for entry in source.config.navigation where byURL[entry.url] == nil {
            diagnostics.append(Diagnostic(file: "guichet.yaml", line: entry.line, message:
                "L’entrée de menu « \(entry.label) » mène à \(entry.url), qui n’est pas une page du site : corrigez son adresse (par exemple /demarches/)."))
        }
        var titles: [String: Int] = [:]
        for (i, entry) in entries.enumerated() {
            let key = entry.title.lowercased()
            if let first = titles[key] {
                diagnostics.append(Diagnostic(file: entry.sourcePath, line: entry.sourceIndex == nil ? nil : 2, message:
                    "Le titre « \(entry.title) » est déjà celui de \(entries[first].sourcePath) : chaque page doit avoir un titre unique pour qu’on la reconnaisse dans l’onglet, l’historique et les résultats de recherche."))
            } else {
                titles[key] = i
            }
        }
        if titles["plan du site"] != nil {
            diagnostics.append(Diagnostic(file: "Content", message: "Le titre « Plan du site » est réservé à la page produite par Guichet."))
        }
        if !diagnostics.isEmpty { throw BuildFailure(stage: "plan du site", diagnostics: diagnostics) }
        return SitePlan(entries: entries, bySourcePath: bySourcePath, byURL: byURL, publishedFiles: files)
    }

    static func parentFolder(of url: String) -> String {
        var path = url.dropLast()  // drop trailing "/"
        while let last = path.last, last != "/" { path.removeLast() }
        return String(path)
    }

    /// `/demarches/etat-civil/` → "Etat civil": the best guess without the editor's index.md.
    static func folderTitle(_ url: String) -> String {
        let name = url.split(separator: "/").last.map(String.init) ?? ""
        let words = name.replacingOccurrences(of: "-", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// Listing order: `order` first (pages without one last), then title as a French reader sorts.
    /// French alphabetical order; made once, not at each comparison.
    private static let french = Locale(identifier: "fr_FR")

    static func isOrderedBefore(_ a: (order: Int?, title: String), _ b: (order: Int?, title: String)) -> Bool {
        switch (a.order, b.order) {
        case let (x?, y?) where x != y: return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default:
            return a.title.compare(b.title, options: [.caseInsensitive, .diacriticInsensitive], locale: french) == .orderedAscending
        }
    }
}
