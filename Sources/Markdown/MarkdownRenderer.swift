import CCmarkGFM
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A link or image target found in a page, with the line it is written on.
public struct LinkReference: Sendable, Equatable {
    public enum Kind: Sendable { case link, image }
    public var url: String
    public var line: Int
    public var kind: Kind
    public init(url: String, line: Int, kind: Kind) {
        self.url = url
        self.line = line
        self.kind = kind
    }
}

/// A problem in the Markdown itself (a line within the text given to the renderer, 1-based).
public struct MarkdownProblem: Sendable, Equatable {
    public var line: Int
    public var message: String
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}

public struct Heading: Sendable, Equatable {
    public var level: Int
    public var text: String
    public var line: Int
}

/// The HTML fragment of a page's body and what was learnt while producing it.
public struct MarkdownDocument: Sendable {
    public var html: String
    public var headings: [Heading]
    public var problems: [MarkdownProblem]
}

/// cmark-gfm with GitHub tables, strikethrough and autolinks, adapted to accessible pages:
/// headings start at `h2` (the page title is the only `h1`), table headers get `scope="col"`,
/// raw HTML is refused (editors write Markdown; HTML would bypass the accessibility rules).
public enum MarkdownRenderer {
    /// Registering extensions is not thread-safe; a static is initialised exactly once.
    private static let extensionsRegistered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    private static let extensionNames = ["table", "strikethrough", "autolink"]


    /// Renders `text`. `rewrite` sees every link and image target and returns the URL to
    /// publish instead (nil keeps it): the site builder resolves `.md` links there.
    public static func render(_ text: String, rewrite: (LinkReference) -> String? = { _ in nil }) -> MarkdownDocument {
        precondition(extensionsRegistered)
        let options = CMARK_OPT_DEFAULT | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES | CMARK_OPT_VALIDATE_UTF8
        guard let parser = cmark_parser_new(options) else { fatalError("cmark-gfm: out of memory") }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        let byteCount = text.utf8.count
        text.withCString { cmark_parser_feed(parser, $0, byteCount) }
        guard let root = cmark_parser_finish(parser) else { fatalError("cmark-gfm: out of memory") }
        defer { cmark_node_free(root) }

        var problems: [MarkdownProblem] = []
        var headings: [Heading] = []
        var previousLevel = 1
        var tableCount = 0
        let iterator = cmark_iter_new(root)
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            switch type {
            case CMARK_NODE_HEADING:
                let level = Int(cmark_node_get_heading_level(node))
                let line = lineOf(node)
                let title = plainText(of: node)
                if level == 1 {
                    problems.append(MarkdownProblem(line: line, message:
                        "Le titre « \(title) » est de niveau 1 (« # ») : le seul titre de niveau 1 est celui de la page (title). Commencez vos intertitres à « ## »."))
                } else if level > previousLevel + 1 {
                    problems.append(MarkdownProblem(line: line, message:
                        "Le titre « \(title) » saute un niveau (niveau \(level) après un niveau \(previousLevel)) : utilisez « \(String(repeating: "#", count: previousLevel + 1)) » pour garder une hiérarchie de titres continue."))
                }
                previousLevel = level
                headings.append(Heading(level: level, text: title, line: line))
            case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE:
                let snippet = String(cString: cmark_node_get_literal(node)).trimmingCharacters(limit: 60)
                problems.append(MarkdownProblem(line: lineOf(node), message:
                    "Le code HTML « \(snippet) » n’est pas accepté dans une page : écrivez en Markdown (titres « ## », listes « - », liens [texte](adresse)). Si un signe « < » fait partie du texte, précédez-le d’une barre oblique inverse : « \\< »."))
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                let kind: LinkReference.Kind = type == CMARK_NODE_LINK ? .link : .image
                let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                let line = lineOf(node)
                if kind == .link, plainText(of: node).allSatisfy(\.isWhitespace), !containsImageWithAlt(node) {
                    problems.append(MarkdownProblem(line: line, message:
                        "Le lien vers « \(url) » n’a pas d’intitulé : écrivez entre crochets un texte qui dit où il mène, par exemple [Horaires de la mairie](\(url))."))
                }
                if let replacement = rewrite(LinkReference(url: url, line: line, kind: kind)) {
                    cmark_node_set_url(node, replacement)
                }
            default:
                // Extension nodes (tables, strikethrough) carry their extension; only tables matter here.
                if cmark_node_get_syntax_extension(node) != nil, let name = cmark_node_get_type_string(node),
                   strcmp(name, "table") == 0 {
                    tableCount += 1
                }
            }
        }

        let extensions = cmark_parser_get_syntax_extensions(parser)
        guard let rendered = cmark_render_html(root, options, extensions) else { fatalError("cmark-gfm: out of memory") }
        defer { free(rendered) }
        // Tables come only from the GitHub table extension (raw HTML is refused), whose
        // header row is always a row of column headers.
        let html = tableCount > 0 ? scopingColumnHeaders(rendered) : String(cString: rendered)
        return MarkdownDocument(html: html, headings: headings, problems: problems)
    }

    /// cmark-gfm's HTML with `scope="col"` added to every header cell, in one pass over the
    /// bytes. Only "<th>" and "<th style=…>" are header cells ("<thead>" is not). cmark escapes
    /// "<" in text, so every "<th" here is a tag.
    static func scopingColumnHeaders(_ rendered: UnsafePointer<CChar>) -> String {
        let count = strlen(rendered)
        let scope = Array(" scope=\"col\"".utf8)
        return rendered.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(count + 256)
            var copied = 0
            var i = 0
            while i + 3 < count {
                // "<th" then ">" or " ": a header cell (not "<thead").
                if bytes[i] == UInt8(ascii: "<"), bytes[i + 1] == UInt8(ascii: "t"), bytes[i + 2] == UInt8(ascii: "h"),
                   bytes[i + 3] == UInt8(ascii: ">") || bytes[i + 3] == UInt8(ascii: " ") {
                    out.append(contentsOf: UnsafeBufferPointer(start: bytes + copied, count: i + 3 - copied))
                    out.append(contentsOf: scope)
                    copied = i + 3
                    i += 4
                } else {
                    i += 1
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(start: bytes + copied, count: count - copied))
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Inline nodes may carry no position; the nearest block with one gives the line.
    private static func lineOf(_ node: OpaquePointer) -> Int {
        var current: OpaquePointer? = node
        while let n = current {
            let line = Int(cmark_node_get_start_line(n))
            if line > 0 { return line }
            current = cmark_node_parent(n)
        }
        return 1
    }

    /// The text a person reads in a node (what a screen reader would announce).
    static func plainText(of node: OpaquePointer) -> String {
        var text = ""
        let iterator = cmark_iter_new(node)
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(child) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if let literal = cmark_node_get_literal(child) { text += String(cString: literal) }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                text += " "
            default:
                break
            }
        }
        return text
    }

    private static func containsImageWithAlt(_ node: OpaquePointer) -> Bool {
        var child = cmark_node_first_child(node)
        while let c = child {
            if cmark_node_get_type(c) == CMARK_NODE_IMAGE, !plainText(of: c).allSatisfy(\.isWhitespace) { return true }
            child = cmark_node_next(c)
        }
        return false
    }
}

extension String {
    func trimmingCharacters(limit: Int) -> String {
        let flat = split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
    }
}
