/// A CSS selector the checker can match without a browser: compound selectors (`p`, `*`,
/// `.note`, `#id`, `a[href^="http"]`, `:root`, `:first-child`, `:not(.x)`…) joined by the
/// four combinators (descendant, `>`, `+`, `~`).
///
/// State pseudo-classes (`:hover`, `:focus`, `:visited`…), pseudo-elements (`::before`) and
/// anything unknown make `CSSSelector(parsing:)` fail: the rule is then "not resolved", and
/// the properties it sets downgrade a certainty to "à vérifier".
struct CSSSelector: Sendable {
    /// Right to left: `compounds[0]` is the subject; `combinators[i]` joins `compounds[i]`
    /// to `compounds[i + 1]` (its left-hand neighbour in the source).
    var compounds: [Compound]
    var combinators: [Combinator]
    /// (ids, classes + attributes + pseudo-classes, types) packed as a×10000 + b×100 + c.
    var specificity: Int

    enum Combinator: Sendable { case descendant, child, adjacent, sibling }

    /// One compound selector (`a.note[href]:first-child`), immutable and shared, so that
    /// matching never copies it.
    final class Compound: Sendable {
        let tag: String?
        /// `tag` as an `ElementTag` (`.other` when there is none or `ElementTag` does not
        /// list it): the subject test of every candidate rule of every element.
        let elementTag: ElementTag
        let id: String?
        let classes: [String]
        let attributes: [AttributeTest]
        let pseudoClasses: [PseudoClass]
        let negations: [Compound]
        let specificity: Int
        /// Only a type (or `*`): matching is one string comparison.
        let typeOnly: Bool

        init(tag: String?, id: String?, classes: [String], attributes: [AttributeTest], pseudoClasses: [PseudoClass], negations: [Compound]) {
            self.tag = tag
            elementTag = tag.map { ElementTag(name: $0) } ?? .other
            self.id = id
            self.classes = classes
            self.attributes = attributes
            self.pseudoClasses = pseudoClasses
            self.negations = negations
            specificity = (id == nil ? 0 : 10_000) + (classes.count + attributes.count + pseudoClasses.count) * 100 + (tag == nil ? 0 : 1)
                + negations.reduce(0) { $0 + $1.specificity }
            typeOnly = id == nil && classes.isEmpty && attributes.isEmpty && pseudoClasses.isEmpty && negations.isEmpty
        }
    }

    enum PseudoClass: Sendable { case root, firstChild, lastChild, onlyChild, link, empty }

    struct AttributeTest: Sendable {
        enum Operator: Sendable { case exists, equals, includes, dashMatch, prefix, suffix, substring }
        var name: String
        var op: Operator
        var value: String
        var caseInsensitive: Bool

        func matches(_ actual: String?) -> Bool {
            guard let actual else { return false }
            if op == .exists { return true }
            let have = caseInsensitive ? actual.lowercased() : actual
            let want = caseInsensitive ? value.lowercased() : value
            switch op {
            case .exists: return true
            case .equals: return have == want
            case .includes: return !want.isEmpty && have.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }).contains { $0 == want }
            case .dashMatch: return have == want || have.hasPrefix(want + "-")
            case .prefix: return !want.isEmpty && have.hasPrefix(want)
            case .suffix: return !want.isEmpty && have.hasSuffix(want)
            case .substring: return !want.isEmpty && have.contains(want)
            }
        }
    }

    // MARK: - Matching

    /// Whether `element` matches. `budget` counts the nodes looked at for combinators; once
    /// it is spent the answer is false and `exhausted` is set, so that a hostile page (deep
    /// nesting against `a b c d`) stays linear.
    func matches(_ element: Int, in nodes: UnsafeBufferPointer<HTMLDocument.Node>, budget: inout Int, exhausted: inout Bool) -> Bool {
        guard compounds[0].matches(element, in: nodes) else { return false }
        return compounds.count == 1 || matchRest(1, from: element, in: nodes, budget: &budget, exhausted: &exhausted)
    }

    /// Whether `compounds[position...]` match from `element` (which matched `compounds[position - 1]`).
    private func matchRest(_ position: Int, from element: Int, in nodes: UnsafeBufferPointer<HTMLDocument.Node>,
                           budget: inout Int, exhausted: inout Bool) -> Bool {
        guard position < compounds.count else { return true }
        let compound = compounds[position]
        switch combinators[position - 1] {
        case .child:
            let parent = nodes[element].parent
            budget -= 1
            guard parent >= 0, budget > 0 else { if budget <= 0 { exhausted = true }; return false }
            return compound.matches(parent, in: nodes)
                && matchRest(position + 1, from: parent, in: nodes, budget: &budget, exhausted: &exhausted)
        case .descendant:
            var ancestor = nodes[element].parent
            while ancestor >= 0 {
                budget -= 1
                if budget <= 0 { exhausted = true; return false }
                if compound.matches(ancestor, in: nodes),
                   matchRest(position + 1, from: ancestor, in: nodes, budget: &budget, exhausted: &exhausted) {
                    return true
                }
                if exhausted { return false }
                ancestor = nodes[ancestor].parent
            }
            return false
        case .adjacent, .sibling:
            let parent = nodes[element].parent
            guard parent >= 0 else { return false }
            // Element siblings before `element`, nearest last.
            var previous: [Int] = []
            var child = nodes[parent].firstChild
            while child >= 0 && child != element {
                budget -= 1
                if budget <= 0 { exhausted = true; return false }
                if nodes[child].kind == .element { previous.append(child) }
                child = nodes[child].nextSibling
            }
            if combinators[position - 1] == .adjacent {
                guard let sibling = previous.last else { return false }
                return compound.matches(sibling, in: nodes)
                    && matchRest(position + 1, from: sibling, in: nodes, budget: &budget, exhausted: &exhausted)
            }
            for sibling in previous.reversed() {
                if compound.matches(sibling, in: nodes),
                   matchRest(position + 1, from: sibling, in: nodes, budget: &budget, exhausted: &exhausted) {
                    return true
                }
                if exhausted { return false }
            }
            return false
        }
    }

    // MARK: - Parsing

    /// Nil when the selector uses something the checker cannot evaluate on a static page.
    init?(parsing text: some StringProtocol) {
        var parser = Parser(Array(text.utf8))
        guard let selector = parser.complexSelector() else { return nil }
        self = selector
    }

    fileprivate init(compounds: [Compound], combinators: [Combinator]) {
        self.compounds = compounds
        self.combinators = combinators
        specificity = compounds.reduce(0) { $0 + $1.specificity }
        // The compounds left of the first descendant or child combinator (reading from the
        // subject) must match ancestors of the subject: siblings share their parent.
        var mask: UInt64 = 0
        if let first = combinators.firstIndex(where: { $0 == .descendant || $0 == .child }) {
            for compound in compounds[(first + 1)...] {
                if let id = compound.id { mask |= AncestorFilter.bits(id) }
                for name in compound.classes { mask |= AncestorFilter.bits(name) }
            }
        }
        ancestorMask = mask
    }

    /// The classes and ids that some ancestor of a matching element must have, as
    /// `AncestorFilter` bits (0: none required).
    let ancestorMask: UInt64

    /// Splits a selector list at its top-level commas (not those inside `:not(a, b)`).
    static func splitList(_ text: Substring) -> [Substring] {
        var parts: [Substring] = []
        var depth = 0
        var start = text.startIndex
        var index = text.startIndex
        var quote: Character?
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "(" || character == "[" {
                depth += 1
            } else if character == ")" || character == "]" {
                depth -= 1
            } else if character == "," && depth == 0 {
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        parts.append(text[start...])
        return parts
    }
}

extension CSSSelector.Compound {
    func matches(_ element: Int, in nodes: UnsafeBufferPointer<HTMLDocument.Node>) -> Bool {
        guard nodes[element].kind == .element else { return false }
        if elementTag != .other {
            // The same test as below: a known name and its tag go together.
            if nodes[element].tag != elementTag { return false }
        } else if let tag, tag != nodes[element].name { return false }
        if typeOnly { return true }
        for attribute in attributes where !attribute.matches(nodes[element].attribute(attribute.name)) { return false }
        // The flags first: most elements have no id, many no class.
        if let id, !nodes[element].flags.contains(.id) || nodes[element].attribute("id") != id { return false }
        if !classes.isEmpty {
            guard nodes[element].flags.contains(.class), let list = nodes[element].attribute("class") else { return false }
            for name in classes where !ClassList.contains(list, name) { return false }
        }
        for pseudo in pseudoClasses where !Self.matches(pseudo, element, nodes) { return false }
        for negation in negations where negation.matches(element, in: nodes) { return false }
        return true
    }

    private static func matches(_ pseudo: CSSSelector.PseudoClass, _ element: Int, _ nodes: UnsafeBufferPointer<HTMLDocument.Node>) -> Bool {
        let parent = nodes[element].parent
        func elementSiblings() -> (first: Int, last: Int) {
            var first = -1, last = -1
            var child = nodes[parent].firstChild
            while child >= 0 {
                if nodes[child].kind == .element { if first < 0 { first = child }; last = child }
                child = nodes[child].nextSibling
            }
            return (first, last)
        }
        switch pseudo {
        case .root: return parent < 0
        case .link: return (nodes[element].name == "a" || nodes[element].name == "area") && nodes[element].has("href")
        case .firstChild: return parent < 0 || elementSiblings().first == element
        case .lastChild: return parent < 0 || elementSiblings().last == element
        case .onlyChild:
            guard parent >= 0 else { return true }
            let siblings = elementSiblings()
            return siblings.first == element && siblings.last == element
        case .empty:
            var child = nodes[element].firstChild
            while child >= 0 {
                if nodes[child].kind == .element || !nodes[child].text.isEmpty { return false }
                child = nodes[child].nextSibling
            }
            return true
        }
    }
}

/// `class="a b"` token tests without splitting the attribute into an array.
/// A 64-bit Bloom filter of the classes and ids of an element's ancestors, two bits per
/// name: a selector such as `.site-footer a` is tried on a link only if the filter may hold
/// `site-footer`. The filter can say "maybe" wrongly, never "no": a selector it turns away
/// cannot match, and matching it would only have walked the ancestors to find that out.
/// (Browsers filter the same way.) Names are compared byte for byte, as `Compound.matches` does.
enum AncestorFilter {
    static func bits(_ name: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 // FNV-1a
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return (1 << (hash & 63)) | (1 << ((hash >> 6) & 63))
    }

    /// The bits of the element's own classes and id.
    static func ownBits(_ element: Int, _ nodes: UnsafeBufferPointer<HTMLDocument.Node>) -> UInt64 {
        var bits: UInt64 = 0
        if nodes[element].flags.contains(.id), let id = nodes[element].attribute("id") { bits |= Self.bits(id) }
        if nodes[element].flags.contains(.class), let list = nodes[element].attribute("class") {
            ClassList.forEach(list) { bits |= Self.bits($0) }
        }
        return bits
    }

    /// For every node, the filter of its ancestors (parents come before children).
    static func ancestors(of nodes: UnsafeBufferPointer<HTMLDocument.Node>) -> [UInt64] {
        var filters = [UInt64](repeating: 0, count: nodes.count)
        var own = [UInt64](repeating: 0, count: nodes.count)
        for index in nodes.indices where nodes[index].kind == .element {
            let parent = nodes[index].parent
            if parent >= 0 { filters[index] = filters[parent] | own[parent] }
            own[index] = ownBits(index, nodes)
        }
        return filters
    }
}

enum ClassList {
    static func contains(_ list: String, _ name: String) -> Bool {
        if list == name { return true }
        var list = list, name = name
        return list.withUTF8 { listBytes in
            name.withUTF8 { nameBytes in
                let count = nameBytes.count
                guard count > 0, listBytes.count >= count else { return false }
                var start = 0
                while start < listBytes.count {
                    while start < listBytes.count && isSpace(listBytes[start]) { start += 1 }
                    var end = start
                    while end < listBytes.count && !isSpace(listBytes[end]) { end += 1 }
                    if end - start == count {
                        var same = true
                        for offset in 0..<count where listBytes[start + offset] != nameBytes[offset] { same = false; break }
                        if same { return true }
                    }
                    start = end
                }
                return false
            }
        }
    }

    /// Calls `body` with each class name of a `class` attribute, in order (a name given
    /// twice is given twice).
    static func forEach(_ list: String, _ body: (String) -> Void) {
        var list = list
        list.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                while start < bytes.count && isSpace(bytes[start]) { start += 1 }
                var end = start
                while end < bytes.count && !isSpace(bytes[end]) { end += 1 }
                if end > start { body(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)) }
                start = end
            }
        }
    }

    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }
}

/// A small recursive-descent parser over the UTF-8 bytes of one complex selector.
private struct Parser {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position >= bytes.count }
    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipSpaces() -> Bool {
        let start = position
        while let byte = current, ClassList.isSpace(byte) { position += 1 }
        return position > start
    }

    mutating func complexSelector() -> CSSSelector? {
        _ = skipSpaces()
        var compounds: [CSSSelector.Compound] = []
        var combinators: [CSSSelector.Combinator] = []
        guard let first = compound() else { return nil }
        compounds.append(first)
        while true {
            let spaced = skipSpaces()
            guard let byte = current else { break }
            var combinator: CSSSelector.Combinator
            switch byte {
            case UInt8(ascii: ">"): combinator = .child; position += 1
            case UInt8(ascii: "+"): combinator = .adjacent; position += 1
            case UInt8(ascii: "~"): combinator = .sibling; position += 1
            default:
                guard spaced else { return nil }
                combinator = .descendant
            }
            _ = skipSpaces()
            guard let next = compound() else { return nil }
            combinators.append(combinator)
            compounds.append(next)
        }
        guard atEnd, compounds.count <= 32 else { return nil }
        return CSSSelector(compounds: compounds.reversed(), combinators: combinators.reversed())
    }

    /// One compound selector; nil when empty or unsupported.
    /// The parts of a compound while it is read.
    struct CompoundParts {
        var tag: String?
        var id: String?
        var classes: [String] = []
        var attributes: [CSSSelector.AttributeTest] = []
        var pseudoClasses: [CSSSelector.PseudoClass] = []
        var negations: [CSSSelector.Compound] = []
    }

    mutating func compound(allowNegation: Bool = true) -> CSSSelector.Compound? {
        var result = CompoundParts()
        var any = false
        if current == UInt8(ascii: "*") {
            position += 1
            any = true
        } else if let name = identifier() {
            result.tag = name.lowercased()
            any = true
        }
        loop: while let byte = current {
            switch byte {
            case UInt8(ascii: "."):
                position += 1
                guard let name = identifier() else { return nil }
                result.classes.append(name)
            case UInt8(ascii: "#"):
                position += 1
                guard let name = identifier(), result.id == nil || result.id == name else { return nil }
                result.id = name
            case UInt8(ascii: "["):
                position += 1
                guard let test = attributeTest() else { return nil }
                result.attributes.append(test)
            case UInt8(ascii: ":"):
                position += 1
                guard current != UInt8(ascii: ":"), let name = identifier()?.lowercased() else { return nil } // ::pseudo-element
                switch name {
                case "root": result.pseudoClasses.append(.root)
                case "first-child": result.pseudoClasses.append(.firstChild)
                case "last-child": result.pseudoClasses.append(.lastChild)
                case "only-child": result.pseudoClasses.append(.onlyChild)
                case "link", "any-link": result.pseudoClasses.append(.link)
                case "empty": result.pseudoClasses.append(.empty)
                case "not" where allowNegation:
                    guard current == UInt8(ascii: "(") else { return nil }
                    position += 1
                    while true {
                        _ = skipSpaces()
                        guard let negated = compound(allowNegation: false) else { return nil }
                        result.negations.append(negated)
                        _ = skipSpaces()
                        if current == UInt8(ascii: ",") { position += 1; continue }
                        guard current == UInt8(ascii: ")") else { return nil }
                        position += 1
                        break
                    }
                default: return nil // :hover, :focus, :visited, :nth-child(), :is()…: not resolved
                }
            default:
                break loop
            }
            any = true
        }
        guard any else { return nil }
        return CSSSelector.Compound(tag: result.tag, id: result.id, classes: result.classes, attributes: result.attributes,
                                    pseudoClasses: result.pseudoClasses, negations: result.negations)
    }

    /// After `[`: `name`, `name=value`, `name~="value" i`…, up to and including `]`.
    mutating func attributeTest() -> CSSSelector.AttributeTest? {
        _ = skipSpaces()
        guard let name = identifier()?.lowercased() else { return nil }
        _ = skipSpaces()
        guard let byte = current else { return nil }
        if byte == UInt8(ascii: "]") {
            position += 1
            return .init(name: name, op: .exists, value: "", caseInsensitive: false)
        }
        var op: CSSSelector.AttributeTest.Operator
        switch byte {
        case UInt8(ascii: "="): op = .equals
        case UInt8(ascii: "~"): op = .includes
        case UInt8(ascii: "|"): op = .dashMatch
        case UInt8(ascii: "^"): op = .prefix
        case UInt8(ascii: "$"): op = .suffix
        case UInt8(ascii: "*"): op = .substring
        default: return nil
        }
        position += 1
        if op != .equals {
            guard current == UInt8(ascii: "=") else { return nil }
            position += 1
        }
        _ = skipSpaces()
        var value: String
        if let quote = current, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            position += 1
            let start = position
            while let byte = current, byte != quote {
                guard byte != UInt8(ascii: "\\") else { return nil }
                position += 1
            }
            guard current == quote else { return nil }
            value = String(decoding: bytes[start..<position], as: UTF8.self)
            position += 1
        } else {
            guard let bare = identifier() else { return nil }
            value = bare
        }
        _ = skipSpaces()
        var caseInsensitive = false
        if let flag = current, flag == UInt8(ascii: "i") || flag == UInt8(ascii: "I") {
            caseInsensitive = true
            position += 1
            _ = skipSpaces()
        } else if let flag = current, flag == UInt8(ascii: "s") || flag == UInt8(ascii: "S") {
            position += 1
            _ = skipSpaces()
        }
        guard current == UInt8(ascii: "]") else { return nil }
        position += 1
        return .init(name: name, op: op, value: value, caseInsensitive: caseInsensitive)
    }

    /// A CSS identifier without escapes: letters, digits, `-`, `_` and any non-ASCII character.
    mutating func identifier() -> String? {
        let start = position
        while let byte = current {
            let isIdent = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte >= 0x80
            guard isIdent else { break }
            position += 1
        }
        guard position > start else { return nil }
        let first = bytes[start]
        // An identifier does not start with a digit, nor with "-" followed by a digit.
        if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") { return nil }
        if first == UInt8(ascii: "-"), position - start > 1, bytes[start + 1] >= UInt8(ascii: "0"), bytes[start + 1] <= UInt8(ascii: "9") { return nil }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }
}
