import GuichetModel
import Testing

/// SplitMix64: a seeded generator, so these tests draw the same references on every run.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct ReferenceTests {
    private func references(_ count: Int, seed: UInt64 = 2026) -> [String] {
        var generator = SeededGenerator(state: seed)
        return (0..<count).map { _ in ReferenceCode.random(using: &generator) }
    }

    /// The 9 symbols of a canonical reference, without the dashes.
    private func symbols(_ reference: String) -> [Character] {
        reference.filter { $0 != "-" }.map { $0 }
    }

    @Test func alphabetHas31UnambiguousSymbols() {
        let alphabet = ReferenceCode.alphabet
        #expect(alphabet.count == 31)
        #expect(Set(alphabet).count == 31)
        for confusable: Character in ["0", "O", "1", "I", "L"] {
            #expect(!alphabet.contains(confusable))
        }
        #expect(alphabet.allSatisfy { $0.isASCII && ($0.isNumber || $0.isUppercase) })
    }

    /// Pins the check algorithm: references are stored and printed on receipts, so the
    /// check of a given reference must never change.
    @Test func knownReferences() {
        #expect(ReferenceCode.normalize("7km 4qx 29w") == "7KM-4QX-29W")
        #expect(ReferenceCode.normalize("222-222-222") == "222-222-222") // all zeros, check 0
        #expect(ReferenceCode.normalize("322-222-222") == nil)
        #expect(ReferenceCode.normalize("322-222-223") == "322-222-223") // 1 × 1 = 1
        #expect(ReferenceCode.normalize("222-222-23A") == "222-222-23A") // 8 × 1 = 8, value of "A"
        #expect(!ReferenceCode.isValid("7KM-4QX-29H"))
    }

    @Test func canonicalShapeAndEverySymbolUsed() {
        let drawn = references(2_000)
        var seen = Set<Character>()
        for reference in drawn {
            #expect(reference.count == ReferenceCode.canonicalLength)
            let parts = reference.split(separator: "-", omittingEmptySubsequences: false)
            #expect(parts.count == 3 && parts.allSatisfy { $0.count == 3 })
            #expect(ReferenceCode.isValid(reference))
            #expect(ReferenceCode.normalize(reference) == reference)
            seen.formUnion(symbols(reference).prefix(8))
        }
        #expect(seen == Set(ReferenceCode.alphabet))
        #expect(Set(drawn).count == drawn.count)
    }

    /// Every position draws its symbol evenly: 62,000 references, each symbol expected 2,000
    /// times per position; a position skewed by the one-draw derivation (a modulo bias, a
    /// digit that never changes) would be far outside ±15 %.
    @Test func eachPositionIsEvenlyDrawn() {
        let drawn = references(62_000, seed: 7)
        for position in 0..<8 {
            var counts: [Character: Int] = [:]
            for reference in drawn { counts[symbols(reference)[position], default: 0] += 1 }
            #expect(counts.count == 31, "position \(position)")
            #expect(counts.values.allSatisfy { (1_700...2_300).contains($0) }, "position \(position): \(counts.values.sorted())")
        }
        #expect(Set(drawn).count == drawn.count, "no repeat in 62,000 draws of 31⁸")
    }

    @Test func everySingleSubstitutionIsRefused() {
        for reference in references(60) {
            let original = symbols(reference)
            for position in original.indices {
                for symbol in ReferenceCode.alphabet where symbol != original[position] {
                    var typo = original
                    typo[position] = symbol
                    #expect(ReferenceCode.normalize(String(typo)) == nil, "\(reference): \(String(typo))")
                }
            }
        }
    }

    @Test func everyAdjacentTranspositionIsRefused() {
        var checked = 0
        for reference in references(300) {
            let original = symbols(reference)
            for position in 0..<(original.count - 1) where original[position] != original[position + 1] {
                var typo = original
                typo.swapAt(position, position + 1)
                #expect(ReferenceCode.normalize(String(typo)) == nil, "\(reference): \(String(typo))")
                checked += 1
            }
        }
        #expect(checked > 2_000) // the check symbol's own swaps (positions 8–9) are among them
    }

    @Test func normalizeAcceptsWhatPeopleType() throws {
        let reference = try #require(references(1).first)
        let bare = String(symbols(reference))
        let spaced = bare.enumerated().map { "\($0.element)" + ($0.offset % 3 == 2 ? " " : "") }.joined()
        for typed in [reference, bare, bare.lowercased(), spaced, " \(reference.lowercased()) ",
                      "\u{00A0}\(bare.prefix(4))-\u{202F}\(bare.dropFirst(4))\n", "-\(bare)-", "\t\(reference)\r\n"] {
            #expect(ReferenceCode.normalize(typed) == reference, "\(typed.debugDescription)")
        }
        // Round trip: the canonical form is a fixed point.
        #expect(ReferenceCode.normalize(ReferenceCode.normalize(spaced) ?? "") == reference)
    }

    @Test func hostileInputsAreRefused() throws {
        let reference = try #require(references(1).first)
        let bare = String(symbols(reference))
        let fullwidth = String(String.UnicodeScalarView(bare.unicodeScalars.map { scalar in
            Unicode.Scalar(scalar.value + 0xFEE0)! // "7" → "７", "K" → "Ｋ"
        }))
        // A reference with an "A", "K" or "M", each written with its Cyrillic lookalike.
        let withLetters = try #require(references(200).first { $0.contains("A") && $0.contains("K") })
        let cyrillic = withLetters.replacingOccurrences(of: "A", with: "\u{0410}")
            .replacingOccurrences(of: "K", with: "\u{041A}")
        let first = String(bare.prefix(4)), rest = String(bare.dropFirst(4))
        var inputs: [String] = ["", " ", "-", "--------", String(bare.dropLast()), bare + "2", bare + bare]
        inputs += [String(repeating: "A", count: 10_000), String(repeating: " ", count: 10_000) + bare]
        inputs += [String(repeating: "7KM-", count: 2_500), fullwidth, cyrillic]
        inputs += [bare + "\u{0}", "\u{0}" + bare, first + "\u{200B}" + rest, "\u{202E}" + bare]
        inputs += [String(bare.dropLast()) + "🙂", String(repeating: "🇫🇷", count: 9), bare + "\u{301}"]
        inputs += ["O" + bare.dropFirst(), "0" + bare.dropFirst(), "I" + bare.dropFirst(), "l" + bare.dropFirst()]
        inputs += [first + "_" + rest, first + "\u{2010}" + rest, first + "\u{2013}" + rest]
        for input in inputs {
            let shown = String(input.prefix(40)).debugDescription
            #expect(ReferenceCode.normalize(input) == nil, "\(shown)")
            #expect(!ReferenceCode.isValid(input))
        }
    }

    // MARK: - References made from a sequence (the queue's, since session 8)

    /// Pins the layout: the first 5 symbols write the sequence in base 31, the next 3 the
    /// random part, then the check.
    @Test func aSequenceIsWrittenInTheFirstFiveSymbols() throws {
        var zeros = FixedGenerator(values: [0])
        #expect(ReferenceCode.make(sequence: 0, using: &zeros) == "222-222-222")
        #expect(ReferenceCode.make(sequence: 1, using: &zeros) == "222-232-227") // value 1 at position 5, check 5 × 1 = 5: "7"
        #expect(ReferenceCode.make(sequence: 31, using: &zeros) == "222-322-226") // "10" in base 31, check 4 × 1 = 4: "6"
        #expect(ReferenceCode.make(sequence: ReferenceCode.sequenceSpace, using: &zeros) == "222-222-222") // counts again
        var last = FixedGenerator(values: [31 * 31 * 31 - 1])
        let top = ReferenceCode.make(sequence: ReferenceCode.sequenceSpace - 1, using: &last)
        #expect(top.hasPrefix("ZZZ-ZZZ-ZZ"))
        #expect(ReferenceCode.sequence(of: top) == ReferenceCode.sequenceSpace - 1)
        #expect(ReferenceCode.sequenceSpace == 28_629_151)
    }

    @Test func madeReferencesAreValidSortInOrderAndKeepTheirSequence() {
        var generator = SeededGenerator(state: 8)
        var previous = ""
        for step in 0..<5_000 {
            let sequence = UInt64(step) * 5_711 + 3
            let reference = ReferenceCode.make(sequence: sequence, using: &generator)
            #expect(ReferenceCode.normalize(reference) == reference)
            #expect(ReferenceCode.sequence(of: reference) == sequence)
            #expect(ReferenceCode.sequence(of: reference.lowercased().replacingOccurrences(of: "-", with: " ")) == sequence)
            #expect(previous < reference, "\(previous) then \(reference)")
            previous = reference
        }
        #expect(ReferenceCode.sequence(of: "7KM-4QX-29H") == nil) // wrong check symbol
        #expect(ReferenceCode.sequence(of: "") == nil)
    }

    /// The random part: every value of each of its 3 positions is drawn evenly (31,000 draws,
    /// 1,000 expected per symbol per position), and the sequence part never moves.
    @Test func theRandomPartIsEvenlyDrawn() {
        var generator = SeededGenerator(state: 9)
        let drawn = (0..<31_000).map { _ in ReferenceCode.make(sequence: 123_456, using: &generator) }
        for reference in drawn { #expect(reference.hasPrefix(String(drawn[0].prefix(6)))) }
        for position in 5..<8 {
            var counts: [Character: Int] = [:]
            for reference in drawn { counts[symbols(reference)[position], default: 0] += 1 }
            #expect(counts.count == 31, "position \(position)")
            #expect(counts.values.allSatisfy { (800...1_200).contains($0) }, "position \(position): \(counts.values.sorted())")
        }
    }
}

/// Hands out the given values in turn.
private struct FixedGenerator: RandomNumberGenerator {
    var values: [UInt64]
    var index = 0
    mutating func next() -> UInt64 {
        defer { index = (index + 1) % values.count }
        return values[index]
    }
}
