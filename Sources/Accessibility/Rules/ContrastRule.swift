// MARK: - 3.2 Contrastes

/// 3.2.1–3.2.4 text contrast, when the text colour and its background can both be resolved
/// from `style=""` and simple `<style>` rules. Anything the checker cannot see (background
/// images and gradients, opacity, text shadows, positioned layers) makes it silent, and
/// rules it cannot match (complex selectors, `@media`) downgrade a finding to "à vérifier".
///
/// The walk is in document order, so the computed style of the current element's ancestors
/// is a stack: memory stays proportional to the depth, time to the number of elements.
final class ContrastRule: Rule {
    let elements: Set<String> = []

    /// What the checker knows of an element's computed style.
    private struct Computed {
        var depth: Int
        var color: CSSColor?          // nil: cannot be resolved
        var colorExplicit: Bool
        var background: CSSColor?     // opaque once resolved; nil: cannot be resolved
        var backgroundExplicit: Bool
        var fontSize: Double?         // px; nil: cannot be resolved
        var bold: Bool
        var disabled: Bool
        /// Text of a disabled control's label: exempt, like the control.
        var exempt: Bool
    }

    private var stack: [Computed] = []
    /// Labels of disabled controls, found once before the first visit: their text is exempt.
    private var exemptLabels: (ids: Set<String>, elements: Set<Int>)?

    func visit(_ element: Int, in page: PageContext) {
        let node = page.node(element)
        while let top = stack.last, top.depth >= node.depth { stack.removeLast() }
        let parent = stack.last ?? Computed(depth: -1, color: .black, colorExplicit: false, background: .white,
                                            backgroundExplicit: false, fontSize: 16, bold: false, disabled: false, exempt: false)
        guard page.styles.hasStyles else { return } // default colours: black on white
        var computed = compute(element, parent: parent, in: page)
        if exemptLabels == nil { exemptLabels = Self.labelsOfDisabledControls(in: page) }
        if let id = node.attribute("id"), exemptLabels!.ids.contains(id) { computed.exempt = true }
        if exemptLabels!.elements.contains(element) { computed.exempt = true }
        stack.append(computed)

        guard computed.colorExplicit || computed.backgroundExplicit,
              !page.notRendered[element], !page.hiddenFromAssistiveTechnologies[element], !computed.disabled, !computed.exempt,
              !page.insideForeignContent(element),
              !["script", "style", "title", "option", "textarea", "select"].contains(node.name) else { return }
        // Text in a human language: at least two letters (not "X", not "-----").
        let hasText = page.document.children(of: element).contains {
            page.node($0).kind == .text && page.node($0).text.unicodeScalars.lazy.filter(\.properties.isAlphabetic).prefix(2).count == 2
        }
        guard hasText, let text = computed.color, let background = computed.background,
              computed.colorExplicit || computed.backgroundExplicit else { return }
        let foreground = text.alpha < 1 ? text.over(background) : text
        let ratio = CSSColor.contrast(foreground, background)
        let large = computed.fontSize.map { $0 >= 24 || (computed.bold && $0 >= 18.5) } ?? false
        let required = large ? 3.0 : 4.5
        guard ratio < required - 0.0001 else { return }
        let test = switch (large, computed.bold) {
        case (false, false): "3.2.1"
        case (false, true): "3.2.2"
        case (true, false): "3.2.3"
        case (true, true): "3.2.4"
        }
        let uncertain = page.styles.hasUnresolvedRules(setting: Self.relevantProperties)
            || (computed.fontSize == nil && ratio >= 3)
        page.report(test, uncertain ? .aVerifier : .nonConforme, at: element,
                    Messages.lowContrast(ratio: ratio, required: required, text: foreground, background: background))
    }

    static let relevantProperties = ["color", "background", "background-color", "background-image", "opacity",
                                     "font-size", "font-weight", "font", "text-shadow", "position", "display", "visibility"]

    private func compute(_ element: Int, parent: Computed, in page: PageContext) -> Computed {
        let node = page.node(element)
        let declared = page.styles.declared(element)
        var result = parent
        result.depth = node.depth
        result.exempt = parent.exempt
        if let value = declared["color"] {
            result.color = CSSColor(css: value)
            result.colorExplicit = true
        }
        if let shadow = declared["text-shadow"], shadow.lowercased() != "none" { result.color = nil }
        if let image = declared["background-image"], image.lowercased() != "none" { result.background = nil }
        if let opacity = declared["opacity"], Double(opacity) != 1 { result.background = nil }
        if let position = declared["position"]?.lowercased(), position == "absolute" || position == "fixed" { result.background = nil }
        if let mode = declared["mix-blend-mode"], mode.lowercased() != "normal" { result.background = nil }
        if let value = declared["background-color"], result.background != nil {
            if let color = CSSColor(css: value) {
                if color.alpha > 0 {
                    result.background = color.over(parent.background ?? .white)
                    result.backgroundExplicit = true
                }
            } else {
                result.background = nil
            }
        }
        if let value = declared["font-size"]?.trimmingWhitespace().lowercased() {
            result.fontSize = parent.fontSize.flatMap { Self.resolve(value, parent: $0) }
        } else if let factor = Self.defaultScale[node.name] {
            result.fontSize = parent.fontSize.map { $0 * factor }
        }
        if let weight = declared["font-weight"]?.lowercased().trimmingWhitespace() {
            result.bold = weight == "bold" || weight == "bolder" || (Int(weight).map { $0 >= 600 } ?? false)
        } else if Self.boldByDefault.contains(node.name) {
            result.bold = true
        }
        if (node.has("disabled") && Self.disableable.contains(node.name))
            || page.attribute("aria-disabled", of: element)?.trimmingWhitespace().lowercased() == "true" {
            result.disabled = true
        }
        return result
    }

    /// One pass over the page: the labels (`for`, wrapping, aria-labelledby) of disabled controls.
    private static func labelsOfDisabledControls(in page: PageContext) -> (ids: Set<String>, elements: Set<Int>) {
        var ids: Set<String> = []
        var elements: Set<Int> = []
        var disabledIDs: Set<String> = []
        var labelsFor: [(index: Int, target: String)] = []
        for (index, node) in page.nodes.enumerated() where node.isElement {
            if node.name == "label", let target = node.attribute("for") { labelsFor.append((index, target)) }
            let disabled = (node.has("disabled") && disableable.contains(node.name))
                || node.attribute("aria-disabled")?.trimmingWhitespace().lowercased() == "true"
            guard disabled else { continue }
            if let id = node.attribute("id") { disabledIDs.insert(id) }
            if let labelledBy = node.attribute("aria-labelledby") {
                for id in labelledBy.split(whereSeparator: \.isWhitespace) { ids.insert(String(id)) }
            }
            if let label = page.document.nearestAncestor(of: index, named: ["label"]) { elements.insert(label) }
        }
        for label in labelsFor where disabledIDs.contains(label.target) { elements.insert(label.index) }
        return (ids, elements)
    }

    static func resolve(_ value: String, parent: Double) -> Double? {
        func number(_ suffix: String) -> Double? { value.hasSuffix(suffix) ? Double(value.dropLast(suffix.count)) : nil }
        if let px = number("px") { return px }
        if let rem = number("rem") { return rem * 16 }
        if let em = number("em") { return em * parent }
        if let pt = number("pt") { return pt * 4 / 3 }
        if let percent = number("%") { return percent * parent / 100 }
        return nil
    }

    static let defaultScale: [String: Double] = ["h1": 2, "h2": 1.5, "h3": 1.17, "h5": 0.83, "h6": 0.67, "small": 0.83]
    static let boldByDefault: Set<String> = ["b", "strong", "th", "h1", "h2", "h3", "h4", "h5", "h6"]
    static let disableable: Set<String> = ["button", "input", "select", "textarea", "fieldset", "optgroup", "option"]
}
