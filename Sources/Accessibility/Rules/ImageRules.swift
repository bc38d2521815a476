// MARK: - 1.1, 1.2 Images

/// 1.1.1 `<img>` and role="img" have an alternative; 1.1.2 clickable `<area>` has `alt`;
/// 1.1.3 `<input type="image">` has an alternative; 1.1.5 `<svg role="img">` has one;
/// 1.2.1 an image marked decorative carries no alternative (for a human to judge).
final class ImageRule: Rule {
    let elements: Set<String> = []

    func visit(_ element: Int, in page: PageContext) {
        guard !page.hiddenFromAssistiveTechnologies[element] else { return }
        let node = page.node(element)
        let role = page.explicitRole(of: element)
        switch node.tag {
        case .img:
            checkImage(element, role: role, in: page)
        case .area:
            guard node.has("href") else { return }
            if node.attribute("alt") == nil && page.nonEmptyAttribute("aria-label", of: element) == nil
                && page.accessibleName(of: element, includeTitle: false).isEmpty {
                page.report("1.1.2", .nonConforme, at: element, Messages.areaWithoutAlt)
            }
        case .input:
            guard node.attribute("type")?.lowercased().trimmingWhitespace() == "image" else { return }
            if imageAlternative(element, in: page).isEmpty {
                page.report("1.1.3", .nonConforme, at: element, Messages.inputImageWithoutAlt)
            }
        default:
            guard let role, Self.imageRoles.contains(role) else { return }
            if page.accessibleName(of: element).isEmpty {
                if node.name == "svg" || page.insideForeignContent(element) {
                    page.report("1.1.5", .nonConforme, at: element, Messages.svgImageWithoutName)
                } else {
                    page.report("1.1.1", .nonConforme, at: element, Messages.roleImageWithoutName)
                }
            }
        }
    }

    private func checkImage(_ element: Int, role: String?, in page: PageContext) {
        let node = page.node(element)
        let decorativeRole = role == "presentation" || role == "none"
        guard let alt = node.attribute("alt") else {
            // No alt: fine only when marked decorative by role, or named another way.
            if decorativeRole { return }
            if imageAlternative(element, in: page).isEmpty {
                page.report("1.1.1", .nonConforme, at: element, Messages.imageWithoutAlt)
            }
            return
        }
        let emptyAlt = alt.trimmingWhitespace().isEmpty
        if emptyAlt && !alt.isEmpty && !decorativeRole && imageAlternative(element, in: page).isEmpty {
            // alt=" " is neither an alternative nor the empty alt of a decorative image.
            page.report("1.1.1", .nonConforme, at: element, Messages.imageAltOnlySpaces)
            return
        }
        if emptyAlt || decorativeRole {
            var carriers: [String] = []
            for attribute in ["title", "aria-label", "aria-labelledby", "aria-describedby"]
            where page.nonEmptyAttribute(attribute, of: element) != nil {
                carriers.append(attribute)
            }
            if !emptyAlt { carriers.insert("alt", at: 0) }
            if !carriers.isEmpty {
                page.report("1.2.1", .aVerifier, at: element, Messages.decorativeImageWithAlternative(carriers))
            }
        }
    }

    static let imageRoles: Set<String> = ["img", "image", "graphics-document", "graphics-symbol"]

    /// alt, aria-labelledby, aria-label or title: what RGAA counts as an alternative
    /// (an image button's `value` is not one).
    private func imageAlternative(_ element: Int, in page: PageContext) -> String {
        if let alt = page.nonEmptyAttribute("alt", of: element) { return alt }
        if let name = page.labelledByText(of: element) { return name }
        return page.nonEmptyAttribute("aria-label", of: element) ?? page.nonEmptyAttribute("title", of: element) ?? ""
    }
}

// MARK: - 2.1, 2.2 Cadres

/// 2.1.1 every `<iframe>`/`<frame>` has a `title`; 2.2.1 it is not empty (certain) nor
/// generic (for a human).
final class FrameRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["iframe", "frame"]

    func visit(_ element: Int, in page: PageContext) {
        guard !page.hiddenFromAssistiveTechnologies[element] else { return }
        guard let title = page.attribute("title", of: element) else {
            page.report("2.1.1", .nonConforme, at: element, Messages.frameWithoutTitle)
            return
        }
        let text = title.collapsingWhitespace()
        if text.isEmpty {
            page.report("2.2.1", .nonConforme, at: element, Messages.frameTitleEmpty)
        } else if Self.genericTitles.contains(text.lowercased()) {
            page.report("2.2.1", .aVerifier, at: element, Messages.frameTitleGeneric(text))
        }
    }

    static let genericTitles: Set<String> = ["iframe", "frame", "cadre", "sans titre", "untitled", "titre", "title", "contenu", "widget"]
}
