#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTML page parsed by libxml2's HTML parser and copied into a flat, read-only arena.
///
/// The libxml2 tree is walked once, iteratively (no recursion, so 100,000 nested elements
/// cannot overflow the stack), and freed right away: rules then read plain Swift values.
/// Nodes are stored in document order (pre-order), so "walk the tree once" is a loop over
/// `nodes`; `parent`, `firstChild` and `nextSibling` are indices into the same array.
///
/// ```swift
/// let document = try HTMLDocument(parsing: Array("<p>Bonjour</p>".utf8))
/// for node in document.nodes where node.isElement { print(node.name, node.line) }
/// ```
public struct HTMLDocument: Sendable {
    /// Pages bigger than this are refused: the checker keeps memory bounded.
    public static let maximumByteCount = 20 * 1024 * 1024

    public enum Kind: UInt8, Sendable { case element, text }

    /// Attributes asked about for every element (roles by most rules, class and id by every
    /// candidate selector, style by the cascade), noted while the node is copied.
    struct AttributeFlags: OptionSet, Sendable {
        let rawValue: UInt8
        static let role = AttributeFlags(rawValue: 1)
        static let id = AttributeFlags(rawValue: 2)
        static let `class` = AttributeFlags(rawValue: 4)
        static let style = AttributeFlags(rawValue: 8)
    }

    public struct Attribute: Sendable, Equatable {
        /// Lower-cased by libxml2's HTML parser.
        public var name: String
        /// Entities decoded; "" for a boolean attribute (`<input required>`).
        public var value: String
    }

    public struct Node: Sendable {
        public var kind: Kind
        /// The element's name as a small integer (`.other` for a text node and for names
        /// `ElementTag` does not list): what the walk and the hottest rules compare.
        var tag: ElementTag
        /// Which of the attributes most asked about the element has: a look-up for one it
        /// does not have (most elements, most questions) ends here.
        var flags: AttributeFlags
        /// Lower-case element name; "#text" for a text node.
        public var name: String
        public var attributes: [Attribute]
        /// Text of a text node; "" for an element.
        public var text: String
        /// 1-based line in the source, 0 when libxml2 does not know it.
        public var line: Int
        public var depth: Int
        public var parent: Int
        public var firstChild: Int
        public var nextSibling: Int

        public var isElement: Bool { kind == .element }

        /// The value of attribute `name` (lower case), or nil when absent.
        public func attribute(_ name: String) -> String? {
            // Lengths first: `utf8.count` is stored, while `==` on two different short
            // strings is a call into the standard library, for every attribute of every
            // element each rule asks about.
            let length = name.utf8.count
            // By index: `for attribute in attributes` copies each attribute (its name and
            // value retained, then released) before comparing it.
            for index in attributes.indices where attributes[index].name.utf8.count == length && attributes[index].name == name {
                return attributes[index].value
            }
            return nil
        }

        public func has(_ name: String) -> Bool { attribute(name) != nil }
    }

    /// Every element and text node, in document order. Index 0 is the root element when any.
    public let nodes: [Node]
    /// `<!DOCTYPE …>` as libxml2 saw it, nil when the page has none.
    public let doctype: Doctype?
    /// Element indices by `id` value, in document order (several when ids are duplicated).
    public let elementsByID: [String: [Int]]
    /// What libxml2's parser had to repair that HTML5 forbids too (end tags that close
    /// nothing or close out of order, attributes written twice), in source order, at most
    /// `maximumParseErrors`. Tree-level problems (nesting that survives the parse) are the
    /// rules' business.
    public let parseErrors: [ParseError]

    public static let maximumParseErrors = 50

    public struct ParseError: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// An end tag that closes no open element: `</p>` after a `<div>` that closed the
            /// paragraph, the second `</a>` of a link written inside a link.
            case strayEndTag(String)
            /// An end tag that closes `closing` while `open`, inside it, is still open
            /// (`<b><i>…</b></i>`, `<section><div>…</section>`).
            case misnested(closing: String, open: String)
            /// The same attribute twice on one element.
            case duplicateAttribute(String)
        }
        public var kind: Kind
        /// 1-based line in the source.
        public var line: Int
    }
    /// Per node: index one past its last descendant.
    private let subtreeEnds: [Int]

    public struct Doctype: Sendable, Equatable {
        public var name: String
        public var publicID: String?
        public var systemID: String?
    }

    /// Parses `bytes` as HTML. Never crashes on garbage: libxml2 recovers what it can.
    /// - Parameter encoding: the encoding to assume, UTF-8 unless told otherwise; pass nil
    ///   to let libxml2 read `<meta charset>`.
    /// - Throws: `HTMLDocumentError` when the page is too large or libxml2 gives up.
    public init(parsing bytes: [UInt8], encoding: String? = "UTF-8") throws {
        self = try bytes.withUnsafeBufferPointer { try HTMLDocument(buffer: $0, encoding: encoding) }
    }

    /// Convenience for Swift strings (always UTF-8), parsed in place (no copy of the page).
    public init(parsing html: String) throws {
        var html = html
        self = try html.withUTF8 { try HTMLDocument(buffer: $0, encoding: "UTF-8") }
    }

    private init(buffer bytes: UnsafeBufferPointer<UInt8>, encoding: String?) throws {
        guard bytes.count <= Self.maximumByteCount else {
            throw HTMLDocumentError.tooLarge(byteCount: bytes.count, limit: Self.maximumByteCount)
        }
        let options = Int32(HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_RECOVER.rawValue
            // Without this, libxml2 invents an HTML 4.0 doctype for pages that have none.
            | HTML_PARSE_NODEFDTD.rawValue | XML_PARSE_HUGE.rawValue
            // Short text nodes stored inside the node: fewer allocations; the tree is only read.
            | HTML_PARSE_COMPACT.rawValue)
        // The parser's errors come through this thread's structured error handler (libxml2
        // keeps it per thread), for the time of this parse only.
        let collector = ParseErrorCollector()
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(collector).toOpaque(), collectParseError)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        // libxml2 wants a non-null buffer even for an empty page.
        let space: [CChar] = [CChar(UInt8(ascii: " "))]
        let parsed: htmlDocPtr? = space.withUnsafeBufferPointer { spaceBuffer in
            let pointer: UnsafePointer<CChar>
            let count: Int
            if let base = bytes.baseAddress, bytes.count > 0 {
                pointer = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
                count = bytes.count
            } else {
                pointer = spaceBuffer.baseAddress!
                count = 1
            }
            if let encoding {
                return htmlReadMemory(pointer, Int32(count), nil, encoding, options)
            }
            return htmlReadMemory(pointer, Int32(count), nil, nil, options)
        }
        guard let document = parsed else { throw HTMLDocumentError.unreadable }
        defer { xmlFreeDoc(document) }

        if let dtd = document.pointee.intSubset {
            doctype = Doctype(name: dtd.pointee.name.map { String(cString: $0) } ?? "",
                              publicID: dtd.pointee.ExternalID.map { String(cString: $0) },
                              systemID: dtd.pointee.SystemID.map { String(cString: $0) })
        } else {
            doctype = nil
        }
        var builder = Builder()
        builder.copy(from: document)
        nodes = builder.nodes
        elementsByID = builder.elementsByID
        parseErrors = collector.errors
        // Pre-order: a subtree ends where the next sibling starts, or where the parent's ends.
        var ends = [Int](repeating: 0, count: builder.nodes.count)
        for index in builder.nodes.indices {
            let node = builder.nodes[index]
            ends[index] = node.nextSibling >= 0 ? node.nextSibling : (node.parent >= 0 ? ends[node.parent] : builder.nodes.count)
        }
        subtreeEnds = ends
    }

    /// Reads and parses the page in `file`, refusing a file over `maximumByteCount` before
    /// reading it.
    public init(contentsOfFile file: String) throws {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw HTMLDocumentError.cannotRead }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw HTMLDocumentError.cannotRead }
        let size = Int(status.st_size)
        guard size <= Self.maximumByteCount else {
            throw HTMLDocumentError.tooLarge(byteCount: size, limit: Self.maximumByteCount)
        }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            initialized = 0
            while initialized < size {
                let got = read(descriptor, buffer.baseAddress! + initialized, size - initialized)
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { failed = got < 0; break }
                initialized += got
            }
        }
        if failed { throw HTMLDocumentError.cannotRead }
        try self.init(parsing: bytes)
    }

    // MARK: - Tree navigation

    /// Indices of the children of `index`, in order.
    public func children(of index: Int) -> ChildSequence { ChildSequence(nodes: nodes, first: nodes[index].firstChild) }

    /// Index one past the last descendant of `index`: descendants are `index+1 ..< end`.
    public func subtreeEnd(of index: Int) -> Int { subtreeEnds[index] }

    /// Indices of the ancestors of `index`, nearest first.
    public func ancestors(of index: Int) -> AncestorSequence { AncestorSequence(nodes: nodes, current: nodes[index].parent) }

    /// The nearest ancestor element named one of `names`.
    public func nearestAncestor(of index: Int, named names: Set<String>) -> Int? {
        for ancestor in ancestors(of: index) where names.contains(nodes[ancestor].name) { return ancestor }
        return nil
    }

    /// All the text under `index` (text nodes only, `<script>`/`<style>` excluded), whitespace collapsed.
    public func textContent(of index: Int) -> String {
        if nodes[index].kind == .text { return nodes[index].text.collapsingWhitespace() }
        var parts: [String] = []
        var cursor = index + 1
        let end = subtreeEnd(of: index)
        while cursor < end {
            let node = view(cursor)
            if node.kind == .element && (node.tag == .script || node.tag == .style || node.tag == .template) {
                cursor = subtreeEnd(of: cursor)
                continue
            }
            if node.kind == .text { parts.append(node.text) }
            cursor += 1
        }
        return parts.joined().collapsingWhitespace()
    }

    public struct ChildSequence: Sequence, IteratorProtocol {
        let nodes: [Node]
        var upcoming: Int
        init(nodes: [Node], first: Int) { self.nodes = nodes; self.upcoming = first }
        public mutating func next() -> Int? {
            guard upcoming >= 0 else { return nil }
            defer { upcoming = nodes[upcoming].nextSibling }
            return upcoming
        }
    }

    public struct AncestorSequence: Sequence, IteratorProtocol {
        let nodes: [Node]
        var current: Int
        public mutating func next() -> Int? {
            guard current >= 0 else { return nil }
            defer { current = nodes[current].parent }
            return current
        }
    }
}

/// One node of a page, read in place: a `HTMLDocument.Node` copied out of the array costs a
/// retain and a release for each of its three heap fields (name, attributes, text), and the
/// rules look at every element, most of them only to compare its name. A view holds the
/// page's node array (one reference, the same storage) and reads just the fields asked for.
struct NodeView {
    let nodes: [HTMLDocument.Node]
    let index: Int

    init(_ nodes: [HTMLDocument.Node], _ index: Int) {
        self.nodes = nodes
        self.index = index
    }

    var kind: HTMLDocument.Kind { nodes[index].kind }
    var tag: ElementTag { nodes[index].tag }
    var isElement: Bool { nodes[index].kind == .element }
    var name: String { nodes[index].name }
    var attributes: [HTMLDocument.Attribute] { nodes[index].attributes }
    var text: String { nodes[index].text }
    var line: Int { nodes[index].line }
    var depth: Int { nodes[index].depth }
    var parent: Int { nodes[index].parent }
    var firstChild: Int { nodes[index].firstChild }
    var nextSibling: Int { nodes[index].nextSibling }

    func attribute(_ name: String) -> String? { nodes[index].attribute(name) }
    func has(_ name: String) -> Bool { nodes[index].attribute(name) != nil }
}

extension HTMLDocument {
    /// The node at `index`, read in place (see `NodeView`).
    func view(_ index: Int) -> NodeView { NodeView(nodes, index) }
}

// MARK: - Parser errors

/// Receives libxml2's errors during one parse (see `HTMLDocument.parseErrors`).
private final class ParseErrorCollector {
    var errors: [HTMLDocument.ParseError] = []
}

/// libxml2's structured error handler: keeps the errors HTML5 agrees are errors. libxml2
/// formats every error it raises anyway; this only reads the code and the names.
private let collectParseError: xmlStructuredErrorFunc = { context, error in
    guard let context, let error else { return }
    let collector = Unmanaged<ParseErrorCollector>.fromOpaque(context).takeUnretainedValue()
    let raised = error.pointee
    guard raised.domain == Int32(XML_FROM_HTML.rawValue), collector.errors.count < HTMLDocument.maximumParseErrors else { return }
    let first = raised.str1.map { String(cString: $0) } ?? ""
    let kind: HTMLDocument.ParseError.Kind
    switch raised.code {
    case Int32(XML_ERR_ATTRIBUTE_REDEFINED.rawValue):
        guard !first.isEmpty else { return }
        kind = .duplicateAttribute(first)
    case Int32(XML_ERR_TAG_NAME_MISMATCH.rawValue):
        // The same code also says "Element script embeds close tag" (valid HTML): only the
        // two messages below are kept, told apart by their first letters.
        guard let message = raised.message, !first.isEmpty else { return }
        if strncmp(message, "Unexpected end tag", 18) == 0 {
            kind = .strayEndTag(first.lowercased())
        } else if strncmp(message, "Opening and ending tag mismatch", 31) == 0, let second = raised.str2 {
            kind = .misnested(closing: first.lowercased(), open: String(cString: second).lowercased())
        } else {
            return
        }
    default:
        return
    }
    collector.errors.append(HTMLDocument.ParseError(kind: kind, line: Int(raised.line)))
}

// MARK: - Copying libxml2's tree

private struct Builder {
    var nodes: [HTMLDocument.Node] = []
    var elementsByID: [String: [Int]] = [:]
    /// Iterative pre-order walk: libxml2's own `children`/`next`/`parent` links are the stack.
    mutating func copy(from document: htmlDocPtr) {
        var lastChildOf: [Int] = []   // per depth: index of the last child appended at that depth
        var parentStack: [Int] = []   // indices of open elements
        var current: xmlNodePtr? = document.pointee.children
        while let node = current {
            var descend = false
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                let index = append(node: node, kind: .element, parentStack: parentStack, lastChildOf: &lastChildOf)
                if node.pointee.children != nil {
                    parentStack.append(index)
                    descend = true
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if !parentStack.isEmpty {
                    _ = append(node: node, kind: .text, parentStack: parentStack, lastChildOf: &lastChildOf)
                }
            default:
                break
            }
            if descend {
                current = node.pointee.children
                continue
            }
            // Next sibling, or climb until an ancestor has one.
            var climb: xmlNodePtr? = node
            current = nil
            while let here = climb {
                if let next = here.pointee.next { current = next; break }
                climb = here.pointee.parent
                if climb == nil || climb!.pointee.type == XML_HTML_DOCUMENT_NODE || climb!.pointee.type == XML_DOCUMENT_NODE {
                    climb = nil
                    break
                }
                // Leaving an element: close it.
                if climb!.pointee.type == XML_ELEMENT_NODE, !parentStack.isEmpty {
                    let closed = parentStack.removeLast()
                    let depth = nodes[closed].depth + 1
                    if lastChildOf.count > depth { lastChildOf.removeSubrange(depth...) }
                }
            }
        }
    }

    private mutating func append(node: xmlNodePtr, kind: HTMLDocument.Kind, parentStack: [Int], lastChildOf: inout [Int]) -> Int {
        let index = nodes.count
        let parent = parentStack.last ?? -1
        let depth = parentStack.count
        var attributes: [HTMLDocument.Attribute] = []
        var name = "#text"
        var tag = ElementTag.other
        var flags: HTMLDocument.AttributeFlags = []
        var text = ""
        if kind == .element {
            if let cName = node.pointee.name {
                // A known name is the tag's own string: no decoding of the C string.
                tag = ElementTag(cString: cName)
                name = tag == .other ? String(cString: cName) : tag.name
            } else {
                name = ""
            }
            var attribute = node.pointee.properties
            while let current = attribute {
                let attributeName = current.pointee.name.map { String(cString: $0) } ?? ""
                var value = ""
                var child = current.pointee.children
                while let piece = child {
                    if let content = piece.pointee.content {
                        if value.isEmpty { value = String(cString: content) } else { value += String(cString: content) }
                    }
                    child = piece.pointee.next
                }
                attributes.append(.init(name: attributeName, value: value))
                switch attributeName {
                case "id":
                    elementsByID[value, default: []].append(index)
                    flags.insert(.id)
                case "role": flags.insert(.role)
                case "class": flags.insert(.class)
                case "style": flags.insert(.style)
                default: break
                }
                attribute = current.pointee.next
            }
        } else if let content = node.pointee.content {
            text = String(cString: content)
        }
        nodes.append(.init(kind: kind, tag: tag, flags: flags, name: name, attributes: attributes, text: text,
                           line: Int(xmlGetLineNo(node)), depth: depth, parent: parent,
                           firstChild: -1, nextSibling: -1))
        // Link into the parent's child list.
        while lastChildOf.count <= depth { lastChildOf.append(-1) }
        let previous = lastChildOf[depth]
        if previous >= 0 && nodes[previous].parent == parent {
            nodes[previous].nextSibling = index
        } else if parent >= 0 {
            nodes[parent].firstChild = index
        }
        lastChildOf[depth] = index
        return index
    }
}

extension Unicode.Scalar {
    /// `properties.isWhitespace`, with an ASCII fast path (the Unicode tables are slow).
    var isFastWhitespace: Bool {
        if value < 0x80 { return value == 0x20 || (0x09...0x0D).contains(value) }
        return properties.isWhitespace
    }
}

extension String {
    /// Whether the string holds anything but whitespace.
    var hasNonWhitespace: Bool {
        var copy = self
        return copy.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let length = Self.whitespaceLength(bytes, at: index)
                if length == 0 { return true }
                index += length
            }
            return false
        }
    }

    /// Trims and folds runs of whitespace to one space. Works on the UTF-8 bytes, and gives
    /// back the string itself when there is nothing to fold (most texts): accessible names
    /// and text contents of every page come through here.
    func collapsingWhitespace() -> String {
        var copy = self
        return copy.withUTF8 { bytes -> String? in
            // Anything to change? Leading, trailing or repeated whitespace, or whitespace
            // other than a plain space.
            var needsWork = false
            var previousWasSpace = true // a leading space needs work
            var index = 0
            while index < bytes.count {
                let length = Self.whitespaceLength(bytes, at: index)
                if length == 0 {
                    previousWasSpace = false
                    index += 1
                    continue
                }
                if previousWasSpace || length != 1 || bytes[index] != UInt8(ascii: " ") { needsWork = true; break }
                previousWasSpace = true
                index += length
            }
            if !needsWork && !previousWasSpace { return nil }
            if !needsWork && bytes.isEmpty { return nil }
            return String(unsafeUninitializedCapacity: bytes.count) { output in
                var written = 0
                var pendingSpace = false
                var index = 0
                while index < bytes.count {
                    let length = Self.whitespaceLength(bytes, at: index)
                    if length > 0 {
                        pendingSpace = written > 0
                        index += length
                        continue
                    }
                    if pendingSpace {
                        output[written] = UInt8(ascii: " ")
                        written += 1
                        pendingSpace = false
                    }
                    output[written] = bytes[index]
                    written += 1
                    index += 1
                }
                return written
            }
        } ?? self
    }

    /// Length in bytes of the White_Space character (Unicode property, as
    /// `Unicode.Scalar.Properties.isWhitespace`) starting at `index`, or 0. `bytes` is valid
    /// UTF-8 (a Swift string's).
    @inline(__always)
    static func whitespaceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = bytes[index]
        if byte < 0x80 { return byte == 0x20 || (0x09...0x0D).contains(byte) ? 1 : 0 }
        switch byte {
        case 0xC2: // U+0085, U+00A0
            let next = bytes[index + 1]
            return next == 0x85 || next == 0xA0 ? 2 : 0
        case 0xE1: // U+1680
            return bytes[index + 1] == 0x9A && bytes[index + 2] == 0x80 ? 3 : 0
        case 0xE2: // U+2000…U+200A, U+2028, U+2029, U+202F, U+205F
            let second = bytes[index + 1], third = bytes[index + 2]
            if second == 0x80 { return third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF ? 3 : 0 }
            return second == 0x81 && third == 0x9F ? 3 : 0
        case 0xE3: // U+3000
            return bytes[index + 1] == 0x80 && bytes[index + 2] == 0x80 ? 3 : 0
        default:
            return 0
        }
    }
}
