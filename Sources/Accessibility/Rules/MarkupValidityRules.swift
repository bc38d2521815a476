// MARK: - 8.2 Code source valide

/// 8.2.1 invalid markup that a parser sees, beyond duplicate ids (`DuplicateIDRule`):
/// - what libxml2 had to repair while parsing and HTML5 forbids too (`HTMLDocument.parseErrors`):
///   an end tag that closes nothing (`</p>` after a `<div>` that closed the paragraph, the
///   second `</a>` of a link written inside a link), end tags out of order, an attribute
///   written twice;
/// - nesting that survives the parse: interactive content (link, button, field, label,
///   `tabindex`) inside a link or a button, a block (`<div>`, list, table, heading…) inside an
///   element that only takes text-level content (`<span>`, `<button>`, `<label>`, a heading,
///   a block inside a link inside a paragraph), `<li>` outside `<ul>`/`<ol>`/`<menu>`,
///   `<dt>`/`<dd>` outside `<dl>`, a label inside a label.
///
/// Certain: the W3C validator reports each of them. What libxml2 repairs without a trace
/// (a `<div>` written inside a `<p>` without `</p>`, which HTML5 accepts anyway) is not seen.
/// The walk keeps, per depth, the nearest ancestor that forbids interactive content and the
/// nearest one that only takes text-level content: one dictionary look-up per element.
final class NestingRule: Rule {
    let elements: Set<String> = []

    private struct Context {
        var depth: Int
        /// Nearest `a` or `button` ancestor, -1 when none.
        var interactiveOwner: Int
        /// Nearest ancestor whose content is text-level only (through transparent elements
        /// such as `<a>`), -1 when none.
        var phrasingOwner: Int
        var labelOwner: Int
    }

    private static let none = Context(depth: -1, interactiveOwner: -1, phrasingOwner: -1, labelOwner: -1)
    private var stack: [Context] = []
    private var reported = 0
    /// libxml2 closes an open `<a>` before a `<table>` or `<fieldset>` (HTML5 does not): the
    /// `</a>` that follows is then not a sign of a link inside a link.
    private var linkSplitByParser = false

    static let maximumFindings = 30

    struct Traits: OptionSet {
        let rawValue: UInt8
        /// Takes phrasing content only (`span`, `em`, `button`, `label`, headings, `p`…).
        static let phrasingOnly = Traits(rawValue: 1)
        /// Takes its parent's content model (`a`, `ins`, `del`, `object`, `noscript`…).
        static let transparent = Traits(rawValue: 2)
        /// Flow content that is not phrasing content: a block.
        static let block = Traits(rawValue: 4)
        /// Interactive content whatever its attributes.
        static let interactive = Traits(rawValue: 8)
        /// Checked or passed on whatever its ancestors (`li`, `dt`, `dd`, `label`, `a`,
        /// `button`, `template`).
        static let special = Traits(rawValue: 16)
    }

    static let traitsByName: [String: Traits] = {
        var table: [String: Traits] = [:]
        for name in ["span", "em", "strong", "small", "s", "cite", "q", "dfn", "abbr", "ruby", "rt", "rp", "data", "time",
                     "code", "var", "samp", "kbd", "sub", "sup", "i", "b", "u", "mark", "bdi", "bdo", "label", "output",
                     "meter", "progress", "p", "pre", "h1", "h2", "h3", "h4", "h5", "h6"] {
            table[name, default: []].insert(.phrasingOnly)
        }
        for name in ["a", "ins", "del", "map", "object", "video", "audio", "canvas", "noscript", "slot"] {
            table[name, default: []].insert(.transparent)
        }
        for name in ["address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "fieldset", "figure",
                     "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "main", "menu", "nav",
                     "ol", "p", "pre", "search", "section", "table", "ul"] {
            table[name, default: []].insert(.block)
        }
        for name in ["button", "details", "embed", "iframe", "label", "select", "textarea"] {
            table[name, default: []].insert(.interactive)
        }
        table["button", default: []].insert(.phrasingOnly)
        for name in ["li", "dt", "dd", "label", "a", "button", "template"] { table[name, default: []].insert(.special) }
        return table
    }()

    /// `traitsByName` by element tag: one array read per element instead of a hashed name.
    /// Every name of the table is an `ElementTag` (checked when the table is built).
    static let traitsByTag: [Traits] = {
        var table = [Traits](repeating: [], count: ElementTag.count)
        for (name, traits) in traitsByName {
            let tag = ElementTag(name: name)
            precondition(tag != .other, "NestingRule: no ElementTag for <\(name)>")
            table[tag.index] = traits
        }
        return table
    }()

    func visit(_ element: Int, in page: PageContext) {
        let nodes = page.document.nodes
        let depth = nodes[element].depth
        while let top = stack.last, top.depth >= depth { stack.removeLast() }
        let parent = stack.last ?? Self.none
        var context = parent
        context.depth = depth
        defer { stack.append(context) }
        // SVG and MathML have their own content models.
        if page.inForeignContent[element] { return }
        let traits = Self.traitsByTag[nodes[element].tag.index]
        // Most elements: nothing to check, only the context to pass on.
        guard parent.interactiveOwner >= 0 || parent.phrasingOwner >= 0 || parent.labelOwner >= 0
                || traits.contains(.special) else {
            if traits.contains(.phrasingOnly) { context.phrasingOwner = element }
            return
        }
        let node = NodeView(nodes, element)
        // <template> holds a fragment: its content starts afresh.
        if node.name == "template" { context = Self.none; context.depth = depth; return }

        if parent.interactiveOwner >= 0, reported < Self.maximumFindings {
            let owner = nodes[parent.interactiveOwner].name
            if Self.isInteractive(node, traits: traits, insideLink: owner == "a") {
                report(page, element, Messages.interactiveInsideInteractive(child: "<\(node.name)>", owner: owner))
            } else if node.has("tabindex") {
                report(page, element, Messages.interactiveInsideInteractive(child: "<\(node.name) tabindex>", owner: owner))
            }
        }
        if traits.contains(.block), parent.phrasingOwner >= 0, reported < Self.maximumFindings,
           // A block right inside <p> closes the paragraph in HTML5 (valid without </p>).
           !(node.parent == parent.phrasingOwner && nodes[parent.phrasingOwner].name == "p") {
            report(page, element, Messages.blockInsideTextLevel(child: node.name, owner: nodes[parent.phrasingOwner].name))
        }
        switch node.name {
        case "li":
            let parentName = node.parent >= 0 ? nodes[node.parent].name : ""
            if parentName != "ul" && parentName != "ol" && parentName != "menu" && parentName != "template" {
                report(page, element, Messages.listItemOutsideListMarkup)
            }
        case "dt", "dd":
            let parentIndex = node.parent
            let inList = parentIndex >= 0 && (nodes[parentIndex].name == "dl" || nodes[parentIndex].name == "template"
                || (nodes[parentIndex].name == "div" && nodes[parentIndex].parent >= 0 && nodes[nodes[parentIndex].parent].name == "dl"))
            if !inList { report(page, element, Messages.descriptionOutsideListMarkup(node.name)) }
        case "label":
            if parent.labelOwner >= 0 { report(page, element, Messages.labelInsideLabel) }
            context.labelOwner = element
        case "a":
            if Self.nextElementSibling(of: element, in: nodes).map({ nodes[$0].name == "table" || nodes[$0].name == "fieldset" }) == true {
                linkSplitByParser = true
            }
        default:
            break
        }

        if node.name == "a" || node.name == "button" { context.interactiveOwner = element }
        if traits.contains(.phrasingOnly) {
            context.phrasingOwner = element
        } else if !traits.contains(.transparent) {
            context.phrasingOwner = -1
        }
    }

    func finish(in page: PageContext) {
        // `<b><i>…</b></i>`: the `</i>` left over is the same mistake, told once.
        var leftOver: [String: Int] = [:]
        for error in page.document.parseErrors {
            let wording: Wording
            let snippet: String
            switch error.kind {
            case .strayEndTag(let name):
                // End tags whose start tag HTML5 lets one leave out, or that libxml2 (an
                // HTML4 parser) closes earlier than HTML5 does.
                if Self.optionalStartTags.contains(name) || (name == "a" && linkSplitByParser) { continue }
                if let pending = leftOver[name], pending > 0 { leftOver[name] = pending - 1; continue }
                wording = Messages.strayEndTag(name)
                snippet = "</\(name)>"
            case .misnested(let closing, let open):
                leftOver[open, default: 0] += 1
                wording = Messages.misnestedTags(closing: closing, open: open)
                snippet = "</\(closing)>"
            case .duplicateAttribute(let name):
                wording = Messages.duplicateAttribute(name)
                snippet = "\(name)=…"
            }
            page.report("8.2.1", .nonConforme, line: error.line, snippet: snippet, wording)
        }
    }

    /// `</html>`, `</head>`, `</body>`, `</tbody>`, `</colgroup>` may close an element whose
    /// start tag was left out; libxml2 closes `<address>` before a list or a form and `<dt>`
    /// before a `<dl>`, which HTML5 allows inside them.
    static let optionalStartTags: Set<String> = ["html", "head", "body", "tbody", "colgroup", "address", "dt"]

    private func report(_ page: PageContext, _ element: Int, _ wording: Wording) {
        reported += 1
        page.report("8.2.1", .nonConforme, at: element, wording)
    }

    /// Interactive content (HTML's definition) that may not be inside `a` or `button`: inside
    /// a link, any other `<a>` too.
    static func isInteractive(_ node: NodeView, traits: Traits, insideLink: Bool) -> Bool {
        if traits.contains(.interactive) { return true }
        switch node.name {
        case "a": return insideLink || node.has("href")
        case "input": return node.attribute("type")?.lowercased() != "hidden"
        case "audio", "video": return node.has("controls")
        case "img", "object": return node.has("usemap")
        default: return false
        }
    }

    static func nextElementSibling(of index: Int, in nodes: [HTMLDocument.Node]) -> Int? {
        var sibling = nodes[index].nextSibling
        while sibling >= 0 {
            if nodes[sibling].kind == .element { return sibling }
            if nodes[sibling].text.hasNonWhitespace { return nil }
            sibling = nodes[sibling].nextSibling
        }
        return nil
    }
}
