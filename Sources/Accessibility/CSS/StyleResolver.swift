import Foundation
import Synchronization

/// The CSS that the checker can resolve without a browser: `style=""` attributes and the
/// rules of `<style>` elements whose selectors are simple (`p`, `.note`, `#id`, `p.note`,
/// `*`, or a list of those). Anything else (descendant selectors, pseudo-classes, `@media`)
/// is not applied; `hasUnresolvedRules(for:)` says whether such rules touch a property,
/// so that a rule can downgrade a certainty to "à vérifier".
final class StyleResolver {
    fileprivate struct SimpleSelector: Sendable {
        var tag: String?
        var id: String?
        var classes: [String]
        var specificity: Int { (id == nil ? 0 : 10_000) + classes.count * 100 + (tag == nil ? 0 : 1) }
    }

    fileprivate struct StyleRule: Sendable {
        var selector: SimpleSelector
        var order: Int
        var declarations: [CSSDeclaration]
    }

    private var rules: [StyleRule] = []
    /// Rule indices by the most selective part of their selector: each rule is in one bucket.
    private var rulesByID: [String: [Int]] = [:]
    private var rulesByClass: [String: [Int]] = [:]
    private var rulesByTag: [String: [Int]] = [:]
    private var universalRules: [Int] = []
    /// Linked style sheets are the same on every page of a site: parse each text once.
    private static let parsedSheets = Mutex<[String: ParsedStylesheet]>([:])
    /// Properties set by rules this resolver cannot match (complex selectors, at-rules).
    private var unresolvedProperties: Set<String> = []
    private let document: HTMLDocument
    private var cache: [Int: [String: String]] = [:]

    /// - Parameter stylesheet: gives the text of a `<link rel="stylesheet" href>` (nil when
    ///   it cannot be read); style sheets are read in document order, like a browser does.
    init(document: HTMLDocument, stylesheet: ((String) -> String?)? = nil) {
        self.document = document
        var order = 0
        var inline = false
        for (index, node) in document.nodes.enumerated() where node.isElement {
            if node.name == "style" {
                let css = document.children(of: index).map { document.nodes[$0].text }.joined()
                add(ParsedStylesheet(css: css), order: &order)
            } else if node.name == "link", let stylesheet, let href = node.attribute("href"),
                      let rel = node.attribute("rel"),
                      rel.lowercased().split(whereSeparator: \.isWhitespace).contains("stylesheet") {
                let media = node.attribute("media")?.trimmingWhitespace().lowercased() ?? "all"
                if let css = stylesheet(href), css.utf8.count <= Self.maximumStylesheetBytes {
                    if media == "all" || media == "screen" || media.isEmpty {
                        add(Self.parsedLinkedSheet(css), order: &order)
                    } else {
                        // Print or conditional media: what it sets cannot be trusted either way.
                        add(ParsedStylesheet(css: "@media x {" + css + "}"), order: &order)
                    }
                } else {
                    // Unreadable: any property may come from it.
                    unresolvedProperties.formUnion(["color", "background", "background-color", "background-image"])
                }
            }
            if !inline && node.has("style") { inline = true }
        }
        hasStyles = inline || !rules.isEmpty || !unresolvedProperties.isEmpty
        for (index, rule) in rules.enumerated() {
            if let id = rule.selector.id { rulesByID[id, default: []].append(index) }
            else if let first = rule.selector.classes.first { rulesByClass[first, default: []].append(index) }
            else if let tag = rule.selector.tag { rulesByTag[tag, default: []].append(index) }
            else { universalRules.append(index) }
        }
    }

    private func add(_ sheet: ParsedStylesheet, order: inout Int) {
        for var rule in sheet.rules {
            rule.order += order
            rules.append(rule)
        }
        order += sheet.ruleCount
        unresolvedProperties.formUnion(sheet.unresolved)
    }

    private static func parsedLinkedSheet(_ css: String) -> ParsedStylesheet {
        if let cached = parsedSheets.withLock({ $0[css] }) { return cached }
        let sheet = ParsedStylesheet(css: css)
        parsedSheets.withLock { cache in
            if cache.count >= 32 { cache.removeAll() } // a site has a handful of sheets
            cache[css] = sheet
        }
        return sheet
    }

    static let maximumStylesheetBytes = 2 * 1024 * 1024

    /// False when the page has no `<style>` and no `style=""`: nothing to resolve.
    private(set) var hasStyles = false

    /// True when a `<style>` rule the resolver could not match sets one of `properties`.
    func hasUnresolvedRules(setting properties: [String]) -> Bool {
        properties.contains { unresolvedProperties.contains($0) }
    }

    /// The cascaded (not inherited) declarations of an element: `<style>` rules by
    /// specificity then order, then `style=""`, `!important` last.
    func declared(_ index: Int) -> [String: String] {
        if rules.isEmpty && !document.nodes[index].has("style") { return [:] }
        if let cached = cache[index] { return cached }
        let node = document.nodes[index]
        guard node.isElement else { return [:] }
        let classes = node.attribute("class").map { $0.split(whereSeparator: \.isWhitespace).map(String.init) } ?? []
        let id = node.attribute("id")
        var matching: [(important: Bool, specificity: Int, order: Int, property: String, value: String)] = []
        var candidates = universalRules + (rulesByTag[node.name] ?? [])
        if let id { candidates += rulesByID[id] ?? [] }
        for name in Set(classes) { candidates += rulesByClass[name] ?? [] }
        for rule in candidates.map({ rules[$0] }) where matches(rule.selector, tag: node.name, id: id, classes: classes) {
            for declaration in rule.declarations {
                matching.append((declaration.important, rule.selector.specificity, rule.order,
                                 declaration.property, declaration.value))
            }
        }
        if let style = node.attribute("style") {
            for declaration in CSSDeclaration.parse(list: style) {
                matching.append((declaration.important, 1_000_000, 0, declaration.property, declaration.value))
            }
        }
        matching.sort { ($0.important ? 1 : 0, $0.specificity, $0.order) < ($1.important ? 1 : 0, $1.specificity, $1.order) }
        var result: [String: String] = [:]
        for entry in matching {
            result[entry.property] = entry.value
            // Expand the shorthand that matters for colours.
            if entry.property == "background" {
                result["background-color"] = CSSColor.firstColor(in: entry.value)?.cssText ?? "transparent"
                result["background-image"] = entry.value.lowercased().contains("url(") || entry.value.lowercased().contains("gradient(") ? entry.value : "none"
            }
        }
        if cache.count < 100_000 { cache[index] = result }
        return result
    }

    private func matches(_ selector: SimpleSelector, tag: String, id: String?, classes: [String]) -> Bool {
        if let wanted = selector.tag, wanted != tag { return false }
        if let wanted = selector.id, wanted != id { return false }
        for wanted in selector.classes where !classes.contains(wanted) { return false }
        return true
    }

    // MARK: - Parsing

    fileprivate static func simpleSelector(_ text: String) -> SimpleSelector? {
        guard !text.isEmpty else { return nil }
        if text == "*" { return SimpleSelector(tag: nil, id: nil, classes: []) }
        var selector = SimpleSelector(tag: nil, id: nil, classes: [])
        var current = ""
        var kind: Character = "t"
        func flush() -> Bool {
            switch kind {
            case "t": if !current.isEmpty { selector.tag = current.lowercased() }
            case ".": guard !current.isEmpty else { return false }; selector.classes.append(current)
            case "#": guard !current.isEmpty, selector.id == nil else { return false }; selector.id = current
            default: return false
            }
            return true
        }
        for character in text {
            if character == "." || character == "#" {
                guard flush() else { return nil }
                kind = character
                current = ""
            } else if character.isLetter || character.isNumber || character == "-" || character == "_" {
                current.append(character)
            } else {
                return nil // combinators, attribute selectors, pseudo-classes: not resolved
            }
        }
        guard flush() else { return nil }
        return selector
    }

    fileprivate static func removingComments(_ css: String) -> String {
        guard css.contains("/*") else { return css }
        var result = ""
        var rest = css[...]
        while let start = rest.range(of: "/*") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].range(of: "*/") else { return result }
            rest = rest[end.upperBound...]
        }
        return result + rest
    }
}

/// The rules of one style sheet, parsed once; `order` is local to the sheet.
private struct ParsedStylesheet: Sendable {
    var rules: [StyleResolver.StyleRule] = []
    /// Properties set by rules that cannot be matched (complex selectors, at-rules).
    var unresolved: Set<String> = []
    var ruleCount = 0

    init(css stylesheet: String) {
        var order = 0
        let css = StyleResolver.removingComments(stylesheet)
        var cursor = css.startIndex
        while cursor < css.endIndex {
            guard let open = css[cursor...].firstIndex(of: "{") else { break }
            let prelude = css[cursor..<open].trimmingWhitespace()
            if prelude.hasPrefix("@"), let semicolon = css[cursor..<open].firstIndex(of: ";") {
                // A block-less at-rule (@charset, @import): skip to its end.
                if css[cursor..<open].trimmingWhitespace().hasPrefix("@import") {
                    for property in ["color", "background", "background-color", "background-image"] { unresolved.insert(property) }
                }
                cursor = css.index(after: semicolon)
                continue
            }
            if prelude.hasPrefix("@") {
                // At-rule with a block (@media, @supports…): skip it whole, remember what it sets.
                var depth = 0
                var end = open
                while end < css.endIndex {
                    if css[end] == "{" { depth += 1 }
                    if css[end] == "}" { depth -= 1; if depth == 0 { break } }
                    end = css.index(after: end)
                }
                let inner = css[css.index(after: open)..<min(end, css.endIndex)]
                for piece in inner.split(separator: "{").dropFirst() {
                    let body = piece.split(separator: "}").first.map(String.init) ?? ""
                    for declaration in CSSDeclaration.parse(list: body) { unresolved.insert(declaration.property) }
                }
                cursor = end < css.endIndex ? css.index(after: end) : css.endIndex
                continue
            }
            guard let close = css[open...].firstIndex(of: "}") else { break }
            let body = String(css[css.index(after: open)..<close])
            let declarations = CSSDeclaration.parse(list: body)
            for selectorText in prelude.split(separator: ",") {
                if let selector = StyleResolver.simpleSelector(String(selectorText).trimmingWhitespace()) {
                    rules.append(StyleResolver.StyleRule(selector: selector, order: order, declarations: declarations))
                } else {
                    for declaration in declarations { unresolved.insert(declaration.property) }
                }
            }
            order += 1
            cursor = css.index(after: close)
        }
        ruleCount = order
    }
}

/// One `property: value [!important]` declaration.
struct CSSDeclaration: Equatable, Sendable {
    var property: String
    var value: String
    var important: Bool

    static func parse(list: String) -> [CSSDeclaration] {
        var result: [CSSDeclaration] = []
        for part in list.split(separator: ";") {
            guard let colon = part.firstIndex(of: ":") else { continue }
            let property = part[..<colon].trimmingWhitespace().lowercased()
            var value = part[part.index(after: colon)...].trimmingWhitespace()
            var important = false
            if let bang = value.range(of: "!important", options: [.caseInsensitive]) {
                important = true
                value = String(value[..<bang.lowerBound]).trimmingWhitespace()
            }
            guard !property.isEmpty else { continue }
            result.append(CSSDeclaration(property: property, value: value, important: important))
        }
        return result
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
