// MARK: - 7.1 Scripts : rôles WAI-ARIA

/// 7.1.1 a `role` attribute names at least one WAI-ARIA role (browsers use the first
/// valid token and ignore the rest; a role with no valid token is lost on assistive
/// technologies).
final class ARIARoleRule: Rule {
    let elements: Set<String> = []

    func visit(_ element: Int, in page: PageContext) {
        guard let role = page.attribute("role", of: element), !page.hiddenFromAssistiveTechnologies[element] else { return }
        let tokens = role.split(whereSeparator: \.isWhitespace).map { $0.lowercased() }
        guard !tokens.isEmpty else { return }
        if !tokens.contains(where: ARIARoles.all.contains) {
            page.report("7.1.1", .nonConforme, at: element, Messages.invalidRole(role.trimmingWhitespace()))
        }
    }
}

enum ARIARoles {
    /// Global states and properties: any of them cancels role="none"/"presentation".
    static let globalAttributes: Set<String> = [
        "aria-atomic", "aria-busy", "aria-controls", "aria-current", "aria-describedby", "aria-details",
        "aria-disabled", "aria-dropeffect", "aria-errormessage", "aria-flowto", "aria-grabbed",
        "aria-haspopup", "aria-hidden", "aria-invalid", "aria-keyshortcuts", "aria-label",
        "aria-labelledby", "aria-live", "aria-owns", "aria-relevant", "aria-roledescription",
    ]
    /// Roles that are links (WAI-ARIA link and its DPUB-ARIA subclasses).
    static let linkRoles: Set<String> = ["link", "doc-backlink", "doc-biblioref", "doc-glossref", "doc-noteref"]

    /// WAI-ARIA 1.2 concrete roles, DPUB-ARIA 1.0 and Graphics-ARIA roles, and the ARIA 1.3
    /// additions already shipped by browsers. Abstract roles (widget, landmark…) are not valid.
    static let all: Set<String> = [
        "alert", "alertdialog", "application", "article", "banner", "blockquote", "button", "caption",
        "cell", "checkbox", "code", "columnheader", "combobox", "comment", "complementary", "contentinfo",
        "definition", "deletion", "dialog", "directory", "document", "emphasis", "feed", "figure", "form",
        "generic", "grid", "gridcell", "group", "heading", "image", "img", "insertion", "link", "list",
        "listbox", "listitem", "log", "main", "mark", "marquee", "math", "menu", "menubar", "menuitem",
        "menuitemcheckbox", "menuitemradio", "meter", "navigation", "none", "note", "option", "paragraph",
        "presentation", "progressbar", "radio", "radiogroup", "region", "row", "rowgroup", "rowheader",
        "scrollbar", "search", "searchbox", "sectionfooter", "sectionheader", "separator", "slider",
        "spinbutton", "status", "strong", "subscript", "suggestion", "superscript", "switch", "tab",
        "table", "tablist", "tabpanel", "term", "textbox", "time", "timer", "toolbar", "tooltip", "tree",
        "treegrid", "treeitem",
        "graphics-document", "graphics-object", "graphics-symbol",
        "doc-abstract", "doc-acknowledgments", "doc-afterword", "doc-appendix", "doc-backlink",
        "doc-biblioentry", "doc-bibliography", "doc-biblioref", "doc-chapter", "doc-colophon",
        "doc-conclusion", "doc-cover", "doc-credit", "doc-credits", "doc-dedication", "doc-endnote",
        "doc-endnotes", "doc-epigraph", "doc-epilogue", "doc-errata", "doc-example", "doc-footnote",
        "doc-foreword", "doc-glossary", "doc-glossref", "doc-index", "doc-introduction", "doc-noteref",
        "doc-notice", "doc-pagebreak", "doc-pagefooter", "doc-pageheader", "doc-pagelist", "doc-part",
        "doc-preface", "doc-prologue", "doc-pullquote", "doc-qna", "doc-subtitle", "doc-tip", "doc-toc",
    ]
}
