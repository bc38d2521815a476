/// What the checker can and cannot decide, test by test. Kept next to the rules so that a
/// new rule and its entry here change together; the README's table is written from this.
public enum Coverage {
    /// Tests the checker decides: a failure found in static HTML + CSS is certain
    /// ("non-conforme"). 12.6.1 is the one the other way round: its failures are only
    /// pre-qualified, but a page whose zones are all landmarks conforms.
    public static let decided: [String] = [
        "1.1.1", "1.1.2", "1.1.3", "1.1.5", "2.1.1", "2.2.1", "3.2.1", "3.2.2", "3.2.3", "3.2.4",
        "5.7.2", "5.7.4", "5.8.1", "6.2.1", "7.1.1", "8.1.1", "8.1.2", "8.2.1", "8.3.1", "8.4.1", "8.5.1",
        "8.8.1", "8.10.2", "9.1.2", "9.2.1", "9.3.1", "9.3.2", "9.3.3", "10.1.1", "10.1.2", "10.8.1",
        "11.1.1", "11.6.1", "11.9.1", "11.13.1", "12.7.1", "13.1.1", "13.1.2", "13.8.1",
        // Second batch.
        "1.6.1", "1.6.9", "1.9.1", "1.9.2", "1.9.3", "1.9.4", "1.9.5", "6.1.5", "10.4.2", "10.12.1",
        "11.2.5", "11.8.2", "11.9.2",
        // Third batch.
        "13.9.1",
        // Fourth batch.
        "3.3.1", "10.6.1", "12.3.2", "12.6.1",
    ]
    /// Tests where the checker points at what a person must judge ("à-vérifier").
    public static let prequalified: [String] = [
        "1.2.1", "5.4.1", "6.1.1", "8.6.1", "9.1.1", "11.5.1", "11.10.2", "12.1.1", "12.2.1", "12.8.1",
        "13.2.1", "13.3.1",
        // Second batch.
        "1.3.1", "1.3.2", "1.3.3", "1.3.6", "1.3.9", "2.2.1", "4.3.1", "4.3.2", "4.10.1", "4.11.1", "5.6.1",
        "7.3.1", "8.9.1", "11.8.1",
        // Third batch.
        "4.13.1", "5.1.1", "5.3.1", "7.4.1", "9.4.1", "9.4.2", "10.7.1", "10.11.1", "10.14.1", "11.3.1", "11.3.2",
        "12.4.1", "12.4.2", "12.5.1", "12.5.3", "12.10.1", "13.5.1",
        // Fourth batch.
        "3.3.1", "10.5.1", "10.5.2", "10.5.3", "10.6.1", "12.3.1", "12.6.1",
    ]

    /// Criteria with at least one decided test: only these can be "conforme" from the code
    /// alone; a criterion the checker only pre-qualifies stays "à vérifier" until a person looks.
    public static let decidedCriteria: Set<String> =
        Set(decided.map { $0.split(separator: ".").prefix(2).joined(separator: ".") })

    /// Criteria the checker looks at (a criterion is covered if one of its tests is).
    /// (Computed once: it is read for every page checked.)
    public static let criteria: [String] = {
        var seen: Set<String> = []
        return (decided + prequalified).map { $0.split(separator: ".").prefix(2).joined(separator: ".") }
            .filter { seen.insert($0).inserted }
            .sorted { $0.numericallyPrecedes($1) }
    }()
}

extension String {
    /// "9.1" before "10.1" before "10.10".
    func numericallyPrecedes(_ other: String) -> Bool {
        // Compares number by number, reading the digits in place (no split: sorts call this a lot).
        var a = utf8.makeIterator(), b = other.utf8.makeIterator()
        while true {
            let (x, endA) = Self.nextNumber(&a), (y, endB) = Self.nextNumber(&b)
            if x != y { return x < y }
            if endA || endB { return endA && !endB }
        }
    }

    private static func nextNumber(_ iterator: inout String.UTF8View.Iterator) -> (Int, Bool) {
        var value = 0
        while let byte = iterator.next() {
            if byte == UInt8(ascii: ".") { return (value, false) }
            value = value * 10 + Int(byte &- UInt8(ascii: "0"))
        }
        return (value, true)
    }
}
