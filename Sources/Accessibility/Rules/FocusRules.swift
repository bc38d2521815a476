// MARK: - 10.8 Contenus cachés ; 12.8 Ordre de tabulation

/// 10.8.1 no focusable element inside content hidden with aria-hidden="true" (keyboard
/// users reach something screen readers cannot announce), and no aria-hidden on `<body>`;
/// 12.8.1 a positive tabindex overrides the reading order (for a human).
final class FocusRule: Rule {
    let elements: Set<String> = []

    func visit(_ element: Int, in page: PageContext) {
        let node = page.node(element)
        if node.name == "body" || node.name == "html",
           page.attribute("aria-hidden", of: element)?.trimmingWhitespace().lowercased() == "true" {
            page.report("10.8.1", .nonConforme, at: element, Messages.ariaHiddenBody(node.name))
            return
        }
        guard !page.notRendered[element] else { return }
        let tabindex = page.attribute("tabindex", of: element).flatMap { Int($0.trimmingWhitespace()) }
        if page.hiddenFromAssistiveTechnologies[element], inSequentialFocusOrder(element, tabindex: tabindex, in: page) {
            page.report("10.8.1", .nonConforme, at: element, Messages.focusableInAriaHidden)
        }
        if let tabindex, tabindex > 0 {
            page.report("12.8.1", .aVerifier, at: element, Messages.positiveTabindex(tabindex))
        }
    }

    /// Reached with the Tab key: a valid tabindex decides; otherwise the element's nature.
    private func inSequentialFocusOrder(_ element: Int, tabindex: Int?, in page: PageContext) -> Bool {
        let node = page.node(element)
        let disabled = node.has("disabled")
            && (node.name == "button" || node.name == "input" || node.name == "select" || node.name == "textarea")
        if disabled { return false }
        if let tabindex { return tabindex >= 0 }
        switch node.name {
        case "a", "area": return node.has("href")
        case "button", "select", "textarea", "iframe": return true
        case "summary": return page.document.nodes[node.parent >= 0 ? node.parent : element].name == "details"
        case "input": return node.attribute("type")?.trimmingWhitespace().lowercased() != "hidden"
        default: return node.attribute("contenteditable").map { $0.lowercased() != "false" } ?? false
        }
    }
}
