// MARK: - 12.6 Zones de regroupement

/// 12.6.1 the header, main navigation, main content, footer and search zones can be reached
/// or skipped. Each zone passes when it is a landmark (`header`/`banner`, `nav`/`navigation`,
/// `main`, `footer`/`contentinfo`, `role="search"`, `aside`, a named `section` or `form`);
/// what lies outside every landmark must then be skippable or reachable otherwise: before
/// `<main>`, a skip link to the main content or a heading in that content; after it, a
/// heading. One pass over the body that jumps over each landmark's subtree.
///
/// Conforme when every zone of the page is a landmark. Otherwise "à vérifier": a zone
/// outside landmarks may still be reachable in ways the checker cannot see (a button that
/// hides it, a quick-access link further on).
final class ZoneRule: Rule {
    /// Only `finish` works; a name no page has keeps `visit` out of the walk.
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["#none"]

    static let landmarkRoles: Set<String> = ["banner", "navigation", "main", "contentinfo", "complementary", "search"]
    static let landmarkElements: Set<String> = ["header", "nav", "main", "footer", "aside", "search"]
    /// Content a person reads or uses, when it is outside every zone.
    static let contentElements: Set<String> = ["a", "img", "input", "button", "select", "textarea", "iframe", "video",
                                               "audio", "object", "embed", "svg", "canvas"]
    static let skipped: Set<String> = ["script", "style", "template", "noscript", "head", "title", "meta", "link"]

    func finish(in page: PageContext) {
        let document = page.document
        let nodes = document.nodes
        guard let body = nodes.indices.first(where: { nodes[$0].kind == .element && nodes[$0].name == "body" }) else { return }
        var main: Int?
        var before: Int?, beforeHeading = false
        var after: Int?, afterHeading = false
        var index = body + 1
        let end = document.subtreeEnd(of: body)
        while index < end {
            let node = NodeView(nodes, index)
            if page.notRendered[index] || page.hiddenFromAssistiveTechnologies[index] {
                index = node.kind == .element ? document.subtreeEnd(of: index) : index + 1
                continue
            }
            if node.kind == .element {
                if Self.skipped.contains(node.name) { index = document.subtreeEnd(of: index); continue }
                if isLandmark(index, in: page) {
                    if main == nil, isMain(index, in: page) { main = index }
                    else if main == nil, let inner = mainInside(index, in: page) { main = inner }
                    index = document.subtreeEnd(of: index)
                    continue
                }
                if node.name.count == 2, node.name.first == "h", let level = node.name.last?.wholeNumberValue, (1...6).contains(level) {
                    if main == nil { beforeHeading = true } else { afterHeading = true }
                }
                if Self.contentElements.contains(node.name) {
                    if main == nil { before = before ?? index } else { after = after ?? index }
                    index = document.subtreeEnd(of: index)
                    continue
                }
            } else if node.text.hasNonWhitespace {
                let holder = node.parent
                if main == nil { before = before ?? holder } else { after = after ?? holder }
            }
            index += 1
        }
        guard let main else {
            // No main landmark (9.2.1 says so): is there at least a heading or a link to reach it by?
            if !beforeHeading && !hasInPageLinkToExistingTarget(in: page) {
                page.report("12.6.1", .aVerifier, at: nil, Messages.mainZoneUnreachable)
            }
            return
        }
        if let before, !beforeHeading, !hasSkipLink(to: main, in: page) {
            page.report("12.6.1", .aVerifier, at: before, Messages.contentBeforeMainOutsideZones)
        }
        if let after, !afterHeading {
            page.report("12.6.1", .aVerifier, at: after, Messages.contentAfterMainOutsideZones)
        }
    }

    private func role(_ index: Int, in page: PageContext) -> String? { page.explicitRole(of: index) }

    private func isLandmark(_ index: Int, in page: PageContext) -> Bool {
        let node = page.node(index)
        if let role = role(index, in: page) {
            if Self.landmarkRoles.contains(role) { return true }
            if role == "region" || role == "form" { return hasName(index, in: page) }
            return false
        }
        if Self.landmarkElements.contains(node.name) { return true }
        if node.name == "section" || node.name == "form" { return hasName(index, in: page) }
        return false
    }

    private func hasName(_ index: Int, in page: PageContext) -> Bool {
        page.nonEmptyAttribute("aria-label", of: index) != nil || page.nonEmptyAttribute("aria-labelledby", of: index) != nil
            || page.nonEmptyAttribute("title", of: index) != nil
    }

    private func isMain(_ index: Int, in page: PageContext) -> Bool {
        if let role = role(index, in: page) { return role == "main" }
        return page.node(index).name == "main"
    }

    /// A `<main>` inside a landmark that is not one (a `<div role="region">` wrapper…).
    private func mainInside(_ landmark: Int, in page: PageContext) -> Int? {
        let end = page.document.subtreeEnd(of: landmark)
        var index = landmark + 1
        while index < end {
            if page.node(index).kind == .element, isMain(index, in: page), !page.notRendered[index] { return index }
            index += 1
        }
        return nil
    }

    /// One of the page's in-page links leads to the main zone, to something inside it, or to
    /// an element that holds it.
    private func hasSkipLink(to main: Int, in page: PageContext) -> Bool {
        let document = page.document
        let mainEnd = document.subtreeEnd(of: main)
        for target in inPageTargets(in: page) {
            if target >= main && target < mainEnd { return true }
            if target < main && document.subtreeEnd(of: target) >= mainEnd { return true }
        }
        return false
    }

    private func hasInPageLinkToExistingTarget(in page: PageContext) -> Bool {
        inPageTargets(in: page).first != nil
    }

    /// The elements that in-page links (`href="#id"`) lead to, for the first 50 such links.
    private func inPageTargets(in page: PageContext) -> [Int] {
        var targets: [Int] = []
        var seen = 0
        for (index, node) in page.document.nodes.enumerated() where node.kind == .element && node.name == "a" {
            guard let href = node.attribute("href"), href.hasPrefix("#"), href.count > 1 else { continue }
            seen += 1
            if seen > 50 { break }
            let id = String(href.dropFirst()).removingPercentEncodingIfPossible()
            if let target = page.document.elementsByID[id]?.first { targets.append(target) }
        }
        return targets
    }
}
