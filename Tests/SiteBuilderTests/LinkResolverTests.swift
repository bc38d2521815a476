import Foundation
@testable import SiteBuilder
import Testing

@Suite struct LinkResolverTrimmingTests {
    /// The hand-written trim must agree with Foundation's `.whitespaces` everywhere, including
    /// non-ASCII spaces, newlines (kept: they are not in `.whitespaces`) and accented text.
    @Test(arguments: [
        "", " ", "\t", "  a  ", "\u{00A0}horaires.md\u{202F}", "\u{3000}x", "a b", "\nlien.md\n",
        " \t page.md", "été.md ", "\u{2003}\u{2009}", "x\u{200B}", " é ", "🙂 ", "%20a.md",
    ])
    func trimmingSpacesMatchesFoundation(raw: String) {
        #expect(LinkResolver.trimmingSpaces(raw) == raw.trimmingCharacters(in: .whitespaces))
    }

    /// Percent-decoding is skipped when there is no "%": a link with one is still decoded
    /// (here "%2E%2E" is "..", which climbs out of Content/), one without is taken as is.
    @Test func trimmingSpacesMatchesFoundationOnEveryBMPCharacter() {
        var differences: [String] = []
        for value in UInt32(0)..<0x10000 {
            guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates
            let raw = "\(scalar)a\(scalar)b\(scalar)"
            if LinkResolver.trimmingSpaces(raw) != raw.trimmingCharacters(in: .whitespaces) {
                differences.append(String(value, radix: 16))
            }
        }
        #expect(differences == [])
    }

    @Test func percentEncodedLinksAreStillDecoded() throws {
        let fixture = try FixtureSite("""
            -- Content/index.md --
            ---
            title: Accueil
            ---
            [Horaires](pratique/horaires%2Emd) et [Haut](%2E%2E/%2E%2E/x.md) et [Tel quel](pratique/horaires.md)
            -- Content/pratique/horaires.md --
            ---
            title: Horaires
            ---
            Texte.
            """)
        defer { fixture.remove() }
        guard case .failure(let failure) = fixture.build() else { Issue.record("the build should fail"); return }
        #expect(failure.diagnostics.map(\.message) == [
            "Le lien « %2E%2E/%2E%2E/x.md » remonte au-dessus du dossier Content/ : corrigez le nombre de « ../ ».",
        ])
    }

    @Test(arguments: [
        ("https://x.fr", "https"), ("MAILTO:a@b.fr", "mailto"), ("tel:+33100000000", "tel"),
        ("javascript:alert(1)", "javascript"), ("svn+ssh://h", "svn+ssh"), ("a.b-c:x", "a.b-c"),
        ("horaires.md", nil), ("1http:x", nil), ("é:x", nil), ("ht tp:x", nil), (":x", nil), ("../a:b", nil),
    ] as [(String, String?)])
    func schemes(link: String, scheme: String?) {
        #expect(LinkResolver.scheme(of: link) == scheme)
    }

    @Test func dotSegments() {
        #expect(LinkResolver.normalize(base: ["demarches", "etat-civil"], relative: "../elections/./inscription.md")
                == ["demarches", "elections", "inscription.md"])
        #expect(LinkResolver.normalize(base: [], relative: "//a///b/") == ["a", "b"])
        #expect(LinkResolver.normalize(base: ["é"], relative: "../../x") == nil)
        #expect(LinkResolver.normalize(base: ["é"], relative: "..é/...") == ["é", "..é", "..."])
    }
}
