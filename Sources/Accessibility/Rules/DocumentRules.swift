// MARK: - 8.1 Type de document

/// 8.1.1 a doctype is present; 8.1.2 it is an HTML doctype.
final class DoctypeRule: Rule {
    let elements: Set<String> = ["html"]
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

/// 8.3.1 default language present on `<html>`; 8.4.1 its code is valid; 8.8.1 every
/// other `lang` is valid.
final class LanguageRule: Rule {
    let elements: Set<String> = []
    private var sawRoot = false

    func visit(_ element: Int, in page: PageContext) {
        let node = page.node(element)
        if node.name == "html" && !sawRoot {
            sawRoot = true
            let lang = node.attribute("lang") ?? node.attribute("xml:lang")
            guard let value = lang?.trimmingWhitespace(), !value.isEmpty else {
                page.report("8.3.1", .nonConforme, at: element, Messages.langMissing)
                return
            }
            if !LanguageTag.isValid(value) {
                page.report("8.4.1", .nonConforme, at: element, Messages.langInvalid(value))
            }
            return
        }
        guard let value = node.attribute("lang") ?? node.attribute("xml:lang"),
              !page.notRendered[element] || node.name == "head" else { return }
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty, !page.insideForeignContent(element) else { return }
        if !LanguageTag.isValid(trimmed) {
            page.report("8.8.1", .nonConforme, at: element, Messages.langChangeInvalid(trimmed))
        }
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
    let elements: Set<String> = ["title", "html"]
    private var title: Int?
    private var root: Int?

    func visit(_ element: Int, in page: PageContext) {
        if page.node(element).name == "html" { if root == nil { root = element }; return }
        guard title == nil, page.document.nearestAncestor(of: element, named: ["svg", "math", "body"]) == nil else { return }
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
        } else if Self.genericTitles.contains(text.lowercased()) {
            page.report("8.6.1", .aVerifier, at: title, Messages.titleGeneric(text))
        }
    }

    static let genericTitles: Set<String> = [
        "accueil", "document", "sans titre", "untitled", "page", "nouvelle page", "home", "index",
        "titre", "title", "new page", "page sans titre", "untitled document",
    ]
}

// MARK: - 8.2 Validité (ce que le parseur voit)

/// 8.2.1 ids are unique.
final class DuplicateIDRule: Rule {
    let elements: Set<String> = ["html"]

    func finish(in page: PageContext) {
        let duplicates = page.document.elementsByID.filter { !$0.key.isEmpty && $0.value.count > 1 }
            .sorted { $0.value[1] < $1.value[1] }
        for (id, indices) in duplicates {
            page.report("8.2.1", .nonConforme, at: indices[1], Messages.duplicateID(id, count: indices.count))
        }
    }
}

extension PageContext {
    /// Inside `<svg>` or `<math>`: other rules (HTML attributes, presentation) do not apply.
    func insideForeignContent(_ index: Int) -> Bool {
        document.nearestAncestor(of: index, named: ["svg", "math"]) != nil
    }
}
