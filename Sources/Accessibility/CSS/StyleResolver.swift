#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// The CSS that the checker can resolve without a browser: `style=""` attributes, `<style>`
/// elements and linked style sheets, for rules whose selectors `CSSSelector` can match
/// (compounds of type, class, id, attribute and structural pseudo-classes, joined by any
/// combinator). Anything else (`:hover`, `::before`, `@media` other than print) is not
/// applied; `hasUnresolvedRules(setting:)` says whether such rules touch a property, so that
/// a rule can downgrade a certainty to "à vérifier".
///
/// Only the properties the rules read are kept (`StyleProperty`) plus custom properties, so
/// a page's cascade is a few comparisons per matching rule. Each element's declared style is
/// computed once, when first asked, and kept for the rest of the page.
final class StyleResolver {
    private struct Source {
        let sheet: ParsedStylesheet
        let orderOffset: Int
    }

    private var sources: [Source] = []
    /// What each sheet holds beyond the cascade (`SheetFacts`), with its `<style>` or
    /// `<link>` element, in document order; only sheets with something to say.
    private(set) var sheetFacts: [(node: Int, facts: SheetFacts)] = []
    /// Properties set by rules this resolver cannot match (complex selectors, at-rules).
    private var unresolvedProperties: Set<String> = []
    private let document: HTMLDocument
    /// Per node: index in `styles` (0: nothing declared), or -1 until computed.
    private var styleIndex: [Int32] = []
    private let empty: DeclaredStyle
    private var styles: [DeclaredStyle]
    private var hasRules = false
    /// Nodes that combinator matching may still look at on this page (see `CSSSelector.matches`).
    private var matchingBudget = 4_000_000
    private var matchingExhausted = false
    private var matched: [(key: Int, source: Int, rule: Int)] = []

    /// Linked style sheets are the same on every page of a site: parse each text once.
    private static let parsedSheets = Mutex<[Int: [(css: String, identity: UInt, sheet: ParsedStylesheet)]]>([:])

    static let maximumStylesheetBytes = 2 * 1024 * 1024

    /// False when the page has no `<style>`, no linked sheet that sets what the checker
    /// reads, and no `style=""`: nothing to resolve.
    private(set) var hasStyles = false

    /// - Parameter stylesheet: gives the text of a `<link rel="stylesheet" href>` (nil when
    ///   it cannot be read); style sheets are read in document order, like a browser does.
    init(document: HTMLDocument, stylesheet: ((String) -> String?)? = nil) {
        self.document = document
        empty = DeclaredStyle()
        styles = [empty]
        var order = 0
        var inline = false
        document.nodes.withUnsafeBufferPointer { nodes in
            for index in nodes.indices where nodes[index].kind == .element {
                if !inline && nodes[index].has("style") { inline = true }
                let name = nodes[index].name
                guard name == "style" || name == "link" else { continue }
                if name == "style" {
                    if Self.printOnly(nodes[index].attribute("media")) { continue }
                    var css = ""
                    var child = nodes[index].firstChild
                    while child >= 0 { css += nodes[child].text; child = nodes[child].nextSibling }
                    add(Self.parsed(css), node: index, order: &order)
                } else if let stylesheet, let href = nodes[index].attribute("href"),
                          let rel = nodes[index].attribute("rel"),
                          rel.lowercased().split(whereSeparator: \.isWhitespace).contains("stylesheet") {
                    let media = nodes[index].attribute("media")?.trimmingWhitespace().lowercased() ?? "all"
                    if Self.printOnly(media) { continue }
                    if let css = stylesheet(href), css.utf8.count <= Self.maximumStylesheetBytes {
                        if media == "all" || media == "screen" || media.isEmpty {
                            add(Self.parsed(css), node: index, order: &order)
                        } else {
                            // Conditional media: what it sets cannot be trusted either way.
                            // (Its media query kept, braces out, for what `SheetFacts` reads in it.)
                            let query = media.filter { $0 != "{" && $0 != "}" && $0 != ";" }
                            add(ParsedStylesheet(css: "@media " + query + " {" + css + "}"), node: index, order: &order)
                        }
                    } else {
                        // Unreadable: any property may come from it.
                        unresolvedProperties.formUnion(["color", "background", "background-color", "background-image"])
                    }
                }
            }
        }
        hasRules = !sources.isEmpty
        hasStyles = inline || hasRules || !unresolvedProperties.isEmpty
    }

    private func add(_ sheet: ParsedStylesheet, node: Int, order: inout Int) {
        if !sheet.facts.isEmpty { sheetFacts.append((node, sheet.facts)) }
        if !sheet.rules.isEmpty { sources.append(Source(sheet: sheet, orderOffset: order)) }
        order += sheet.ruleCount
        unresolvedProperties.formUnion(sheet.unresolved)
    }

    /// `media` lists only `print` (the checker looks at the page on a screen).
    static func printOnly(_ media: String?) -> Bool {
        guard let media = media?.lowercased() else { return false }
        let queries = media.split(separator: ",").map { $0.trimmingWhitespace() }
        return !queries.isEmpty && queries.allSatisfy { $0 == "print" || $0 == "only print" || $0.hasPrefix("print and ") || $0.hasPrefix("only print and ") }
    }

    /// A parsed sheet from the cache, keyed by a hash of its bytes (no Unicode
    /// normalisation) and checked byte for byte. The text of a linked sheet is usually the
    /// very string the caller keeps for the whole run (one read per sheet): when its bytes
    /// are where a cached text's bytes are, it is that text, and hashing it again (20 kB for
    /// a theme, on every page) is skipped. (The cache holds its texts, so their storage
    /// cannot be freed and reused by another string.)
    private static func parsed(_ css: String) -> ParsedStylesheet {
        var css = css
        let count = css.utf8.count
        let identity = css.withUTF8 { UInt(bitPattern: $0.baseAddress) }
        if identity != 0, count > 64,
           let known = parsedSheets.withLock({ cache in
               cache.values.lazy.flatMap { $0 }.first { $0.identity == identity && $0.css.utf8.count == count }?.sheet
           }) {
            return known
        }
        let hash = css.withUTF8 { bytes in
            var hasher = Hasher()
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
            hasher.combine(bytes.count)
            return hasher.finalize()
        }
        // Parsed under the lock: when every thread starts on the same theme, one parses it
        // and the others wait for it instead of parsing it too.
        return parsedSheets.withLock { cache in
            if let cached = cache[hash]?.first(where: { sameBytes($0.css, css) })?.sheet { return cached }
            let sheet = ParsedStylesheet(css: css)
            if cache.count >= 64 { cache.removeAll() } // a site has a handful of sheets
            var kept = css
            let keptIdentity = kept.withUTF8 { UInt(bitPattern: $0.baseAddress) }
            cache[hash, default: []].append((css: kept, identity: keptIdentity, sheet: sheet))
            return sheet
        }
    }

    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
    }

    /// True when a rule the resolver could not match sets one of `properties`.
    func hasUnresolvedRules(setting properties: [String]) -> Bool {
        properties.contains { unresolvedProperties.contains($0) }
    }

    /// True when a rule the resolver could not match sets the custom property `name`.
    func hasUnresolvedRules(setting name: String) -> Bool {
        unresolvedProperties.contains(name)
    }

    /// The cascaded (not inherited) declarations of an element: rules by specificity then
    /// order, then `style=""`, `!important` last.
    func declared(_ index: Int) -> DeclaredStyle {
        let nodes = document.nodes
        guard nodes[index].kind == .element else { return empty }
        if !hasRules && !nodes[index].has("style") { return empty }
        if styleIndex.isEmpty { styleIndex = Array(repeating: -1, count: nodes.count) }
        let known = styleIndex[index]
        if known >= 0 { return styles[Int(known)] }
        let style = nodes.withUnsafeBufferPointer { computeDeclared(index, in: $0) }
        if style === empty {
            styleIndex[index] = 0
        } else {
            styleIndex[index] = Int32(styles.count)
            styles.append(style)
        }
        return style
    }

    private func computeDeclared(_ index: Int, in nodes: UnsafeBufferPointer<HTMLDocument.Node>) -> DeclaredStyle {
        var matched: [(key: Int, source: Int, rule: Int)] = []
        swap(&matched, &self.matched) // keep the buffer unique: appends do not copy it
        defer { matched.removeAll(keepingCapacity: true); swap(&matched, &self.matched) }
        var budget = matchingBudget, exhausted = matchingExhausted
        var lost = false
        let classes = nodes[index].attribute("class")
        let id = nodes[index].attribute("id")
        let name = nodes[index].name
        let sources = self.sources
        for position in sources.indices {
            let sheet = sources[position].sheet
            let offset = sources[position].orderOffset
            if !sheet.universalRules.isEmpty {
                Self.consider(sheet.universalRules, sheet, offset, position, index, nodes, &matched, &budget, &exhausted, &lost)
            }
            if let rules = sheet.rulesByTag[name] {
                Self.consider(rules, sheet, offset, position, index, nodes, &matched, &budget, &exhausted, &lost)
            }
            if let id, !sheet.rulesByID.isEmpty, let rules = sheet.rulesByID[id] {
                Self.consider(rules, sheet, offset, position, index, nodes, &matched, &budget, &exhausted, &lost)
            }
            if let classes, !sheet.rulesByClass.isEmpty {
                ClassList.forEach(classes) {
                    if let rules = sheet.rulesByClass[$0] {
                        Self.consider(rules, sheet, offset, position, index, nodes, &matched, &budget, &exhausted, &lost)
                    }
                }
            }
        }
        matchingBudget = budget
        matchingExhausted = exhausted
        if lost {
            // Out of budget for combinators on this page: what those rules set is "not resolved".
            for source in sources {
                for rule in source.sheet.rules where rule.selector.compounds.count > 1 {
                    for declaration in rule.declarations { unresolvedProperties.insert(declaration.name) }
                }
            }
        }
        let inline = nodes[index].attribute("style").map { CompiledDeclaration.compile(CSSDeclaration.parse(list: $0)) } ?? []
        guard !matched.isEmpty || !inline.isEmpty else { return empty }
        if matched.count > 1 { matched.sort { $0.key < $1.key } }
        let style = DeclaredStyle()
        for important in [false, true] {
            for entry in matched {
                for declaration in sources[entry.source].sheet.rules[entry.rule].declarations where declaration.important == important {
                    style.apply(declaration)
                }
            }
            for declaration in inline where declaration.important == important { style.apply(declaration) }
        }
        return style.isEmpty ? empty : style
    }

    private static func consider(_ rules: [Int32], _ sheet: ParsedStylesheet, _ offset: Int, _ position: Int, _ element: Int,
                                 _ nodes: UnsafeBufferPointer<HTMLDocument.Node>, _ matched: inout [(key: Int, source: Int, rule: Int)],
                                 _ budget: inout Int, _ exhausted: inout Bool, _ lost: inout Bool) {
        for ruleIndex in rules {
            let rule = sheet.rules[Int(ruleIndex)]
            if exhausted && rule.selector.compounds.count > 1 { lost = true; continue }
            guard rule.selector.matches(element, in: nodes, budget: &budget, exhausted: &exhausted) else {
                if exhausted { lost = true }
                continue
            }
            matched.append(((rule.selector.specificity << 32) | (offset + rule.order), position, Int(ruleIndex)))
        }
    }

    // MARK: - Parsing helpers

    static func removingComments(_ css: String) -> String {
        let bytes = Array(css.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var copied = 0
        var found = false
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "/") && bytes[index + 1] == UInt8(ascii: "*") {
                found = true
                output.append(contentsOf: bytes[copied..<index])
                var end = index + 2
                while end + 1 < bytes.count && !(bytes[end] == UInt8(ascii: "*") && bytes[end + 1] == UInt8(ascii: "/")) { end += 1 }
                guard end + 1 < bytes.count else { return String(decoding: output, as: UTF8.self) } // unterminated
                index = end + 2
                copied = index
            } else {
                index += 1
            }
        }
        guard found else { return css }
        output.append(contentsOf: bytes[copied...])
        return String(decoding: output, as: UTF8.self)
    }
}

/// The properties the checker reads, each with its own slot in `DeclaredStyle`.
enum StyleProperty: UInt8, Sendable {
    case color, background, backgroundColor, backgroundImage, opacity, position, mixBlendMode, textShadow
    case fontSize, fontWeight, display, visibility, custom

    init?(name: String) {
        if name.hasPrefix("--") { self = .custom; return }
        switch name {
        case "color": self = .color
        case "background": self = .background
        case "background-color": self = .backgroundColor
        case "background-image": self = .backgroundImage
        case "opacity": self = .opacity
        case "position": self = .position
        case "mix-blend-mode": self = .mixBlendMode
        case "text-shadow": self = .textShadow
        case "font-size": self = .fontSize
        case "font-weight": self = .fontWeight
        case "display": self = .display
        case "visibility": self = .visibility
        default: return nil
        }
    }
}

/// A declaration the checker reads, its property looked up once when the sheet is parsed.
struct CompiledDeclaration: Sendable {
    var property: StyleProperty
    /// The property as written (lower case), or the custom property's name as written.
    var name: String
    var value: String
    var important: Bool

    static func compile(_ declarations: [CSSDeclaration]) -> [CompiledDeclaration] {
        declarations.compactMap { declaration in
            StyleProperty(name: declaration.property).map {
                CompiledDeclaration(property: $0, name: declaration.property, value: declaration.value, important: declaration.important)
            }
        }
    }
}

/// A declared value, and whether it came from the `background` shorthand (then it is the
/// whole shorthand, to be read once its `var()` are replaced).
struct DeclaredValue: Sendable, Equatable {
    var text: String
    var fromShorthand: Bool
}

/// The cascaded declarations of one element, for the properties the checker reads. A class,
/// so that handing it to each rule costs a retain, not a copy; filled by the resolver's
/// cascade, then only read.
final class DeclaredStyle {
    private(set) var color: String?
    private(set) var backgroundColor: DeclaredValue?
    private(set) var backgroundImage: DeclaredValue?
    private(set) var opacity: String?
    private(set) var position: String?
    private(set) var mixBlendMode: String?
    private(set) var textShadow: String?
    private(set) var fontSize: String?
    private(set) var fontWeight: String?
    private(set) var display: String?
    private(set) var visibility: String?
    /// Custom properties declared on the element itself (raw; inheritance is the caller's).
    private(set) var customProperties: [String: String] = [:]

    /// Nothing declared.
    private(set) var isEmpty = true

    func apply(_ declaration: CompiledDeclaration) {
        isEmpty = false
        let value = declaration.value
        switch declaration.property {
        case .color: color = value
        case .background:
            backgroundColor = DeclaredValue(text: value, fromShorthand: true)
            backgroundImage = DeclaredValue(text: value, fromShorthand: true)
        case .backgroundColor: backgroundColor = DeclaredValue(text: value, fromShorthand: false)
        case .backgroundImage: backgroundImage = DeclaredValue(text: value, fromShorthand: false)
        case .opacity: opacity = value
        case .position: position = value
        case .mixBlendMode: mixBlendMode = value
        case .textShadow: textShadow = value
        case .fontSize: fontSize = value
        case .fontWeight: fontWeight = value
        case .display: display = value
        case .visibility: visibility = value
        case .custom: customProperties[declaration.name] = value
        }
    }

    /// The declared value of a longhand by its CSS name (`display`, `color`…); a value from
    /// the `background` shorthand is given whole.
    subscript(property: String) -> String? {
        if isEmpty { return nil }
        return switch property {
        case "display": display
        case "visibility": visibility
        case "color": color
        case "background-color": backgroundColor?.text
        case "background-image": backgroundImage?.text
        case "opacity": opacity
        case "position": position
        case "mix-blend-mode": mixBlendMode
        case "text-shadow": textShadow
        case "font-size": fontSize
        case "font-weight": fontWeight
        default: property.hasPrefix("--") ? customProperties[property] : nil
        }
    }
}

/// The rules of one style sheet, parsed once and shared by every page that links it;
/// `order` is local to the sheet. Rules that set nothing the checker reads are dropped.
final class ParsedStylesheet: Sendable {
    struct Rule: Sendable {
        let selector: CSSSelector
        let order: Int
        let declarations: [CompiledDeclaration]
    }

    let rules: [Rule]
    /// Rule indices by the most selective part of their subject: each rule is in one bucket.
    let rulesByID: [String: [Int32]]
    let rulesByClass: [String: [Int32]]
    let rulesByTag: [String: [Int32]]
    let universalRules: [Int32]
    /// Properties set by rules that cannot be matched (complex selectors, at-rules).
    let unresolved: Set<String>
    let ruleCount: Int
    /// What the sheet says beyond the cascade (orientation, focus, hover, widths).
    let facts: SheetFacts

    init(css stylesheet: String) {
        var rules: [Rule] = []
        var unresolved: Set<String> = []
        var order = 0
        let css = StyleResolver.removingComments(stylesheet)
        facts = SheetFacts(css: css)
        var cursor = css.startIndex
        while cursor < css.endIndex {
            guard let open = css.utf8[cursor...].firstIndex(of: UInt8(ascii: "{")) else { break }
            let prelude = css[cursor..<open].trimmingWhitespace()
            if prelude.hasPrefix("@"), let semicolon = css.utf8[cursor..<open].firstIndex(of: UInt8(ascii: ";")) {
                // A block-less at-rule (@charset, @import): skip to its end.
                if css[cursor..<open].trimmingWhitespace().hasPrefix("@import") {
                    for property in ["color", "background", "background-color", "background-image"] { unresolved.insert(property) }
                }
                cursor = css.utf8.index(after: semicolon)
                continue
            }
            if prelude.hasPrefix("@") {
                // At-rule with a block (@media, @supports…): skip it whole, remember what it sets,
                // unless it cannot apply to a page on screen (print, fonts, page boxes).
                var depth = 0
                var end = open
                let utf8 = css.utf8
                while end < utf8.endIndex {
                    if utf8[end] == UInt8(ascii: "{") { depth += 1 }
                    if utf8[end] == UInt8(ascii: "}") { depth -= 1; if depth == 0 { break } }
                    end = utf8.index(after: end)
                }
                let lower = prelude.lowercased()
                let ignored = lower.hasPrefix("@font-face") || lower.hasPrefix("@page")
                    || (lower.hasPrefix("@media") && StyleResolver.printOnly(String(lower.dropFirst("@media".count))))
                if !ignored {
                    let inner = css[css.utf8.index(after: open)..<min(end, css.endIndex)]
                    for piece in inner.split(separator: "{").dropFirst() {
                        let body = piece.split(separator: "}").first.map(String.init) ?? ""
                        for declaration in CSSDeclaration.parse(list: body) { unresolved.insert(declaration.property) }
                    }
                }
                cursor = end < css.endIndex ? css.utf8.index(after: end) : css.endIndex
                continue
            }
            guard let close = css.utf8[open...].firstIndex(of: UInt8(ascii: "}")) else { break }
            let declarations = CompiledDeclaration.compile(CSSDeclaration.parse(list: css[css.utf8.index(after: open)..<close]))
            if !declarations.isEmpty {
                for selectorText in CSSSelector.splitList(css[cursor..<open]) {
                    if let selector = CSSSelector(parsing: selectorText) {
                        rules.append(Rule(selector: selector, order: order, declarations: declarations))
                    } else {
                        for declaration in declarations { unresolved.insert(declaration.name) }
                    }
                }
            }
            order += 1
            cursor = css.utf8.index(after: close)
        }
        var byID: [String: [Int32]] = [:], byClass: [String: [Int32]] = [:], byTag: [String: [Int32]] = [:]
        var universal: [Int32] = []
        for (index, rule) in rules.enumerated() {
            let subject = rule.selector.compounds[0]
            if let id = subject.id { byID[id, default: []].append(Int32(index)) }
            else if let first = subject.classes.first { byClass[first, default: []].append(Int32(index)) }
            else if let tag = subject.tag { byTag[tag, default: []].append(Int32(index)) }
            else if subject.pseudoClasses.contains(.root) { byTag["html", default: []].append(Int32(index)) }
            else { universal.append(Int32(index)) }
        }
        self.rules = rules
        self.unresolved = unresolved
        ruleCount = order
        rulesByID = byID
        rulesByClass = byClass
        rulesByTag = byTag
        universalRules = universal
    }
}

/// One `property: value [!important]` declaration.
struct CSSDeclaration: Equatable, Sendable {
    var property: String
    var value: String
    var important: Bool

    /// A declaration list (`color: red; background: url("a;b")`), split at the semicolons
    /// that are not inside quotes or parentheses.
    static func parse(list: some StringProtocol) -> [CSSDeclaration] {
        var result: [CSSDeclaration] = []
        let text = Substring(list)
        let utf8 = text.utf8
        var depth = 0
        var quote: UInt8 = 0
        var start = utf8.startIndex
        var index = utf8.startIndex
        func take(_ part: Substring) {
            guard let colon = part.utf8.firstIndex(of: UInt8(ascii: ":")) else { return }
            var property = part[..<colon].trimmingWhitespace()
            if !property.hasPrefix("--") { property = property.lowercased() } // custom properties are case-sensitive
            guard !property.isEmpty else { return }
            var value = part[part.utf8.index(after: colon)...].trimmingWhitespace()
            var important = false
            if let bang = value.utf8.lastIndex(of: UInt8(ascii: "!")),
               value[value.utf8.index(after: bang)...].trimmingWhitespace().lowercased() == "important" {
                important = true
                value = value[..<bang].trimmingWhitespace()
            }
            result.append(CSSDeclaration(property: property, value: value, important: important))
        }
        while index < utf8.endIndex {
            let byte = utf8[index]
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "(") {
                depth += 1
            } else if byte == UInt8(ascii: ")") {
                depth = max(depth - 1, 0)
            } else if byte == UInt8(ascii: ";") && depth == 0 {
                take(text[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        take(text[start...])
        return result
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        // Fast path: starts and ends with a visible ASCII character.
        let whole = String(self)
        if let first = whole.utf8.first, let last = whole.utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F {
            return whole
        }
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
