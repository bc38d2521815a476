import Foundation

// MARK: - 12.3 La page « plan du site »

extension SiteChecker {
    /// 12.3.2 every link of the site map leads to a page of the set (non-conforme for each
    /// one that does not, named); 12.3.1 the site map leads to fewer than half of the pages
    /// (à vérifier: whether it represents the site is a person's call).
    ///
    /// The site map is the page most pages link to with « Plan du site » (more than half of
    /// them), else the page whose title starts with « Plan du site ». Its links are those of
    /// its main zone; a link resolves when a page's address ends with the link's path (or
    /// with the path less its first folders), so a link is only called broken when no page
    /// of the set can be what it means. A site published under a sub-path (`/portail/`) is
    /// recognised from the links to the site map itself. Links to other sites, to files that
    /// are not pages (PDF, images) and in-page anchors are left alone. Linear: one index of
    /// the pages' addresses, a few look-ups per link.
    static func siteMapFindings(_ results: inout [(SiteReport.PageResult, PageFacts)], pages: [Page]) {
        guard results.count == pages.count, pages.count > 1 else { return }
        let index = PageIndex(paths: pages.map(\.path))
        // Votes: where the pages' « Plan du site » links lead, and what the link says before
        // the address the page has in the set (the sub-path the site is published under).
        var votes: [Int: Int] = [:]
        var bases: [String: Int] = [:]
        for (position, result) in results.enumerated() {
            guard let href = result.1.siteMapHref, let target = result.1.siteMapTarget,
                  let match = index.match(target) else { continue }
            votes[match.page, default: 0] += 1
            if href.hasPrefix("/") { bases[String(match.key.dropLast(match.ending.count)), default: 0] += 1 }
        }
        let siteMap: Int
        if let (page, count) = votes.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }), count * 2 > pages.count {
            siteMap = page
        } else if let page = results.firstIndex(where: { $0.1.isSiteMap }) {
            siteMap = page
        } else {
            return
        }
        // "portail/" when the pages link to /portail/plan-du-site/ and the site map is plan-du-site/.
        let base = bases.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? ""
        guard let document = try? pages[siteMap].parse() else { return }
        results[siteMap].0.applicable.append("12.3")
        let path = pages[siteMap].path
        var reached: Set<String> = []
        var broken = 0
        // Up to 10,000 links: resolved on every core, then read in order.
        let links = Self.siteMapLinks(in: document)
        let targets = ResultSlots<SiteLink>(count: links.count)
        let chunk = 512
        DispatchQueue.concurrentPerform(iterations: (links.count + chunk - 1) / chunk) { part in
            for i in (part * chunk)..<min(links.count, (part + 1) * chunk) { targets[i] = SiteLink(links[i].href, from: path) }
        }
        for (link, resolved) in zip(links, targets.values) {
            guard var target = resolved else { continue }
            if !base.isEmpty, link.href.hasPrefix("/") {
                target.keys = target.keys.map { $0.hasPrefix(base) ? String($0.dropFirst(base.count)) : $0 }
            }
            if index.resolves(target) {
                reached.insert(target.keys[0])
            } else {
                broken += 1
                guard broken <= 50 else { continue }
                let wording = Messages.siteMapLinkBroken(text: Self.shortText(of: link.index, in: document), href: link.href)
                results[siteMap].0.findings.append(Finding(test: "12.3.2", status: .nonConforme, line: link.line > 0 ? link.line : nil,
                                                           message: wording.message, fix: wording.fix,
                                                           snippet: String("<a href=\"\(link.href)\">".prefix(120)), file: path))
            }
        }
        let others = pages.count - 1
        if others >= 4, reached.count * 2 < others {
            let wording = Messages.siteMapPartial(linked: reached.count, pages: others)
            results[siteMap].0.findings.append(Finding(test: "12.3.1", status: .aVerifier, line: nil, message: wording.message,
                                                       fix: wording.fix, snippet: "", file: path))
        }
    }

    /// The links of the site map's main zone (of the whole body when it has none), at most 10,000.
    static func siteMapLinks(in document: HTMLDocument) -> [(index: Int, href: String, line: Int)] {
        let nodes = document.nodes
        let main = nodes.indices.first { nodes[$0].kind == .element
            && (nodes[$0].name == "main" || nodes[$0].attribute("role")?.lowercased() == "main") }
        let range = main.map { ($0 + 1)..<document.subtreeEnd(of: $0) } ?? 0..<nodes.count
        var links: [(index: Int, href: String, line: Int)] = []
        for index in range where nodes[index].kind == .element && nodes[index].name == "a" {
            guard let href = nodes[index].attribute("href") else { continue }
            links.append((index, href, nodes[index].line))
            if links.count >= 10_000 { break }
        }
        return links
    }

    /// The text of a link, from its first 200 nodes: a message quotes 60 characters at most,
    /// and links nested in links must not make the reading quadratic.
    static func shortText(of index: Int, in document: HTMLDocument) -> String {
        var text = ""
        let end = min(document.subtreeEnd(of: index), index + 200)
        for cursor in (index + 1)..<max(end, index + 1) where document.nodes[cursor].kind == .text {
            text += document.nodes[cursor].text
        }
        return text.collapsingWhitespace()
    }

    /// A link's target as a path from the site's root: "demarches/etat-civil/" for a folder
    /// (its index.html), "page.html" for a file; `alternatives` for an address without
    /// extension or slash, which a server may answer either way.
    struct SiteLink: Equatable {
        var keys: [String]

        /// Nil when the link does not lead to a page of the site (another site, mailto:,
        /// an anchor of the same page, a PDF…).
        init?(_ href: String, from pagePath: String) {
            var raw = href.trimmingWhitespace()
            if let cut = raw.firstIndex(where: { $0 == "#" || $0 == "?" }) { raw = String(raw[..<cut]) }
            guard !raw.isEmpty || href.trimmingWhitespace().hasPrefix("?") else { return nil }
            if raw.hasPrefix("//") { return nil }
            if let colon = raw.firstIndex(of: ":"), !raw[..<colon].contains("/") { return nil } // a scheme
            raw = raw.removingPercentEncodingIfPossible()
            var segments: [Substring]
            let isFolder = raw.isEmpty || raw.hasSuffix("/")
            if raw.hasPrefix("/") {
                segments = []
            } else {
                // Relative to the page's folder.
                segments = pagePath.split(separator: "/", omittingEmptySubsequences: true).dropLast().map { $0 }
            }
            for segment in raw.split(separator: "/", omittingEmptySubsequences: true) {
                if segment == "." { continue }
                if segment == ".." { if !segments.isEmpty { segments.removeLast() }; continue }
                segments.append(segment)
            }
            let joined = segments.joined(separator: "/")
            if isFolder {
                keys = [joined.isEmpty ? "" : joined + "/"]
                return
            }
            let last = segments.last ?? ""
            if let dot = last.lastIndex(of: "."), dot != last.startIndex {
                let ext = last[last.index(after: dot)...].lowercased()
                guard ext == "html" || ext == "htm" else { return nil }
                if last.lowercased() == "index.html" || last.lowercased() == "index.htm" {
                    let folder = segments.dropLast().joined(separator: "/")
                    keys = [folder.isEmpty ? "" : folder + "/"]
                } else {
                    keys = [joined]
                }
                return
            }
            keys = [joined + "/", joined + ".html"]
        }
    }

    /// Where each page can be reached: its address from the folder checked ("site/demarches/")
    /// and every shorter ending of it ("demarches/", ""), for links written from the site's
    /// root or under a sub-path.
    struct PageIndex {
        /// Address ending → the page, or -1 when several pages end that way.
        private var pagesByEnding: [String: Int] = [:]

        init(paths: [String]) {
            for (position, path) in paths.enumerated() {
                var address = path
                if address == "index.html" || address == "index.htm" { address = "" }
                else if address.hasSuffix("/index.html") { address = String(address.dropLast("index.html".count)) }
                else if address.hasSuffix("/index.htm") { address = String(address.dropLast("index.htm".count)) }
                for ending in Self.endings(of: address) {
                    if let known = pagesByEnding[ending], known != position { pagesByEnding[ending] = -1 } else { pagesByEnding[ending] = position }
                }
            }
        }

        /// "a/b/" → ["a/b/", "b/", ""]; "a/b.html" → ["a/b.html", "b.html"]. The empty ending
        /// (the root folder) only stands for the root: `nonEmpty` leaves it out.
        static func endings(of address: String, nonEmpty: Bool = false) -> [String] {
            var endings = [address]
            var rest = Substring(address)
            while let slash = rest.firstIndex(of: "/") {
                rest = rest[rest.index(after: slash)...]
                if rest.isEmpty && nonEmpty { break }
                endings.append(String(rest))
            }
            return endings
        }

        /// The one page the link leads to, when exactly one page's address ends with (the end
        /// of) it: the page, the link's key and the ending that matched.
        func match(_ link: SiteLink) -> (page: Int, key: String, ending: String)? {
            for key in link.keys {
                for ending in Self.endings(of: key, nonEmpty: !key.isEmpty) {
                    if let page = pagesByEnding[ending] { return page >= 0 ? (page, key, ending) : nil }
                }
            }
            return nil
        }

        /// Some page's address ends with the link's path, or with it less its first folders.
        func resolves(_ link: SiteLink) -> Bool {
            link.keys.contains { key in Self.endings(of: key, nonEmpty: !key.isEmpty).contains { pagesByEnding[$0] != nil } }
        }
    }
}
