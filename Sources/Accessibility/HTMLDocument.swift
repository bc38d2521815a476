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

/// An HTML page parsed by libxml2's HTML parser into a flat, read-only arena.
///
/// The arena is built from the parser's events (`TreeBuilder`), with no libxml2 tree in
/// between and no recursion (100,000 nested elements cannot overflow the stack): rules then
/// read plain Swift values.
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
            | HTML_PARSE_NODEFDTD.rawValue | XML_PARSE_HUGE.rawValue)
        // The parser's errors come through this thread's structured error handler (libxml2
        // keeps it per thread), for the time of this parse only.
        let collector = ParseErrorCollector()
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(collector).toOpaque(), collectParseError)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        // libxml2 wants a non-null buffer even for an empty page.
        let space: [CChar] = [CChar(UInt8(ascii: " "))]
        let builder = TreeBuilder()
        let parsed: Bool = space.withUnsafeBufferPointer { spaceBuffer in
            let pointer: UnsafePointer<CChar>
            let count: Int
            if let base = bytes.baseAddress, bytes.count > 0 {
                pointer = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
                count = bytes.count
            } else {
                pointer = spaceBuffer.baseAddress!
                count = 1
            }
            return builder.parse(pointer, count: count, encoding: encoding, options: options)
        }
        guard parsed else { throw HTMLDocumentError.unreadable }
        doctype = builder.doctype
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

// MARK: - Building the arena from libxml2's SAX events

/// Builds the node arena straight from libxml2's HTML parser events, without the libxml2
/// tree: building that tree, copying it and freeing it was a sixth of the checker's work.
///
/// The arena is the one a copy of libxml2's own tree (its SAX2 tree builder) gives, node for
/// node: the parser sends the same events either way (with blanks kept, its `areBlanks`
/// question to the tree only decides whether to imply a `<p>` where none is implied anyway),
/// and what that tree builder decides on its own is reproduced here: text pieces are joined
/// into one node unless a comment or another node came between, `<script>`/`<style>`
/// content pieces are never joined, and lines follow `xmlGetLineNo`.
/// `HTMLTreeEquivalenceTests` holds this to a copy of libxml2's tree on every page of the
/// test corpora. One deliberate difference: lines past 65,535 are the real ones (libxml2's
/// tree keeps 16 bits without XML_PARSE_BIG_LINES, then borrows a neighbour's).
final class TreeBuilder {
    var nodes: [HTMLDocument.Node] = []
    var elementsByID: [String: [Int]] = [:]
    var doctype: HTMLDocument.Doctype?
    /// libxml2 calls `startDocument` unless it gave up before reading anything.
    fileprivate var started = false

    /// The kind of the last child libxml2's tree would hold in an open element (comments
    /// aside): what decides whether new text is joined to it, and a CDATA section's line.
    fileprivate enum LastChild {
        case none
        /// A text node: the next text is appended to it.
        case text
        /// A CDATA section (the content of `<script>`/`<style>`): the next piece is appended.
        case cdata
        case element
        /// A processing instruction (`<?php … ?>`): not in the arena, but a child all the same.
        case instruction
    }
    fileprivate struct OpenElement {
        var index: Int
        /// The last child that is not a comment (libxml2 looks past comments for whitespace).
        var last: LastChild = .none
        /// Whether a comment came after `last` (text is then not joined to it).
        var commentSince = false
        /// The line libxml2 would give a CDATA section appended now (see `appendCDATA`).
        var lastLine: Int
        /// The previous element-or-text child in the arena, for the sibling links.
        var lastArenaChild = -1
    }
    fileprivate var open: [OpenElement] = []
    /// The last root-level element, for the sibling links of several root elements.
    fileprivate var lastRoot = -1

    /// Parses `count` bytes at `pointer`; false when libxml2 could not start a document.
    func parse(_ pointer: UnsafePointer<CChar>, count: Int, encoding: String?, options: Int32) -> Bool {
        // What `htmlReadMemory` does, with this object's handlers in place of the tree builder's.
        guard let context = htmlCreateMemoryParserCtxt(pointer, Int32(count)) else { return false }
        defer { htmlFreeParserCtxt(context) }
        if let sax = context.pointee.sax {
            var handler = htmlSAXHandler()
            handler.startDocument = saxStartDocument
            handler.internalSubset = saxInternalSubset
            handler.startElement = saxStartElement
            handler.endElement = saxEndElement
            handler.characters = saxCharacters
            handler.cdataBlock = saxCDATA
            handler.comment = saxComment
            handler.processingInstruction = saxInstruction
            handler.initialized = sax.pointee.initialized
            sax.pointee = handler
        }
        context.pointee._private = Unmanaged.passUnretained(self).toOpaque()
        htmlCtxtUseOptions(context, options)
        context.pointee.html = 1
        if let encoding, let handler = xmlFindCharEncodingHandler(encoding) {
            xmlSwitchToEncoding(context, handler)
        }
        htmlParseDocument(context)
        finishText()
        if let stray = context.pointee.myDoc { xmlFreeDoc(stray); context.pointee.myDoc = nil }
        return started
    }

    fileprivate func startElement(_ name: UnsafePointer<xmlChar>?, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, line: Int) {
        finishText()
        var tag = ElementTag.other
        var elementName = ""
        if let name {
            tag = ElementTag(cString: name)
            elementName = tag == .other ? String(cString: name) : tag.name
        }
        let index = nodes.count
        var list: [HTMLDocument.Attribute] = []
        var flags: HTMLDocument.AttributeFlags = []
        if var pair = attributes {
            while let attributeName = pair[0] {
                let name = String(cString: attributeName)
                // libxml2's tree writes the HTML 4 boolean attributes out (`checked="checked"`).
                let value = pair[1].map { String(cString: $0) } ?? (htmlIsBooleanAttr(attributeName) != 0 ? name : "")
                list.append(.init(name: name, value: value))
                switch name {
                case "id":
                    elementsByID[value, default: []].append(index)
                    flags.insert(.id)
                case "role": flags.insert(.role)
                case "class": flags.insert(.class)
                case "style": flags.insert(.style)
                default: break
                }
                pair += 2
            }
        }
        append(HTMLDocument.Node(kind: .element, tag: tag, flags: flags, name: elementName, attributes: list, text: "",
                                 line: line, depth: open.count, parent: open.last?.index ?? -1,
                                 firstChild: -1, nextSibling: -1))
        if !open.isEmpty {
            open[open.count - 1].last = .element
            open[open.count - 1].commentSince = false
            open[open.count - 1].lastLine = line
        }
        open.append(OpenElement(index: index, lastLine: line))
    }

    fileprivate func endElement() {
        finishText()
        if !open.isEmpty { open.removeLast() }
    }

    /// Text outside `<script>`/`<style>`, joined to the text node just before it if any.
    fileprivate func characters(_ bytes: UnsafePointer<xmlChar>, _ count: Int, line: Int) {
        guard let current = open.last else { return }
        if case .text = current.last, !current.commentSince {
            pending.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
            return
        }
        startText(bytes, count, line: line, parent: current.index)
        open[open.count - 1].last = .text
        open[open.count - 1].commentSince = false
        open[open.count - 1].lastLine = line
    }

    /// The content of `<script>`/`<style>`, which libxml2 hands over in pieces of up to 1,000
    /// bytes and its tree joins. libxml2 does not record a line for it: it answers with the
    /// previous sibling's line, or the parent's.
    fileprivate func cdata(_ bytes: UnsafePointer<xmlChar>, _ count: Int) {
        guard let current = open.last else { return }
        if case .cdata = current.last, !current.commentSince {
            pending.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
            return
        }
        let line: Int
        switch current.last {
        case _ where current.commentSince: line = current.lastLine
        case .text, .element, .instruction: line = current.lastLine
        case .none, .cdata: line = nodes[current.index].line
        }
        startText(bytes, count, line: line, parent: current.index)
        open[open.count - 1].last = .cdata
        open[open.count - 1].commentSince = false
    }

    /// Bytes of the text node being built (`pendingNode`), decoded once it is complete: a
    /// UTF-8 sequence may straddle two pieces.
    private var pending: [UInt8] = []
    private var pendingNode = -1

    private func startText(_ bytes: UnsafePointer<xmlChar>, _ count: Int, line: Int, parent: Int) {
        finishText()
        let index = nodes.count
        append(HTMLDocument.Node(kind: .text, tag: .other, flags: [], name: "#text", attributes: [], text: "",
                                 line: line, depth: open.count, parent: parent, firstChild: -1, nextSibling: -1))
        pending.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
        pendingNode = index
    }

    /// Decodes the pending text into its node; called before any other event changes the tree.
    func finishText() {
        guard pendingNode >= 0 else { return }
        nodes[pendingNode].text = String(decoding: pending, as: UTF8.self)
        pending.removeAll(keepingCapacity: true)
        pendingNode = -1
    }

    fileprivate func comment(line: Int) {
        guard !open.isEmpty else { return }
        finishText()
        open[open.count - 1].commentSince = true
        open[open.count - 1].lastLine = line
    }

    fileprivate func instruction(line: Int) {
        guard !open.isEmpty else { return }
        finishText()
        open[open.count - 1].last = .instruction
        open[open.count - 1].commentSince = false
        open[open.count - 1].lastLine = line
    }

    /// Links `node` (already holding its parent and depth) into the arena.
    private func append(_ node: HTMLDocument.Node) {
        let index = nodes.count
        nodes.append(node)
        if open.isEmpty {
            if lastRoot >= 0 { nodes[lastRoot].nextSibling = index }
            lastRoot = index
        } else {
            let previous = open[open.count - 1].lastArenaChild
            if previous >= 0 { nodes[previous].nextSibling = index } else { nodes[open[open.count - 1].index].firstChild = index }
            open[open.count - 1].lastArenaChild = index
        }
    }
}

// The SAX handlers: C function pointers, so no captures; the builder rides in `_private`.

private func builder(_ context: UnsafeMutableRawPointer?) -> (TreeBuilder, htmlParserCtxtPtr)? {
    guard let context else { return nil }
    let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let owner = parser.pointee._private else { return nil }
    return (Unmanaged<TreeBuilder>.fromOpaque(owner).takeUnretainedValue(), parser)
}

private func currentLine(_ parser: htmlParserCtxtPtr) -> Int {
    parser.pointee.input.map { Int($0.pointee.line) } ?? 0
}

private let saxStartDocument: startDocumentSAXFunc = { context in
    builder(context)?.0.started = true
}

private let saxInternalSubset: internalSubsetSAXFunc = { context, name, publicID, systemID in
    // The first DOCTYPE counts, as in libxml2's tree for HTML.
    guard let (owner, _) = builder(context), owner.started, owner.doctype == nil else { return }
    owner.doctype = HTMLDocument.Doctype(name: name.map { String(cString: $0) } ?? "",
                                         publicID: publicID.map { String(cString: $0) },
                                         systemID: systemID.map { String(cString: $0) })
}

private let saxStartElement: startElementSAXFunc = { context, name, attributes in
    guard let (owner, parser) = builder(context) else { return }
    owner.startElement(name, attributes, line: currentLine(parser))
}

private let saxEndElement: endElementSAXFunc = { context, _ in
    builder(context)?.0.endElement()
}

private let saxCharacters: charactersSAXFunc = { context, bytes, count in
    guard let (owner, parser) = builder(context), let bytes, count > 0 else { return }
    owner.characters(bytes, Int(count), line: currentLine(parser))
}

private let saxCDATA: cdataBlockSAXFunc = { context, bytes, count in
    guard let (owner, _) = builder(context), let bytes, count > 0 else { return }
    owner.cdata(bytes, Int(count))
}

private let saxComment: commentSAXFunc = { context, _ in
    guard let (owner, parser) = builder(context) else { return }
    owner.comment(line: currentLine(parser))
}

private let saxInstruction: processingInstructionSAXFunc = { context, _, _ in
    guard let (owner, parser) = builder(context) else { return }
    owner.instruction(line: currentLine(parser))
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
