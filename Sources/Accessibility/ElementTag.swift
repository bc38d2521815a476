#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// The tag of a NUL-terminated element name as libxml2 gives it, without making a
    /// String: the copy of every element of every page comes here. Same answer as
    /// `init(name: String(cString: name))`: a name that is not valid UTF-8 is no tag's name.
    init(cString name: UnsafePointer<UInt8>) {
        let first = Int(name[0])
        guard first < Self.tagsByFirstByte.count else { self = .other; return }
        for tag in Self.tagsByFirstByte[first] {
            let matched = Self.packedNames.withUnsafeBufferPointer { packed in
                strcmp(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self),
                       UnsafeRawPointer(packed.baseAddress! + Self.nameOffsets[tag.index]).assumingMemoryBound(to: CChar.self)) == 0
            }
            if matched { self = tag; return }
        }
        self = .other
    }

    /// The element name this tag stands for ("" for `.other`).
    var name: String { Self.names[index] }

    private static let names: [String] = allCases.map { $0 == .other ? "" : String(describing: $0) }
    /// Every name, each followed by a NUL byte, and where each tag's name starts.
    private static let packedNames: [UInt8] = names.flatMap { Array($0.utf8) + [0] }
    private static let nameOffsets: [Int] = {
        var offsets: [Int] = [], offset = 0
        for name in names { offsets.append(offset); offset += name.utf8.count + 1 }
        return offsets
    }()
    /// Tags by the first byte of their name (ASCII only).
    private static let tagsByFirstByte: [[ElementTag]] = {
        var table = [[ElementTag]](repeating: [], count: 128)
        for tag in allCases where tag != .other { table[Int(tag.name.utf8.first!)].append(tag) }
        return table
    }()

    static let count = allCases.count

    var index: Int { Int(rawValue) }
}
