import Testing
@testable import Accessibility

@Suite struct FastLowercaseTests {
    static let fastPath = (Array(0..<0x100) + Array(0x2000...0x206F)).compactMap(Unicode.Scalar.init)

    /// Scalar by scalar, the fast path gives what the standard library gives.
    @Test func everyScalarOfTheFastPath() {
        for scalar in Self.fastPath {
            let text = "a" + String(Character(scalar)) + "Z"
            #expect(Array(text.fastLowercased().unicodeScalars) == Array(text.lowercased().unicodeScalars),
                    "U+\(String(scalar.value, radix: 16))")
        }
        var all = String.UnicodeScalarView()
        all.append(contentsOf: Self.fastPath)
        let text = String(all)
        #expect(Array(text.fastLowercased().unicodeScalars) == Array(text.lowercased().unicodeScalars))
    }

    @Test func sameAsLowercased() {
        for text in ["", "accueil", "Accueil", "ACCUEIL", "Ville de Brémonval", "ÉVITEMENT", "Plus d’infos…", "Straße",
                     "ÀÖØÞ×ß", "ΣΑΣ", "İstanbul", "Ǆ", "e\u{301}COLE", "K\u{212A}", "«Plan du site»", "Ⅻ", "😀 A"] {
            #expect(Array(text.fastLowercased().unicodeScalars) == Array(text.lowercased().unicodeScalars), "\(text)")
        }
    }
}
