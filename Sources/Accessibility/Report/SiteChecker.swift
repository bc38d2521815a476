import Foundation

/// Checks a set of pages (a built site, a folder given to `guichet check`): each page alone,
/// on every core, then what only the whole set shows (RGAA 12.1 two navigation systems,
/// 12.2 the same menu everywhere, 8.6 titles telling pages apart).
public enum SiteChecker {
    public struct Page: Sendable {
        public var path: String
        public var html: [UInt8]
        public init(path: String, html: [UInt8]) {
            self.path = path
            self.html = html
        }
    }

    /// - Parameter stylesheet: given a page path and an `href`, the CSS text (or nil).
    public static func check(_ pages: [Page], stylesheet: @escaping @Sendable (String, String) -> String? = { _, _ in nil }) -> SiteReport {
        let results = ResultSlots<(SiteReport.PageResult, PageFacts)>(count: pages.count)
        DispatchQueue.concurrentPerform(iterations: pages.count) { index in
            let page = pages[index]
            do {
                let document = try HTMLDocument(parsing: page.html)
                var findings = check(document: document, path: page.path, stylesheet: { stylesheet(page.path, $0) })
                for i in findings.indices { findings[i].file = page.path }
                results[index] = (SiteReport.PageResult(path: page.path, findings: findings, applicable: Applicability.criteria(of: document)),
                                  PageFacts(document))
            } catch {
                let finding = Finding(test: "8.2.1", status: .aVerifier, line: nil,
                                      message: (error as? HTMLDocumentError)?.description ?? "La page est illisible.",
                                      fix: "Vérifiez cette page à la main ou réduisez sa taille.", snippet: "", file: page.path)
                results[index] = (SiteReport.PageResult(path: page.path, findings: [finding], applicable: []), PageFacts())
            }
        }
        var pageResults = results.values.compactMap { $0 }
        if pages.count > 1 { siteLevelFindings(&pageResults) }
        return SiteReport(pages: pageResults.map(\.0))
    }

    static func check(document: HTMLDocument, path: String, stylesheet: @escaping (String) -> String?) -> [Finding] {
        AccessibilityChecker.check(document: document, path: path, stylesheet: stylesheet)
    }

    /// What the site-level rules need from each page, taken while its tree is at hand.
    struct PageFacts: Sendable {
        var title: String?
        /// The links of the first `<nav>` (the main menu on most sites), in order.
        var mainMenu: [String]?
        var linksToSiteMap = false
        var hasSearch = false
        var isSiteMap = false

        init() {}

        init(_ document: HTMLDocument) {
            for (index, node) in document.nodes.enumerated() where node.isElement {
                switch node.name {
                case "title" where title == nil:
                    title = document.textContent(of: index).trimmingCharacters(in: .whitespacesAndNewlines)
                case "nav" where mainMenu == nil && !(node.attribute("aria-label")?.lowercased().contains("accès rapide") ?? false)
                    && !(node.attribute("aria-label")?.lowercased().contains("ariane") ?? false):
                    var links: [String] = []
                    let end = document.subtreeEnd(of: index)
                    var i = index + 1
                    while i < end {
                        if document.nodes[i].name == "a", let href = document.nodes[i].attribute("href") { links.append(href) }
                        i += 1
                    }
                    mainMenu = links
                case "a" where !linksToSiteMap:
                    // Only short texts can be a "Plan du site" link; skip the rest cheaply.
                    let text = document.textContent(of: index)
                    if text.utf8.count < 40, text.lowercased().contains("plan du site") { linksToSiteMap = true }
                case "input" where node.attribute("type")?.lowercased() == "search":
                    hasSearch = true
                default:
                    if node.attribute("role")?.lowercased() == "search" { hasSearch = true }
                }
            }
            isSiteMap = title?.lowercased().hasPrefix("plan du site") ?? false
        }
    }

    static func siteLevelFindings(_ pages: inout [(SiteReport.PageResult, PageFacts)]) {
        let hasSiteMap = pages.contains { $0.1.isSiteMap }
        // 12.1: a menu plus a site map (or a search) reachable from every page.
        for i in pages.indices where !(pages[i].1.hasSearch || (hasSiteMap && pages[i].1.linksToSiteMap)) {
            pages[i].0.findings.append(Finding(test: "12.1.1", status: .aVerifier, line: nil,
                message: hasSiteMap ? "Cette page n’a pas de lien vers le plan du site ni de moteur de recherche : elle n’offre peut-être qu’un seul système de navigation."
                                    : "Le site n’a pas de page « Plan du site » ni de moteur de recherche : il n’offre peut-être qu’un seul système de navigation.",
                fix: "Ajoutez sur chaque page un lien « Plan du site » (en pied de page par exemple) ou un moteur de recherche.",
                snippet: "", file: pages[i].0.path))
            pages[i].0.applicable.append("12.1")
        }
        for i in pages.indices { pages[i].0.applicable.append("12.1") }
        // 12.2: the main menu is the same everywhere (same links, same order).
        var menus: [[String]: Int] = [:]
        for page in pages { if let menu = page.1.mainMenu { menus[menu, default: 0] += 1 } }
        if let usual = menus.max(by: { $0.value < $1.value })?.key {
            for i in pages.indices {
                pages[i].0.applicable.append("12.2")
                if let menu = pages[i].1.mainMenu, menu != usual {
                    pages[i].0.findings.append(Finding(test: "12.2.1", status: .aVerifier, line: nil,
                        message: "Le premier bloc de navigation de cette page diffère de celui de la plupart des autres pages (liens ou ordre différents).",
                        fix: "Gardez le même menu, avec les mêmes liens dans le même ordre, sur toutes les pages.",
                        snippet: menu.prefix(6).joined(separator: " · "), file: pages[i].0.path))
                }
            }
        }
        // 8.6: two pages with the same <title> cannot be told apart in tabs, history or results.
        var byTitle: [String: String] = [:]
        for i in pages.indices {
            guard let title = pages[i].1.title, !title.isEmpty else { continue }
            if let first = byTitle[title] {
                pages[i].0.findings.append(Finding(test: "8.6.1", status: .aVerifier, line: nil,
                    message: "Le titre « \(title) » est aussi celui de \(first) : les deux pages ne se distinguent pas dans les onglets et l’historique.",
                    fix: "Donnez à chaque page un titre qui la distingue des autres.", snippet: "<title>\(title)</title>",
                    file: pages[i].0.path))
            } else {
                byTitle[title] = pages[i].0.path
            }
        }
    }
}

/// Fixed slots filled from several threads, one slot per iteration.
final class ResultSlots<Value>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    subscript(index: Int) -> Value? {
        get { lock.withLock { storage[index] } }
        set { lock.withLock { storage[index] = newValue } }
    }
    var values: [Value?] { lock.withLock { storage } }
}
