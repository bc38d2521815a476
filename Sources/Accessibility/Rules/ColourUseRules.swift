// MARK: - 10.5 Couleurs de police et de fond

/// 10.5.1–10.5.3 colour declarations: text whose colour the style sheet sets while neither
/// its element nor any parent declares a background colour (10.5.1), a background colour
/// with no text colour declared on the element or a parent (10.5.2), a background image with
/// no background colour to fall back on (10.5.3). A visitor who sets their own default
/// colours (dark background, light text) then gets text on a background the author never
/// saw. For a human: a rule the checker cannot apply (`:hover`, `@media`) may give the
/// missing colour, and whether the text stays legible is a matter of looking.
///
/// Walks the page once with a stack of what each depth inherits; a declaration is only
/// reported once some text is actually drawn with it, and once per style sheet rule.
final class ColourDeclarationRule: Rule {
    let elements: Set<String> = []

    /// An element whose declaration still waits for its companion declaration.
    private struct Pending {
        var element: Int
        var origin: DeclarationOrigin
    }

    private struct Inherited {
        var depth: Int
        var colour = false
        var background = false
        var colourWithoutBackground: Pending?
        var backgroundWithoutColour: Pending?
        var imageWithoutBackground: Pending?
    }

    private var stack: [Inherited] = []
    private var reported: Set<String> = []
    /// Parsed `background` shorthands, kept from page to page.
    private let parseCache = CSSParseCache.forCurrentThread
    static let maximumFindings = 10

    func visit(_ element: Int, in page: PageContext) {
        let nodes = page.document.nodes
        let depth = nodes[element].depth
        while let top = stack.last, top.depth >= depth { stack.removeLast() }
        guard page.styles.hasStyles else { return }
        var inherited = stack.last ?? Inherited(depth: -1)
        inherited.depth = depth
        defer { stack.append(inherited) }
        // Below an element that declares both colours (body, most often), nothing can be missing.
        if inherited.colour && inherited.background && inherited.colourWithoutBackground == nil
            && inherited.backgroundWithoutColour == nil && inherited.imageWithoutBackground == nil { return }
        let declared = page.styles.declared(element)
        if !declared.isEmpty {
            let setsColour = declared.color.map(Self.isColourValue) ?? false
            let setsBackground = declared.backgroundColor.map(backgroundHasColour) ?? false
            let setsImage = declared.backgroundImage.map(backgroundHasImage) ?? false
            if setsBackground {
                inherited.background = true
                inherited.colourWithoutBackground = nil
                inherited.imageWithoutBackground = nil
                if !inherited.colour && !setsColour, let origin = declared.backgroundColorOrigin {
                    inherited.backgroundWithoutColour = Pending(element: element, origin: origin)
                }
            }
            if setsColour {
                inherited.colour = true
                inherited.backgroundWithoutColour = nil
                if !inherited.background, let origin = declared.colorOrigin {
                    inherited.colourWithoutBackground = Pending(element: element, origin: origin)
                }
            }
            if setsImage, !inherited.background, let origin = declared.backgroundImageOrigin {
                inherited.imageWithoutBackground = Pending(element: element, origin: origin)
            }
        }
        guard inherited.colourWithoutBackground != nil || inherited.backgroundWithoutColour != nil
                || inherited.imageWithoutBackground != nil,
              reported.count < Self.maximumFindings, !page.notRendered[element], !page.inForeignContent[element],
              ContrastRule.hasText(element, in: page.document) else { return }
        if let pending = inherited.colourWithoutBackground {
            report("10.5.1", pending, property: "color", page) { Messages.colourWithoutBackground($0) }
        }
        if let pending = inherited.backgroundWithoutColour {
            report("10.5.2", pending, property: "background-color", page) { Messages.backgroundWithoutColour($0) }
        }
        if let pending = inherited.imageWithoutBackground {
            report("10.5.3", pending, property: "background-image", page) { Messages.imageWithoutBackgroundColour($0) }
        }
    }

    /// Once per test and rule of a style sheet (once per element for a `style` attribute).
    private func report(_ test: String, _ pending: Pending, property: String, _ page: PageContext,
                        _ wording: (String) -> Wording) {
        let key = pending.origin.isStyleAttribute ? "\(test) @\(pending.element)" : "\(test) \(pending.origin.source) \(pending.origin.rule)"
        guard reported.insert(key).inserted else { return }
        page.report(test, .aVerifier, at: pending.element, wording(Self.whereDeclared(pending, property: property, in: page)))
    }

    /// « .note { color: #595959 } » (/assets/site.css, ligne 12), or the `style` attribute.
    private static func whereDeclared(_ pending: Pending, property: String, in page: PageContext) -> String {
        let declared = page.styles.declared(pending.element)
        let value: String
        switch property {
        case "color": value = declared.color ?? ""
        case "background-color": value = declared.backgroundColor?.text ?? ""
        default: value = declared.backgroundImage?.text ?? ""
        }
        let shown = declared.backgroundColor?.fromShorthand == true && property != "color" ? "background" : property
        guard let rule = page.styles.describe(pending.origin) else {
            return "attribut style : « \(Messages.q("\(shown): \(value)")) »"
        }
        let sheet = page.node(rule.node)
        let place = sheet.name == "style" ? "balise <style>, ligne \(rule.line) du HTML"
            : "\(Messages.q(sheet.attribute("href") ?? "feuille de styles")), ligne \(rule.line)"
        return "« \(Messages.q(rule.selector)) { \(Messages.q("\(shown): \(value)")) } », \(place)"
    }

    /// A colour, not a keyword that only passes on the parent's (`inherit`, `currentcolor`).
    static func isColourValue(_ value: String) -> Bool {
        let normalized = ContrastRule.normalized(value)
        return !["inherit", "unset", "currentcolor", "revert", "revert-layer", "initial"].contains(normalized)
    }

    private func backgroundHasColour(_ value: DeclaredValue) -> Bool {
        let text = ContrastRule.normalized(value.text)
        if CSSVariables.containsReference(text) { return true } // a colour the checker cannot read: assume one
        if value.fromShorthand { return shorthand(text).color.map { $0.alpha > 0 } ?? (shorthand(text).unreadable != nil) }
        return !["transparent", "inherit", "unset", "initial", "revert", "revert-layer", "none"].contains(text)
    }

    private func backgroundHasImage(_ value: DeclaredValue) -> Bool {
        let text = ContrastRule.normalized(value.text)
        if value.fromShorthand { return shorthand(text).hasImage }
        return text.contains("url(") || text.contains("gradient(") || text.contains("image-set(")
    }

    private func shorthand(_ value: String) -> CSSColor.ShorthandBackground { parseCache.shorthand(value) }
}

// MARK: - 10.6 Liens dans le texte

/// 10.6.1 a link inside a block of text (a paragraph, a list item… with text of its own)
/// whose underline the style sheet removes, with nothing else than its colour to tell it
/// from the text around it (no border, outline, shadow, weight, style, size or case of its
/// own), is seen only by its colour: its colour must then contrast 3:1 with the text's
/// (ACT and axe `link-in-text-block`). Non-conforme when both colours are computed and no
/// rule the checker cannot apply (other than `:hover`, `:focus`, `:visited`) may change
/// them; "à vérifier" otherwise, and when the contrast is enough but no `:hover` rule shows
/// the link otherwise than by colour (the test asks for it).
///
/// Only links whose underline a rule removes are looked at, then their block once: the
/// colours come from `ContrastRule`'s computed styles, visited just before.
final class LinkInTextRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["a"]
    private let colours: ContrastRule
    private var textBlocks: [Int: Bool] = [:]
    /// `text-decoration` values already read (a theme sets the same one on every link).
    private var decorations: [String: Bool] = [:]
    private var reported: Set<String> = []
    private var candidates = 0
    private var hoverChecked = false

    static let maximumCandidates = 200
    static let blockNames: Set<String> = ["p", "li", "dd", "dt", "td", "th", "blockquote", "figcaption", "caption", "address",
                                          "div", "label", "legend", "summary", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                                          "section", "article", "main", "body", "form", "fieldset", "footer", "header",
                                          "nav", "aside", "ul", "ol", "dl", "table", "tr", "figure", "details"]
    /// Uses of these rules the checker cannot apply may change what it decides.
    static let uncertainProperties = ["color", "text-decoration", "text-decoration-line", "font-weight", "font-size",
                                      "font-style", "box-shadow", "outline", "display"]

    init(colours: ContrastRule) { self.colours = colours }

    func visit(_ element: Int, in page: PageContext) {
        let document = page.document
        let nodes = document.nodes
        let node = NodeView(nodes, element)
        guard node.has("href"), candidates < Self.maximumCandidates, !page.notRendered[element],
              !page.inForeignContent[element], let link = colours.computed(atDepth: node.depth) else { return }
        let declared = page.styles.declared(element)
        // The browser underlines links: only a link whose underline a rule removes is seen by colour alone.
        guard let decoration = declared.textDecoration else { return }
        let removes: Bool
        if let known = decorations[decoration] { removes = known } else {
            removes = Self.removesUnderline(decoration)
            if decorations.count < 256 { decorations[decoration] = removes }
        }
        guard removes else { return }
        candidates += 1
        guard !Self.hasOtherCue(declared), declared.backgroundImage == nil,
              declared.display.map({ ContrastRule.normalized($0) == "inline" }) ?? true,
              !Self.styledInside(element, in: page), Self.linkHasText(element, in: document),
              let block = document.ancestors(of: element).first(where: { Self.blockNames.contains(nodes[$0].name) }),
              !Self.laidOutApart(element, block: block, in: page),
              isTextBlock(block, in: page), let around = colours.computed(atDepth: nodes[block].depth) else { return }
        // A weight, a size or a background of its own tells the link apart too.
        if link.bold != around.bold { return }
        if let a = link.fontSize, let b = around.fontSize, abs(a - b) > 0.5 { return }
        if declared.backgroundColor != nil, link.background != around.background { return }

        // The browser's colour for links, unless a rule gives one.
        let linkColour: CSSColor? = declared.color == nil ? CSSColor(red: 0, green: 0, blue: 0xee) : link.color
        guard let foreground = linkColour.flatMap({ Self.opaque($0, on: link.background) }),
              let text = around.color.flatMap({ Self.opaque($0, on: around.background) }) else {
            if reported.insert("unknown").inserted {
                page.report("10.6.1", .aVerifier, at: element, Messages.linkColourNotComputable)
            }
            return
        }
        let ratio = CSSColor.contrast(foreground, text)
        if ratio < 3 - 0.0001 {
            guard reported.insert("\(Messages.hex(foreground)) \(Messages.hex(text))").inserted else { return }
            let certain = !link.colorUncertain && !around.colorUncertain
                && !page.styles.hasUnresolvedRulesOutsideStates(setting: Self.uncertainProperties, prefixes: ["border"])
            page.report("10.6.1", certain ? .nonConforme : .aVerifier, at: element,
                        Messages.linkOnlyByColour(ratio: ratio, link: foreground, text: text))
        } else if !hoverChecked {
            hoverChecked = true
            if !page.styles.sheetFacts.contains(where: { $0.facts.hoverCue }) {
                page.report("10.6.1", .aVerifier, at: element, Messages.linkByColourWithoutHoverCue(ratio: ratio))
            }
        }
    }

    /// `text-decoration: none`, `text-decoration-line: none`, `initial`, `unset`: no line.
    static func removesUnderline(_ value: String) -> Bool {
        let normalized = ContrastRule.normalized(value)
        if normalized == "initial" || normalized == "unset" { return true }
        let tokens = normalized.split(whereSeparator: \.isWhitespace)
        return tokens.contains("none") && !tokens.contains { $0 == "underline" || $0 == "overline" || $0 == "line-through" }
    }

    /// A border, outline, shadow, font style, family, variant or case that the link has of its own.
    static func hasOtherCue(_ declared: DeclaredStyle) -> Bool {
        for declaration in declared.extras {
            let value = ContrastRule.normalized(declaration.value)
            let tokens = value.split(whereSeparator: \.isWhitespace)
            switch declaration.name {
            case "font-style", "font-variant": if value != "normal" && value != "inherit" { return true }
            case "text-transform": if value != "none" && value != "inherit" { return true }
            case "box-shadow": if value != "none" { return true }
            case "font-family": return true
            default:
                // Borders and outlines: anything but none, hidden, 0 or transparent shows.
                let invisible = tokens.allSatisfy { $0 == "none" || $0 == "hidden" || $0 == "transparent" || SheetFacts.isZeroLength($0) }
                if !invisible && !declaration.name.hasSuffix("-color") && !declaration.name.hasSuffix("-radius") { return true }
            }
        }
        return false
    }

    /// An element inside the link with a style of its own (its text may look otherwise).
    static func styledInside(_ link: Int, in page: PageContext) -> Bool {
        let end = page.document.subtreeEnd(of: link)
        guard end - link < 64 else { return true }
        for index in (link + 1)..<end where page.node(index).kind == .element {
            if !page.styles.declared(index).isEmpty { return true }
        }
        return false
    }

    static func linkHasText(_ link: Int, in document: HTMLDocument) -> Bool {
        ContrastRule.hasText(link, in: document)
            || document.children(of: link).contains { document.nodes[$0].kind == .element && ContrastRule.hasText($0, in: document) }
    }

    /// The link is set apart from the text by the layout: a flex or grid block, a table display.
    static func laidOutApart(_ link: Int, block: Int, in page: PageContext) -> Bool {
        var current = page.node(link).parent
        while current >= 0 {
            if let display = page.styles.declared(current).display {
                let value = ContrastRule.normalized(display)
                if value.contains("flex") || value.contains("grid") || value.hasPrefix("table") { return true }
            }
            if current == block { return false }
            current = page.node(current).parent
        }
        return false
    }

    /// The block holds text outside its links and outside nested blocks (at least two
    /// letters): the link sits in a line of text. Each block is read once.
    private func isTextBlock(_ block: Int, in page: PageContext) -> Bool {
        if let known = textBlocks[block] { return known }
        let document = page.document
        var index = block + 1
        let end = document.subtreeEnd(of: block)
        var letters = 0
        var found = false
        while index < end {
            let node = document.view(index)
            if node.kind == .element {
                if node.name == "a" || Self.blockNames.contains(node.name) || page.notRendered[index]
                    || node.name == "script" || node.name == "style" {
                    index = document.subtreeEnd(of: index)
                    continue
                }
            } else {
                for scalar in node.text.unicodeScalars where scalar.properties.isAlphabetic {
                    letters += 1
                    if letters >= 2 { break }
                }
                if letters >= 2 { found = true; break }
            }
            index += 1
        }
        textBlocks[block] = found
        return found
    }

    /// A colour as drawn: a translucent one over a known opaque background, or nil.
    static func opaque(_ colour: CSSColor, on background: CSSColor?) -> CSSColor? {
        if colour.alpha >= 1 { return colour }
        return background.map { colour.over($0) }
    }
}

// MARK: - 3.3 Contraste des composants d’interface

/// 3.3.1 the border a style sheet gives a form field or a button, when it is what shows the
/// control: its colour must contrast 3:1 with the background around the control, unless the
/// control's own background already does. Non-conforme when the border, the control's
/// background and the background around it are all computed (the browser's own field
/// background is white, its button grey); nothing when one of them is not (an image, a
/// translucent layer, a `var()` the checker cannot read) or when the border is the browser's.
/// Disabled controls are exempt, as RGAA says.
final class ControlBorderRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["input", "select", "textarea", "button"]
    private let colours: ContrastRule
    private var reported: Set<String> = []
    /// Sides already computed on this page, by border declarations and custom properties.
    private var knownSides: [String: [Side]?] = [:]

    init(colours: ContrastRule) { self.colours = colours }

    static let textInputTypes: Set<String> = ["", "text", "email", "tel", "url", "search", "password", "number", "date",
                                              "time", "datetime-local", "month", "week"]
    static let buttonInputTypes: Set<String> = ["submit", "reset", "button"]
    /// The browsers' default button backgrounds (Chrome, Firefox, Safari): a button passes when
    /// any of them would.
    static let defaultButtonBackgrounds = [CSSColor(red: 0xef, green: 0xef, blue: 0xef), CSSColor(red: 0xe9, green: 0xe9, blue: 0xed),
                                           CSSColor(red: 0xf0, green: 0xf0, blue: 0xf0)]

    /// One side of the border, as the cascade leaves it (the browser's until a rule says otherwise).
    struct Side: Equatable {
        var style = "inset"
        var zeroWidth = false
        /// nil: the browser's colour, or currentColor.
        var colour: CSSColor?
        var currentColour = false
        /// False when a value could not be read.
        var known = true
        var visible: Bool { style != "none" && style != "hidden" && !zeroWidth }
    }

    func visit(_ element: Int, in page: PageContext) {
        let node = page.node(element)
        guard !page.notRendered[element], !page.inForeignContent[element],
              let control = colours.computed(atDepth: node.depth), !control.disabled,
              let around = colours.computed(atDepth: node.depth - 1), let backdrop = around.background else { return }
        let isButton: Bool
        switch node.name {
        case "input":
            let type = node.attribute("type")?.trimmingWhitespace().lowercased() ?? ""
            if Self.textInputTypes.contains(type) { isButton = false }
            else if Self.buttonInputTypes.contains(type) { isButton = true }
            else { return }
        case "button": isButton = true
        default: isButton = false
        }
        let declared = page.styles.declared(element)
        guard declared.extras.contains(where: { $0.property == .border }) else { return }
        var key = "\(control.variablesVersion)"
        for declaration in declared.extras where declaration.property == .border { key += ";\(declaration.name):\(declaration.value)" }
        let computedSides: [Side]?
        if let known = knownSides[key] { computedSides = known } else {
            computedSides = Self.sides(declared.extras, variables: control.variables)
            if knownSides.count < 256 { knownSides[key] = computedSides }
        }
        guard let sides = computedSides else { return }
        let visible = sides.filter(\.visible)
        guard !visible.isEmpty else { return }
        // The text colour, for a border in currentColor: the browser's black unless a rule sets one.
        let text = declared.color == nil ? CSSColor.black : control.color
        var borderColours: [CSSColor] = []
        for side in visible {
            guard side.known else { return }
            guard let colour = side.currentColour ? text : side.colour else { return }
            borderColours.append(colour.alpha < 1 ? colour.over(backdrop) : colour)
        }
        let borderRatio = borderColours.map { CSSColor.contrast($0, backdrop) }.max() ?? 21
        guard borderRatio < 3 - 0.0001 else { return }
        // The control's own background may be what shows it.
        let ownBackgrounds: [CSSColor]
        if declared.backgroundColor != nil || declared.backgroundImage != nil {
            guard let own = control.background else { return }
            ownBackgrounds = [own]
        } else {
            ownBackgrounds = isButton ? Self.defaultButtonBackgrounds : [.white]
        }
        guard ownBackgrounds.allSatisfy({ CSSColor.contrast($0, backdrop) < 3 - 0.0001 }) else { return }
        let worst = borderColours.max { CSSColor.contrast($0, backdrop) < CSSColor.contrast($1, backdrop) } ?? borderColours[0]
        guard reported.insert("\(isButton) \(Messages.hex(worst)) \(Messages.hex(backdrop))").inserted else { return }
        let certain = !control.colorUncertain && !control.backgroundUncertain && !around.backgroundUncertain
            && !page.styles.hasUnresolvedRulesOutsideStates(setting: ["background", "background-color", "color"], prefixes: ["border"])
        page.report("3.3.1", certain ? .nonConforme : .aVerifier, at: element,
                    Messages.controlBorderContrast(ratio: borderRatio, border: worst, background: backdrop, button: isButton))
    }

    /// The four sides after the border declarations, in cascade order; nil when one of them
    /// is a logical property (`border-inline`…) or holds something the checker cannot read.
    static func sides(_ declarations: [CompiledDeclaration], variables: CSSVariables.Values) -> [Side]? {
        // top, right, bottom, left; the browser's border until a rule says otherwise.
        var sides = [Side](repeating: Side(), count: 4)
        for declaration in declarations where declaration.property == .border {
            let raw: String
            switch CSSVariables.substitute(declaration.value, lookup: { variables[$0] }) {
            case .success(let value): raw = ContrastRule.normalized(value)
            case .failure: return nil
            }
            let name = declaration.name
            let indices: [Int]
            var part = ""
            switch name {
            case "border", "border-width", "border-style", "border-color":
                indices = [0, 1, 2, 3]
                part = String(name.dropFirst("border".count))
            default:
                let pieces = name.split(separator: "-")
                guard pieces.count >= 2, let side = ["top", "right", "bottom", "left"].firstIndex(of: String(pieces[1])) else { return nil }
                indices = [side]
                part = pieces.count > 2 ? "-" + pieces[2...].joined(separator: "-") : ""
            }
            let tokens = CSSColor.tokens(of: raw, separatedBy: \.isWhitespace)
            if raw == "inherit" || raw == "revert" || raw == "revert-layer" { return nil }
            switch part {
            case "":
                // Shorthand: what it does not give is reset (medium, none, currentColor).
                var side = Side(style: "none", zeroWidth: false, colour: nil, currentColour: true, known: true)
                for token in tokens {
                    if borderStyles.contains(token) { side.style = token }
                    else if isWidth(token) { side.zeroWidth = SheetFacts.isZeroLength(Substring(token)) }
                    else if token == "currentcolor" { side.colour = nil; side.currentColour = true }
                    else if let colour = CSSColor(css: token) { side.colour = colour; side.currentColour = false }
                    else { side.known = false }
                }
                for index in indices { sides[index] = side }
            case "-style":
                for (index, value) in expand(tokens, for: indices) {
                    if borderStyles.contains(value) { sides[index].style = value } else { sides[index].known = false }
                }
            case "-width":
                for (index, value) in expand(tokens, for: indices) {
                    if isWidth(value) { sides[index].zeroWidth = SheetFacts.isZeroLength(Substring(value)) } else { sides[index].known = false }
                }
            case "-color":
                for (index, value) in expand(tokens, for: indices) {
                    if value == "currentcolor" { sides[index].colour = nil; sides[index].currentColour = true; continue }
                    guard let colour = CSSColor(css: value) else { sides[index].known = false; continue }
                    sides[index].colour = colour
                    sides[index].currentColour = false
                }
            default:
                return nil
            }
        }
        return sides
    }

    static let borderStyles: Set<String> = ["none", "hidden", "dotted", "dashed", "solid", "double", "groove", "ridge", "inset", "outset"]

    static func isWidth(_ token: String) -> Bool {
        if token == "thin" || token == "medium" || token == "thick" { return true }
        guard let first = token.unicodeScalars.first else { return false }
        return first == "." || ("0"..."9").contains(first)
    }

    /// 1 to 4 values in the CSS order (top, right, bottom, left), for the sides asked.
    static func expand(_ tokens: [String], for indices: [Int]) -> [(Int, String)] {
        guard !tokens.isEmpty else { return [] }
        if indices.count == 1 { return [(indices[0], tokens[0])] }
        let all: [String]
        switch tokens.count {
        case 1: all = [tokens[0], tokens[0], tokens[0], tokens[0]]
        case 2: all = [tokens[0], tokens[1], tokens[0], tokens[1]]
        case 3: all = [tokens[0], tokens[1], tokens[2], tokens[1]]
        default: all = Array(tokens.prefix(4))
        }
        return indices.map { ($0, all[$0]) }
    }
}
