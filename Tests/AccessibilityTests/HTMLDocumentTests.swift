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

/// `collapsingWhitespace` and `hasNonWhitespace` work on UTF-8 bytes; they must agree with
/// the definition on Unicode scalars (`properties.isWhitespace`) for any text.
@Suite struct WhitespaceFoldingTests {
    static func reference(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" "); pendingSpace = false }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Every White_Space character, their UTF-8 neighbours that are not whitespace, and
    /// ordinary letters.
    static let alphabet: [Unicode.Scalar] = {
        var scalars: [Unicode.Scalar] = (0x09...0x0D).map { Unicode.Scalar($0)! } + [" ", "a", "É", "’", "…", "€", "日", "😀"]
        let others: [UInt32] = [0x85, 0xA0, 0x84, 0xA1, 0x1680, 0x1681, 0x167F, 0x2000, 0x2005, 0x200A, 0x200B, 0x2027,
                                0x2028, 0x2029, 0x202A, 0x202F, 0x2030, 0x205F, 0x205E, 0x2060, 0x3000, 0x3001, 0x2FFF]
        scalars += others.map { Unicode.Scalar($0)! }
        return scalars
    }()

    @Test func agreesWithTheScalarDefinitionOnRandomTexts() {
        var generator = HostileInputTests.SplitMix64(state: 7)
        for _ in 0..<20_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                text.append(Self.alphabet.randomElement(using: &generator)!)
            }
            let string = String(text)
            #expect(string.collapsingWhitespace() == Self.reference(string), "\(string.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(string.hasNonWhitespace == string.unicodeScalars.contains { !$0.properties.isWhitespace })
        }
    }

    @Test func simpleCases() {
        #expect("".collapsingWhitespace() == "")
        #expect("   ".collapsingWhitespace() == "")
        #expect("Plan du site".collapsingWhitespace() == "Plan du site")
        #expect("  Plan\n\t du\u{00A0}site  ".collapsingWhitespace() == "Plan du site")
        #expect("Démarches\u{2028}en ligne".collapsingWhitespace() == "Démarches en ligne")
        #expect(!"\u{3000}\u{202F} ".hasNonWhitespace)
    }
}

@Suite struct CaseFoldingTests {
    @Test func equalsIgnoringASCIICase() {
        #expect("NONE".equalsIgnoringASCIICase("none"))
        #expect("None".equalsIgnoringASCIICase("none"))
        #expect(!"none ".equalsIgnoringASCIICase("none"))
        #expect(!"non".equalsIgnoringASCIICase("none"))
        #expect(!"".equalsIgnoringASCIICase("none"))
        #expect("".equalsIgnoringASCIICase(""))
        #expect(!"NÖNE".equalsIgnoringASCIICase("none"))
        #expect("X".equalsIgnoringASCIICase("x")) // a one-character literal
    }
}
