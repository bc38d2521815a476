import Testing
@testable import Accessibility

@Suite struct HTMLDocumentTests {
    @Test func copiesElementsAttributesLinesAndText() throws {
        let html = "<!DOCTYPE html>\n<html lang=\"fr\">\n<body>\n<p id=\"a\" class=x>Bonjour <b>le</b> monde</p>\n<input required>\n</body></html>"
        let document = try HTMLDocument(parsing: html)
        #expect(document.doctype?.name == "html")
        let names = document.nodes.filter(\.isElement).map(\.name)
        #expect(names == ["html", "body", "p", "b", "input"])
        let p = try #require(document.nodes.firstIndex { $0.name == "p" })
        #expect(document.nodes[p].line == 4)
        #expect(document.nodes[p].attribute("class") == "x")
        #expect(document.textContent(of: p) == "Bonjour le monde")
        #expect(document.elementsByID["a"] == [p])
        let input = try #require(document.nodes.first { $0.name == "input" })
        #expect(input.attribute("required") == "")
        let body = try #require(document.nodes.firstIndex { $0.name == "body" })
        #expect(document.children(of: body).filter { document.nodes[$0].isElement }.map { document.nodes[$0].name } == ["p", "input"])
        #expect(document.nearestAncestor(of: p, named: ["html"]) == 0)
    }

    @Test func noDoctype() throws {
        let document = try HTMLDocument(parsing: "<html><title>x</title></html>")
        #expect(document.doctype == nil)
    }

    @Test func refusesHugePages() {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: HTMLDocument.maximumByteCount + 1)
        #expect(throws: HTMLDocumentError.tooLarge(byteCount: bytes.count, limit: HTMLDocument.maximumByteCount)) {
            try HTMLDocument(parsing: bytes)
        }
        #expect(HTMLDocumentError.tooLarge(byteCount: bytes.count, limit: HTMLDocument.maximumByteCount).description
            == "La page fait 20 Mo : au-delà de 20 Mo, le vérificateur RGAA refuse de l'analyser. Découpez la page en plusieurs pages plus légères.")
    }

    @Test func deepNesting() throws {
        let html = String(repeating: "<div>", count: 100_000) + "texte" + String(repeating: "</div>", count: 100_000)
        let document = try HTMLDocument(parsing: html)
        print("deep nesting: \(document.nodes.count) nodes, max depth \(document.nodes.map(\.depth).max() ?? 0)")
        #expect(document.nodes.count > 0)
    }
}
