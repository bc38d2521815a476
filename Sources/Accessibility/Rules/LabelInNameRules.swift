// MARK: - 6.1.5, 11.2.5, 11.9.2 Intitulé visible contenu dans le nom accessible

/// When aria-label or aria-labelledby replaces the visible text of a link (6.1.5), a button
/// (11.9.2) or the `<label>` of a field (11.2.5), the name must contain the visible text,
/// word for word and in order (WCAG 2.5.3, ACT 2ee8b8). Case, punctuation and symbols are
/// ignored, as RGAA's particular cases allow; a visible text that is a single letter, or only
/// symbols, is a symbol (« X », « > ») and is not compared; text in parentheses may be left
/// out of the name; a word followed by a full stop is an abbreviation (« Av. »).
/// Judged in `finish`: the hidden state of the content and the labels are then known.
final class LabelInNameRule: Rule {
    let elements: Set<String> = []
    private var candidates: [(index: Int, kind: Kind)] = []
    private var iconFont = false

    enum Kind { case link, button, field }

    func visit(_ element: Int, in page: PageContext) {
        let node = page.node(element)
        if node.name == "style" || node.has("style") {
            let css = node.name == "style" ? page.document.textContent(of: element) : node.attribute("style") ?? ""
            let lower = css.lowercased()
            if lower.contains("font-family"), lower.contains("icon") { iconFont = true }
        }
        guard !page.hiddenFromAssistiveTechnologies[element], !page.inForeignContent[element],
              node.has("aria-label") || node.has("aria-labelledby") else { return }
        let role = page.explicitRole(of: element)
        if let role {
            if ARIARoles.linkRoles.contains(role) { candidates.append((element, .link)) }
            else if role == "button" { candidates.append((element, .button)) }
            return
        }
        switch node.name {
        case "a" where node.has("href"): candidates.append((element, .link))
        case "button": candidates.append((element, .button))
        case "input":
            let type = node.attribute("type")?.trimmingWhitespace().lowercased() ?? "text"
            if ["submit", "reset", "button"].contains(type) { candidates.append((element, .button)) }
            else if !["hidden", "image"].contains(type) { candidates.append((element, .field)) }
        case "select", "textarea": candidates.append((element, .field))
        default: break
        }
    }

    func finish(in page: PageContext) {
        for (element, kind) in candidates {
            let name = page.labelledByText(of: element) ?? page.nonEmptyAttribute("aria-label", of: element) ?? ""
            guard !name.isEmpty else { continue }
            let visible: String
            switch kind {
            case .link, .button:
                let node = page.node(element)
                if node.name == "input" {
                    visible = node.attribute("value")?.collapsingWhitespace() ?? ""
                } else {
                    visible = Self.visibleText(of: element, in: page)
                }
            case .field:
                visible = Self.visibleLabel(of: element, in: page)
            }
            guard !visible.isEmpty, !Self.isSymbol(visible) else { continue }
            if iconFont && Self.words(visible).count == 1 { continue } // an icon font ligature (« search »)
            guard !Self.contains(name: name, visible: visible) else { continue }
            switch kind {
            case .link: page.report("6.1.5", .nonConforme, at: element, Messages.linkNameMissesVisibleText(visible: visible, name: name))
            case .button: page.report("11.9.2", .nonConforme, at: element, Messages.buttonNameMissesVisibleText(visible: visible, name: name))
            case .field: page.report("11.2.5", .nonConforme, at: element, Messages.fieldNameMissesVisibleLabel(visible: visible, name: name))
            }
        }
    }

    // MARK: Visible text

    /// The text a sighted user reads in the element: text nodes, without what CSS or
    /// `hidden` removes (aria-hidden text is still visible), nor text that looks visually
    /// hidden (screen-reader-only classes, clipping, absolute positioning).
    static func visibleText(of root: Int, in page: PageContext) -> String {
        var text = ""
        var cursor = root + 1
        let end = page.document.subtreeEnd(of: root)
        var budget = PageContext.nameNodeBudget
        var blockEnds: [Int] = []
        while cursor < end {
            budget -= 1
            if budget == 0 { return "" } // too big to judge: say nothing
            // Leaving a block separates words, as entering one does.
            while let last = blockEnds.last, last <= cursor { text += " "; blockEnds.removeLast() }
            let node = page.node(cursor)
            if node.kind == .text { text += node.text; cursor += 1; continue }
            if ["script", "style", "template", "noscript", "select", "textarea", "input"].contains(node.name)
                || page.selfNotRendered(cursor) || looksVisuallyHidden(cursor, in: page) {
                cursor = page.document.subtreeEnd(of: cursor)
                continue
            }
            if node.name == "br" { text += " " }
            if breaksLine(cursor, in: page) {
                text += " "
                blockEnds.append(page.document.subtreeEnd(of: cursor))
            }
            cursor += 1
        }
        return text.collapsingWhitespace()
    }

    /// The visible `<label>` text of a field (label for= and wrapping label).
    static func visibleLabel(of field: Int, in page: PageContext) -> String {
        var labels: [Int] = []
        if let id = page.node(field).attribute("id"), page.document.elementsByID[id]?.first == field {
            labels += page.labelsByFor[id] ?? []
        }
        if let wrapping = page.document.nearestAncestor(of: field, named: ["label"]), !labels.contains(wrapping) {
            labels.append(wrapping)
        }
        return labels.filter { !page.notRendered[$0] && !looksVisuallyHidden($0, in: page) }
            .map { visibleText(of: $0, in: page) }.joined(separator: " ").collapsingWhitespace()
    }

    static func breaksLine(_ index: Int, in page: PageContext) -> Bool {
        let node = page.node(index)
        guard node.isElement else { return false }
        if let display = page.styles.declared(index)["display"]?.lowercased().trimmingWhitespace() {
            return !display.hasPrefix("inline") && display != "contents"
        }
        return blockElements.contains(node.name)
    }

    static let blockElements: Set<String> = [
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
        "section", "table", "tr", "td", "th", "ul", "caption", "summary", "details", "legend",
    ]

    static let hiddenClassWords = ["sr-only", "visually-hidden", "visuallyhidden", "screen-reader", "offscreen",
                                   "off-screen", "hidden", "a11y", "assistive", "element-invisible", "clip"]

    static func looksVisuallyHidden(_ index: Int, in page: PageContext) -> Bool {
        let node = page.node(index)
        if let classes = node.attribute("class")?.lowercased(), hiddenClassWords.contains(where: { classes.contains($0) }) {
            return true
        }
        if let position = page.styles.declared(index)["position"]?.lowercased(), position.contains("absolute") || position.contains("fixed") {
            return true
        }
        if let style = node.attribute("style")?.lowercased() {
            for declaration in CSSDeclaration.parse(list: style) {
                switch declaration.property {
                case "clip", "clip-path": return true
                case "opacity" where Double(declaration.value.trimmingWhitespace()) == 0: return true
                case "font-size" where ["0", "0px", "0em", "0rem"].contains(declaration.value.trimmingWhitespace()): return true
                case "text-indent" where declaration.value.trimmingWhitespace().hasPrefix("-"): return true
                default: break
                }
            }
        }
        return false
    }

    // MARK: Comparison

    struct Word: Equatable { var text: String; var abbreviated: Bool }

    /// Lower-case words: letters and digits; hyphens, apostrophes and soft hyphens join,
    /// anything else separates. A word directly followed by "." is marked abbreviated.
    static func words(_ text: String) -> [Word] {
        var result: [Word] = []
        var current = ""
        let joiners: Set<Character> = ["-", "‐", "‑", "'", "’", "\u{AD}"]
        func flush(abbreviated: Bool) {
            if !current.isEmpty { result.append(Word(text: current, abbreviated: abbreviated)) }
            current = ""
        }
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if joiners.contains(character) {
                continue
            } else {
                flush(abbreviated: character == "." && current.last?.isLetter == true)
            }
        }
        flush(abbreviated: false)
        return result
    }

    /// A single letter, or nothing but punctuation and symbols.
    static func isSymbol(_ visible: String) -> Bool {
        let list = words(visible)
        return list.isEmpty || (list.count == 1 && list[0].text.count == 1 && list[0].text.first?.isLetter == true)
    }

    static func contains(name: String, visible: String) -> Bool {
        let nameWords = words(name).map(\.text)
        var variants = [words(visible)]
        let withoutParentheses = removingParentheses(visible)
        if withoutParentheses != visible { variants.append(words(withoutParentheses)) }
        return variants.contains { visibleWords in
            guard !visibleWords.isEmpty else { return true }
            guard visibleWords.count <= nameWords.count else { return false }
            for start in 0...(nameWords.count - visibleWords.count) {
                let matches = visibleWords.indices.allSatisfy { offset in
                    let word = visibleWords[offset], candidate = nameWords[start + offset]
                    return word.text == candidate || (word.abbreviated && candidate.hasPrefix(word.text))
                }
                if matches { return true }
            }
            return false
        }
    }

    static func removingParentheses(_ text: String) -> String {
        var result = ""
        var depth = 0
        for character in text {
            if character == "(" || character == "[" { depth += 1; continue }
            if character == ")" || character == "]" { depth = max(0, depth - 1); continue }
            if depth == 0 { result.append(character) }
        }
        return result
    }
}
