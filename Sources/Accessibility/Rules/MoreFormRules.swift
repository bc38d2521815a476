// MARK: - 11.8 Listes de choix

/// 11.8.2 every `<optgroup>` of a `<select>` has a label (certain; browsers show nothing
/// else for the group); 11.8.1 a long `<select>` without any `<optgroup>` (for a human:
/// whether its options have natures worth grouping).
final class OptionGroupRule: Rule {
    /// The set is built once, not with the rules of every page.
    var elements: Set<String> { Self.elementNames }
    private static let elementNames: Set<String> = ["select", "optgroup"]

    func visit(_ element: Int, in page: PageContext) {
        guard !page.hiddenFromAssistiveTechnologies[element] else { return }
        let node = page.node(element)
        if node.name == "optgroup" {
            if page.document.nearestAncestor(of: element, named: ["select"]) != nil,
               page.nonEmptyAttribute("label", of: element) == nil {
                page.report("11.8.2", .nonConforme, at: element, Messages.optgroupWithoutLabel)
            }
            return
        }
        var options = 0
        var grouped = false
        var cursor = element + 1
        let end = page.document.subtreeEnd(of: element)
        while cursor < end {
            switch page.node(cursor).name {
            case "option": options += 1
            case "optgroup": grouped = true
            default: break
            }
            cursor += 1
        }
        if !grouped && options > Self.longList {
            page.report("11.8.1", .aVerifier, at: element, Messages.longSelectWithoutGroups(options))
        }
    }

    /// Past this many options, a flat list is worth a look.
    static let longList = 20
}
