// MARK: - 10.1 Présentation par les feuilles de styles

/// 10.1.1 no presentational element; 10.1.2 no presentational attribute (the lists are the
/// RGAA glossary's "Présentation de l'information").
final class PresentationRule: Rule {
    let elements: Set<String> = []
    private var html5: Bool?

    func visit(_ element: Int, in page: PageContext) {
        let node = page.node(element)
        if html5 == nil {
            let doctype = page.document.doctype
            html5 = doctype == nil || (doctype?.publicID ?? "").isEmpty
        }
        let tag = node.tag
        guard !page.insideForeignContent(element) || tag == .svg || tag == .math else { return }
        if Self.isPresentational(tag) || (tag == .u && html5 == false) {
            page.report("10.1.1", .nonConforme, at: element, Messages.presentationalTag(node.name))
        }
        if tag == .svg || tag == .math { return }
        var attributes: [String] = []
        for attribute in node.attributes {
            let name = attribute.name
            if Self.attributes.contains(name)
                || ((name == "width" || name == "height") && !Self.sizedElements.contains(node.name))
                || (name == "size" && node.name != "select" && node.name != "input") {
                attributes.append(name)
            }
        }
        if !attributes.isEmpty {
            page.report("10.1.2", .nonConforme, at: element, Messages.presentationalAttributes(attributes, on: node.name))
        }
    }

    /// The presentational elements, by tag (every element of every page is tested).
    static func isPresentational(_ tag: ElementTag) -> Bool {
        switch tag {
        case .basefont, .big, .blink, .center, .font, .marquee, .s, .strike, .tt: return true
        default: return false
        }
    }
    static let attributes: Set<String> = [
        "align", "alink", "background", "bgcolor", "border", "cellpadding", "cellspacing", "char", "charoff",
        "clear", "compact", "color", "frameborder", "hspace", "link", "marginheight", "marginwidth", "text",
        "valign", "vlink", "vspace",
    ]
    static let sizedElements: Set<String> = ["img", "object", "embed", "canvas", "svg", "video", "iframe", "source", "input"]
}

// MARK: - 13.1 Limites de temps ; 13.8 contenus en mouvement

/// 13.1.1 no automatic refresh; 13.1.2 a meta redirect is immediate (first `<meta
/// http-equiv="refresh">` with a valid content, as browsers read it).
final class MetaRefreshRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["meta"]
    private var done = false

    func visit(_ element: Int, in page: PageContext) {
        guard !done, page.attribute("http-equiv", of: element)?.trimmingWhitespace().lowercased() == "refresh",
              let content = page.attribute("content", of: element),
              let refresh = Self.parse(content) else { return }
        done = true
        guard refresh.delay > 0 && refresh.delay <= 72_000 else { return }
        if refresh.hasURL {
            page.report("13.1.2", .nonConforme, at: element, Messages.metaRedirect(seconds: refresh.delay))
        } else {
            page.report("13.1.1", .nonConforme, at: element, Messages.metaRefresh(seconds: refresh.delay))
        }
    }

    /// The HTML "shared declarative refresh steps": nil when browsers would ignore the value.
    static func parse(_ content: String) -> (delay: Int, hasURL: Bool)? {
        let characters = Array(content.unicodeScalars)
        var position = 0
        func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" }
        while position < characters.count && isSpace(characters[position]) { position += 1 }
        var digits = ""
        while position < characters.count, ("0"..."9").contains(characters[position]) {
            digits.unicodeScalars.append(characters[position]); position += 1
        }
        if digits.isEmpty {
            guard position < characters.count, characters[position] == "." else { return nil }
        }
        let delay = digits.isEmpty ? 0 : (Int(digits.prefix(12)) ?? Int.max)
        while position < characters.count, ("0"..."9").contains(characters[position]) || characters[position] == "." { position += 1 }
        guard position < characters.count else { return (delay, false) }
        let separator = characters[position]
        guard separator == ";" || separator == "," || isSpace(separator) else { return nil }
        while position < characters.count && isSpace(characters[position]) { position += 1 }
        if position < characters.count, characters[position] == ";" || characters[position] == "," { position += 1 }
        while position < characters.count && isSpace(characters[position]) { position += 1 }
        return (delay, position < characters.count)
    }
}

/// 13.8.1 `<marquee>` and `<blink>` move or blink with no way to stop them.
final class MovingContentRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["marquee", "blink"]

    func visit(_ element: Int, in page: PageContext) {
        guard !page.notRendered[element] else { return }
        page.report("13.8.1", .nonConforme, at: element, Messages.movingContent(page.node(element).name))
    }
}
