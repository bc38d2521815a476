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
        /// The `<style>` or `<link>` element.
        let node: Int
    }

    private var sources: [Source] = []
    /// What each sheet holds beyond the cascade (`SheetFacts`), with its `<style>` or
    /// `<link>` element, in document order; only sheets with something to say.
    private(set) var sheetFacts: [(node: Int, facts: SheetFacts)] = []
    /// Properties set by rules this resolver cannot match (complex selectors, at-rules).
    private var unresolvedProperties: Set<String> = []
    /// The same, without the rules that only apply in a state the user brings about
    /// (`:hover`, `:focus`, `:active`, `:visited`): what may change the page as it first shows.
    private var unresolvedOutsideStates: Set<String> = []
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
    /// Per node, the `AncestorFilter` of its ancestors; made on the first element resolved.
    private var ancestorFilters: [UInt64] = []

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
                if !inline && nodes[index].attribute("style") != nil { inline = true }
                let tag = nodes[index].tag
                guard tag == .style || tag == .link else { continue }
                if tag == .style {
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
                        unresolvedProperties.formUnion(Self.unreadableSheetProperties)
                        unresolvedOutsideStates.formUnion(Self.unreadableSheetProperties)
                    }
                }
            }
        }
        hasRules = !sources.isEmpty
        hasStyles = inline || hasRules || !unresolvedProperties.isEmpty
    }

    /// What a style sheet the checker cannot read may set, as far as the rules care.
    static let unreadableSheetProperties: Set<String> = ["color", "background", "background-color", "background-image",
                                                         "text-decoration", "text-decoration-line", "border", "border-color"]

    private func add(_ sheet: ParsedStylesheet, node: Int, order: inout Int) {
        if !sheet.facts.isEmpty { sheetFacts.append((node, sheet.facts)) }
        if !sheet.rules.isEmpty { sources.append(Source(sheet: sheet, orderOffset: order, node: node)) }
        order += sheet.ruleCount
        unresolvedProperties.formUnion(sheet.unresolved)
        unresolvedOutsideStates.formUnion(sheet.unresolvedOutsideStates)
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

    /// True when a rule the resolver could not match, other than one that only applies on
    /// `:hover`, `:focus`, `:active` or `:visited`, sets one of `properties` or a property
    /// starting with one of `prefixes` (`"border"`): the page as it first shows may differ.
    func hasUnresolvedRulesOutsideStates(setting properties: [String], prefixes: [String] = []) -> Bool {
        if properties.contains(where: unresolvedOutsideStates.contains) { return true }
        guard !prefixes.isEmpty else { return false }
        return unresolvedOutsideStates.contains { name in prefixes.contains { name.hasPrefix($0) } }
    }

    /// Where a declaration comes from, as a message tells it: the rule's selector, the
    /// `<style>` or `<link>` element, and the line in the style sheet (for `<link>`) or in
    /// the page (for `<style>`). Nil for a `style` attribute.
    func describe(_ origin: DeclarationOrigin) -> (selector: String, node: Int, line: Int)? {
        guard origin.source >= 0, Int(origin.source) < sources.count else { return nil }
        let source = sources[Int(origin.source)]
        guard Int(origin.rule) < source.sheet.rules.count else { return nil }
        let rule = source.sheet.rules[Int(origin.rule)]
        let line = document.nodes[source.node].name == "style" ? max(document.nodes[source.node].line, 1) + rule.line - 1 : rule.line
        return (rule.selectorText, source.node, line)
    }

    /// The cascaded (not inherited) declarations of an element: rules by specificity then
    /// order, then `style=""`, `!important` last.
    func declared(_ index: Int) -> DeclaredStyle {
        let nodes = document.nodes
        guard nodes[index].kind == .element else { return empty }
        if !hasRules && !nodes[index].flags.contains(.style) { return empty }
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
        let classes = nodes[index].flags.contains(.class) ? nodes[index].attribute("class") : nil
        let id = nodes[index].flags.contains(.id) ? nodes[index].attribute("id") : nil
        let tag = nodes[index].tag
        let sources = self.sources
        if ancestorFilters.isEmpty { ancestorFilters = AncestorFilter.ancestors(of: nodes) }
        let ancestorFilters = self.ancestorFilters
        for position in sources.indices {
            let sheet = sources[position].sheet
            let offset = sources[position].orderOffset
            if !sheet.universalRules.isEmpty {
                Self.consider(sheet.universalRules, sheet, offset, position, index, nodes, &matched, ancestorFilters, &budget, &exhausted, &lost)
            }
            if tag != .other {
                if !sheet.rulesByElementTag[tag.index].isEmpty {
                    Self.consider(sheet.rulesByElementTag[tag.index], sheet, offset, position, index, nodes, &matched, ancestorFilters, &budget, &exhausted, &lost)
                }
            } else if !sheet.rulesByOtherTag.isEmpty, let rules = sheet.rulesByOtherTag[nodes[index].name] {
                Self.consider(rules, sheet, offset, position, index, nodes, &matched, ancestorFilters, &budget, &exhausted, &lost)
            }
            if let id, !sheet.rulesByID.isEmpty, let rules = sheet.rulesByID[id] {
                Self.consider(rules, sheet, offset, position, index, nodes, &matched, ancestorFilters, &budget, &exhausted, &lost)
            }
            if let classes, !sheet.rulesByClass.isEmpty {
                ClassList.forEach(classes) {
                    if let rules = sheet.rulesByClass[$0] {
                        Self.consider(rules, sheet, offset, position, index, nodes, &matched, ancestorFilters, &budget, &exhausted, &lost)
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
                    for declaration in rule.declarations {
                        unresolvedProperties.insert(declaration.name)
                        unresolvedOutsideStates.insert(declaration.name)
                    }
                }
            }
        }
        let inline = (nodes[index].flags.contains(.style) ? nodes[index].attribute("style") : nil).map { CompiledDeclaration.compile(CSSDeclaration.parse(list: $0)) } ?? []
        guard !matched.isEmpty || !inline.isEmpty else { return empty }
        if matched.count > 1 { matched.sort { $0.key < $1.key } }
        let style = DeclaredStyle()
        for important in [false, true] {
            for entry in matched {
                let origin = DeclarationOrigin(source: Int32(entry.source), rule: Int32(entry.rule))
                sources[entry.source].sheet.rules.withUnsafeBufferPointer { sheetRules in
                    for declaration in sheetRules[entry.rule].declarations where declaration.important == important {
                        style.apply(declaration, origin: origin)
                    }
                }
            }
            for declaration in inline where declaration.important == important { style.apply(declaration, origin: .styleAttribute) }
        }
        return style.isEmpty ? empty : style
    }

    private static func consider(_ rules: [Int32], _ sheet: ParsedStylesheet, _ offset: Int, _ position: Int, _ element: Int,
                                 _ nodes: UnsafeBufferPointer<HTMLDocument.Node>, _ matched: inout [(key: Int, source: Int, rule: Int)],
                                 _ ancestorFilters: [UInt64],
                                 _ budget: inout Int, _ exhausted: inout Bool, _ lost: inout Bool) {
        // Through the buffer: copying a rule (selector, declarations, texts) for every
        // candidate of every element was a good part of the cascade's retain/release traffic.
        sheet.rules.withUnsafeBufferPointer { sheetRules in
            for ruleIndex in rules {
                let index = Int(ruleIndex)
                if exhausted && sheetRules[index].selector.compounds.count > 1 { lost = true; continue }
                let required = sheetRules[index].selector.ancestorMask
                if required != 0 && ancestorFilters[element] & required != required { continue }
                guard sheetRules[index].selector.matches(element, in: nodes, budget: &budget, exhausted: &exhausted) else {
                    if exhausted { lost = true }
                    continue
                }
                matched.append(((sheetRules[index].selector.specificity << 32) | (offset + sheetRules[index].order), position, index))
            }
        }
    }

    // MARK: - Parsing helpers

    /// The sheet without its comments, and where the removed comments held line breaks
    /// (offset in the result, number of line breaks), so that a rule's line in the
    /// original text can still be told.
    static func removingCommentsCountingLines(_ css: String) -> (css: String, removedLines: [(offset: Int, count: Int)]) {
        let bytes = Array(css.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var removedLines: [(offset: Int, count: Int)] = []
        var index = 0
        var copied = 0
        var found = false
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "/") && bytes[index + 1] == UInt8(ascii: "*") {
                found = true
                output.append(contentsOf: bytes[copied..<index])
                var end = index + 2
                while end + 1 < bytes.count && !(bytes[end] == UInt8(ascii: "*") && bytes[end + 1] == UInt8(ascii: "/")) { end += 1 }
                guard end + 1 < bytes.count else { return (String(decoding: output, as: UTF8.self), removedLines) } // unterminated
                let breaks = bytes[index..<end].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
                if breaks > 0 { removedLines.append((output.count, breaks)) }
                index = end + 2
                copied = index
            } else {
                index += 1
            }
        }
        guard found else { return (css, []) }
        output.append(contentsOf: bytes[copied...])
        return (String(decoding: output, as: UTF8.self), removedLines)
    }
}

/// The properties the checker reads, each with its own slot in `DeclaredStyle`.
enum StyleProperty: UInt8, Sendable {
    case color, background, backgroundColor, backgroundImage, opacity, position, mixBlendMode, textShadow
    case fontSize, fontWeight, display, visibility, custom
    /// `text-decoration` and `text-decoration-line` (both set the line).
    case textDecoration
    /// `border` and its longhands (not `border-radius`, `border-collapse`, `border-spacing`,
    /// `border-image`), kept in cascade order in `DeclaredStyle.extras`.
    case border
    /// What else makes a link stand out from the text around it without colour (outline,
    /// shadow, font style or family, capitals), kept in `DeclaredStyle.extras` too.
    case cue

    init?(name: String) {
        if name.hasPrefix("--") { self = .custom; return }
        if name.hasPrefix("border") {
            if name == "border-radius" || name == "border-collapse" || name == "border-spacing"
                || name.hasPrefix("border-image") || name.hasSuffix("-radius") { return nil }
            self = .border
            return
        }
        switch name {
        case "text-decoration", "text-decoration-line": self = .textDecoration; return
        case "outline", "outline-style", "outline-width", "box-shadow", "font-style", "font-family", "font-variant",
             "text-transform": self = .cue; return
        default: break
        }
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

/// The rule a declaration comes from: a rule of a style sheet (`source` and `rule` are
/// indices in the resolver's sources), or the `style` attribute (`source` -1).
struct DeclarationOrigin: Hashable, Sendable {
    var source: Int32
    var rule: Int32
    static let styleAttribute = DeclarationOrigin(source: -1, rule: -1)
    var isStyleAttribute: Bool { source < 0 }
}

/// The cascaded declarations of one element, for the properties the checker reads. A class,
/// so that handing it to each rule costs a retain, not a copy; filled by the resolver's
/// cascade, then only read.
final class DeclaredStyle {
    private(set) var color: String?
    /// The rule each colour declaration comes from (10.5 points at it).
    private(set) var colorOrigin: DeclarationOrigin?
    private(set) var backgroundColorOrigin: DeclarationOrigin?
    private(set) var backgroundImageOrigin: DeclarationOrigin?
    private(set) var textDecoration: String?
    /// Border and other visual-cue declarations (`StyleProperty.border`, `.cue`), in cascade
    /// order: a later one overrides an earlier one for the same longhand.
    private(set) var extras: [CompiledDeclaration] = []
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

    func apply(_ declaration: CompiledDeclaration, origin: DeclarationOrigin = .styleAttribute) {
        isEmpty = false
        let value = declaration.value
        switch declaration.property {
        case .color: color = value; colorOrigin = origin
        case .background:
            backgroundColor = DeclaredValue(text: value, fromShorthand: true)
            backgroundImage = DeclaredValue(text: value, fromShorthand: true)
            backgroundColorOrigin = origin
            backgroundImageOrigin = origin
        case .backgroundColor: backgroundColor = DeclaredValue(text: value, fromShorthand: false); backgroundColorOrigin = origin
        case .backgroundImage: backgroundImage = DeclaredValue(text: value, fromShorthand: false); backgroundImageOrigin = origin
        case .textDecoration: textDecoration = value
        case .border, .cue: extras.append(declaration)
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
        case "text-decoration", "text-decoration-line": textDecoration
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
        /// The selector as written (one of a list), whitespace folded.
        let selectorText: String
        /// 1-based line of the rule in the sheet.
        let line: Int
    }

    let rules: [Rule]
    /// Rule indices by the most selective part of their subject: each rule is in one bucket.
    let rulesByID: [String: [Int32]]
    let rulesByClass: [String: [Int32]]
    /// Rules by the element name of their subject, as an `ElementTag` index (one array read
    /// per element, not a hashed name); names `ElementTag` does not list are in `rulesByOtherTag`.
    let rulesByElementTag: [[Int32]]
    let rulesByOtherTag: [String: [Int32]]
    let universalRules: [Int32]
    /// Properties set by rules that cannot be matched (complex selectors, at-rules).
    let unresolved: Set<String>
    /// The same, leaving out rules that only apply on `:hover`, `:focus`, `:active`, `:visited`.
    let unresolvedOutsideStates: Set<String>
    let ruleCount: Int
    /// What the sheet says beyond the cascade (orientation, focus, hover, widths).
    let facts: SheetFacts

    init(css stylesheet: String) {
        var rules: [Rule] = []
        var unresolved: Set<String> = []
        var outsideStates: Set<String> = []
        var order = 0
        let (css, removedLines) = StyleResolver.removingCommentsCountingLines(stylesheet)
        facts = SheetFacts(css: css)
        // Lines, counted forward as the parse goes (plus those of removed comments).
        var currentLine = 1
        var lineCursor = css.utf8.startIndex
        var lineOffset = 0
        var removed = removedLines[...]
        func lineNumber(at index: String.Index) -> Int {
            while lineCursor < index {
                if css.utf8[lineCursor] == UInt8(ascii: "\n") { currentLine += 1 }
                lineCursor = css.utf8.index(after: lineCursor)
                lineOffset += 1
            }
            while let first = removed.first, first.offset <= lineOffset { currentLine += first.count; removed = removed.dropFirst() }
            return currentLine
        }
        var cursor = css.startIndex
        while cursor < css.endIndex {
            guard let open = css.utf8[cursor...].firstIndex(of: UInt8(ascii: "{")) else { break }
            let prelude = css[cursor..<open].trimmingWhitespace()
            if prelude.hasPrefix("@"), let semicolon = css.utf8[cursor..<open].firstIndex(of: UInt8(ascii: ";")) {
                // A block-less at-rule (@charset, @import): skip to its end.
                if css[cursor..<open].trimmingWhitespace().hasPrefix("@import") {
                    unresolved.formUnion(StyleResolver.unreadableSheetProperties)
                    outsideStates.formUnion(StyleResolver.unreadableSheetProperties)
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
                        for declaration in CSSDeclaration.parse(list: body) {
                            unresolved.insert(declaration.property)
                            outsideStates.insert(declaration.property)
                        }
                    }
                }
                cursor = end < css.endIndex ? css.utf8.index(after: end) : css.endIndex
                continue
            }
            guard let close = css.utf8[open...].firstIndex(of: UInt8(ascii: "}")) else { break }
            let declarations = CompiledDeclaration.compile(CSSDeclaration.parse(list: css[css.utf8.index(after: open)..<close]))
            if !declarations.isEmpty {
                // The line of the selector's first character.
                let start = css.utf8[cursor..<open].firstIndex { !ClassList.isSpace($0) } ?? open
                let ruleLine = lineNumber(at: start)
                for selectorText in CSSSelector.splitList(css[cursor..<open]) {
                    if let selector = CSSSelector(parsing: selectorText) {
                        rules.append(Rule(selector: selector, order: order, declarations: declarations,
                                          selectorText: String(selectorText).collapsingWhitespace(), line: ruleLine))
                    } else {
                        for declaration in declarations { unresolved.insert(declaration.name) }
                        if !Self.onlyInAState(selectorText) {
                            for declaration in declarations { outsideStates.insert(declaration.name) }
                        }
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
        unresolvedOutsideStates = outsideStates
        ruleCount = order
        rulesByID = byID
        rulesByClass = byClass
        var byElementTag = [[Int32]](repeating: [], count: ElementTag.count)
        var byOtherTag: [String: [Int32]] = [:]
        for (name, indices) in byTag {
            let tag = ElementTag(name: name)
            if tag == .other { byOtherTag[name] = indices } else { byElementTag[tag.index] = indices }
        }
        rulesByElementTag = byElementTag
        rulesByOtherTag = byOtherTag
        universalRules = universal
    }
}

extension ParsedStylesheet {
    static let statePseudoClasses = [":focus-visible", ":focus-within", ":hover", ":focus", ":active", ":visited"]

    /// A selector the checker cannot match only because of a state the user brings about
    /// (`a:hover`, `.menu a:focus-visible`): without those pseudo-classes, it can.
    static func onlyInAState(_ selector: Substring) -> Bool {
        let lowered = selector.lowercased()
        guard !lowered.contains(":not("), statePseudoClasses.contains(where: lowered.contains) else { return false }
        var stripped = lowered
        for state in statePseudoClasses { stripped = stripped.replacingOccurrences(of: state, with: "") }
        return CSSSelector(parsing: stripped) != nil
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
