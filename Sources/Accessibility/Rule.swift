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

    /// Per node: excluded from the accessibility tree (hidden, aria-hidden, display:none…).
    /// Filled by the walk before rules visit the node; parents come before children.
    var hiddenFromAssistiveTechnologies: [Bool]
    /// Per node: not rendered at all (`hidden`, display:none, inside `<template>`…).
    var notRendered: [Bool]
    /// `<label for="x">` element indices by the value of `for`. Complete only in `finish`.
    var labelsByFor: [String: [Int]] = [:]

    init(document: HTMLDocument, path: String) {
        self.document = document
        self.path = path
        self.styles = StyleResolver(document: document)
        hiddenFromAssistiveTechnologies = Array(repeating: false, count: document.nodes.count)
        notRendered = Array(repeating: false, count: document.nodes.count)
    }

    var nodes: [HTMLDocument.Node] { document.nodes }

    func node(_ index: Int) -> HTMLDocument.Node { document.nodes[index] }

    func attribute(_ name: String, of index: Int) -> String? { document.nodes[index].attribute(name) }

    /// Trimmed attribute value, nil when absent or only whitespace.
    func nonEmptyAttribute(_ name: String, of index: Int) -> String? {
        guard let value = document.nodes[index].attribute(name)?.collapsingWhitespace(), !value.isEmpty else { return nil }
        return value
    }

    /// The explicit ARIA role: the first token of `role`, lower-cased.
    func explicitRole(of index: Int) -> String? {
        guard let role = document.nodes[index].attribute("role") else { return nil }
        return role.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.map(String.init)
    }

    func report(_ test: String, _ status: Finding.Status, at index: Int?, _ wording: Wording) {
        let line = index.map { document.nodes[$0].line }.flatMap { $0 > 0 ? $0 : nil }
        findings.append(Finding(test: test, status: status, line: line, message: wording.message,
                                fix: wording.fix, snippet: index.map(snippet(of:)) ?? "", file: path))
    }

    /// The start tag of an element rebuilt from its attributes, at most 120 characters.
    func snippet(of index: Int) -> String {
        let node = document.nodes[index]
        var text = "<" + node.name
        for attribute in node.attributes {
            text += " \(attribute.name)=\"\(attribute.value)\""
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
