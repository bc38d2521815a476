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
    ///   - stylesheet: returns the CSS of a `<link rel="stylesheet">` given its `href`, or nil
    ///     when it cannot be read (then colours it may set are "à vérifier"). The checker
    ///     does no I/O itself: the caller decides what a local `href` means.
    /// - Throws: `HTMLDocumentError` when the page cannot be checked at all (more than 20 Mo).
    public static func check(html: [UInt8], path: String,
                             stylesheet: ((String) -> String?)? = nil) throws(HTMLDocumentError) -> [Finding] {
        let document: HTMLDocument
        do { document = try HTMLDocument(parsing: html) } catch let error as HTMLDocumentError { throw error } catch { throw .unreadable }
        return check(document: document, path: path, stylesheet: stylesheet)
    }

    public static func check(html: String, path: String,
                             stylesheet: ((String) -> String?)? = nil) throws(HTMLDocumentError) -> [Finding] {
        try check(html: Array(html.utf8), path: path, stylesheet: stylesheet)
    }

    /// Checks an already parsed page.
    public static func check(document: HTMLDocument, path: String,
                             stylesheet: ((String) -> String?)? = nil) -> [Finding] {
        let page = PageContext(document: document, path: path, stylesheet: stylesheet)
        let rules = RuleCatalog.makeRules()
        // Rules by element tag (an array index, not a hashed name per element); names that
        // `ElementTag` does not list stay in a dictionary, asked only for `.other` elements.
        var rulesByTag = [[Rule]](repeating: [], count: ElementTag.count)
        var rulesByOtherName: [String: [Rule]] = [:]
        var everyElement: [Rule] = []
        for rule in rules {
            if rule.elements.isEmpty { everyElement.append(rule) }
            for name in rule.elements {
                let tag = ElementTag(name: name)
                if tag == .other { rulesByOtherName[name, default: []].append(rule) } else { rulesByTag[tag.index].append(rule) }
            }
        }
        // Nodes are read in place (a copy of a node is three retains and three releases,
        // for every node of every page).
        document.nodes.withUnsafeBufferPointer { nodes in
            for index in nodes.indices {
                let parent = nodes[index].parent
                let parentNotRendered = parent >= 0 && page.notRendered[parent]
                let parentHidden = parent >= 0 && page.hiddenFromAssistiveTechnologies[parent]
                guard nodes[index].kind == .element else {
                    page.notRendered[index] = parentNotRendered
                    page.hiddenFromAssistiveTechnologies[index] = parentHidden
                    continue
                }
                page.inForeignContent[index] = page.insideForeignContent(index)
                let tag = nodes[index].tag
                let notRendered = parentNotRendered || tag == .head || page.selfNotRendered(index)
                page.notRendered[index] = notRendered
                page.hiddenFromAssistiveTechnologies[index] = parentHidden || notRendered
                    || nodes[index].attribute("aria-hidden")?.lowercased().trimmingWhitespace() == "true"
                if tag == .label, let target = nodes[index].attribute("for") {
                    page.labelsByFor[target, default: []].append(index)
                }
                for rule in everyElement { rule.visit(index, in: page) }
                if tag != .other {
                    for rule in rulesByTag[tag.index] { rule.visit(index, in: page) }
                } else if !rulesByOtherName.isEmpty, let interested = rulesByOtherName[nodes[index].name] {
                    for rule in interested { rule.visit(index, in: page) }
                }
            }
        }
        page.walkFinished = true
        for rule in rules { rule.finish(in: page) }
        page.reportOmitted()
        // Stable order by line, so a report reads top to bottom.
        return page.findings.enumerated().sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element)
    }
}

/// Every rule the checker runs, grouped by RGAA theme. Which RGAA tests they decide and which
/// they only pre-qualify is listed in `Coverage` (Report/Coverage.swift), the one list the
/// reports, the README table and the tests rely on.
enum RuleCatalog {
    static func makeRules() -> [Rule] {
        // The computed colours, which the rules of the fourth batch read as the walk goes:
        // it visits each element before them.
        let contrast = ContrastRule()
        return [
            // 1. Images
            ImageRule(),
            // 2. Cadres
            FrameRule(),
            // 3. Couleurs
            contrast,
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
            FormFieldRule(), FieldGroupRule(), AutocompleteRule(),
            // 10.8 contenus cachés, 12.8 ordre de tabulation
            FocusRule(),
            // 13. Consultation
            MetaRefreshRule(), MovingContentRule(),
            // Second batch: 1.3, 1.6, 1.9 images; 2.2 shared frame titles; 4.3, 4.10, 4.11
            // media; 5.6 table headers; 6.1.5, 11.2.5, 11.9.2 visible label in the name;
            // 7.3 keyboard; 8.9 spacing markup; 10.4 zoom; 10.12 text spacing; 11.8 option groups.
            ImageRelevanceRule(), FrameTitleUniquenessRule(), MediaRule(), TableHeaderRule(),
            LabelInNameRule(), KeyboardHandlerRule(), SpacingMarkupRule(), ViewportZoomRule(),
            TextSpacingRule(), OptionGroupRule(),
            // Third batch: 4.13 media players; 5.1, 5.3 complex and layout tables; 7.4 context
            // changes; 9.4 quotations; 10.7, 10.11, 10.14, 13.9 style sheets; 11.3 labels of
            // fields with the same purpose; 12.10 shortcuts; 13.5 cryptic content.
            MediaPlayerRule(), TableSummaryRule(), ContextChangeRule(), QuotationRule(), StylesheetRule(),
            SameFunctionLabelRule(), KeyboardShortcutRule(), CrypticContentRule(),
            // Fourth batch: 3.3 borders of controls; 8.2 nesting and what the parser repaired;
            // 10.5 colour declarations; 10.6 links told apart by colour only; 12.6 zones.
            // (12.3, the site map, is site-level: SiteChecker.)
            ControlBorderRule(colours: contrast), NestingRule(), ColourDeclarationRule(),
            LinkInTextRule(colours: contrast), ZoneRule(),
        ]
    }
}
