// MARK: - 7.3 Scripts contrôlables au clavier

/// 7.3.1 an element with an inline mouse or keyboard handler (`onclick`…) that the keyboard
/// cannot reach: no native focus, no tabindex, no interactive role. For a human: the same
/// action may exist elsewhere in the page, and handlers added by addEventListener are
/// invisible to a static checker.
final class KeyboardHandlerRule: Rule {
    let elements: Set<String> = []

    func visit(_ element: Int, in page: PageContext) {
        let node = page.node(element)
        guard node.attributes.contains(where: { $0.name.hasPrefix("on") && Self.handlers.contains($0.name) }),
              !page.notRendered[element], !page.inForeignContent[element] else { return }
        let handlers = node.attributes.map(\.name).filter(Self.handlers.contains)
        if Self.exempt.contains(node.name) || page.isFocusable(element) { return }
        if let role = page.explicitRole(of: element), Self.interactiveRoles.contains(role) { return }
        // A handler on a label, or on an element wrapping a single control, acts through it.
        if page.document.nearestAncestor(of: element, named: ["a", "button", "label"]) != nil { return }
        page.report("7.3.1", .aVerifier, at: element, Messages.handlerOnNonFocusable(node.name, handlers))
    }

    static let handlers: Set<String> = ["onclick", "ondblclick", "onmousedown", "onmouseup", "onkeydown", "onkeyup", "onkeypress"]
    /// Elements where a handler does not stand for a control: the document, labels, images
    /// inside maps, media and form parts handled by their own controls.
    static let exempt: Set<String> = ["html", "body", "label", "form", "option", "optgroup", "video", "audio", "area"]
    static let interactiveRoles: Set<String> = [
        "button", "link", "checkbox", "radio", "switch", "tab", "menuitem", "menuitemcheckbox", "menuitemradio",
        "option", "treeitem", "gridcell", "slider", "spinbutton", "textbox", "searchbox", "combobox", "scrollbar",
    ]
}
