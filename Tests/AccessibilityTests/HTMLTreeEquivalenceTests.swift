import CLibXML2
import Foundation
import Testing
@testable import Accessibility

/// `HTMLDocument` builds its node arena from libxml2's parser events (`TreeBuilder`). These
/// tests hold it to the reference it replaced: libxml2's own tree (`htmlReadMemory`), copied
/// node by node, on every page of the test corpora and on pages written to stress what the
/// tree builder decides by itself (text joined or not, CDATA pieces, lines, several roots).
@Suite struct HTMLTreeEquivalenceTests {
    /// One node as the comparison sees it.
    struct Flat: Equatable, CustomStringConvertible {
        var kind: HTMLDocument.Kind
        var name: String
        var attributes: [HTMLDocument.Attribute]
        var text: String
        var line: Int
        var depth: Int
        var parent: Int
        var firstChild: Int
        var nextSibling: Int
        var description: String {
            "\(kind) \(name) \(attributes.map { "\($0.name)=\($0.value)" }) \(text.debugDescription) line \(line) depth \(depth) parent \(parent) first \(firstChild) next \(nextSibling)"
        }
    }

    static func flat(_ document: HTMLDocument) -> [Flat] {
        document.nodes.map {
            Flat(kind: $0.kind, name: $0.name, attributes: $0.attributes, text: $0.text, line: min($0.line, 65535),
                 depth: $0.depth, parent: $0.parent, firstChild: $0.firstChild, nextSibling: $0.nextSibling)
        }
    }

    /// What `HTMLDocument` built before it read parser events: libxml2's tree, copied.
    static func reference(_ bytes: [UInt8]) -> (nodes: [Flat], doctype: HTMLDocument.Doctype?)? {
        let options = Int32(HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue
            | HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NODEFDTD.rawValue | XML_PARSE_HUGE.rawValue | HTML_PARSE_COMPACT.rawValue)
        let input = bytes.isEmpty ? [UInt8(ascii: " ")] : bytes
        let parsed = input.withUnsafeBufferPointer {
            htmlReadMemory(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), Int32($0.count), nil, "UTF-8", options)
        }
        guard let document = parsed else { return nil }
        defer { xmlFreeDoc(document) }
        var doctype: HTMLDocument.Doctype?
        if let dtd = document.pointee.intSubset {
            doctype = .init(name: dtd.pointee.name.map { String(cString: $0) } ?? "",
                            publicID: dtd.pointee.ExternalID.map { String(cString: $0) },
                            systemID: dtd.pointee.SystemID.map { String(cString: $0) })
        }
        var nodes: [Flat] = []
        var lastChildOf: [Int] = []
        var parentStack: [Int] = []
        func append(_ node: xmlNodePtr, _ kind: HTMLDocument.Kind) -> Int {
            let index = nodes.count
            let parent = parentStack.last ?? -1
            let depth = parentStack.count
            var attributes: [HTMLDocument.Attribute] = []
            var text = ""
            var name = "#text"
            if kind == .element {
                name = node.pointee.name.map { String(cString: $0) } ?? ""
                var attribute = node.pointee.properties
                while let current = attribute {
                    var value = ""
                    var child = current.pointee.children
                    while let piece = child {
                        if let content = piece.pointee.content { value += String(cString: content) }
                        child = piece.pointee.next
                    }
                    attributes.append(.init(name: current.pointee.name.map { String(cString: $0) } ?? "", value: value))
                    attribute = current.pointee.next
                }
            } else if let content = node.pointee.content {
                text = String(cString: content)
            }
            nodes.append(Flat(kind: kind, name: name, attributes: attributes, text: text, line: Int(xmlGetLineNo(node)),
                              depth: depth, parent: parent, firstChild: -1, nextSibling: -1))
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
        var current: xmlNodePtr? = document.pointee.children
        while let node = current {
            var descend = false
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                let index = append(node, .element)
                if node.pointee.children != nil { parentStack.append(index); descend = true }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if !parentStack.isEmpty { _ = append(node, .text) }
            default:
                break
            }
            if descend { current = node.pointee.children; continue }
            var climb: xmlNodePtr? = node
            current = nil
            while let here = climb {
                if let next = here.pointee.next { current = next; break }
                climb = here.pointee.parent
                if climb == nil || climb!.pointee.type == XML_HTML_DOCUMENT_NODE || climb!.pointee.type == XML_DOCUMENT_NODE { climb = nil; break }
                if climb!.pointee.type == XML_ELEMENT_NODE, !parentStack.isEmpty {
                    let closed = parentStack.removeLast()
                    let depth = nodes[closed].depth + 1
                    if lastChildOf.count > depth { lastChildOf.removeSubrange(depth...) }
                }
            }
        }
        return (nodes, doctype)
    }

    /// The first difference between the two trees of `bytes`, nil when they agree.
    static func difference(_ bytes: [UInt8]) -> String? {
        let built = try? HTMLDocument(parsing: bytes)
        let expected = reference(bytes)
        switch (built, expected) {
        case (nil, nil): return nil
        case (nil, .some): return "HTMLDocument refused a page libxml2's tree reads"
        case (.some, nil): return "HTMLDocument read a page libxml2's tree refuses"
        case (let built?, let expected?):
            if built.doctype != expected.doctype { return "doctype \(String(describing: built.doctype)) ≠ \(String(describing: expected.doctype))" }
            let nodes = flat(built)
            for index in 0..<max(nodes.count, expected.nodes.count) {
                let mine = index < nodes.count ? nodes[index].description : "nothing"
                let theirs = index < expected.nodes.count ? expected.nodes[index].description : "nothing"
                if mine != theirs { return "node \(index): \(mine)\n   libxml2's tree: \(theirs)" }
            }
            return nil
        }
    }

    static let testsRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    static func htmlFiles(under root: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "html" || $0.pathExtension == "htm" }
            .sorted { $0.path < $1.path }
    }

    @Test func agreesOnTheFixturesAndTheACTCorpus() throws {
        var files = Self.htmlFiles(under: Self.testsRoot.appendingPathComponent("Fixtures"))
        let act = ACTConformanceTests.corpusRoot
        let withCorpus = FileManager.default.fileExists(atPath: act.path)
        if withCorpus { files += Self.htmlFiles(under: act) }
        #expect(files.count > (withCorpus ? 1_500 : 200))
        var differences: [String] = []
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            if let difference = Self.difference(bytes) { differences.append("\(file.lastPathComponent): \(difference)") }
        }
        #expect(differences.isEmpty, "\(differences.count) pages differ, first: \(differences.prefix(3).joined(separator: "\n"))")
    }

    static let tricky: [String] = [
        "",
        "   ",
        "texte seul, sans balise",
        "<!DOCTYPE html><html><head><title>t</title></head><body><p>a</p></body></html>",
        // Text pieces around comments and instructions: joined only when nothing came between.
        "<p>un<!-- c -->deux<?php echo 1 ?>trois</p><p>a &amp; b &lt; c &#233; d</p>",
        "<div>\n  <!-- a -->\n  <!-- b -->\n  <span>x</span>\n</div>",
        // Scripts and styles: CDATA pieces of up to 1,000 bytes, lines borrowed from neighbours.
        "<html><head>\n<style>p{color:red}</style>\n<!-- c --><script>var a = 1;</script><script></script>\n</head></html>",
        "<body>\n<script>\n" + String(repeating: "var x = \"abcdefghij\";\n", count: 300) + "</script>\n<p>après</p>",
        "<body><!-- c -->\n<script>a()</script><script>b()</script></body>",
        // Doctypes: the first one counts; HTML 4.01 and its blanks under <body>.
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n<html><body>\n  <p>x</p>\n  <table> <tr> <td> y </td> </tr> </table>\n</body></html>",
        "<!DOCTYPE html><!DOCTYPE other><p>x</p>",
        "<p>a</p><!DOCTYPE html><p>b</p>",
        // Repairs: implied elements, misnesting, stray end tags, unclosed elements.
        "<b><i>x</b>y</i>z<table><td>a<td>b</table><li>un<li>deux</ul></p><div><span>",
        "<title>t</title>texte<meta charset=utf-8><p>x",
        "<html><head> \n </head> \n <body> \n </body> \n </html> \n ",
        "<select><option>a<option>b</select><textarea>\n<b>pas une balise</b></textarea><pre>\n\nx</pre>",
        "<input required value=\"\" name=a name=b><img alt><a href='x'id=y>z</a>",
        "</p></p><br/><p/>x",
        "<svg><circle r=1/><text>t</text></svg><math><mi>x</mi></math>",
        "\u{FEFF}<p>BOM</p>",
        "<p>\r\n\r\nlignes CRLF\r\n</p>\r\n<p>\rseul CR</p>",
    ]

    @Test(arguments: tricky.indices)
    func agreesOnPagesThatStressTheTreeBuilder(_ index: Int) {
        let difference = Self.difference(Array(Self.tricky[index].utf8))
        #expect(difference == nil, "\(Self.tricky[index].prefix(80).debugDescription): \(difference ?? "")")
    }

    @Test func agreesOnBrokenBytes() {
        var generator = HostileInputTests.SplitMix64(state: 2311)
        var pages: [[UInt8]] = [
            [0xFF, 0xFE, 0x00, 0x3C, 0x70, 0x3E],
            Array("<p>é</p>".utf8) + [0xC3] + Array("<p>x</p>".utf8),
            Array("<p title=\"".utf8) + [0xE2, 0x82] + Array("\">y</p>".utf8),
            Array("<p>a\u{0}b</p>".utf8),
        ]
        for _ in 0..<20 {
            pages.append((0..<Int.random(in: 1...400, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        for page in pages {
            let difference = Self.difference(page)
            #expect(difference == nil, "\(page.prefix(24)): \(difference ?? "")")
        }
    }
}
