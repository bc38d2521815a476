/// Which covered criteria apply to a page: a criterion about tables does not apply to a page
/// without tables. RGAA counts only applicable criteria in the conformity rate.
public enum Applicability {
    public static func criteria(of document: HTMLDocument) -> Set<String> {
        // Always applicable to an HTML page: doctype, language, title, structure, presentation,
        // zones and skip links. Reflow (10.11) too: every page must read at 320 px wide.
        var applicable: Set<String> = ["3.2", "8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.8", "8.10",
                                       "9.1", "9.2", "10.1", "10.11", "12.6", "12.7"]
        var seenLink = false
        // What depends on the element's name alone is added for the first element of each
        // name only, and names are compared as tags: every element of every page comes here.
        var seenTags = [Bool](repeating: false, count: ElementTag.count)
        var seenField = false
        // "13.2" and "13.3" are added below only: flags instead of hashed look-ups per link.
        var seenNewWindow = false, seenDownload = false
        for index in document.nodes.indices where document.nodes[index].kind == .element {
            let node = document.view(index)
            let tag = node.tag
            let first = !seenTags[tag.index]
            seenTags[tag.index] = true
            switch tag {
            case .img, .area, .svg, .object, .embed, .canvas:
                if first {
                    applicable.formUnion(["1.1", "1.2", "1.3", "1.6"])
                    if tag == .object || tag == .embed { applicable.insert("4.13") }
                }
                if tag == .area && node.attribute("href") != nil { applicable.insert("10.7") }
            case .summary: if first { applicable.insert("10.7") }
            case .figure: if first { applicable.insert("1.9") }
            case .video: if first { applicable.formUnion(["4.3", "4.10", "4.11", "4.13"]) }
            case .audio: if first { applicable.formUnion(["4.10", "4.11", "4.13"]) }
            case .q, .blockquote: if first { applicable.insert("9.4") }
            // Style sheets: colours may be declared (10.5), the orientation locked (13.9).
            case .style: if first { applicable.formUnion(["10.5", "13.9"]) }
            case .link where node.attribute("rel")?.lowercased().contains("stylesheet") == true: applicable.formUnion(["10.5", "13.9"])
            case .p, .br: if first { applicable.insert("8.9") }
            case .meta where node.attribute("name")?.lowercased() == "viewport": applicable.insert("10.4")
            case .select: if first { applicable.formUnion(["3.3", "11.1", "11.2", "11.5", "11.6", "11.8", "11.10", "11.13", "12.8"]) }
            case .iframe, .frame: if first { applicable.formUnion(["2.1", "2.2"]) }
            case .table:
                if first { applicable.formUnion(["5.4", "5.6", "5.7", "5.8"]) }
                let role = node.attribute("role")?.lowercased().trimmingWhitespace()
                applicable.insert(role == "presentation" || role == "none" ? "5.3" : "5.1")
            case .ul, .ol, .dl, .li, .dt, .dd: if first { applicable.insert("9.3") }
            case .meta where node.attribute("http-equiv")?.lowercased() == "refresh": applicable.insert("13.1")
            case .marquee, .blink: if first { applicable.insert("13.8") }
            // (`select` never gets here: its own case comes first.)
            case .input, .textarea, .button:
                let type = node.attribute("type")?.lowercased() ?? ""
                if type == "hidden" { break }
                if type == "image" { applicable.formUnion(["1.1", "1.3", "1.6"]) }
                // Something takes the focus: its focus must show (10.7); an interface component
                // whose boundary must contrast (3.3).
                if !seenField {
                    seenField = true
                    applicable.formUnion(["3.3", "10.7", "11.1", "11.2", "11.5", "11.6", "11.10", "11.13", "12.8"])
                }
                if let purpose = node.attribute("autocomplete")?.lowercased(), purpose != "on", purpose != "off" { applicable.insert("11.3") }
                if tag == .button || type == "submit" || type == "reset" || type == "button" || type == "image" { applicable.insert("11.9") }
            default: break
            }
            // One pass over the attributes (every element of every page comes here).
            let attributes = node.attributes
            for position in attributes.indices {
                // By index, fields read in place: iterating would copy each attribute (its name
                // and value retained, then released).
                switch attributes[position].name {
                case "role":
                    applicable.insert("7.1")
                    if attributes[position].value == "img" { applicable.formUnion(["1.1", "1.2", "1.3", "1.6"]) }
                case "style":
                    if attributes[position].value.utf8.contains(UInt8(ascii: "!")) { applicable.insert("10.12") }
                    if attributes[position].value.containsLikeFoundation("color") || attributes[position].value.containsLikeFoundation("background") { applicable.insert("10.5") }
                case "hidden", "aria-hidden": applicable.insert("10.8")
                case let other where other.utf8.count > 2 && other.utf8.starts(with: "on".utf8)
                    && KeyboardHandlerRule.handlers.contains(other):
                    applicable.insert("7.3")
                default: break
                }
            }
            if tag == .a, let href = node.attribute("href") {
                if !seenLink {
                    seenLink = true
                    applicable.formUnion(["6.1", "6.2", "10.6", "10.7", "12.8"])
                }
                if !seenNewWindow, let target = node.attribute("target"), target.equalsIgnoringASCIICase("_blank") {
                    seenNewWindow = true
                    applicable.insert("13.2")
                }
                // The documents whose format and size 13.3 asks for: the office formats
                // `LinkRule` flags, and archives.
                if !seenDownload,
                   LinkRule.officeFormat(of: href) != nil || String(href.suffix(4)).equalsIgnoringASCIICase(".zip") {
                    seenDownload = true
                    applicable.insert("13.3")
                }
            }
        }
        return applicable.intersection(Coverage.criteria)
    }
}
