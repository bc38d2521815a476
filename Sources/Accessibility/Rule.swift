/// One RGAA rule. The checker walks the page once, in document order, and calls `visit`
/// for each element whose name is in `elements` (every element when `elements` is empty);
/// `finish` runs after the walk, when the whole page is known (labels that come after
/// their field, a `<main>` that never came…).
protocol Rule: AnyObject {
    var elements: Set<String> { get }
    func visit(_ element: Int, in page: PageContext)
    func finish(in page: PageContext)
}

extension Rule {
    func visit(_ element: Int, in page: PageContext) {}
    func finish(in page: PageContext) {}
}

/// What the rules share while one page is checked: the document, what the walk has learnt
/// so far (hidden subtrees, labels), the style sheet, and the findings.
final class PageContext {
    let document: HTMLDocument
    let styles: StyleResolver
    private(set) var findings: [Finding] = []
    let path: String

    /// Findings kept per test and status on one page. Past this, they are only counted, and
    /// one finding says how many more there are: a hostile page (300,000 unlabelled fields)
    /// would otherwise hold hundreds of megabytes of findings, and nobody reads the 201st.
    static let maximumFindingsPerTest = 200
    private var countsByTest: [String: Int] = [:]
    private var omittedByTest: [String: (test: String, status: Finding.Status, count: Int)] = [:]

    /// Per node: excluded from the accessibility tree (hidden, aria-hidden, display:none…).
    /// Filled by the walk before rules visit the node; parents come before children.
    var hiddenFromAssistiveTechnologies: [Bool]
    /// Per node: not rendered at all (`hidden`, display:none, inside `<template>`…).
    var notRendered: [Bool]
    /// Per node: inside `<svg>` or `<math>` (HTML attribute rules do not apply there).
    var inForeignContent: [Bool]
    /// Set by the checker once every node has been visited: the per-node arrays are complete.
    var walkFinished = false
    /// Per node, once the walk is over: whether its subtree holds something that gives a
    /// name from content (text, an image alternative, a nested aria-label). Lets the name
    /// computation answer "empty" in O(1), so hostile nesting stays linear.
    lazy var hasNameContent: [Bool] = computeNameContent()
    /// `<label for="x">` element indices by the value of `for`. Complete only in `finish`.
    var labelsByFor: [String: [Int]] = [:]

    init(document: HTMLDocument, path: String, stylesheet: ((String) -> String?)? = nil) {
        self.document = document
        self.path = path
        self.styles = StyleResolver(document: document, stylesheet: stylesheet)
        hiddenFromAssistiveTechnologies = Array(repeating: false, count: document.nodes.count)
        notRendered = Array(repeating: false, count: document.nodes.count)
        inForeignContent = Array(repeating: false, count: document.nodes.count)
    }

    var nodes: [HTMLDocument.Node] { document.nodes }

    /// Strictly inside `<svg>` or `<math>`.
    func insideForeignContent(_ index: Int) -> Bool {
        let parent = document.nodes[index].parent
        return parent >= 0 && (inForeignContent[parent] || document.nodes[parent].tag == .svg || document.nodes[parent].tag == .math)
    }

    /// The node at `index`, read in place (a view, not a copy: see `NodeView`).
    func node(_ index: Int) -> NodeView { NodeView(document.nodes, index) }

    func attribute(_ name: String, of index: Int) -> String? { document.nodes[index].attribute(name) }

    /// Trimmed attribute value, nil when absent or only whitespace.
    func nonEmptyAttribute(_ name: String, of index: Int) -> String? {
        guard let value = document.nodes[index].attribute(name)?.collapsingWhitespace(), !value.isEmpty else { return nil }
        return value
    }

    /// The explicit ARIA role as browsers read it: the first valid token of `role`, and no
    /// role when it is none/presentation on an element that is focusable or carries a
    /// global ARIA attribute (the "presentational roles conflict resolution").
    func explicitRole(of index: Int) -> String? {
        guard document.nodes[index].flags.contains(.role), let value = document.nodes[index].attribute("role") else { return nil }
        guard let role = value.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
            .first(where: ARIARoles.all.contains) else { return nil }
        if role == "none" || role == "presentation",
           isFocusable(index) || document.nodes[index].attributes.contains(where: { ARIARoles.globalAttributes.contains($0.name) }) {
            return nil
        }
        return role
    }

    /// Focusable by default or by `tabindex`, and not disabled.
    func isFocusable(_ index: Int) -> Bool {
        let node = self.node(index)
        if node.has("tabindex") { return true }
        if node.has("disabled") && (node.name == "button" || node.name == "input" || node.name == "select" || node.name == "textarea") {
            return false
        }
        switch node.name {
        case "a", "area": return node.has("href")
        case "button", "select", "textarea", "iframe", "summary": return true
        case "input": return node.attribute("type")?.lowercased() != "hidden"
        default: return node.attribute("contenteditable").map { $0.lowercased() != "false" } ?? false
        }
    }

    func report(_ test: String, _ status: Finding.Status, at index: Int?, _ wording: Wording) {
        guard keep(test, status) else { return }
        let line = index.map { document.nodes[$0].line }.flatMap { $0 > 0 ? $0 : nil }
        findings.append(Finding(test: test, status: status, line: line, message: wording.message,
                                fix: wording.fix, snippet: index.map(snippet(of:)) ?? "", file: path))
    }

    /// A finding at a line of the source that no element stands for (a stray end tag).
    func report(_ test: String, _ status: Finding.Status, line: Int, snippet: String, _ wording: Wording) {
        guard keep(test, status) else { return }
        findings.append(Finding(test: test, status: status, line: line > 0 ? line : nil, message: wording.message,
                                fix: wording.fix, snippet: String(snippet.prefix(120)), file: path))
    }

    /// False once `maximumFindingsPerTest` findings of `test` with `status` are kept; the
    /// rest are counted for `reportOmitted()`.
    private func keep(_ test: String, _ status: Finding.Status) -> Bool {
        let key = status == .nonConforme ? test : test + " " + status.rawValue
        let count = countsByTest[key, default: 0]
        countsByTest[key] = count + 1
        guard count >= Self.maximumFindingsPerTest else { return true }
        omittedByTest[key, default: (test, status, 0)].count += 1
        return false
    }

    /// One finding per test whose findings were cut, saying how many were left out.
    func reportOmitted() {
        for omitted in omittedByTest.sorted(by: { $0.key < $1.key }).map(\.value) {
            let test = omitted.test
            findings.append(Finding(test: test, status: omitted.status, line: nil,
                message: "\(omitted.count) autres cas du même test (\(test)) sur cette page ne sont pas détaillés : seuls les \(Self.maximumFindingsPerTest) premiers sont listés.",
                fix: "Corrigez d’abord les cas listés : ils viennent sans doute de la même cause (un gabarit, un composant répété), puis relancez la vérification.",
                snippet: "", file: path))
        }
    }

    /// The start tag of an element rebuilt from its attributes, at most 120 characters.
    func snippet(of index: Int) -> String {
        let node = self.node(index)
        var text = "<" + node.name.prefix(120)
        for attribute in node.attributes {
            text += " \(attribute.name.prefix(120))=\"\(attribute.value.prefix(120))\""
            if text.count > 120 { break }
        }
        text += ">"
        if text.count > 120 { text = String(text.prefix(119)) + "…" }
        return text
    }
}

/// A French message and how to fix it; the texts live in `Messages`.
struct Wording: Sendable, Equatable {
    var message: String
    var fix: String
}
