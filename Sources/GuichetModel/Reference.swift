/// Submission references that a person can read aloud on the phone and type back without
/// mistakes: "7KM-4QX-29W".
///
/// - Alphabet of 31 symbols (a prime): the digits 2–9 and the letters A–Z without I, L and O,
///   so 0/O and 1/I/L can never be confused (none of them exists).
/// - 8 random symbols (31⁸ ≈ 8.5 × 10¹¹ references) and 1 check symbol: the weighted sum of
///   the 8 values with weights 1…8, modulo 31. Because 31 is prime and every weight and every
///   difference of two adjacent weights is non-zero modulo 31, every single substitution and
///   every transposition of two adjacent symbols (the check symbol included) changes the
///   check: such a typo is always refused, never taken for another person's reference.
/// - Canonical form: three groups of three symbols separated by dashes.
public enum ReferenceCode {
    /// The 31 symbols, in value order.
    public static let alphabet: [Character] = Array(symbolsText)

    /// Symbols in a reference, check symbol included (the canonical form adds two dashes).
    public static let symbolCount = 9

    /// Length of the canonical form, "7KM-4QX-29W".
    public static let canonicalLength = 11

    private static let symbolsText = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    private static let symbols: [UInt8] = Array(symbolsText.utf8)
    private static let radix = 31
    private static let randomCount = 8

    /// ASCII code → value, or -1. Lowercase letters map to their uppercase value.
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (value, byte) in symbols.enumerated() {
            table[Int(byte)] = Int8(value)
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
                table[Int(byte) + 32] = Int8(value)
            }
        }
        return table
    }()

    /// Separators a person may type or paste anywhere: spaces (including the no-break spaces
    /// French typography puts in copied text), tabs, line breaks and the ASCII dash.
    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "-", "\t", "\n", "\r", "\u{00A0}", "\u{202F}": return true
        default: return false
        }
    }

    /// A new reference in canonical form. The caller passes `SystemRandomNumberGenerator` in
    /// production and a seeded generator in tests.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> String {
        // One 64-bit draw for the eight symbols (31⁸ < 2⁴⁰), rejecting the few values above the
        // largest multiple of 31⁸ so every reference stays equally likely: one call to the
        // system's generator per reference instead of eight (it was 2 % of the gateway's CPU).
        let space = (0..<randomCount).reduce(UInt64(1)) { product, _ in product * UInt64(radix) }
        let limit = UInt64.max - UInt64.max % space
        var draw = generator.next()
        while draw >= limit { draw = generator.next() }
        var value = draw % space
        var digits = [Int](repeating: 0, count: randomCount)
        for index in stride(from: randomCount - 1, through: 0, by: -1) {
            digits[index] = Int(value % UInt64(radix))
            value /= UInt64(radix)
        }
        digits.reserveCapacity(symbolCount)
        digits.append(checkValue(digits))
        return canonical(digits)
    }

    /// The canonical form of what a person typed, or nil if it is not a valid reference.
    ///
    /// Accepts lowercase letters and separators anywhere ("7km 4qx 29w", "7KM4QX29W").
    /// Refuses (nil) a wrong number of symbols, any symbol outside the alphabet (including
    /// Unicode lookalikes such as fullwidth digits or Cyrillic letters) and a wrong check
    /// symbol. Stops reading after 64 characters, so hostile input costs nothing.
    public static func normalize(_ input: String) -> String? {
        var digits = [Int]()
        digits.reserveCapacity(symbolCount)
        var scanned = 0
        for scalar in input.unicodeScalars {
            scanned += 1
            if scanned > 64 { return nil }
            if isSeparator(scalar) { continue }
            guard scalar.isASCII else { return nil }
            let value = values[Int(scalar.value)]
            guard value >= 0, digits.count < symbolCount else { return nil }
            digits.append(Int(value))
        }
        guard digits.count == symbolCount,
              checkValue(digits[0..<randomCount]) == digits[randomCount] else { return nil }
        return canonical(digits)
    }

    /// Whether `input` (in any form `normalize` accepts) is a valid reference.
    public static func isValid(_ input: String) -> Bool {
        normalize(input) != nil
    }

    /// Σ (i × value of symbol i) for i = 1…8, modulo 31.
    private static func checkValue<C: Collection>(_ digits: C) -> Int where C.Element == Int {
        var sum = 0
        for (offset, value) in digits.enumerated() {
            sum += (offset + 1) * value
        }
        return sum % radix
    }

    private static func canonical(_ digits: [Int]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(canonicalLength)
        for (index, value) in digits.enumerated() {
            if index > 0 && index % 3 == 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(symbols[value])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
