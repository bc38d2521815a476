import GuichetModel
import Testing
@testable import FormKit

/// The byte-level fast paths of the validator give exactly what the Character-based rules
/// they stand in for give, on ordinary, malformed and hostile text.
@Suite struct FormKitFastPathTests {
    static func randomStrings(from pieces: [String], count: Int, maximumLength: Int, seed: UInt64) -> [String] {
        var generator = SplitMix(seed: seed)
        return (0..<count).map { _ in
            let length = Int.random(in: 0...maximumLength, using: &generator)
            return (0..<length).map { _ in pieces.randomElement(using: &generator)! }.joined()
        }
    }

    @Test func cleanMatchesTheScalarRebuild() {
        let fixed = [
            "", " ", "Martin", " Martin", "Martin ", "Élise", "Élise ", "\u{00A0}Élise", "Élise\u{2003}",
            "a\tb", "a\r\nb", "a\rb", "a\nb", "\r\n", "a\u{0}b", "a\u{7F}b", "a\u{85}b", "a\u{200B}b", "a\u{200D}b",
            "\u{200D}", "a\u{2028}b", "\u{FEFF}x", "e\u{301}", "👩‍👩‍👧", "Bonjour, à quelle heure ? Merci d’avance.",
            String(repeating: "x", count: 20_000), "\u{3000}x\u{3000}", "x\u{1680}", "\u{E000}",
        ]
        let pieces = ["a", "Z", "0", " ", "\t", "\r", "\n", "\r\n", "\u{0}", "\u{1F}", "\u{7F}", "é", "e\u{301}", "\u{85}",
                      "\u{A0}", "\u{200B}", "\u{200D}", "\u{2028}", "\u{2029}", "\u{3000}", "\u{FEFF}", "😀", "’", "\u{E000}", "\u{10FFFF}"]
        for text in fixed + Self.randomStrings(from: pieces, count: 5_000, maximumLength: 12, seed: 7) {
            #expect(TextNormalizer.clean(text) == TextNormalizer.rebuilt(text), "\(Array(text.unicodeScalars))")
            // Not only equal: the same scalars (String equality is canonical equivalence).
            #expect(Array(TextNormalizer.clean(text).unicodeScalars) == Array(TextNormalizer.rebuilt(text).unicodeScalars))
        }
    }

    @Test func lineBreakMatchesTheCharacterRule() {
        let fixed = ["", "a", "a\nb", "a\rb", "\r\n", "a\u{0B}b", "a\u{0C}b", "a\u{85}b", "a\u{2028}b", "a\u{2029}b",
                     "\n\u{301}", "e\u{301}", "©\n", "Â\n", "\u{2027}", "\u{202A}", "\u{84}", "\u{86}", "👩‍👩‍👧", "\t"]
        let pieces = ["a", " ", "\t", "\r", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{0E}", "\u{85}", "\u{2028}", "\u{2029}",
                      "\u{301}", "é", "©", "€", "\u{2027}", "😀", "\u{200D}"]
        for text in fixed + Self.randomStrings(from: pieces, count: 5_000, maximumLength: 8, seed: 21) {
            #expect(TextNormalizer.hasLineBreak(text) == text.contains(where: \.isNewline), "\(Array(text.unicodeScalars))")
        }
    }

    @Test func emailMatchesTheCharacterRules() {
        let fixed = [
            "", "@", "a@", "@b.fr", "a@b", "a@b.f", "a@b.fr", "A@B.FR", "elise.martin@example.org", "Nom@Exemple.FR",
            "a@@b.fr", "a@b@c.fr", ".a@b.fr", "a.@b.fr", "a..b@c.fr", "a@b..fr", "a@.b.fr", "a@b.fr.", "a@-b.fr",
            "a@b-.fr", "a@b.-fr", "a@b.fr-", "a@b.f1", "a@1.fr", "a@b_c.fr", "a b@c.fr", "a@b c.fr", "a\t@b.fr",
            "a<b@c.fr", "a\"b@c.fr", "a\\b@c.fr", "a:b@c.fr", "a;b@c.fr", "a,b@c.fr", "a[b]@c.fr", "a(b)@c.fr",
            "a+tag@b.fr", "a@b.c.d.e.fr", "a@b.FR", "a@xn--bcher-kva.ch", "é@b.fr", "a@é.fr", "a@b.été",
            "a@b.fr\u{301}", "a\u{301}@b.fr", "a@b\r\n.fr", "a@b.fr\n",
            String(repeating: "a", count: 64) + "@b.fr", String(repeating: "a", count: 65) + "@b.fr",
            "a@" + String(repeating: "b", count: 248) + ".fr", "a@" + String(repeating: "b", count: 249) + ".fr",
        ]
        let pieces = ["a", "Z", "0", "9", ".", "-", "@", "_", "+", "<", ">", "(", ")", "[", "]", ",", ";", ":", "\\", "\"",
                      " ", "\t", "é", "É", "fr", "..", "\u{301}", "\u{A0}", "ß", "İ", "K"]
        // Near-valid addresses too (local part, "@", labels), so that both answers are often
        // an address and not only nil.
        let locals = Self.randomStrings(from: ["a", "B", "0", ".", "-", "_", "+", "a", "b", "é", " ", "\"", ","], count: 20_000, maximumLength: 5, seed: 12)
        let domains = Self.randomStrings(from: ["a", "B", "fr", "Org", "0", "a", "b", ".", "-", "é", "_", " "], count: 20_000, maximumLength: 4, seed: 13)
        let endings = [".fr", ".org", ".FR", ".Org", ".f", ".fr.", "..fr", ".f-r", ".fr-", "", ".é", ".x.fr", ".f1"]
        var generator = SplitMix(seed: 14)
        let nearValid = zip(locals, domains).map { $0 + "@" + $1 + endings.randomElement(using: &generator)! }
        var accepted = 0
        for text in fixed + Self.randomStrings(from: pieces, count: 20_000, maximumLength: 10, seed: 11) + nearValid {
            let expected = FieldFormats.characterEmail(text)
            #expect(FieldFormats.email(text) == expected, "\(text)")
            if expected != nil { accepted += 1 }
        }
        #expect(accepted > 500)
    }
}
