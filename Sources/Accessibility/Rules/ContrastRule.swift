// MARK: - 3.2 Contrastes

/// 3.2.1–3.2.4 text contrast, when the text colour and its background can both be resolved
/// from `style=""` and simple `<style>` rules. Anything the checker cannot see (background
/// images, opacity, positioned layers, rules with complex selectors) makes it silent or
/// downgrades the finding to "à vérifier".
final class ContrastRule: Rule {
    let elements: Set<String> = []

    func visit(_ element: Int, in page: PageContext) {
        guard !page.notRendered[element], !page.insideForeignContent(element) else { return }
        let node = page.node(element)
        guard !["script", "style", "title", "option", "textarea", "select"].contains(node.name) else { return }
        let hasText = page.document.children(of: element).contains {
            page.node($0).kind == .text && page.node($0).text.contains(where: { !$0.isWhitespace })
        }
        guard hasText, let foreground = foreground(of: element, in: page),
              let background = background(of: element, in: page),
              foreground.explicit || background.explicit else { return }
        let text = foreground.color.alpha < 1 ? foreground.color.over(background.color) : foreground.color
        let ratio = CSSColor.contrast(text, background.color)
        let size = fontSize(of: element, in: page)
        let bold = isBold(element, in: page)
        let large = size.map { $0 >= 24 || (bold && $0 >= 18.5) } ?? false
        let required = large ? 3.0 : 4.5
        guard ratio < required - 0.0001 else { return }
        let test: String
        switch (large, bold) {
        case (false, false): test = "3.2.1"
        case (false, true): test = "3.2.2"
        case (true, false): test = "3.2.3"
        case (true, true): test = "3.2.4"
        }
        let uncertain = page.styles.hasUnresolvedRules(setting: ["color", "background", "background-color", "background-image", "opacity", "font-size", "font-weight", "font"])
            || (size == nil && ratio >= 3)
        page.report(test, uncertain ? .aVerifier : .nonConforme, at: element,
                    Messages.lowContrast(ratio: ratio, required: required, text: text, background: background.color))
    }

    private func foreground(of element: Int, in page: PageContext) -> (color: CSSColor, explicit: Bool)? {
        var current = element
        while current >= 0 {
            if let value = page.styles.declared(current)["color"] {
                guard let color = CSSColor(css: value), value.lowercased() != "transparent" else { return nil }
                return (color, true)
            }
            current = page.node(current).parent
        }
        return (.black, false)
    }

    private func background(of element: Int, in page: PageContext) -> (color: CSSColor, explicit: Bool)? {
        var layers: [CSSColor] = []
        var current = element
        var result: CSSColor?
        while current >= 0 {
            let declared = page.styles.declared(current)
            if let image = declared["background-image"], image.lowercased() != "none" { return nil }
            if let opacity = declared["opacity"], Double(opacity) != 1 { return nil }
            if let position = declared["position"]?.lowercased(), position == "absolute" || position == "fixed" { return nil }
            if let mode = declared["mix-blend-mode"], mode != "normal" { return nil }
            if let value = declared["background-color"] {
                guard let color = CSSColor(css: value) else { return nil }
                if color.alpha >= 1 { result = color; break }
                if color.alpha > 0 { layers.append(color) }
            }
            current = page.node(current).parent
        }
        var color = result ?? .white
        for layer in layers.reversed() { color = layer.over(color) }
        return (color, result != nil || !layers.isEmpty)
    }

    /// Computed font size in px, nil when a value cannot be resolved.
    private func fontSize(of element: Int, in page: PageContext) -> Double? {
        var chain: [Int] = []
        var current = element
        while current >= 0 { chain.append(current); current = page.node(current).parent }
        var size = 16.0
        for index in chain.reversed() {
            if let value = page.styles.declared(index)["font-size"]?.trimmingWhitespace().lowercased() {
                guard let resolved = Self.resolve(value, parent: size) else { return nil }
                size = resolved
            } else if let factor = Self.defaultScale[page.node(index).name] {
                size *= factor
            }
        }
        return size
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

    private func isBold(_ element: Int, in page: PageContext) -> Bool {
        var current = element
        while current >= 0 {
            if let weight = page.styles.declared(current)["font-weight"]?.lowercased().trimmingWhitespace() {
                if weight == "bold" || weight == "bolder" { return true }
                if let number = Int(weight) { return number >= 600 }
                return false
            }
            if ["b", "strong", "th", "h1", "h2", "h3", "h4", "h5", "h6"].contains(page.node(current).name) { return true }
            current = page.node(current).parent
        }
        return false
    }
}
