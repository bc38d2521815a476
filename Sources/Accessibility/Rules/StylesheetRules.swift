// MARK: - 10.7, 10.11, 10.14, 13.9 What the style sheets say

/// Reads `SheetFacts` of the page's `<style>` and linked sheets (computed once per sheet text):
/// 13.9.1 a quarter-turn rotation inside `@media (orientation: …)` that applies to a rendered
/// element (certain: the content is shown in one orientation only; ACT b33eff); 10.7.1 a focus
/// outline removed with nothing else to show the focus; 10.14.1 content shown by `:hover`
/// without a `:focus` twin; 10.11.1 a width over 320 px on a rendered element. The last three
/// for a human: a script or another rule may show the focus or the content, a parent may
/// scroll. Findings are put on the `<style>` or `<link>` element.
final class StylesheetRule: Rule {
    /// Only `finish` works; a name no page has keeps `visit` out of the walk.
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["#none"]

    func finish(in page: PageContext) {
        let sheets = page.styles.sheetFacts
        guard !sheets.isEmpty else { return }
        let stylesFocus = sheets.contains { $0.facts.stylesFocus }
        var budget = 200_000
        var reported: Set<String> = []
        func once(_ key: String) -> Bool { reported.insert(key).inserted }
        for (node, facts) in sheets {
            for lock in facts.orientationLocks {
                guard let selector = lock.selectors.first(where: { matchesRenderedElement($0, in: page, budget: &budget) }) else { continue }
                page.report("13.9.1", .nonConforme, at: node,
                            Messages.orientationLocked(media: lock.media, selector: selector, declaration: lock.declaration))
            }
            for removal in facts.outlineRemovals where once("10.7.1 \(removal.selector)") {
                if removal.onFocus {
                    if !removal.replaced {
                        page.report("10.7.1", .aVerifier, at: node,
                                    Messages.outlineRemovedOnFocus(selector: removal.selector, declaration: removal.declaration))
                    }
                } else if !stylesFocus {
                    page.report("10.7.1", .aVerifier, at: node,
                                Messages.outlineRemovedWithoutFocusStyle(selector: removal.selector, declaration: removal.declaration))
                }
            }
            for reveal in facts.hoverOnlyReveals where once("10.14.1 \(reveal.selector)") {
                page.report("10.14.1", .aVerifier, at: node, Messages.shownOnHoverOnly(selector: reveal.selector, declaration: reveal.declaration))
            }
            for width in facts.fixedWidths {
                guard let selector = width.selectors.first(where: { matchesRenderedElement($0, in: page, budget: &budget) }),
                      once("10.11.1 \(selector)") else { continue }
                page.report("10.11.1", .aVerifier, at: node, Messages.fixedWidth(selector: selector, declaration: width.declaration))
            }
        }
    }

    /// Some rendered element of the page matches `selector` (a selector the checker cannot
    /// match, or a spent budget, answers no: these findings need certainty or a real target).
    private func matchesRenderedElement(_ text: String, in page: PageContext, budget: inout Int) -> Bool {
        guard let selector = CSSSelector(parsing: text) else { return false }
        var exhausted = false
        return page.document.nodes.withUnsafeBufferPointer { nodes in
            for index in nodes.indices where nodes[index].kind == .element && !page.notRendered[index] && !page.inForeignContent[index] {
                budget -= 1
                if budget <= 0 { return false }
                if selector.matches(index, in: nodes, budget: &budget, exhausted: &exhausted) { return true }
                if exhausted { return false }
            }
            return false
        }
    }
}
