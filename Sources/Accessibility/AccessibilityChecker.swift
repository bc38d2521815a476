/// The RGAA 4.1.2 checker: parses a page once, walks its elements once in document order,
/// and hands each element to the rules that asked for its name.
///
/// ```swift
/// let findings = try AccessibilityChecker.check(html: "<!DOCTYPE html><html lang=fr>…", path: "index.html")
/// for finding in findings { print("\(finding.file):\(finding.line ?? 0) [\(finding.test)] \(finding.message)") }
/// ```
public enum AccessibilityChecker {
    /// Checks one page.
    /// - Parameters:
    ///   - html: the bytes of the page, UTF-8 (broken UTF-8 is read as Latin-1 by libxml2).
    ///   - path: the file name put in every finding.
    /// - Throws: `HTMLDocumentError` when the page cannot be checked at all (more than 20 Mo).
    public static func check(html: [UInt8], path: String) throws(HTMLDocumentError) -> [Finding] {
        let document: HTMLDocument
        do { document = try HTMLDocument(parsing: html) } catch let error as HTMLDocumentError { throw error } catch { throw .unreadable }
        return check(document: document, path: path)
    }

    public static func check(html: String, path: String) throws(HTMLDocumentError) -> [Finding] {
        try check(html: Array(html.utf8), path: path)
    }

    /// Checks an already parsed page.
    public static func check(document: HTMLDocument, path: String) -> [Finding] {
        let page = PageContext(document: document, path: path)
        let rules = RuleCatalog.makeRules()
        var rulesByElement: [String: [Rule]] = [:]
        var everyElement: [Rule] = []
        for rule in rules {
            if rule.elements.isEmpty { everyElement.append(rule) }
            for name in rule.elements { rulesByElement[name, default: []].append(rule) }
        }
        let nodes = document.nodes
        for index in nodes.indices {
            let node = nodes[index]
            let parent = node.parent
            let parentNotRendered = parent >= 0 && page.notRendered[parent]
            let parentHidden = parent >= 0 && page.hiddenFromAssistiveTechnologies[parent]
            guard node.isElement else {
                page.notRendered[index] = parentNotRendered
                page.hiddenFromAssistiveTechnologies[index] = parentHidden
                continue
            }
            let notRendered = parentNotRendered || node.name == "head" || page.selfNotRendered(index)
            page.notRendered[index] = notRendered
            page.hiddenFromAssistiveTechnologies[index] = parentHidden || notRendered
                || node.attribute("aria-hidden")?.lowercased().trimmingWhitespace() == "true"
            if node.name == "label", let target = node.attribute("for") {
                page.labelsByFor[target, default: []].append(index)
            }
            for rule in everyElement { rule.visit(index, in: page) }
            if let interested = rulesByElement[node.name] {
                for rule in interested { rule.visit(index, in: page) }
            }
        }
        for rule in rules { rule.finish(in: page) }
        // Stable order by line, so a report reads top to bottom.
        return page.findings.enumerated().sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element)
    }
}

/// Every rule the checker runs, grouped by RGAA theme.
enum RuleCatalog {
    static func makeRules() -> [Rule] {
        [
            // 1. Images
            ImageRule(),
            // 2. Cadres
            FrameRule(),
            // 3. Couleurs
            ContrastRule(),
            // 5. Tableaux
            TableRule(),
            // 6. Liens, 12.7 évitement, 13.2 nouvelles fenêtres
            LinkRule(),
            // 7. Scripts (ARIA)
            ARIARoleRule(),
            // 8. Éléments obligatoires
            DoctypeRule(), LanguageRule(), PageTitleRule(), DuplicateIDRule(),
            // 9. Structuration
            HeadingRule(), LandmarkRule(), ListRule(),
            // 10. Présentation
            PresentationRule(),
            // 11. Formulaires
            FormFieldRule(), AutocompleteRule(),
            // 13. Consultation
            MetaRefreshRule(), MovingContentRule(),
        ]
    }
}
