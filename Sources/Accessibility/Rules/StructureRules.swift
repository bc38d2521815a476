// MARK: - 9.1 Titres

/// 9.1.1 heading hierarchy (first heading h1, one h1, no skipped level) for a human;
/// 9.1.2 an empty heading is certain.
final class HeadingRule: Rule {
    let elements: Set<String> = []
    private var headings: [(index: Int, level: Int)] = []

    func visit(_ element: Int, in page: PageContext) {
        guard !page.hiddenFromAssistiveTechnologies[element] else { return }
        let node = page.node(element)
        var level: Int?
        let role = page.explicitRole(of: element)
        if role == "heading" {
            level = page.attribute("aria-level", of: element).flatMap { Int($0.trimmingWhitespace()) }
                ?? Self.level(of: node.name) ?? 2
        } else if role == nil || role == "heading", let native = Self.level(of: node.name) {
            level = native
        }
        guard let level else { return }
        headings.append((element, level))
    }

    func finish(in page: PageContext) {
        for heading in headings where page.accessibleName(of: heading.index).isEmpty {
            page.report("9.1.2", .nonConforme, at: heading.index, Messages.emptyHeading)
        }
        guard let first = headings.first else {
            if page.nodes.contains(where: { $0.name == "body" }) {
                page.report("9.1.1", .aVerifier, at: nil, Messages.noHeading)
            }
            return
        }
        if first.level != 1 { page.report("9.1.1", .aVerifier, at: first.index, Messages.firstHeadingNotH1(first.level)) }
        let h1s = headings.filter { $0.level == 1 }
        if h1s.isEmpty {
            page.report("9.1.1", .aVerifier, at: first.index, Messages.noH1)
        } else if h1s.count > 1 {
            page.report("9.1.1", .aVerifier, at: h1s[1].index, Messages.severalH1(h1s.count))
        }
        for (previous, current) in zip(headings, headings.dropFirst()) where current.level > previous.level + 1 {
            page.report("9.1.1", .aVerifier, at: current.index, Messages.skippedHeadingLevel(from: previous.level, to: current.level))
        }
    }

    static func level(of name: String) -> Int? {
        guard name.count == 2, name.first == "h", let digit = name.last?.wholeNumberValue, (1...6).contains(digit) else { return nil }
        return digit
    }
}

// MARK: - 9.2 Structure du document

/// 9.2.1 one visible `<main>`; header, nav and footer zones present (for a human).
final class LandmarkRule: Rule {
    let elements: Set<String> = []
    private var mains: [Int] = []
    private var found: Set<String> = []
    private var body: Int?
    private var bodyHasContent = false

    func visit(_ element: Int, in page: PageContext) {
        let tag = page.document.nodes[element].tag
        if tag == .body && body == nil { body = element }
        if body != nil && !bodyHasContent && !page.notRendered[element] && tag != .body && tag != .script {
            bodyHasContent = true
        }
        guard !page.notRendered[element] else { return }
        let role = page.explicitRole(of: element)
        if tag == .main || role == "main" { mains.append(element) }
        switch (tag, role) {
        case (.header, nil), (_, "banner"): found.insert("header")
        case (.nav, nil), (_, "navigation"): found.insert("nav")
        case (.footer, nil), (_, "contentinfo"): found.insert("footer")
        default: break
        }
    }

    func finish(in page: PageContext) {
        guard bodyHasContent else { return }
        if mains.isEmpty {
            page.report("9.2.1", .nonConforme, at: body, Messages.mainMissing)
        } else if mains.count > 1 {
            page.report("9.2.1", .nonConforme, at: mains[1], Messages.severalMains(mains.count))
        }
        let missing = ["header", "nav", "footer"].filter { !found.contains($0) }
        if !missing.isEmpty {
            page.report("9.2.1", .aVerifier, at: body, Messages.landmarksMissing(missing))
        }
    }
}

// MARK: - 9.3 Listes

/// 9.3.1/9.3.2 `<li>` inside `<ul>`/`<ol>`, and lists contain only `<li>`;
/// 9.3.3 `<dt>`/`<dd>` inside `<dl>`.
final class ListRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["li", "ul", "ol", "dt", "dd", "dl"]

    func visit(_ element: Int, in page: PageContext) {
        guard !page.hiddenFromAssistiveTechnologies[element], page.explicitRole(of: element) == nil else { return }
        let node = page.node(element)
        let parent = node.parent >= 0 ? node.parent : nil
        // Tags, not names: no array or set of names built for every list element.
        let parentTag = parent.map { page.node($0).tag } ?? .other
        let parentRole = parent.flatMap { page.explicitRole(of: $0) }
        switch node.tag {
        case .li:
            let inList = ((parentTag == .ul || parentTag == .ol || parentTag == .menu) && parentRole == nil) || parentRole == "list"
            if !inList {
                page.report("9.3.1", .nonConforme, at: element, Messages.listItemOutsideList)
            }
        case .dt, .dd:
            let inList = parentTag == .dl && parentRole == nil
                || (parentTag == .div && parentRole == nil && page.node(parent!).parent >= 0
                    && page.node(page.node(parent!).parent).tag == .dl)
            if !inList { page.report("9.3.3", .nonConforme, at: element, Messages.descriptionOutsideList(node.name)) }
        case .ul, .ol:
            if let wrong = page.document.children(of: element).first(where: {
                let tag = page.node($0).tag
                return page.node($0).isElement && !(tag == .li || tag == .script || tag == .template)
            }) {
                page.report(node.name == "ul" ? "9.3.1" : "9.3.2", .nonConforme, at: wrong, Messages.listContainsNonItem(list: node.name, child: page.node(wrong).name))
            }
        case .dl:
            if let wrong = page.document.children(of: element).first(where: {
                let tag = page.node($0).tag
                return page.node($0).isElement && !(tag == .dt || tag == .dd || tag == .div || tag == .script || tag == .template)
            }) {
                page.report("9.3.3", .nonConforme, at: wrong, Messages.listContainsNonItem(list: "dl", child: page.node(wrong).name))
            }
        default: break
        }
    }
}
