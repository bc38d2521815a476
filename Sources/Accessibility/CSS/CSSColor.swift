/// An sRGB colour from CSS, with alpha.
struct CSSColor: Equatable, Sendable {
    var red: Double, green: Double, blue: Double
    var alpha: Double

    init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha
    }

    static let white = CSSColor(red: 255, green: 255, blue: 255)
    static let black = CSSColor(red: 0, green: 0, blue: 0)

    var cssText: String { "rgba(\(Int(red)),\(Int(green)),\(Int(blue)),\(alpha))" }

    /// WCAG 2 relative luminance.
    var luminance: Double {
        func channel(_ value: Double) -> Double {
            let c = value / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    }

    /// WCAG 2 contrast ratio, 1…21.
    static func contrast(_ a: CSSColor, _ b: CSSColor) -> Double {
        let (l1, l2) = (a.luminance, b.luminance)
        return (max(l1, l2) + 0.05) / (min(l1, l2) + 0.05)
    }

    /// Parses `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb()/rgba()` (numbers or %),
    /// `hsl()/hsla()`, named colours and `transparent`. Nil for anything else (`currentcolor`,
    /// `var()`, `lab()`…).
    init?(css text: String) {
        let value = text.trimmingWhitespace().lowercased()
        if value.hasPrefix("hsl(") || value.hasPrefix("hsla("), let color = CSSColor.hsl(value) { self = color; return }
        if value == "transparent" { self.init(red: 0, green: 0, blue: 0, alpha: 0); return }
        if let named = CSSColor.named[value] { self = named; return }
        if value.hasPrefix("#") {
            let hex = Array(value.dropFirst())
            func digit(_ c: Character) -> Double? { c.hexDigitValue.map(Double.init) }
            let digits = hex.compactMap(digit)
            guard digits.count == hex.count else { return nil }
            switch digits.count {
            case 3, 4:
                self.init(red: digits[0] * 17, green: digits[1] * 17, blue: digits[2] * 17,
                          alpha: digits.count == 4 ? digits[3] * 17 / 255 : 1)
            case 6, 8:
                self.init(red: digits[0] * 16 + digits[1], green: digits[2] * 16 + digits[3], blue: digits[4] * 16 + digits[5],
                          alpha: digits.count == 8 ? (digits[6] * 16 + digits[7]) / 255 : 1)
            default: return nil
            }
            return
        }
        if value.hasPrefix("rgb(") || value.hasPrefix("rgba("), value.hasSuffix(")"),
           let open = value.firstIndex(of: "(") {
            let inner = value[value.index(after: open)..<value.index(before: value.endIndex)]
            let parts = inner.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "/" }).map(String.init)
            guard parts.count == 3 || parts.count == 4 else { return nil }
            func component(_ s: String, scale: Double) -> Double? {
                if s.hasSuffix("%") { return Double(s.dropLast()).map { $0 / 100 * scale } }
                return Double(s)
            }
            guard let r = component(parts[0], scale: 255), let g = component(parts[1], scale: 255),
                  let b = component(parts[2], scale: 255) else { return nil }
            var a = 1.0
            if parts.count == 4 { guard let parsed = component(parts[3], scale: 1) else { return nil }; a = parsed }
            self.init(red: min(max(r, 0), 255), green: min(max(g, 0), 255), blue: min(max(b, 0), 255), alpha: min(max(a, 0), 1))
            return
        }
        return nil
    }

    /// `hsl(210 60% 26%)`, `hsla(210, 60%, 26%, 0.5)`; the hue in degrees (`deg`, `turn`,
    /// `rad`, `grad` or a bare number).
    private static func hsl(_ value: String) -> CSSColor? {
        guard value.hasSuffix(")"), let open = value.firstIndex(of: "(") else { return nil }
        let inner = value[value.index(after: open)..<value.index(before: value.endIndex)]
        let parts = inner.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "/" || $0 == "\t" }).map(String.init)
        guard parts.count == 3 || parts.count == 4 else { return nil }
        func hue(_ s: String) -> Double? {
            for (unit, factor) in [("deg", 1.0), ("grad", 0.9), ("rad", 180 / Double.pi), ("turn", 360.0)] where s.hasSuffix(unit) {
                return Double(s.dropLast(unit.count)).map { $0 * factor }
            }
            return Double(s)
        }
        func percent(_ s: String) -> Double? {
            let number = s.hasSuffix("%") ? Double(s.dropLast()) : Double(s)
            return number.map { min(max($0, 0), 100) / 100 }
        }
        guard let h = hue(parts[0]), let s = percent(parts[1]), let l = percent(parts[2]) else { return nil }
        var alpha = 1.0
        if parts.count == 4 {
            guard let a = parts[3].hasSuffix("%") ? Double(parts[3].dropLast()).map({ $0 / 100 }) : Double(parts[3]) else { return nil }
            alpha = min(max(a, 0), 1)
        }
        // CSS Color 4, hsl-to-rgb.
        let hue = (h.truncatingRemainder(dividingBy: 360) + 360).truncatingRemainder(dividingBy: 360)
        func f(_ n: Double) -> Double {
            let k = (n + hue / 30).truncatingRemainder(dividingBy: 12)
            let a = s * min(l, 1 - l)
            return l - a * max(-1, min(k - 3, 9 - k, 1))
        }
        return CSSColor(red: f(0) * 255, green: f(8) * 255, blue: f(4) * 255, alpha: alpha)
    }

    /// What the `background` shorthand says of the background colour.
    struct ShorthandBackground: Equatable, Sendable {
        /// The colour layer; nil when the shorthand gives none (it then resets it to transparent).
        var color: CSSColor?
        /// A token that is neither a colour the checker reads nor a known image, position,
        /// size, repeat, attachment or box value (`hsl(from …)`, `lab()`, `inherit`…).
        var unreadable: String?
        /// A `url()` or gradient layer.
        var hasImage: Bool
    }

    /// Reads `background: #fff url(x.png) no-repeat center / cover`.
    /// The tokens of a CSS value, cut at the separators that stand outside parentheses
    /// (`rgb(0 0 0 / 50%)` stays whole); empty tokens are dropped.
    static func tokens(of value: String, separatedBy isSeparator: (Character) -> Bool) -> [String] {
        var tokens: [String] = []
        var token = ""
        var depth = 0
        for character in value {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if depth == 0 && isSeparator(character) {
                if !token.isEmpty { tokens.append(token) }
                token = ""
            } else {
                token.append(character)
            }
        }
        if !token.isEmpty { tokens.append(token) }
        return tokens
    }

    static func shorthandBackground(_ value: String) -> ShorthandBackground {
        var result = ShorthandBackground(color: nil, unreadable: nil, hasImage: false)
        let tokens = Self.tokens(of: value) { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "/" || $0 == "," }
        for token in tokens {
            let lower = token.lowercased()
            if let open = lower.firstIndex(of: "(") {
                let function = lower[..<open]
                if function == "url" || function.hasSuffix("gradient") || function == "image-set" || function == "-webkit-image-set"
                    || function == "image" || function == "cross-fade" || function == "element" {
                    result.hasImage = true
                    continue
                }
            } else if Self.backgroundKeywords.contains(lower) {
                continue
            } else if let first = lower.unicodeScalars.first, first == "." || first == "+" || first == "-" || ("0"..."9").contains(first) {
                continue // position or size
            }
            if let color = CSSColor(css: lower) {
                result.color = color
            } else if result.unreadable == nil {
                result.unreadable = token
            }
        }
        return result
    }

    private static let backgroundKeywords: Set<String> = [
        "none", "repeat", "repeat-x", "repeat-y", "no-repeat", "space", "round", "scroll", "fixed", "local",
        "top", "bottom", "left", "right", "center", "border-box", "padding-box", "content-box", "text", "auto",
        "cover", "contain",
    ]

    /// Alpha-composites `self` over an opaque `background`.
    func over(_ background: CSSColor) -> CSSColor {
        CSSColor(red: red * alpha + background.red * (1 - alpha),
                 green: green * alpha + background.green * (1 - alpha),
                 blue: blue * alpha + background.blue * (1 - alpha))
    }

    static let named: [String: CSSColor] = {
        let table: [(String, UInt32)] = [
            ("black", 0x000000), ("silver", 0xc0c0c0), ("gray", 0x808080), ("grey", 0x808080), ("white", 0xffffff),
            ("maroon", 0x800000), ("red", 0xff0000), ("purple", 0x800080), ("fuchsia", 0xff00ff), ("magenta", 0xff00ff),
            ("green", 0x008000), ("lime", 0x00ff00), ("olive", 0x808000), ("yellow", 0xffff00), ("navy", 0x000080),
            ("blue", 0x0000ff), ("teal", 0x008080), ("aqua", 0x00ffff), ("cyan", 0x00ffff), ("orange", 0xffa500),
            ("darkgray", 0xa9a9a9), ("darkgrey", 0xa9a9a9), ("lightgray", 0xd3d3d3), ("lightgrey", 0xd3d3d3),
            ("dimgray", 0x696969), ("dimgrey", 0x696969), ("gainsboro", 0xdcdcdc), ("whitesmoke", 0xf5f5f5),
            ("darkblue", 0x00008b), ("darkred", 0x8b0000), ("darkgreen", 0x006400), ("lightblue", 0xadd8e6),
            ("lightyellow", 0xffffe0), ("pink", 0xffc0cb), ("brown", 0xa52a2a), ("gold", 0xffd700),
            ("beige", 0xf5f5dc), ("ivory", 0xfffff0), ("khaki", 0xf0e68c), ("coral", 0xff7f50), ("salmon", 0xfa8072),
            ("tomato", 0xff6347), ("crimson", 0xdc143c), ("indigo", 0x4b0082), ("violet", 0xee82ee),
            ("lightgreen", 0x90ee90), ("skyblue", 0x87ceeb), ("steelblue", 0x4682b4), ("slategray", 0x708090),
            ("slategrey", 0x708090), ("darkslategray", 0x2f4f4f), ("lightslategray", 0x778899),
        ]
        var result: [String: CSSColor] = [:]
        for (name, rgb) in table {
            result[name] = CSSColor(red: Double(rgb >> 16 & 0xff), green: Double(rgb >> 8 & 0xff), blue: Double(rgb & 0xff))
        }
        return result
    }()
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
