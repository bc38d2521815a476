/// The name of an HTML element as a small integer, computed once per element when the page
/// is copied out of libxml2 (`HTMLDocument.Node.tag`). The walk dispatches on it and the
/// hottest rules switch on it: comparing two strings that differ is a call into the
/// standard library, and the checker compared each element's name with dozens of literals.
///
/// Each case is spelled exactly as the lower-case element name it stands for, so that
/// `tag == .x` holds exactly when `name == "x"`; every other name (custom elements,
/// misspellings) and every text node is `.other`. `Node.name` stays the reference, for
/// messages and for names this list does not have.
enum ElementTag: UInt8, CaseIterable, Sendable {
    case other = 0
    case a, abbr, acronym, address, applet, area, article, aside, audio
    case b, base, basefont, bdi, bdo, big, blink, blockquote, body, br, button
    case canvas, caption, center, cite, code, col, colgroup
    case data, datalist, dd, del, details, dfn, dialog, dir, div, dl, dt
    case em, embed
    case fieldset, figcaption, figure, font, footer, form, frame, frameset
    case h1, h2, h3, h4, h5, h6, head, header, hgroup, hr, html
    case i, iframe, img, input, ins
    case kbd
    case label, legend, li, link
    case main, map, mark, marquee, math, menu, meta, meter
    case nav, nobr, noframes, noscript
    case object, ol, optgroup, option, output
    case p, param, picture, pre, progress
    case q
    case rp, rt, ruby
    case s, samp, script, search, section, select, slot, small, source, span, strike, strong, style, sub, summary, sup, svg
    case table, tbody, td, template, textarea, tfoot, th, thead, time, title, tr, track, tt
    case u, ul
    case `var`, video
    case wbr

    /// Tag of each known name; the case names are the element names.
    private static let byName: [String: ElementTag] = {
        var table: [String: ElementTag] = [:]
        for tag in allCases where tag != .other { table[String(describing: tag)] = tag }
        return table
    }()

    /// The tag of element name `name` (lower case, as libxml2 gives it), `.other` when unknown.
    init(name: String) {
        self = Self.byName[name] ?? .other
    }

    static let count = allCases.count

    var index: Int { Int(rawValue) }
}
