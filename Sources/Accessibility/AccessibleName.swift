/// A reduced version of the W3C accessible-name computation (accname 1.2): enough to decide
/// whether a link, button, image or field has a name at all, which is what static rules need.
extension PageContext {
    /// The accessible name of an element, whitespace collapsed ("" when it has none).
    /// - Parameter includeTitle: whether `title` counts (it does in accname; some RGAA
    ///   tests ask about specific attributes only).
    func accessibleName(of index: Int, includeTitle: Bool = true, includePlaceholder: Bool = false) -> String {
        let node = self.node(index)
        if let name = labelledByText(of: index) { return name }
        if let label = nonEmptyAttribute("aria-label", of: index) { return label }
        let type = node.attribute("type")?.lowercased() ?? ""
        switch node.tag {
        case .img, .area:
            if let alt = node.attribute("alt") {
                let alt = alt.collapsingWhitespace()
                if !alt.isEmpty || node.tag == .area { return alt }
                return "" // alt="": no name, and title is not used (decorative).
            }
        case .input:
            switch type {
            case "image":
                if let alt = nonEmptyAttribute("alt", of: index) { return alt }
                if let value = nonEmptyAttribute("value", of: index) { return value }
            case "submit":
                return node.attribute("value").map { $0.collapsingWhitespace() } ?? "Envoyer"
            case "reset":
                return node.attribute("value").map { $0.collapsingWhitespace() } ?? "Réinitialiser"
            case "button":
                if let value = nonEmptyAttribute("value", of: index) { return value }
            default:
                if let name = labelText(of: index), !name.isEmpty { return name }
            }
        case .select, .textarea, .meter, .progress, .output:
            if let name = labelText(of: index), !name.isEmpty { return name }
        case .button:
            if let name = labelText(of: index), !name.isEmpty { return name }
            let content = textAlternative(ofSubtree: index, includeRoot: false)
            if !content.isEmpty { return content }
        case .fieldset:
            if let legend = document.children(of: index).first(where: { document.nodes[$0].name == "legend" }) {
                let text = textAlternative(ofSubtree: legend, includeRoot: false)
                if !text.isEmpty { return text }
            }
        case .table:
            if let caption = document.children(of: index).first(where: { document.nodes[$0].name == "caption" }) {
                let text = textAlternative(ofSubtree: caption, includeRoot: false)
                if !text.isEmpty { return text }
            }
        case .svg:
            if let title = document.children(of: index).first(where: { document.nodes[$0].name == "title" }) {
                let text = document.textContent(of: title)
                if !text.isEmpty { return text }
            }
        default:
            if namesFromContent(index) {
                let content = textAlternative(ofSubtree: index, includeRoot: false)
                if !content.isEmpty { return content }
            }
        }
        if includeTitle, let title = nonEmptyAttribute("title", of: index) { return title }
        if includePlaceholder, let placeholder = nonEmptyAttribute("placeholder", of: index) { return placeholder }
        return ""
    }

    /// The text of the elements that `aria-labelledby` points to; nil when none gives text.
    func labelledByText(of index: Int) -> String? {
        guard let labelledBy = nonEmptyAttribute("aria-labelledby", of: index) else { return nil }
        let parts = labelledBy.split(separator: " ").compactMap { id -> String? in
            guard let target = document.elementsByID[String(id)]?.first, target != index else { return nil }
            return textAlternative(ofSubtree: target, includeRoot: true)
        }
        let name = parts.joined(separator: " ").collapsingWhitespace()
        return name.isEmpty ? nil : name
    }

    /// Elements whose name comes from their content (links, headings, cells, roles that allow it).
    func namesFromContent(_ index: Int) -> Bool {
        let node = self.node(index)
        if let role = explicitRole(of: index) {
            return Self.rolesNamedFromContent.contains(role) || ARIARoles.linkRoles.contains(role)
        }
        // A switch rather than `[…].contains`: an array literal is built (and its strings
        // released) at each call, for every link and cell of every page.
        switch node.name {
        case "a", "button", "h1", "h2", "h3", "h4", "h5", "h6", "th", "td", "summary", "label",
             "legend", "caption", "option", "li", "dt", "dd":
            return true
        default:
            return false
        }
    }

    /// Elements whose content is never part of a name (scripts, styles, templates, noscript).
    static func hasUnreadContent(_ tag: ElementTag) -> Bool {
        switch tag {
        case .script, .style, .template, .noscript: return true
        default: return false
        }
    }

    static let rolesNamedFromContent: Set<String> = [
        "button", "cell", "checkbox", "columnheader", "gridcell", "heading", "link", "menuitem",
        "menuitemcheckbox", "menuitemradio", "option", "radio", "row", "rowheader", "switch", "tab",
        "tooltip", "treeitem",
    ]

    /// Text of a subtree as accname computes it for "name from content": text nodes, image
    /// alternatives, nested aria-label, skipping hidden parts. Iterative (no recursion).
    func textAlternative(ofSubtree root: Int, includeRoot: Bool) -> String {
        if walkFinished && !includeRoot && !hasNameContent[root] { return "" }
        var parts: [String] = []
        var cursor = includeRoot ? root : root + 1
        let end = document.subtreeEnd(of: root)
        var budget = walkFinished ? 200 : Self.nameNodeBudget
        while cursor < end {
            budget -= 1
            // A hostile page (100,000 nested links) must not make this quadratic: past the
            // budget the name is "something we did not read", never "no name".
            if budget == 0 { parts.append(" … "); break }
            let node = self.node(cursor)
            if node.kind == .text {
                parts.append(node.text)
                cursor += 1
                continue
            }
            // A referenced root is used even when hidden (aria-labelledby to a hidden element).
            let skipHidden = !(includeRoot && cursor == root)
            if skipHidden && isHiddenForName(cursor) { cursor = document.subtreeEnd(of: cursor); continue }
            if Self.hasUnreadContent(node.tag) {
                cursor = document.subtreeEnd(of: cursor); continue
            }
            if cursor != root, let label = nonEmptyAttribute("aria-label", of: cursor) {
                parts.append(" \(label) ")
                cursor = document.subtreeEnd(of: cursor)
                continue
            }
            switch node.tag {
            case .img, .area:
                if let role = explicitRole(of: cursor), role == "presentation" || role == "none" {} else {
                    parts.append(" \(accessibleName(of: cursor)) ")
                }
                cursor = document.subtreeEnd(of: cursor)
                continue
            case .input:
                let type = node.attribute("type")?.lowercased() ?? "text"
                if type == "image" { parts.append(" \(node.attribute("alt") ?? "") ") }
                else if type == "submit" || type == "reset" || type == "button" { parts.append(" \(node.attribute("value") ?? "") ") }
                else if type != "hidden" { parts.append(" \(node.attribute("value") ?? "") ") }
                cursor += 1
                continue
            case .svg:
                if let title = document.children(of: cursor).first(where: { document.nodes[$0].name == "title" }) {
                    parts.append(" \(document.textContent(of: title)) ")
                } else if let label = nonEmptyAttribute("aria-label", of: cursor) {
                    parts.append(" \(label) ")
                }
                cursor = document.subtreeEnd(of: cursor)
                continue
            case .br:
                parts.append(" ")
            case .p, .div, .li, .ul, .ol, .h1, .h2, .h3, .h4, .h5, .h6, .section, .article, .header, .footer, .nav,
                 .table, .tr, .td, .th:
                // Blocks: their text does not run into the next one's.
                parts.append(" ")
            default:
                break
            }
            cursor += 1
        }
        return parts.joined().collapsingWhitespace()
    }

    static let nameNodeBudget = 1_000

    /// Hidden for the name computation: `hidden`, aria-hidden="true", display:none, visibility:hidden.
    func isHiddenForName(_ index: Int) -> Bool {
        if walkFinished { return hiddenFromAssistiveTechnologies[index] }
        return hiddenFromAssistiveTechnologies[index] || selfHidden(index)
    }

    /// One backward pass: a node has name content when it, or a child, contributes text.
    func computeNameContent() -> [Bool] {
        var result = [Bool](repeating: false, count: document.nodes.count)
        for index in document.nodes.indices.reversed() {
            let node = self.node(index)
            if hiddenFromAssistiveTechnologies[index] { result[index] = false; continue }
            var own = false
            if node.kind == .text {
                own = node.text.hasNonWhitespace
            } else if Self.hasUnreadContent(node.tag) {
                result[index] = false
                continue
            } else if nonEmptyAttribute("aria-label", of: index) != nil || nonEmptyAttribute("aria-labelledby", of: index) != nil {
                own = true
            } else if node.tag == .img || node.tag == .area || node.tag == .input || node.tag == .svg {
                own = nonEmptyAttribute("alt", of: index) != nil || nonEmptyAttribute("title", of: index) != nil
                    || (node.tag == .input && nonEmptyAttribute("value", of: index) != nil)
                    || node.tag == .svg
            }
            if own { result[index] = true }
            if result[index], node.parent >= 0 { result[node.parent] = true }
        }
        return result
    }

    /// Hidden by the element's own attributes or styles (not counting ancestors).
    func selfHidden(_ index: Int) -> Bool {
        let node = self.node(index)
        guard node.isElement else { return false }
        if node.has("hidden") { return true }
        if node.attribute("aria-hidden")?.lowercased().trimmingWhitespace() == "true" { return true }
        return selfNotRendered(index)
    }

    /// Not rendered because of the element's own `hidden` attribute or CSS.
    func selfNotRendered(_ index: Int) -> Bool {
        let hiddenByMarkup = document.nodes.withUnsafeBufferPointer { nodes -> Bool? in
            guard nodes[index].kind == .element else { return false }
            // `attribute(_:) != nil` rather than `has(_:)`, and `kind` rather than `isElement`:
            // through those helpers the compiler copies the whole node first.
            if nodes[index].attribute("hidden") != nil || nodes[index].tag == .template { return true }
            if nodes[index].tag == .input, let type = nodes[index].attribute("type"), type.equalsIgnoringASCIICase("hidden") {
                return true
            }
            return nil
        }
        if let hiddenByMarkup { return hiddenByMarkup }
        let declared = styles.declared(index)
        if declared.isEmpty { return false }
        if let display = declared.display, display.equalsIgnoringASCIICase("none") { return true }
        if let visibility = declared.visibility,
           visibility.equalsIgnoringASCIICase("hidden") || visibility.equalsIgnoringASCIICase("collapse") { return true }
        return false
    }

    /// Text of the `<label>`s of a form field: `<label for=id>` and a wrapping `<label>`.
    /// Only complete once the walk is over (labels may follow their field).
    func labelText(of index: Int) -> String? {
        var texts: [String] = []
        if let id = document.nodes[index].attribute("id"), let labels = labelsByFor[id] {
            // A label's `for` targets the first element with that id only.
            if document.elementsByID[id]?.first == index {
                for label in labels { texts.append(labelContent(label, excluding: index)) }
            }
        }
        if let wrapping = document.nearestAncestor(of: index, named: ["label"]),
           document.nodes[wrapping].attribute("for") == nil || document.nodes[wrapping].attribute("for") == document.nodes[index].attribute("id") {
            if !texts.isEmpty && document.nodes[wrapping].attribute("for") != nil {} else {
                texts.append(labelContent(wrapping, excluding: index))
            }
        }
        guard !texts.isEmpty else { return nil }
        return texts.joined(separator: " ").collapsingWhitespace()
    }

    private func labelContent(_ label: Int, excluding field: Int) -> String {
        // The field's own value is not part of its label.
        var parts: [String] = []
        var cursor = label + 1
        let end = min(document.subtreeEnd(of: label), label + 1 + Self.nameNodeBudget)
        while cursor < end {
            let name = document.nodes[cursor].name
            if cursor == field || name == "select" || name == "textarea" || name == "input" {
                cursor = document.subtreeEnd(of: cursor); continue
            }
            if isHiddenForName(cursor) { cursor = document.subtreeEnd(of: cursor); continue }
            if document.nodes[cursor].kind == .text { parts.append(document.nodes[cursor].text) }
            else if document.nodes[cursor].name == "img" { parts.append(" \(document.nodes[cursor].attribute("alt") ?? "") ") }
            cursor += 1
        }
        return parts.joined().collapsingWhitespace()
    }
}
