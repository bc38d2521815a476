// MARK: - 1.3, 1.6, 1.9 Images : pertinence, description détaillée, légende

/// 1.3.x alternatives that are a file name or a placeholder word, 1.3.9 long alternatives
/// (all for a human: only a person knows what the image says);
/// 1.6.1 a `longdesc` to an anchor of the page that does not exist, 1.6.9 an
/// `aria-describedby` on an image to ids that do not exist (certain);
/// 1.9.x an image captioned with `<figcaption>` whose `<figure>` lacks role="figure"/"group"
/// or an aria-label identical to the caption (certain: RGAA's technical note makes the
/// aria-label the minimum).
final class ImageRelevanceRule: Rule {
    let elements: Set<String> = []
    /// Checked once the walk is over, when the hidden state of their content is known.
    private var figures: [Int] = []

    func visit(_ element: Int, in page: PageContext) {
        guard !page.hiddenFromAssistiveTechnologies[element] else { return }
        let node = page.node(element)
        if node.tag == .figure { figures.append(element); return }
        guard let kind = imageKind(element, in: page) else { return }
        checkAlternative(element, kind: kind, in: page)
        checkDescription(element, kind: kind, in: page)
    }

    private enum Kind { case img, area, inputImage, svg, other }

    private func imageKind(_ element: Int, in page: PageContext) -> Kind? {
        let node = page.node(element)
        let role = page.explicitRole(of: element)
        if role == "presentation" || role == "none" { return nil }
        switch node.tag {
        case .img: return .img
        case .area: return node.has("href") ? .area : nil
        case .input: return node.attribute("type")?.trimmingWhitespace().lowercased() == "image" ? .inputImage : nil
        default:
            guard let role, ImageRule.imageRoles.contains(role) else { return nil }
            return node.name == "svg" ? .svg : .other
        }
    }

    private func test(_ kind: Kind) -> String {
        switch kind {
        case .img, .other: return "1.3.1"
        case .area: return "1.3.2"
        case .inputImage: return "1.3.3"
        case .svg: return "1.3.6"
        }
    }

    private func checkAlternative(_ element: Int, kind: Kind, in page: PageContext) {
        // The text that serves as alternative, in accname order (title last).
        let texts = [page.labelledByText(of: element), page.nonEmptyAttribute("aria-label", of: element),
                     page.nonEmptyAttribute("alt", of: element), page.nonEmptyAttribute("title", of: element)]
        guard let alternative = texts.compactMap({ $0 }).first else { return }
        if Self.isFileName(alternative) {
            page.report(test(kind), .aVerifier, at: element, Messages.alternativeIsFileName(alternative))
        } else if Self.isPlaceholder(alternative) {
            page.report(test(kind), .aVerifier, at: element, Messages.alternativeIsPlaceholder(alternative))
        } else if alternative.count > Self.longAlternative {
            page.report("1.3.9", .aVerifier, at: element, Messages.alternativeTooLong(alternative.count))
        }
    }

    /// Asqatasun's threshold for "courte et concise".
    static let longAlternative = 80

    static func isFileName(_ text: String) -> Bool {
        let lower = text.fastLowercased().trimmingWhitespace()
        guard !lower.contains(" "), let dot = lower.lastIndex(of: "."), dot != lower.startIndex else { return false }
        return imageExtensions.contains(String(lower[lower.index(after: dot)...]))
    }

    static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp", "tif", "tiff", "ico"]

    /// "image", "photo", "img_1234", "DSC01234", "logo"…: words that say an image is there,
    /// not what it shows.
    static func isPlaceholder(_ text: String) -> Bool {
        let lower = text.fastLowercased().trimmingCharacters(in: [".", " ", ":", "-", "_"])
        if placeholderWords.contains(lower) { return true }
        // A camera or generator name followed by digits: img_0042, dsc01234, image-3.
        for prefix in ["img", "image", "dsc", "dscn", "pict", "photo", "capture", "screenshot"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count).filter { $0 != "_" && $0 != "-" && $0 != " " }
            if !rest.isEmpty && rest.allSatisfy(\.isNumber) { return true }
        }
        return false
    }

    static let placeholderWords: Set<String> = [
        "image", "images", "img", "photo", "photos", "photographie", "illustration", "icône", "icone", "picto",
        "pictogramme", "logo", "visuel", "graphique", "dessin", "spacer", "espaceur", "blank", "vide", "alt",
        "alternative", "texte alternatif", "picture", "icon", "graphic", "untitled", "sans titre", "null", "undefined",
        "*", "-", "_", "#",
    ]

    private func checkDescription(_ element: Int, kind: Kind, in page: PageContext) {
        if kind == .img, let longdesc = page.attribute("longdesc", of: element)?.trimmingWhitespace(),
           longdesc.hasPrefix("#"), longdesc.count > 1 {
            let target = String(longdesc.dropFirst()).removingPercentEncodingIfPossible()
            if page.document.elementsByID[target] == nil
                && !page.nodes.contains(where: { $0.name == "a" && $0.attribute("name") == target }) {
                page.report("1.6.1", .nonConforme, at: element, Messages.longdescMissingTarget(longdesc))
            }
        }
        if let describedBy = page.attribute("aria-describedby", of: element) {
            let ids = describedBy.split(whereSeparator: \.isWhitespace).map(String.init)
            // Certain only when none of the ids exists: the image then has no description at all.
            if !ids.isEmpty, ids.allSatisfy({ page.document.elementsByID[$0] == nil }) {
                page.report("1.6.9", .nonConforme, at: element, Messages.describedByMissingTarget(ids[0]))
            }
        }
    }

    func finish(in page: PageContext) {
        for figure in figures { checkFigure(figure, in: page) }
    }

    private func checkFigure(_ figure: Int, in page: PageContext) {
        let children = Array(page.document.children(of: figure)).filter { page.node($0).isElement }
        guard let caption = children.first(where: { page.node($0).name == "figcaption" }),
              !page.hiddenFromAssistiveTechnologies[caption] else { return }
        let captionText = page.document.textContent(of: caption)
        guard !captionText.isEmpty else { return }
        // The captioned image: an image of the figure itself (not one nested in a link list…).
        var image: (index: Int, test: String)?
        var cursor = figure + 1
        let end = page.document.subtreeEnd(of: figure)
        while cursor < end, image == nil {
            if cursor == caption { cursor = page.document.subtreeEnd(of: cursor); continue }
            if !page.hiddenFromAssistiveTechnologies[cursor], let test = Self.captionTest(cursor, in: page) {
                image = (cursor, test)
            }
            cursor += 1
        }
        guard let image else { return }
        let role = page.attribute("role", of: figure)?.lowercased().split(whereSeparator: \.isWhitespace).first.map(String.init)
        if role != "figure" && role != "group" {
            page.report(image.test, .nonConforme, at: figure, Messages.figureWithoutRole)
        } else if page.attribute("aria-label", of: figure)?.collapsingWhitespace() != captionText {
            page.report(image.test, .nonConforme, at: figure, Messages.figureLabelDiffersFromCaption(captionText))
        }
    }

    /// 1.9.1 img, image button, role="img"; 1.9.2 object image; 1.9.3 embed; 1.9.4 svg; 1.9.5 canvas.
    static func captionTest(_ index: Int, in page: PageContext) -> String? {
        let node = page.node(index)
        guard node.isElement else { return nil }
        let role = page.explicitRole(of: index)
        if role == "presentation" || role == "none" { return nil }
        switch node.name {
        case "img": return "1.9.1"
        case "input": return node.attribute("type")?.lowercased() == "image" ? "1.9.1" : nil
        case "object": return node.attribute("type")?.lowercased().hasPrefix("image/") == true ? "1.9.2" : nil
        case "embed": return "1.9.3"
        case "svg": return "1.9.4"
        case "canvas": return "1.9.5"
        default: return role.map(ImageRule.imageRoles.contains) == true ? "1.9.1" : nil
        }
    }
}
