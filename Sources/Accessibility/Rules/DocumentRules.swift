// MARK: - 8.1 Type de document

/// 8.1.1 a doctype is present; 8.1.2 it is an HTML doctype.
final class DoctypeRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["html"]
    private var root: Int?

    func visit(_ element: Int, in page: PageContext) { if root == nil { root = element } }

    func finish(in page: PageContext) {
        let anchor = root ?? (page.nodes.isEmpty ? nil : 0)
        guard let doctype = page.document.doctype else {
            page.report("8.1.1", .nonConforme, at: anchor, Messages.doctypeMissing)
            return
        }
        if doctype.name.lowercased() != "html" {
            page.report("8.1.2", .nonConforme, at: anchor, Messages.doctypeInvalid(doctype.name))
        }
    }
}

// MARK: - 8.3, 8.4, 8.8 Langue

/// 8.3.1 default language present on `<html>`; 8.4.1 its code is valid; 8.10.2 `dir`
/// values are valid; 8.8.1 every
/// other `lang` that applies to some text is valid (judged in `finish`, once the walk knows
/// what is rendered).
final class LanguageRule: Rule {
    let elements: Set<String> = []
    private var sawRoot = false
    private var changes: [Int] = []

    func visit(_ element: Int, in page: PageContext) {
        let node = page.node(element)
        if node.name == "html" && !sawRoot {
            sawRoot = true
            guard let lang = node.attribute("lang")?.trimmingWhitespace(), !lang.isEmpty else {
                let xmlLang = node.attribute("xml:lang")?.trimmingWhitespace() ?? ""
                if !xmlLang.isEmpty && !(page.document.doctype?.publicID ?? "").isEmpty {
                    return // An XHTML 1.0 doctype: xml:lang is what RGAA asks for there.
                }
                page.report("8.3.1", .nonConforme, at: element, xmlLang.isEmpty ? Messages.langMissing : Messages.langOnlyXMLLang)
                return
            }
            if !LanguageTag.isValid(lang) {
                page.report("8.4.1", .nonConforme, at: element, Messages.langInvalid(lang))
            }
            return
        }
        if let lang = node.attribute("lang"), !lang.isEmpty, !page.insideForeignContent(element) {
            changes.append(element)
        }
        if let dir = node.attribute("dir"), !page.insideForeignContent(element),
           !["rtl", "ltr", "auto"].contains(dir.trimmingWhitespace().lowercased()) {
            page.report("8.10.2", .nonConforme, at: element, Messages.invalidDirection(dir))
        }
    }

    func finish(in page: PageContext) {
        for element in changes {
            let lang = page.attribute("lang", of: element) ?? ""
            guard !LanguageTag.isValid(lang.trimmingWhitespace()), hasOwnText(element, in: page) else { continue }
            page.report("8.8.1", .nonConforme, at: element, Messages.langChangeInvalid(lang))
        }
    }

    /// Whether some rendered text takes its language from this element (not from a nearer `lang`).
    private func hasOwnText(_ element: Int, in page: PageContext) -> Bool {
        guard !page.notRendered[element] else { return false }
        var cursor = element + 1
        let end = min(page.document.subtreeEnd(of: element), element + PageContext.nameNodeBudget)
        if end < page.document.subtreeEnd(of: element) { return true } // too big to read: assume text
        while cursor < end {
            let node = page.node(cursor)
            if node.isElement && (page.notRendered[cursor] || node.has("lang")) {
                cursor = page.document.subtreeEnd(of: cursor)
                continue
            }
            if node.kind == .text && node.text.hasNonWhitespace { return true }
            if node.isElement, node.name == "img" || node.name == "area",
               page.nonEmptyAttribute("alt", of: cursor) != nil { return true }
            if node.isElement, page.nonEmptyAttribute("aria-label", of: cursor) != nil || page.nonEmptyAttribute("title", of: cursor) != nil { return true }
            cursor += 1
        }
        return false
    }
}

/// BCP 47 language tags, checked as far as a static checker can: syntax, and a primary
/// language subtag that ISO 639 knows.
enum LanguageTag {
    static func isValid(_ tag: String) -> Bool {
        let subtags = tag.split(separator: "-", omittingEmptySubsequences: false).map { $0.lowercased() }
        guard let primary = subtags.first, !primary.isEmpty else { return false }
        for subtag in subtags {
            guard (1...8).contains(subtag.count), subtag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return false }
        }
        guard primary.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        switch primary.count {
        case 2: return LanguageCodes.twoLetter.contains(primary)
        case 3: return LanguageCodes.threeLetter.contains(primary)
        default: return false
        }
    }
}

// MARK: - 8.5, 8.6 Titre de page

/// 8.5.1 the page has a non-empty `<title>`; 8.6.1 generic titles are flagged for a human.
final class PageTitleRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["title", "html"]
    private var title: Int?
    private var root: Int?

    func visit(_ element: Int, in page: PageContext) {
        if page.node(element).name == "html" { if root == nil { root = element }; return }
        guard title == nil, page.document.nearestAncestor(of: element, named: ["svg", "math", "template"]) == nil else { return }
        title = element
    }

    func finish(in page: PageContext) {
        guard let title else {
            page.report("8.5.1", .nonConforme, at: root, Messages.titleMissing)
            return
        }
        let text = page.document.textContent(of: title)
        if text.isEmpty {
            page.report("8.5.1", .nonConforme, at: title, Messages.titleEmpty)
        } else if text.unicodeScalars.count <= Self.longestGenericTitle, Self.genericTitles.contains(text.lowercased()) {
            page.report("8.6.1", .aVerifier, at: title, Messages.titleGeneric(text))
        }
    }

    static let genericTitles: Set<String> = [
        "accueil", "document", "sans titre", "untitled", "page", "nouvelle page", "home", "index",
        "titre", "title", "new page", "page sans titre", "untitled document",
    ]
    /// Lower-casing turns each scalar into one or more, of one byte or more: a title of more
    /// scalars than the longest generic title has bytes is none of them, and is not
    /// lower-cased (tens of thousands of instructions for a title with accents).
    static let longestGenericTitle = genericTitles.map { $0.utf8.count }.max()!
}

// MARK: - 8.2 Validité (ce que le parseur voit)

/// 8.2.1 ids are unique.
final class DuplicateIDRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["html"]

    func finish(in page: PageContext) {
        let duplicates = page.document.elementsByID.filter { !$0.key.isEmpty && $0.value.count > 1 }
            .sorted { $0.value[1] < $1.value[1] }
        for (id, indices) in duplicates {
            page.report("8.2.1", .nonConforme, at: indices[1], Messages.duplicateID(id, count: indices.count))
        }
    }
}


