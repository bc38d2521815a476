// MARK: - 8.9 Balises utilisées pour la présentation

/// 8.9.1 tags used only for spacing: empty paragraphs and runs of `<br>` (for a human:
/// a generator or an editor may have a reason).
final class SpacingMarkupRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["p", "br"]
    private var lastBreakRun: Int = -1

    func visit(_ element: Int, in page: PageContext) {
        guard !page.notRendered[element], !page.inForeignContent[element] else { return }
        let document = page.document
        if page.node(element).name == "p" {
            let children = Array(document.children(of: element))
            let empty = children.allSatisfy { child in
                let node = page.node(child)
                return node.kind == .text ? !node.text.hasNonWhitespace : node.name == "br"
            }
            if empty && !page.node(element).has("id") && !page.node(element).has("role") && !page.node(element).has("aria-live") {
                page.report("8.9.1", .aVerifier, at: element, Messages.emptyParagraph)
            }
            return
        }
        // A <br> starting a run: count the <br> siblings that follow, whitespace between.
        guard element > lastBreakRun else { return }
        var count = 1
        var last = element
        var sibling = page.node(element).nextSibling
        while sibling >= 0 {
            let node = page.node(sibling)
            if node.kind == .text {
                if node.text.hasNonWhitespace { break }
            } else if node.name == "br" {
                count += 1
                last = sibling
            } else {
                break
            }
            sibling = node.nextSibling
        }
        lastBreakRun = last
        if count >= 2 {
            page.report("8.9.1", .aVerifier, at: element, Messages.consecutiveLineBreaks(count))
        }
    }
}

// MARK: - 10.4 Agrandissement des caractères

/// 10.4.2 `<meta name="viewport">` that forbids zooming to 200 %: user-scalable=no (or a
/// value below 1) or maximum-scale below 2, read as the CSS Device Adaptation spec reads
/// them (ACT b4f0c3). Certain: the page cannot be zoomed on the devices that obey it.
final class ViewportZoomRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["meta"]

    func visit(_ element: Int, in page: PageContext) {
        guard page.attribute("name", of: element)?.trimmingWhitespace().lowercased() == "viewport",
              let content = page.attribute("content", of: element) else { return }
        let settings = Self.parse(content)
        if let scalable = settings["user-scalable"], abs(Self.number(scalable)) < 1 {
            page.report("10.4.2", .nonConforme, at: element, Messages.viewportBlocksZoom("user-scalable=\(scalable)"))
        } else if let maximum = settings["maximum-scale"] {
            let value = Self.number(maximum)
            if value >= 0 && value < 2 {
                page.report("10.4.2", .nonConforme, at: element, Messages.viewportBlocksZoom("maximum-scale=\(maximum)"))
            }
        }
    }

    /// `key=value` pairs separated by commas, semicolons or spaces (spaces around "=" allowed).
    static func parse(_ content: String) -> [String: String] {
        var result: [String: String] = [:]
        var normalized = content.lowercased()
        while normalized.containsLikeFoundation(" =") { normalized = normalized.replacingOccurrences(of: " =", with: "=") }
        while normalized.containsLikeFoundation("= ") { normalized = normalized.replacingOccurrences(of: "= ", with: "=") }
        for pair in normalized.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace }) {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { continue }
            result[parts[0]] = parts[1]
        }
        return result
    }

    /// The spec's translation: yes → 1, no → 0, device-width/height → 10, a number (its
    /// leading numeric part), anything else → 0.
    static func number(_ value: String) -> Double {
        switch value {
        case "yes": return 1
        case "no": return 0
        case "device-width", "device-height": return 10
        default:
            let prefix = value.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }
            return Double(prefix) ?? 0
        }
    }
}

// MARK: - 10.12 Espacement du texte

/// 10.12.1 a `style` attribute that sets letter-spacing, word-spacing or line-height with
/// `!important` below what the user must be able to reach (0,12 / 0,16 / 1,5 times the font
/// size): the user's own style sheet or bookmarklet cannot override it (ACT 24afc2, 9e45ec,
/// 78fd32). Only elements with their own visible text; font sizes the checker cannot
/// resolve give no finding.
final class TextSpacingRule: Rule {
    let elements: Set<String> = []

    func visit(_ element: Int, in page: PageContext) {
        let node = page.node(element)
        guard let style = node.attribute("style"), style.contains("!"),
              !page.notRendered[element], !page.inForeignContent[element] else { return }
        let declarations = CSSDeclaration.parse(list: style)
        var effective: [String: CSSDeclaration] = [:]
        for declaration in declarations {
            // The last !important declaration wins over any normal one.
            if let current = effective[declaration.property], current.important && !declaration.important { continue }
            effective[declaration.property] = declaration
        }
        guard Self.thresholds.keys.contains(where: { effective[$0]?.important == true }) else { return }
        // Its own text, on screen.
        guard page.document.children(of: element).contains(where: { page.node($0).kind == .text && page.node($0).text.hasNonWhitespace })
        else { return }
        if let position = effective["position"]?.value.lowercased(), position == "absolute" || position == "fixed",
           ["top", "left", "right", "bottom", "margin-left", "margin-top"].contains(where: { effective[$0]?.value.hasPrefix("-") == true }) {
            return
        }
        guard let fontSize = Self.fontSize(of: element, in: page) else { return }
        for (property, factor) in Self.thresholds.sorted(by: { $0.key < $1.key }) {
            guard let declaration = effective[property], declaration.important else { continue }
            if property == "line-height", Self.singleLine(element, effective: effective, fontSize: fontSize, in: page) { continue }
            guard let value = Self.length(declaration.value, property: property, fontSize: fontSize) else { continue }
            if value + 0.0001 < factor * fontSize {
                page.report("10.12.1", .nonConforme, at: element,
                            Messages.spacingLocked(property: property, value: "\(property): \(declaration.value) !important",
                                                   minimum: Self.frenchFactor[property] ?? ""))
            }
        }
    }

    static let thresholds: [String: Double] = ["letter-spacing": 0.12, "word-spacing": 0.16, "line-height": 1.5]
    static let frenchFactor = ["letter-spacing": "0,12 fois", "word-spacing": "0,16 fois", "line-height": "1,5 fois"]

    /// A text wider than its box is what line-height is about: a box set wide in pixels
    /// with no max-width holds a short text on one line.
    static func singleLine(_ element: Int, effective: [String: CSSDeclaration], fontSize: Double, in page: PageContext) -> Bool {
        if effective["white-space"]?.value.lowercased().hasPrefix("nowrap") == true { return true }
        guard effective["max-width"] == nil, let width = effective["width"]?.value.lowercased(), width.hasSuffix("px"),
              let pixels = Double(width.dropLast(2).trimmingWhitespace()) else { return false }
        let characters = page.document.textContent(of: element).count
        return Double(characters) * fontSize * 0.6 <= pixels
    }

    /// The computed font size in pixels from declared sizes up the tree (16px at the root);
    /// nil when a size is in a unit or keyword the checker does not resolve.
    static func fontSize(of element: Int, in page: PageContext) -> Double? {
        var chain: [String] = []
        var current = element
        while current >= 0 {
            if let size = page.styles.declared(current)["font-size"] { chain.append(size) }
            current = page.node(current).parent
        }
        var size = 16.0
        for declared in chain.reversed() {
            let value = declared.lowercased().trimmingWhitespace()
            if value == "inherit" || value == "unset" { continue }
            if value == "medium" || value == "initial" { size = 16; continue }
            if value.hasSuffix("rem"), let number = Double(value.dropLast(3)) { size = number * 16 }
            else if value.hasSuffix("em"), let number = Double(value.dropLast(2)) { size *= number }
            else if value.hasSuffix("px"), let number = Double(value.dropLast(2)) { size = number }
            else if value.hasSuffix("pt"), let number = Double(value.dropLast(2)) { size = number * 4 / 3 }
            else if value.hasSuffix("%"), let number = Double(value.dropLast(1)) { size *= number / 100 }
            else { return nil }
        }
        return size
    }

    /// A spacing value in pixels; nil for inherit/unset and units the checker does not resolve.
    static func length(_ raw: String, property: String, fontSize: Double) -> Double? {
        let value = raw.lowercased().trimmingWhitespace()
        switch value {
        case "normal", "initial": return property == "line-height" ? 1.2 * fontSize : 0
        case "inherit", "unset", "revert", "revert-layer": return nil
        default: break
        }
        if value.hasSuffix("rem"), let number = Double(value.dropLast(3)) { return number * 16 }
        if value.hasSuffix("em"), let number = Double(value.dropLast(2)) { return number * fontSize }
        if value.hasSuffix("px"), let number = Double(value.dropLast(2)) { return number }
        if value.hasSuffix("pt"), let number = Double(value.dropLast(2)) { return number * 4 / 3 }
        if value.hasSuffix("%"), let number = Double(value.dropLast(1)) { return number / 100 * fontSize }
        if let number = Double(value) {
            // A bare number is a factor for line-height; 0 is the only bare length elsewhere.
            if property == "line-height" { return number * fontSize }
            return number == 0 ? 0 : nil
        }
        return nil
    }
}
