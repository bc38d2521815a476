// MARK: - 3.2 Contrastes

/// 3.2.1–3.2.4 text contrast, when the text colour and its background can both be resolved
/// from `style=""`, `<style>` and linked style sheets (selectors `CSSSelector` can match,
/// custom properties and `var()`, the `background` shorthand). Anything only a browser can
/// see (background images and gradients, opacity, text shadows, positioned layers without an
/// opaque background of their own) makes it silent, and rules it cannot match (`:hover`,
/// `::before`, `@media` other than print) downgrade a finding to "à vérifier".
///
/// A colour the checker cannot read (an undefined or cyclic `var()`, `lab()`…) is never
/// replaced by the one behind it: the finding says the contrast could not be computed and
/// why, once per cause and page.
///
/// The walk is in document order, so the computed style of the current element's ancestors
/// is a stack: memory stays proportional to the depth, time to the number of elements.
final class ContrastRule: Rule {
    let elements: Set<String> = []

    /// Why a colour could not be computed, told to the editor in a "cannot compute" finding.
    enum Unknown: Equatable, Sendable {
        /// A `var()` that cannot be replaced (undefined, cyclic, malformed).
        case variable(CSSVariables.Failure)
        /// A value that is not a colour the checker reads (`lab()`, a system colour…).
        case unreadable(String)
    }

    /// What the checker knows of an element's computed style.
    struct Computed {
        var depth: Int
        var color: CSSColor?          // nil: cannot be resolved
        var colorExplicit: Bool
        /// Why `color` is nil, when it is worth telling (not for text shadows).
        var colorProblem: Unknown?
        /// The colour came through a custom property that a rule not resolved also sets.
        var colorUncertain: Bool
        var background: CSSColor?     // opaque once resolved; nil: cannot be resolved
        var backgroundExplicit: Bool
        /// Why `background` is nil, when it is worth telling (not for images, opacity…).
        var backgroundProblem: Unknown?
        var backgroundUncertain: Bool
        var fontSize: Double?         // px; nil: cannot be resolved
        var bold: Bool
        var disabled: Bool
        /// Text of a disabled control's label: exempt, like the control.
        var exempt: Bool
        /// Computed custom properties, inherited.
        var variables: CSSVariables.Values
        /// Changes whenever an element declares custom properties: resolved values are
        /// cached per version.
        var variablesVersion: Int
    }

    private static let root = Computed(depth: -1, color: .black, colorExplicit: false, colorProblem: nil, colorUncertain: false,
                                       background: .white, backgroundExplicit: false, backgroundProblem: nil,
                                       backgroundUncertain: false, fontSize: 16, bold: false, disabled: false, exempt: false,
                                       variables: [:], variablesVersion: 0)

    private var stack: [Computed] = []

    /// The computed style of the element being visited (other rules visit it after this
    /// one) or of one of its ancestors, by depth; nil when the page has no style at all
    /// (then the browser's defaults apply: black text on white).
    func computed(atDepth depth: Int) -> Computed? {
        guard let first = stack.first else { return nil }
        let index = depth - first.depth
        guard index >= 0, index < stack.count, stack[index].depth == depth else {
            return stack.last(where: { $0.depth == depth })
        }
        return stack[index]
    }
    /// Labels of disabled controls, found once before the first visit: their text is exempt.
    private var exemptLabels: (ids: Set<String>, elements: Set<Int>)?
    /// Unknown colours already reported on this page (side and reason): one finding per
    /// cause, not one per text nor per element that repeats the same declaration.
    private var reportedCauses: Set<String> = []
    /// Parsed colours and `background` shorthands by declared value (kept from page to
    /// page), and the last contrast computed (neighbouring texts mostly share their colours).
    private let parseCache = CSSParseCache.forCurrentThread
    private var lastContrast: (foreground: CSSColor, background: CSSColor, ratio: Double)?

    func visit(_ element: Int, in page: PageContext) {
        let nodes = page.document.nodes
        let depth = nodes[element].depth
        while let top = stack.last, top.depth >= depth { stack.removeLast() }
        guard page.styles.hasStyles else { return } // default colours: black on white
        let traits = Self.traits(nodes[element].tag)
        var computed = compute(element, traits, parent: stack.last ?? Self.root, in: page)
        if exemptLabels == nil { exemptLabels = Self.labelsOfDisabledControls(in: page) }
        if !exemptLabels!.ids.isEmpty, let id = nodes[element].attribute("id"), exemptLabels!.ids.contains(id) { computed.exempt = true }
        if !exemptLabels!.elements.isEmpty, exemptLabels!.elements.contains(element) { computed.exempt = true }
        stack.append(computed)

        guard computed.colorExplicit || computed.backgroundExplicit,
              !page.notRendered[element], !page.hiddenFromAssistiveTechnologies[element], !computed.disabled, !computed.exempt,
              !traits.excluded, !page.insideForeignContent(element) else { return }
        let large = computed.fontSize.map { $0 >= 24 || (computed.bold && $0 >= 18.5) } ?? false
        let required = large ? 3.0 : 4.5
        let test = switch (large, computed.bold) {
        case (false, false): "3.2.1"
        case (false, true): "3.2.2"
        case (true, false): "3.2.3"
        case (true, true): "3.2.4"
        }
        if let text = computed.color, let background = computed.background {
            let foreground = text.alpha < 1 ? text.over(background) : text
            let ratio: Double
            if let last = lastContrast, last.foreground == foreground, last.background == background {
                ratio = last.ratio
            } else {
                ratio = CSSColor.contrast(foreground, background)
                lastContrast = (foreground, background, ratio)
            }
            guard ratio < required - 0.0001, Self.hasText(element, in: page.document) else { return }
            let uncertain = page.styles.hasUnresolvedRules(setting: Self.relevantProperties)
                || computed.colorUncertain || computed.backgroundUncertain
                || (computed.fontSize == nil && ratio >= 3)
            page.report(test, uncertain ? .aVerifier : .nonConforme, at: element,
                        Messages.lowContrast(ratio: ratio, required: required, text: foreground, background: background))
            return
        }
        // Never compute against a colour that is not known: say why, once per cause.
        let unknown: (reason: Unknown, onBackground: Bool)
        if computed.background == nil, let problem = computed.backgroundProblem {
            unknown = (problem, true)
        } else if computed.color == nil, let problem = computed.colorProblem {
            unknown = (problem, false)
        } else {
            return // an image, opacity, a shadow…: only a browser can tell
        }
        let cause = "\(unknown.onBackground) \(unknown.reason)"
        guard !reportedCauses.contains(cause), Self.hasText(element, in: page.document) else { return }
        reportedCauses.insert(cause)
        page.report(test, .aVerifier, at: element,
                    Messages.contrastNotComputable(unknown.reason, onBackground: unknown.onBackground, required: required))
    }

    static let relevantProperties = ["color", "background", "background-color", "background-image", "opacity",
                                     "font-size", "font-weight", "font", "text-shadow", "position", "display", "visibility"]


    /// Text in a human language among the element's own children: at least two letters
    /// (not "X", not "-----").
    static func hasText(_ element: Int, in document: HTMLDocument) -> Bool {
        let nodes = document.nodes
        var child = nodes[element].firstChild
        while child >= 0 {
            if nodes[child].kind == .text {
                var letters = 0
                for scalar in nodes[child].text.unicodeScalars {
                    let isLetter = scalar.isASCII
                        ? (scalar.value | 0x20) >= 0x61 && (scalar.value | 0x20) <= 0x7A
                        : scalar.properties.isAlphabetic
                    if isLetter { letters += 1; if letters == 2 { return true } }
                }
            }
            child = nodes[child].nextSibling
        }
        return false
    }

    /// A declared value with its `var()` replaced from the element's custom properties.
    private struct Resolved {
        var value: String?
        var failure: CSSVariables.Failure?
        /// A custom property it used is also set by a rule the checker cannot apply.
        var uncertain = false
    }

    private var resolvedCache: [String: Resolved] = [:]
    private var resolvedCacheVersion = 0
    private var latestVariablesVersion = 0

    private func resolve(_ raw: String, _ variables: CSSVariables.Values, version: Int, in page: PageContext) -> Resolved {
        guard CSSVariables.containsReference(raw) else { return Resolved(value: raw) }
        if version != resolvedCacheVersion {
            resolvedCache.removeAll(keepingCapacity: true)
            resolvedCacheVersion = version
        }
        if let known = resolvedCache[raw] { return known }
        let resolved = substitute(raw, variables, in: page)
        if resolvedCache.count < 4_096 { resolvedCache[raw] = resolved }
        return resolved
    }

    private func substitute(_ raw: String, _ variables: CSSVariables.Values, in page: PageContext) -> Resolved {
        var uncertain = false
        let result = CSSVariables.substitute(raw) { name in
            if page.styles.hasUnresolvedRules(setting: name) { uncertain = true }
            return variables[name]
        }
        switch result {
        case .success(let value): return Resolved(value: value, uncertain: uncertain)
        case .failure(let failure): return Resolved(value: nil, failure: failure, uncertain: uncertain)
        }
    }

    private func shorthand(_ value: String) -> CSSColor.ShorthandBackground { parseCache.shorthand(value) }

    /// Trimmed and lower-cased, without allocating when it already is.
    static func normalized(_ value: String) -> String {
        var value = value
        let clean = value.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last, first > 0x20, last > 0x20 else { return bytes.isEmpty }
            for byte in bytes where byte >= 0x80 || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) { return false }
            return true
        }
        return clean ? value : value.trimmingWhitespace().lowercased()
    }

    private func color(_ value: String) -> CSSColor? { parseCache.color(value) }

    private func compute(_ element: Int, _ traits: Traits, parent: Computed, in page: PageContext) -> Computed {
        let nodes = page.document.nodes
        let declared = page.styles.declared(element)
        var result = parent
        result.depth = nodes[element].depth
        if !declared.customProperties.isEmpty {
            result.variables = CSSVariables.compute(declared: declared.customProperties, inherited: parent.variables)
            latestVariablesVersion += 1
            result.variablesVersion = latestVariablesVersion
        }
        let variables = result.variables, version = result.variablesVersion
        /// The resolved value of an optional declaration, lower-cased and trimmed (nil when
        /// absent or when its `var()` cannot be replaced).
        func plain(_ raw: String?) -> String? {
            guard let raw else { return nil }
            return resolve(raw, variables, version: version, in: page).value.map(Self.normalized)
        }

        // Text colour.
        if let raw = declared.color {
            result.colorExplicit = true
            let resolved = resolve(raw, variables, version: version, in: page)
            result.colorUncertain = resolved.uncertain
            result.colorProblem = nil
            if let value = resolved.value {
                switch Self.normalized(value) {
                case "inherit", "unset", "currentcolor":
                    result.color = parent.color
                    result.colorProblem = parent.colorProblem
                    result.colorUncertain = parent.colorUncertain || resolved.uncertain
                case "initial", "revert", "revert-layer":
                    result.color = .black
                default:
                    result.color = color(value)
                    if result.color == nil { result.colorProblem = .unreadable(value) }
                }
            } else {
                result.color = nil
                result.colorProblem = resolved.failure.map { .variable($0) }
            }
        }
        if let shadow = plain(declared.textShadow), shadow != "none" { result.color = nil; result.colorProblem = nil }

        // Background: the element's own colour first (opaque, it hides whatever is behind).
        var ownOpaque = false
        if let declaredBackground = declared.backgroundColor {
            result.backgroundExplicit = true
            let resolved = resolve(declaredBackground.text, variables, version: version, in: page)
            var own: CSSColor?
            var problem: Unknown?
            if let value = resolved.value {
                if declaredBackground.fromShorthand {
                    let shorthand = shorthand(value)
                    if let token = shorthand.unreadable {
                        problem = .unreadable(token)
                    } else {
                        own = shorthand.color ?? CSSColor(red: 0, green: 0, blue: 0, alpha: 0)
                    }
                } else {
                    switch Self.normalized(value) {
                    case "currentcolor":
                        if let text = result.color { own = text } else { problem = result.colorProblem ?? .unreadable(value) }
                    case "inherit", "initial", "unset", "revert", "revert-layer":
                        own = CSSColor(red: 0, green: 0, blue: 0, alpha: 0)
                    default:
                        own = color(value)
                        if own == nil { problem = .unreadable(value) }
                    }
                }
            } else {
                problem = resolved.failure.map { .variable($0) }
            }
            if let own {
                if own.alpha >= 1 {
                    ownOpaque = true
                    result.background = own
                    result.backgroundProblem = nil
                    result.backgroundUncertain = resolved.uncertain
                } else if own.alpha > 0 {
                    result.background = parent.background.map { own.over($0) }
                    result.backgroundUncertain = parent.backgroundUncertain || resolved.uncertain
                }
            } else {
                result.background = nil
                result.backgroundProblem = problem
                result.backgroundUncertain = resolved.uncertain
            }
        }
        // What only a browser can tell: images, opacity, blending, and what shows through a
        // positioned layer without an opaque background of its own.
        if let image = declared.backgroundImage {
            let value = plain(image.text) ?? "?"
            let hasImage = image.fromShorthand ? shorthand(value).hasImage : value != "none"
            if hasImage { result.background = nil; result.backgroundProblem = nil }
        }
        if let opacity = plain(declared.opacity), Double(opacity) != 1 { result.background = nil; result.backgroundProblem = nil }
        if let position = plain(declared.position), position == "absolute" || position == "fixed", !ownOpaque {
            result.background = nil; result.backgroundProblem = nil
        }
        if let mode = plain(declared.mixBlendMode), mode != "normal" { result.background = nil; result.backgroundProblem = nil }

        // Size and weight.
        if let raw = declared.fontSize {
            if let value = plain(raw) {
                result.fontSize = parent.fontSize.flatMap { Self.resolve(value, parent: $0) }
            } else {
                result.fontSize = nil
            }
        } else if let factor = traits.scale {
            result.fontSize = parent.fontSize.map { $0 * factor }
        }
        if let raw = declared.fontWeight {
            let weight = plain(raw) ?? ""
            result.bold = weight == "bold" || weight == "bolder" || (Int(weight).map { $0 >= 600 } ?? false)
        } else if traits.boldByDefault {
            result.bold = true
        }
        if (traits.disableable && nodes[element].has("disabled"))
            || nodes[element].attribute("aria-disabled")?.trimmingWhitespace().lowercased() == "true" {
            result.disabled = true
        }
        return result
    }

    /// One pass over the page: the labels (`for`, wrapping, aria-labelledby) of disabled controls.
    private static func labelsOfDisabledControls(in page: PageContext) -> (ids: Set<String>, elements: Set<Int>) {
        var ids: Set<String> = []
        var elements: Set<Int> = []
        var disabledIDs: Set<String> = []
        var labelsFor: [(index: Int, target: String)] = []
        page.document.nodes.withUnsafeBufferPointer { nodes in
            for index in nodes.indices where nodes[index].kind == .element {
                var disabled = false, id: String?, labelledBy: String?, target: String?
                let attributes = nodes[index].attributes
                for position in attributes.indices {
                    // By index, fields read in place: iterating would copy each attribute (its
                    // name and value retained, then released).
                    switch attributes[position].name {
                    case "disabled": if disableable(nodes[index].tag) { disabled = true }
                    case "aria-disabled": if normalized(attributes[position].value) == "true" { disabled = true }
                    case "id": id = id ?? attributes[position].value
                    case "aria-labelledby": labelledBy = labelledBy ?? attributes[position].value
                    case "for": target = target ?? attributes[position].value
                    default: break
                    }
                }
                if let target, nodes[index].name == "label" { labelsFor.append((index, target)) }
                guard disabled else { continue }
                if let id { disabledIDs.insert(id) }
                if let labelledBy {
                    for id in labelledBy.split(whereSeparator: \.isWhitespace) { ids.insert(String(id)) }
                }
                if let label = page.document.nearestAncestor(of: index, named: ["label"]) { elements.insert(label) }
            }
        }
        for label in labelsFor where disabledIDs.contains(label.target) { elements.insert(label.index) }
        return (ids, elements)
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

    /// What an element's name says for contrast, looked up once per element.
    struct Traits {
        /// Default font size relative to the parent (`h1` 2em…).
        var scale: Double?
        var boldByDefault = false
        var disableable = false
        /// Not text a person reads on the page (`script`, `title`…) or text a browser draws
        /// with its own colours (form controls' options).
        var excluded = false
    }

    static let traitsByName: [String: Traits] = [
        "h1": Traits(scale: 2, boldByDefault: true), "h2": Traits(scale: 1.5, boldByDefault: true),
        "h3": Traits(scale: 1.17, boldByDefault: true), "h4": Traits(boldByDefault: true),
        "h5": Traits(scale: 0.83, boldByDefault: true), "h6": Traits(scale: 0.67, boldByDefault: true),
        "small": Traits(scale: 0.83), "b": Traits(boldByDefault: true), "strong": Traits(boldByDefault: true),
        "th": Traits(boldByDefault: true), "button": Traits(disableable: true), "input": Traits(disableable: true),
        "fieldset": Traits(disableable: true), "optgroup": Traits(disableable: true),
        "select": Traits(disableable: true, excluded: true), "textarea": Traits(disableable: true, excluded: true),
        "option": Traits(disableable: true, excluded: true), "script": Traits(excluded: true),
        "style": Traits(excluded: true), "title": Traits(excluded: true),
    ]

    /// `traitsByName` by element tag: one array read per element instead of a hashed name.
    /// Every name of the table is an `ElementTag` (checked when the table is built).
    static let traitsByTag: [Traits] = {
        var table = [Traits](repeating: Traits(), count: ElementTag.count)
        for (name, traits) in traitsByName {
            let tag = ElementTag(name: name)
            precondition(tag != .other, "ContrastRule: no ElementTag for <\(name)>")
            table[tag.index] = traits
        }
        return table
    }()

    static func traits(_ tag: ElementTag) -> Traits { traitsByTag[tag.index] }
    static func disableable(_ tag: ElementTag) -> Bool { traits(tag).disableable }
}
