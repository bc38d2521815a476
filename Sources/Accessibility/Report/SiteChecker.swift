import Foundation

/// Checks a set of pages (a built site, a folder given to `guichet check`): each page alone,
/// on every core, then what only the whole set shows (RGAA 12.1 two navigation systems,
/// 12.2 the same menu everywhere, 8.6 titles telling pages apart, 12.4 and 12.5 the site map
/// link and the search in the same zone everywhere, 11.3.2 one label per field purpose,
/// 12.3 the site map's links lead to pages of the set).
public enum SiteChecker {
    /// A page to check. Its HTML is read or copied on the thread that checks it: reading
    /// 10,000 files (or turning 10,000 strings into bytes) first, on one thread, would leave
    /// the other cores idle for a sixth of the run.
    public struct Page: Sendable {
        public var path: String
        enum Content: Sendable {
            case bytes([UInt8])
            case text(String)
            case file(String)
        }
        var content: Content

        public init(path: String, html: [UInt8]) {
            self.path = path
            content = .bytes(html)
        }

        public init(path: String, text: String) {
            self.path = path
            content = .text(text)
        }

        /// The page is the file at `file`, read when it is checked; a file that cannot be
        /// read then gets an 8.2.1 finding saying so.
        public init(path: String, file: String) {
            self.path = path
            content = .file(file)
        }

        func parse() throws -> HTMLDocument {
            switch content {
            case .bytes(let bytes): return try HTMLDocument(parsing: bytes)
            case .text(let text): return try HTMLDocument(parsing: text)
            case .file(let file): return try HTMLDocument(contentsOfFile: file)
            }
        }
    }

    /// - Parameter stylesheet: given a page path and an `href`, the CSS text (or nil).
    public static func check(_ pages: [Page], stylesheet: @escaping @Sendable (String, String) -> String? = { _, _ in nil }) -> SiteReport {
        let results = ResultSlots<(SiteReport.PageResult, PageFacts)>(count: pages.count)
        DispatchQueue.concurrentPerform(iterations: pages.count) { index in
            let page = pages[index]
            do {
                let document = try page.parse()
                var findings = check(document: document, path: page.path, stylesheet: { stylesheet(page.path, $0) })
                for i in findings.indices { findings[i].file = page.path }
                var facts = PageFacts(document)
                facts.siteMapTarget = facts.siteMapHref.flatMap { SiteLink($0, from: page.path) }
                results[index] = (SiteReport.PageResult(path: page.path, findings: findings, applicable: Applicability.criteria(of: document)),
                                  facts)
            } catch {
                let finding = Finding(test: "8.2.1", status: .aVerifier, line: nil,
                                      message: (error as? HTMLDocumentError)?.description ?? "La page est illisible.",
                                      fix: "Vérifiez cette page à la main ou réduisez sa taille.", snippet: "", file: page.path)
                results[index] = (SiteReport.PageResult(path: page.path, findings: [finding], applicable: []), PageFacts())
            }
        }
        var pageResults = results.values.compactMap { $0 }
        if pages.count > 1 {
            siteLevelFindings(&pageResults)
            siteMapFindings(&pageResults, pages: pages)
        }
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
        /// The `href` of the page's first « Plan du site » link.
        var siteMapHref: String?
        /// Where that link leads, resolved from the page's path on the checking thread (the
        /// site-level step that uses it runs on one thread).
        var siteMapTarget: SiteLink?
        /// Where ("dans l’en-tête", "dans le pied de page"…) the site map links are, the search is.
        var siteMapZones: Set<String> = []
        var searchZones: Set<String> = []
        /// Label of each field purpose (`autocomplete` token), the first of the page.
        var fieldLabels: [String: String] = [:]

        init() {}

        init(_ document: HTMLDocument) {
            var labelsByFor: [String: Int] = [:]
            var purposes: [(String, Int)] = []
            // Bounds, so that hostile nesting stays linear: a site has a few of each.
            var siteMapLinks = 0
            for index in document.nodes.indices where document.nodes[index].kind == .element {
                let node = document.view(index)
                let tag = node.tag
                switch tag {
                case .title where title == nil:
                    title = document.textContent(of: index).trimmingWhitespacesAndNewlines()
                case .nav where mainMenu == nil && !(node.attribute("aria-label")?.fastLowercased().containsLikeFoundation("accès rapide") ?? false)
                    && !(node.attribute("aria-label")?.fastLowercased().containsLikeFoundation("ariane") ?? false):
                    var links: [String] = []
                    let end = document.subtreeEnd(of: index)
                    var i = index + 1
                    while i < end {
                        if document.nodes[i].tag == .a, let href = document.nodes[i].attribute("href") { links.append(href) }
                        i += 1
                    }
                    mainMenu = links
                case .a where siteMapLinks < 20 && document.subtreeEnd(of: index) - index <= 64 && Self.mayNameSiteMap(index, in: document):
                    // Only short texts can be a "Plan du site" link; skip the rest cheaply.
                    let text = document.textContent(of: index)
                    if text.utf8.count < 40, text.fastLowercased().containsLikeFoundation("plan du site") {
                        linksToSiteMap = true
                        if siteMapHref == nil { siteMapHref = node.attribute("href") }
                        siteMapZones.insert(Self.zone(of: index, in: document))
                        siteMapLinks += 1
                    }
                case .input where node.attribute("type")?.lowercased() == "search":
                    if searchZones.count < 5 { searchZones.insert(Self.zone(of: index, in: document)) }
                    hasSearch = true
                default:
                    if node.attribute("role")?.lowercased() == "search" {
                        if searchZones.count < 5 { searchZones.insert(Self.zone(of: index, in: document)) }
                        hasSearch = true
                    }
                }
                if tag == .label, let target = node.attribute("for"), labelsByFor[target] == nil {
                    labelsByFor[target] = index
                } else if tag == .input || tag == .select || tag == .textarea,
                          purposes.count < 30, let purpose = SameFunctionLabelRule.purpose(of: node) {
                    purposes.append((purpose, index))
                }
            }
            isSiteMap = title.map(Self.startsWithPlanDuSite) ?? false
            for (purpose, index) in purposes where fieldLabels[purpose] == nil {
                if let label = Self.label(of: index, in: document, labelsByFor: labelsByFor) { fieldLabels[purpose] = label }
            }
        }

        static let ite = Array("ite".utf8), upperITE = Array("ITE".utf8)

        /// `title.lowercased().hasPrefix("plan du site")`, without lower-casing the whole
        /// title when its first byte already says no: an ASCII first byte other than "p" or
        /// "P" lower-cases to a first character that is not "p" (no ASCII character is
        /// canonically equivalent to another).
        static func startsWithPlanDuSite(_ title: String) -> Bool {
            if let first = title.utf8.first, first < 0x80, first | 0x20 != UInt8(ascii: "p") { return false }
            return title.fastLowercased().hasPrefix("plan du site")
        }

        /// Some text in the link holds "ite" or "ITE" (as in "Plan du site", even split over
        /// several elements or lines): only then is its whole text read (every link of every
        /// page comes here). Only the first 64 nodes are looked at, and a link with more than
        /// 400 bytes of text is no « Plan du site » link: links nested in links stay linear.
        static func mayNameSiteMap(_ index: Int, in document: HTMLDocument) -> Bool {
            var i = index + 1
            let end = min(document.subtreeEnd(of: index), index + 64)
            var bytes = 0
            while i < end {
                if document.nodes[i].kind == .text {
                    let text = document.nodes[i].text
                    bytes += text.utf8.count
                    if bytes > 400 { return false }
                    if ByteScan.contains(text, sequence: Self.ite) || ByteScan.contains(text, sequence: Self.upperITE) {
                        return true
                    }
                }
                i += 1
            }
            return false
        }

        /// The landmark an element is in, as a message says it.
        static func zone(of index: Int, in document: HTMLDocument) -> String {
            for ancestor in document.ancestors(of: index) {
                let node = document.view(ancestor)
                switch node.attribute("role")?.lowercased() ?? node.name {
                case "header", "banner": return "dans l’en-tête"
                case "nav", "navigation": return "dans la navigation"
                case "main": return "dans le contenu principal"
                case "footer", "contentinfo": return "dans le pied de page"
                case "aside", "complementary": return "dans une zone complémentaire"
                default: continue
                }
            }
            return "hors des zones header, nav, main et footer"
        }

        /// The text of the field's `<label for>` or wrapping `<label>`, else its aria-label.
        static func label(of index: Int, in document: HTMLDocument, labelsByFor: [String: Int]) -> String? {
            let node = document.view(index)
            var text: String?
            if let id = node.attribute("id"), let label = labelsByFor[id] { text = document.textContent(of: label) }
            if text == nil, let wrapping = document.nearestAncestor(of: index, named: ["label"]) { text = document.textContent(of: wrapping) }
            if text == nil { text = node.attribute("aria-label") }
            let label = text.map(SameFunctionLabelRule.normalized) ?? ""
            return label.isEmpty ? nil : label
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
        // 12.4, 12.5: the site map link and the search in the same zone on every page.
        sameZone(&pages, zones: { $0.siteMapZones }, present: { $0.linksToSiteMap }, exempt: { $0.isSiteMap },
                 criterion: "12.4", missingTest: "12.4.1", elsewhereTest: "12.4.2",
                 missing: Messages.siteMapLinkMissing, elsewhere: Messages.siteMapLinkElsewhere)
        sameZone(&pages, zones: { $0.searchZones }, present: { $0.hasSearch }, exempt: { _ in false },
                 criterion: "12.5", missingTest: "12.5.1", elsewhereTest: "12.5.3",
                 missing: Messages.searchMissing, elsewhere: Messages.searchElsewhere)
        // 11.3.2: a field purpose labelled one way on most pages and another way here.
        var labelsByPurpose: [String: [String: (count: Int, page: String)]] = [:]
        for page in pages {
            for (purpose, label) in page.1.fieldLabels {
                let key = label.lowercased()
                let previous = labelsByPurpose[purpose]?[key]
                labelsByPurpose[purpose, default: [:]][key] = ((previous?.count ?? 0) + 1, previous?.page ?? page.0.path)
            }
        }
        // The usual label of each purpose (the most pages, then the first in alphabetical
        // order), as written on the first page that has it.
        var usualLabels: [String: (key: String, label: String, page: String)] = [:]
        let indexByPath = Dictionary(pages.indices.map { (pages[$0].0.path, $0) }, uniquingKeysWith: { first, _ in first })
        for (purpose, counts) in labelsByPurpose where counts.count >= 2 {
            guard let usual = counts.max(by: { ($0.value.count, $1.key) < ($1.value.count, $0.key) }),
                  let page = indexByPath[usual.value.page], let label = pages[page].1.fieldLabels[purpose] else { continue }
            usualLabels[purpose] = (usual.key, label, usual.value.page)
        }
        for i in pages.indices where !usualLabels.isEmpty {
            for (purpose, label) in pages[i].1.fieldLabels.sorted(by: { $0.key < $1.key }) {
                guard let usual = usualLabels[purpose], usual.key != label.lowercased(), usual.page != pages[i].0.path else { continue }
                let wording = Messages.sameFieldDifferentLabelsAcrossPages(token: purpose, label: label, usual: usual.label, page: usual.page)
                pages[i].0.findings.append(Finding(test: "11.3.2", status: .aVerifier, line: nil, message: wording.message,
                                                   fix: wording.fix, snippet: "", file: pages[i].0.path))
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

extension SiteChecker {
    /// A feature (site map link, search) found on most pages must be on every page, in the
    /// same zone: `missing` on a page without it, `elsewhere` on a page where it is in
    /// another zone than on most pages. Nothing when fewer than half the pages have it.
    static func sameZone(_ pages: inout [(SiteReport.PageResult, PageFacts)], zones pageZones: (PageFacts) -> Set<String>,
                         present: (PageFacts) -> Bool, exempt: (PageFacts) -> Bool, criterion: String,
                         missingTest: String, elsewhereTest: String, missing: Wording,
                         elsewhere: (_ here: String, _ usual: String) -> Wording) {
        let having = pages.filter { present($0.1) }
        guard !having.isEmpty else { return }
        for i in pages.indices { pages[i].0.applicable.append(criterion) }
        guard having.count * 2 > pages.count else { return }
        var zones: [String: Int] = [:]
        for page in having { for zone in pageZones(page.1) { zones[zone, default: 0] += 1 } }
        let usual = zones.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        for i in pages.indices where !exempt(pages[i].1) {
            let wording: Wording
            let test: String
            if !present(pages[i].1) {
                (wording, test) = (missing, missingTest)
            } else if let usual, !pageZones(pages[i].1).contains(usual), let here = pageZones(pages[i].1).sorted().first {
                (wording, test) = (elsewhere(here, usual), elsewhereTest)
            } else {
                continue
            }
            pages[i].0.findings.append(Finding(test: test, status: .aVerifier, line: nil, message: wording.message,
                                               fix: wording.fix, snippet: "", file: pages[i].0.path))
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

private extension String {
    /// `trimmingCharacters(in: .whitespacesAndNewlines)`, without Foundation's cost (tens of
    /// thousands of instructions) when neither end can be trimmed: a printable ASCII byte
    /// other than the space is in no Unicode whitespace or newline class.
    func trimmingWhitespacesAndNewlines() -> String {
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return self
        }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
