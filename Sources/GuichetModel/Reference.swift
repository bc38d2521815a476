/// Submission references that a person can read aloud on the phone and type back without
/// mistakes: "7KM-4QX-29W".
///
/// - Alphabet of 31 symbols (a prime): the digits 2–9 and the letters A–Z without I, L and O,
///   so 0/O and 1/I/L can never be confused (none of them exists).
/// - 8 value symbols (31⁸ ≈ 8.5 × 10¹¹ references) and 1 check symbol: the weighted sum of
///   the 8 values with weights 1…8, modulo 31. Because 31 is prime and every weight and every
///   difference of two adjacent weights is non-zero modulo 31, every single substitution and
///   every transposition of two adjacent symbols (the check symbol included) changes the
///   check: such a typo is always refused, never taken for another person's reference.
/// - Canonical form: three groups of three symbols separated by dashes.
/// - The queue makes each new reference from a sequence and a random part (`make(sequence:using:)`):
///   the first 5 symbols count the requests, the next 3 are random. References then sort in
///   the order the requests came, so the queue's index on them grows at one point (a random
///   reference wrote one page of that index per request, a third of what each grouped COMMIT
///   wrote, and most of what the checkpoints copied); the random part keeps a neighbour's
///   reference from being guessed (one chance in 29,791). A reference tells its rank among the
///   queue's requests (how many came between two references, roughly when one came), never
///   anything of a request.
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
    private static let valueCount = 8

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

    /// A reference with 8 random symbols, in canonical form (the queue made its references so
    /// until session 8; it now uses `make(sequence:using:)`). The caller passes
    /// `SystemRandomNumberGenerator` in production and a seeded generator in tests.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> String {
        // One 64-bit draw for the eight symbols (31⁸ < 2⁴⁰): one call to the system's generator
        // per reference instead of eight (it was 2 % of the gateway's CPU).
        reference(value: uniform(below: power(valueCount), using: &generator))
    }

    /// Symbols of a reference made by `make(sequence:using:)` that count requests: 31⁵ =
    /// 28,629,151 values, after which the count starts again from zero.
    public static let sequenceSymbols = 5

    /// Number of distinct sequence parts (31⁵).
    public static let sequenceSpace = power(sequenceSymbols)

    /// A reference whose first 5 symbols write `sequence` modulo 31⁵ in base 31 and whose next
    /// 3 are drawn from `generator`, then the check symbol. References of growing sequences
    /// sort (as text) in the same order, until the count starts again.
    public static func make<G: RandomNumberGenerator>(sequence: UInt64, using generator: inout G) -> String {
        let randomSpace = power(valueCount - sequenceSymbols)
        return reference(value: (sequence % sequenceSpace) * randomSpace + uniform(below: randomSpace, using: &generator))
    }

    /// The value of the first 5 symbols of a valid reference (any form `normalize` accepts),
    /// what `make(sequence:using:)` wrote there; nil if the reference is not valid.
    public static func sequence(of reference: String) -> UInt64? {
        guard let canonical = normalize(reference) else { return nil }
        var value: UInt64 = 0
        for byte in canonical.utf8.lazy.filter({ $0 != UInt8(ascii: "-") }).prefix(sequenceSymbols) {
            value = value * UInt64(radix) + UInt64(values[Int(byte)])
        }
        return value
    }

    /// A uniform draw in 0..<bound, rejecting the few draws above the largest multiple of
    /// `bound` so that every value stays equally likely.
    private static func uniform<G: RandomNumberGenerator>(below bound: UInt64, using generator: inout G) -> UInt64 {
        let limit = UInt64.max - UInt64.max % bound
        var draw = generator.next()
        while draw >= limit { draw = generator.next() }
        return draw % bound
    }

    /// The canonical reference of the 8 value symbols of `value` (< 31⁸) and their check.
    private static func reference(value: UInt64) -> String {
        var value = value
        var digits = [Int](repeating: 0, count: valueCount)
        for index in stride(from: valueCount - 1, through: 0, by: -1) {
            digits[index] = Int(value % UInt64(radix))
            value /= UInt64(radix)
        }
        digits.reserveCapacity(symbolCount)
        digits.append(checkValue(digits))
        return canonical(digits)
    }

    private static func power(_ exponent: Int) -> UInt64 {
        (0..<exponent).reduce(UInt64(1)) { product, _ in product * UInt64(radix) }
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
              checkValue(digits[0..<valueCount]) == digits[valueCount] else { return nil }
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
