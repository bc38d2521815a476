import Foundation

/// What a style sheet says that the cascade (`StyleResolver`) does not keep, because it lives
/// in `@media` blocks or behind state pseudo-classes: content turned a quarter turn for one
/// screen orientation (13.9), focus outlines removed (10.7), content revealed on hover only
/// (10.14), boxes wider than a 320 px screen (10.11). Read once per sheet text, with the
/// parsed sheet, so a theme linked from every page costs nothing per page.
struct SheetFacts: Sendable {
    /// A rule inside `@media (orientation: …)` that rotates its elements by about 90°.
    struct OrientationLock: Sendable, Equatable {
        var selectors: [String]
        var media: String
        var declaration: String
    }
    /// A rule that removes the focus outline; `onFocus` when its selector is a `:focus` one,
    /// `replaced` when the same rule gives another visible change (border, shadow, background…).
    struct OutlineRemoval: Sendable, Equatable {
        var selector: String
        var declaration: String
        var onFocus: Bool
        var replaced: Bool
    }
    struct Reveal: Sendable, Equatable {
        var selector: String
        var declaration: String
    }
    struct FixedWidth: Sendable, Equatable {
        var selectors: [String]
        var declaration: String
    }

    var orientationLocks: [OrientationLock] = []
    var outlineRemovals: [OutlineRemoval] = []
    /// Some `:focus`, `:focus-visible` or `:focus-within` rule gives a visible change.
    var stylesFocus = false
    /// `:hover` rules that show another element (or a generated `::before`/`::after`) with
    /// no `:focus`/`:focus-within` twin in the sheet.
    var hoverOnlyReveals: [Reveal] = []
    /// `width`/`min-width` over 320 px outside a `min-width` media query, without `max-width`.
    var fixedWidths: [FixedWidth] = []
    /// Some `:hover` rule changes something else than colour (an underline, a border, an
    /// outline, a shadow, a background, the weight): what RGAA 10.6.1 asks of a link that
    /// only its colour tells apart.
    var hoverCue = false

    var isEmpty: Bool {
        orientationLocks.isEmpty && outlineRemovals.isEmpty && hoverOnlyReveals.isEmpty && fixedWidths.isEmpty && !hoverCue
    }

    init() {}

    /// - Parameter css: the sheet, comments already removed.
    init(css: String) {
        // Cheap exit for the common case: nothing this type looks for.
        let lower = css.lowercased()
        guard lower.contains("orientation") || lower.contains("outline") || lower.contains(":hover")
                || lower.contains("width") else { return }
        var hovers: [(selector: String, normalized: String, declaration: String)] = []
        var focusTwins: Set<String> = []
        walk(Substring(css), media: [], hovers: &hovers, focusTwins: &focusTwins)
        hoverOnlyReveals = hovers.filter { !focusTwins.contains($0.normalized) }
            .map { Reveal(selector: $0.selector, declaration: $0.declaration) }
    }

    /// At-rules whose blocks hold style rules (the rest, `@keyframes`, `@font-face`, `@page`, are skipped).
    private static let groupingRules = ["@media", "@supports", "@layer", "@container", "@document"]
    static let maximumDepth = 8

    private mutating func walk(_ css: Substring, media: [String],
                               hovers: inout [(selector: String, normalized: String, declaration: String)],
                               focusTwins: inout Set<String>) {
        let utf8 = css.utf8
        var cursor = utf8.startIndex
        while cursor < utf8.endIndex {
            guard let open = utf8[cursor...].firstIndex(of: UInt8(ascii: "{")) else { return }
            let prelude = css[cursor..<open]
            if prelude.trimmingWhitespace().hasPrefix("@"),
               let semicolon = utf8[cursor..<open].firstIndex(of: UInt8(ascii: ";")) {
                cursor = utf8.index(after: semicolon) // @import, @charset: no block
                continue
            }
            // The matching close brace.
            var depth = 0
            var end = open
            while end < utf8.endIndex {
                if utf8[end] == UInt8(ascii: "{") { depth += 1 }
                if utf8[end] == UInt8(ascii: "}") { depth -= 1; if depth == 0 { break } }
                end = utf8.index(after: end)
            }
            let inner = css[utf8.index(after: open)..<end]
            cursor = end < utf8.endIndex ? utf8.index(after: end) : utf8.endIndex
            let head = prelude.trimmingWhitespace()
            if head.hasPrefix("@") {
                let lowered = head.lowercased()
                // (Depth bounded: hostile nesting must not exhaust a worker thread's stack.)
                if media.count < Self.maximumDepth, Self.groupingRules.contains(where: { lowered.hasPrefix($0) }) {
                    if lowered.hasPrefix("@media"), StyleResolver.printOnly(String(lowered.dropFirst(6))) { continue }
                    walk(inner, media: media + [head], hovers: &hovers, focusTwins: &focusTwins)
                }
                continue
            }
            // Nested blocks (CSS nesting) are not read.
            guard !inner.utf8.contains(UInt8(ascii: "{")) else { continue }
            styleRule(selectors: CSSSelector.splitList(prelude).map { String($0).collapsingWhitespace() }.filter { !$0.isEmpty },
                      declarations: CSSDeclaration.parse(list: inner), media: media, hovers: &hovers, focusTwins: &focusTwins)
        }
    }

    private mutating func styleRule(selectors: [String], declarations: [CSSDeclaration], media: [String],
                                    hovers: inout [(selector: String, normalized: String, declaration: String)],
                                    focusTwins: inout Set<String>) {
        guard !selectors.isEmpty, !declarations.isEmpty else { return }
        let conditions = media.map { $0.lowercased().filter { !$0.isWhitespace } }
        // 13.9 orientation.
        if conditions.contains(where: { $0.contains("orientation:portrait") || $0.contains("orientation:landscape") }) {
            for declaration in declarations where declaration.property == "transform" || declaration.property == "rotate" {
                let degrees = declaration.property == "rotate" ? Self.rotateProperty(declaration.value) : Self.transformRotation(declaration.value)
                if let degrees, Self.isQuarterTurn(degrees) {
                    let condition = media.first { $0.lowercased().contains("orientation") } ?? ""
                    orientationLocks.append(OrientationLock(selectors: selectors, media: condition.collapsingWhitespace(),
                                                            declaration: "\(declaration.property): \(declaration.value)"))
                }
            }
        }
        // 10.7 focus.
        let focusSelectors = selectors.filter { $0.lowercased().contains(":focus") }
        let visibleChange = declarations.contains { Self.isVisibleFocusChange($0) }
        if !focusSelectors.isEmpty && visibleChange { stylesFocus = true }
        if let removal = declarations.first(where: Self.removesOutline) {
            let replaced = declarations.contains { Self.isVisibleFocusChange($0) && !$0.property.hasPrefix("outline") }
            for selector in selectors {
                outlineRemovals.append(OutlineRemoval(selector: selector, declaration: "\(removal.property): \(removal.value)",
                                                      onFocus: selector.lowercased().contains(":focus"), replaced: replaced))
            }
        }
        // 10.6 a change other than colour on hover.
        if !hoverCue, selectors.contains(where: { $0.lowercased().contains(":hover") }),
           declarations.contains(where: Self.isHoverCue) {
            hoverCue = true
        }
        // 10.14 hover.
        for selector in selectors {
            let lowered = selector.lowercased()
            if lowered.contains(":focus") {
                focusTwins.insert(lowered.replacingOccurrences(of: ":focus-within", with: ":hover")
                    .replacingOccurrences(of: ":focus-visible", with: ":hover").replacingOccurrences(of: ":focus", with: ":hover"))
            }
            guard let hover = lowered.range(of: ":hover", options: .backwards) else { continue }
            let after = lowered[hover.upperBound...]
            let pseudoElement = after.contains("::before") || after.contains("::after") || after.contains(":before") || after.contains(":after")
            let otherElement = after.contains(where: { $0 == " " || $0 == ">" || $0 == "+" || $0 == "~" })
            guard otherElement || pseudoElement else { continue }
            if let reveal = declarations.first(where: { Self.reveals($0, generated: pseudoElement && !otherElement) }) {
                hovers.append((selector, lowered, "\(reveal.property): \(reveal.value)"))
            }
        }
        // 10.11 reflow.
        if !conditions.contains(where: { $0.contains("min-width") || $0.contains("orientation:landscape") }),
           !declarations.contains(where: { $0.property == "max-width" }),
           let wide = declarations.first(where: { ($0.property == "width" || $0.property == "min-width") && Self.wider320($0.value) }) {
            fixedWidths.append(FixedWidth(selectors: selectors, declaration: "\(wide.property): \(wide.value)"))
        }
    }

    // MARK: - Values

    static func removesOutline(_ declaration: CSSDeclaration) -> Bool {
        let value = declaration.value.lowercased().trimmingWhitespace()
        switch declaration.property {
        case "outline":
            let parts = value.split(whereSeparator: \.isWhitespace)
            return parts.contains("none") || parts.contains("hidden") || parts.contains { isZeroLength($0) } || parts == ["transparent"]
        case "outline-style": return value == "none" || value == "hidden"
        case "outline-width": return isZeroLength(Substring(value))
        case "outline-color": return value == "transparent"
        default: return false
        }
    }

    static func isZeroLength(_ value: Substring) -> Bool {
        let number = value.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }
        guard let parsed = Double(number) else { return false }
        return parsed == 0 && ["", "px", "em", "rem", "pt"].contains(String(value.dropFirst(number.count)))
    }

    /// A declaration that makes a focused element look different (outline back, border,
    /// shadow, background, underline, colour).
    static func isVisibleFocusChange(_ declaration: CSSDeclaration) -> Bool {
        let property = declaration.property
        if property == "outline" || property == "outline-style" || property == "outline-width" || property == "outline-color" {
            return !removesOutline(declaration)
        }
        return property.hasPrefix("border") || property == "box-shadow" || property.hasPrefix("background")
            || property.hasPrefix("text-decoration") || property == "color" || property == "filter"
    }

    /// A declaration that changes a link on hover otherwise than by its colour.
    static func isHoverCue(_ declaration: CSSDeclaration) -> Bool {
        let property = declaration.property
        let value = declaration.value.lowercased()
        if property == "text-decoration" || property == "text-decoration-line" {
            return value.contains("underline") || value.contains("overline")
        }
        if property.hasPrefix("outline") || property.hasPrefix("border") { return !removesOutline(CSSDeclaration(property: "outline", value: value, important: false)) }
        return property == "box-shadow" || property.hasPrefix("background") || property == "font-weight"
    }

    static func reveals(_ declaration: CSSDeclaration, generated: Bool) -> Bool {
        let value = declaration.value.lowercased().trimmingWhitespace()
        switch declaration.property {
        case "display": return value != "none"
        case "visibility": return value == "visible"
        case "opacity": return (Double(value) ?? 0) > 0
        case "max-height", "height": return !isZeroLength(Substring(value)) && value != "none"
        case "clip": return value == "auto"
        case "clip-path": return value == "none"
        case "content": return generated && value != "none" && value != "normal" && value != "\"\"" && value != "''"
        default: return false
        }
    }

    static func wider320(_ raw: String) -> Bool {
        let value = raw.lowercased().trimmingWhitespace()
        for (unit, factor) in [("rem", 16.0), ("em", 16.0), ("px", 1.0), ("pt", 4.0 / 3.0), ("cm", 96 / 2.54), ("mm", 96 / 25.4), ("in", 96.0)] {
            if value.hasSuffix(unit), let number = Double(value.dropLast(unit.count)) { return number * factor > 320.5 }
        }
        return false
    }

    /// An angle in degrees (`90deg`, `1.5708rad`, `100grad`, `0.25turn`, `0`).
    static func degrees(_ raw: some StringProtocol) -> Double? {
        let value = raw.lowercased().trimmingWhitespace()
        for (unit, factor) in [("deg", 1.0), ("grad", 0.9), ("rad", 180 / Double.pi), ("turn", 360.0)] where value.hasSuffix(unit) {
            return Double(value.dropLast(unit.count)).map { $0 * factor }
        }
        return Double(value) == 0 ? 0 : nil
    }

    /// The rotation of a `transform` value's 2D part, in degrees; nil when the checker cannot
    /// tell (skews, rotations about another axis, `var()`, unknown functions).
    static func transformRotation(_ raw: String) -> Double? {
        let value = raw.lowercased().trimmingWhitespace()
        if value == "none" { return 0 }
        var a = 1.0, b = 0.0, c = 0.0, d = 1.0
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "(") {
            let name = rest[..<open].trimmingWhitespace()
            guard let close = rest[open...].firstIndex(of: ")") else { return nil }
            let args = rest[rest.index(after: open)..<close].split(separator: ",").map { $0.trimmingWhitespace() }
            rest = rest[rest.index(after: close)...]
            var m: (Double, Double, Double, Double)
            switch name {
            case "rotate", "rotatez":
                guard args.count == 1, let angle = degrees(args[0]) else { return nil }
                let r = angle * .pi / 180
                m = (cos(r), sin(r), -sin(r), cos(r))
            case "rotate3d":
                guard args.count == 4, let x = Double(args[0]), let y = Double(args[1]), let z = Double(args[2]),
                      let angle = degrees(args[3]) else { return nil }
                if x == 0 && y == 0 && z != 0 {
                    let r = angle * .pi / 180 * (z > 0 ? 1 : -1)
                    m = (cos(r), sin(r), -sin(r), cos(r))
                } else if angle.truncatingRemainder(dividingBy: 360) == 0 {
                    m = (1, 0, 0, 1)
                } else {
                    return nil
                }
            case "matrix":
                let numbers = args.compactMap { Double($0) }
                guard args.count == 6, numbers.count == 6 else { return nil }
                m = (numbers[0], numbers[1], numbers[2], numbers[3])
            case "matrix3d":
                let numbers = args.compactMap { Double($0) }
                guard args.count == 16, numbers.count == 16 else { return nil }
                m = (numbers[0], numbers[1], numbers[4], numbers[5])
            case "translate", "translatex", "translatey", "translatez", "translate3d", "perspective":
                m = (1, 0, 0, 1)
            case "scale", "scalex", "scaley", "scale3d":
                let numbers = args.compactMap { Double($0) }
                guard numbers.count == args.count, !numbers.isEmpty else { return nil }
                let sx = name == "scaley" ? 1 : numbers[0]
                let sy = name == "scalex" ? 1 : (name == "scaley" ? numbers[0] : (numbers.count > 1 ? numbers[1] : numbers[0]))
                m = (sx, 0, 0, sy)
            default:
                return nil
            }
            // (a c; b d) × (m0 m2; m1 m3)
            (a, b, c, d) = (a * m.0 + c * m.1, b * m.0 + d * m.1, a * m.2 + c * m.3, b * m.2 + d * m.3)
        }
        guard rest.trimmingWhitespace().isEmpty, a != 0 || b != 0 else { return nil }
        return atan2(b, a) * 180 / .pi
    }

    /// The `rotate` property: `none`, an angle, `z <angle>` or `0 0 1 <angle>`.
    static func rotateProperty(_ raw: String) -> Double? {
        let parts = raw.lowercased().split(whereSeparator: \.isWhitespace)
        if parts == ["none"] { return 0 }
        if parts.count == 1 { return degrees(parts[0]) }
        if parts.count == 2, parts[0] == "z" { return degrees(parts[1]) }
        if parts.count == 4, Double(parts[0]) == 0, Double(parts[1]) == 0, let z = Double(parts[2]), z != 0 {
            return degrees(parts[3]).map { z > 0 ? $0 : -$0 }
        }
        if let angle = degrees(parts.last ?? ""), angle.truncatingRemainder(dividingBy: 360) == 0 { return 0 }
        return nil
    }

    /// Between 45° and 135° (mod 180): portrait content shown as landscape, or the reverse.
    static func isQuarterTurn(_ degrees: Double) -> Bool {
        var r = degrees.truncatingRemainder(dividingBy: 180)
        if r < 0 { r += 180 }
        return r > 45 && r < 135
    }
}
