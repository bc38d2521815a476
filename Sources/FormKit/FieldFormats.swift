import Foundation
import GuichetModel

/// Parsers for the French formats a form meets. Each returns the canonical form, or nil.
public enum FieldFormats {
    /// "Nom@Exemple.FR " → "Nom@exemple.fr". Deliberately simple (one @, a dot in the domain,
    /// no spaces): stricter rules reject real addresses, and the e-mail itself is the test.
    public static func email(_ text: String) -> String? {
        // Nearly every address is visible ASCII: checked on bytes, the same rules cost a tenth
        // of the Character-based walk (3 % of the gateway's CPU). Anything else goes the
        // Character way.
        switch asciiEmail(text) {
        case .checked(let address): return address
        case .notVisibleASCII: return characterEmail(text)
        }
    }

    enum ASCIICheck: Equatable {
        case checked(String?)
        case notVisibleASCII
    }

    /// `characterEmail(text)` for text made only of visible ASCII (0x21–0x7E, where a byte is
    /// a Character, a letter is A–Z or a–z and a number 0–9); `.notVisibleASCII` otherwise.
    static func asciiEmail(_ text: String) -> ASCIICheck {
        let bytes = Array(text.utf8)
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return .notVisibleASCII }
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), bytes.lastIndex(of: UInt8(ascii: "@")) == at,
              at > 0, at <= 64, bytes.count <= 254 else { return .checked(nil) }
        let local = bytes[..<at]
        guard local.first != UInt8(ascii: "."), local.last != UInt8(ascii: ".") else { return .checked(nil) }
        var previous: UInt8 = 0
        for byte in local {
            if byte == UInt8(ascii: "."), previous == UInt8(ascii: ".") { return .checked(nil) }
            if "<>()[],;:\\\"".utf8.contains(byte) { return .checked(nil) }
            previous = byte
        }
        var domain = Array(bytes[(at + 1)...])
        var labels = 1, labelLength = 0, labelIsLetters = true
        previous = UInt8(ascii: ".")
        for index in domain.indices {
            var byte = domain[index]
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte += 0x20; domain[index] = byte }
            switch byte {
            case UInt8(ascii: "."):
                // A label is not empty and neither starts nor ends with "-".
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return .checked(nil) }
                labels += 1
                labelLength = 0
                labelIsLetters = true
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                if labelLength == 0 && byte == UInt8(ascii: "-") { return .checked(nil) }
                if byte < UInt8(ascii: "a") { labelIsLetters = false }
                labelLength += 1
            default:
                return .checked(nil)
            }
            previous = byte
        }
        // At least two labels; the last one (the top-level domain) of two letters or more.
        guard labels >= 2, labelLength >= 2, labelIsLetters else { return .checked(nil) }
        return .checked(String(decoding: local, as: UTF8.self) + "@" + String(decoding: domain, as: UTF8.self))
    }

    /// The rules on Characters, for any text.
    static func characterEmail(_ text: String) -> String? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64, text.count <= 254 else { return nil }
        let local = parts[0], domain = parts[1].lowercased()
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }),
              domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }),
              let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter),
              !local.contains(where: { $0.isWhitespace || $0.isNewline || "<>()[],;:\\\"".contains($0) }),
              !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return nil }
        return "\(local)@\(domain)"
    }

    /// French numbers as people write them → E.164: "06 12 34 56 78", "06.12.34.56.78",
    /// "+33 6 12 34 56 78", "0033612345678" → "+33612345678". Overseas (+262…) and other
    /// international numbers (+ and 9 to 15 digits) are kept as such.
    public static func phone(_ text: String) -> String? {
        var body = Substring(text)
        var international = false
        if body.hasPrefix("+") { international = true; body = body.dropFirst() }
        guard body.allSatisfy({ $0.isASCII && ($0.isNumber || " .-/()".contains($0)) }) else { return nil }
        var digits = body.filter(\.isNumber)
        if !international, digits.hasPrefix("00") { international = true; digits.removeFirst(2) }
        if international {
            if digits.hasPrefix("33") {
                var national = digits.dropFirst(2)
                if national.hasPrefix("0") { national = national.dropFirst() }  // "+33 (0)6…"
                guard national.count == 9, national.first != "0" else { return nil }
                return "+33" + national
            }
            guard (9...15).contains(digits.count) else { return nil }
            return "+" + digits
        }
        guard digits.count == 10, digits.hasPrefix("0"), digits.dropFirst().first != "0" else { return nil }
        return "+33" + digits.dropFirst()
    }

    /// Five digits, the first two a French département (01–98; 97/98 overseas; 00 does not exist).
    public static func postcode(_ text: String) -> String? {
        let compact = text.filter { $0 != " " }
        guard compact.count == 5, compact.allSatisfy({ $0.isASCII && $0.isNumber }), !compact.hasPrefix("00") else { return nil }
        return compact
    }

    /// Exactly `count` digits once spaces and dots are removed.
    public static func digits(_ text: String, count: Int) -> String? {
        let compact = text.filter { $0 != " " && $0 != "." && $0 != "-" }
        guard compact.count == count, compact.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return compact
    }

    /// SIRET: Luhn on the 14 digits; La Poste's establishments (SIREN 356 000 000) follow
    /// INSEE's other rule, the sum of the digits being a multiple of 5.
    public static func isValidSIRET(_ digits: String) -> Bool {
        let values = digits.compactMap(\.wholeNumberValue)
        guard values.count == 14 else { return false }
        if digits.hasPrefix("356000000") { return values.reduce(0, +) % 5 == 0 }
        var sum = 0
        for (index, value) in values.reversed().enumerated() {
            if index % 2 == 1 {
                let doubled = value * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += value
            }
        }
        return sum % 10 == 0
    }

    /// Répertoire national des associations: "W" and 9 digits ("W751234567").
    public static func rna(_ text: String) -> String? {
        let compact = text.filter { $0 != " " }.uppercased()
        guard compact.count == 10, compact.hasPrefix("W"), compact.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return compact
    }

    /// IBAN characters, upper-cased without spaces, if its shape is right (country, check
    /// digits, 11–30 letters or digits; French IBANs have 27 characters).
    public static func ibanCharacters(_ text: String) -> String? {
        let compact = text.filter { $0 != " " && $0 != "-" }.uppercased()
        guard (15...34).contains(compact.count), compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        let chars = Array(compact)
        guard chars[0].isLetter, chars[1].isLetter, chars[2].isNumber, chars[3].isNumber else { return nil }
        if compact.hasPrefix("FR") && compact.count != 27 { return nil }
        return compact
    }

    /// ISO 13616 check: move the first four characters to the end, letters to numbers
    /// (A = 10 … Z = 35), and the number modulo 97 must be 1.
    public static func isValidIBAN(_ iban: String) -> Bool {
        let rearranged = iban.dropFirst(4) + iban.prefix(4)
        var remainder = 0
        for char in rearranged {
            guard let value = char.isNumber ? char.wholeNumberValue : (char.asciiValue.map { Int($0) - 55 }) else { return false }
            for digit in String(value) {
                remainder = (remainder * 10 + digit.wholeNumberValue!) % 97
            }
        }
        return remainder == 1
    }

    /// "12", "12,5", "12.5", "-3", "1 200" (French writing) → a number.
    public static func number(_ text: String) -> Double? {
        let compact = text.filter { $0 != " " && $0 != "\u{00A0}" && $0 != "\u{202F}" }.replacingOccurrences(of: ",", with: ".")
        guard !compact.isEmpty, compact.count <= 30,
              compact.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }),
              let value = Double(compact), value.isFinite else { return nil }
        return value
    }

    /// "14/07/1990", "14-07-1990", "14.07.1990", "14 07 1990", "14071990" (8 digits, as typed
    /// on a phone's number pad, which has no "/"), "1990-07-14" (what a browser's date picker
    /// sends) → a date that exists.
    public static func date(_ text: String) -> SimpleDate? {
        if let iso = SimpleDate(iso: text) { return iso }
        if text.count == 8, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return date(text.prefix(2) + "/" + text.dropFirst(2).prefix(2) + "/" + text.suffix(4))
        }
        let parts = text.split(whereSeparator: { "/-. ".contains($0) })
        guard parts.count == 3, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
              let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]), year >= 1800 else { return nil }
        return SimpleDate(year: year, month: month, day: day)
    }

    /// Whole-value match of an editor's pattern (validated when the form is loaded).
    public static func matches(_ text: String, pattern: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$") else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

enum TextNormalizer {
    /// Trims, turns CR LF and CR into LF, drops control characters a keyboard cannot type
    /// (they break logs, CSV exports and e-mails), and keeps line breaks only where allowed.
    ///
    /// One pass over the scalars with an ASCII fast path: this runs on every value of every
    /// submission, and Foundation's `replacingOccurrences`/`trimmingCharacters` were 15 % of
    /// the gateway's CPU under load (Benchmarks/gateway-vs-php.sh --perf).
    static func clean(_ text: String) -> String {
        // Most values need no change at all: a check that only reads is then cheaper than
        // rebuilding the string scalar by scalar (the rebuild was 3 % of the gateway's CPU).
        if isClean(text) { return text }
        return rebuilt(text)
    }

    /// Whether `rebuilt(text)` would give `text` back: no control character (C0, DEL, C1),
    /// no format character other than the zero-width joiner, no white space at either end.
    static func isClean(_ text: String) -> Bool {
        var ascii = true
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F { return false }
            if byte >= 0x80 { ascii = false }
        }
        // Printable ASCII: the only white space is the space itself.
        if ascii { return text.utf8.first != 0x20 && text.utf8.last != 0x20 }
        for scalar in text.unicodeScalars where scalar.value >= 0x80 {
            let category = scalar.properties.generalCategory
            if category == .control || (category == .format && scalar.value != 0x200D) { return false }
        }
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return true }
        return !first.properties.isWhitespace && !last.properties.isWhitespace
    }

    /// Whether `text` holds a character that `Character.isNewline` calls one (LF, VT, FF, CR,
    /// NEL, LINE and PARAGRAPH SEPARATOR), read scalar by scalar: those scalars never combine
    /// with a neighbour into one character (except CR LF, itself a line break), so this is
    /// `text.contains(where: \.isNewline)` without grapheme breaking.
    static func hasLineBreak(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
            default: return false
            }
        }
    }

    /// The normalization itself, scalar by scalar (what `clean` does when `isClean` says no).
    static func rebuilt(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var afterCarriageReturn = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 0x0A, afterCarriageReturn {  // the LF of a CR LF: already written
                afterCarriageReturn = false
                continue
            }
            afterCarriageReturn = value == 0x0D
            if value < 0x80 {
                switch value {
                // Kept even in one-line fields: the validator then refuses them with a message.
                case 0x0A, 0x0D: scalars.append("\n")
                case 0x09: scalars.append(" ")
                case 0x00..<0x20, 0x7F: continue
                default: scalars.append(scalar)
                }
                continue
            }
            let category = scalar.properties.generalCategory
            if category == .control || (category == .format && value != 0x200D) { continue }
            scalars.append(scalar)
        }
        // Trim white space (Unicode White_Space: spaces of every width, line breaks) at both ends.
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].properties.isWhitespace { start = scalars.index(after: start) }
        while end > start, scalars[scalars.index(before: end)].properties.isWhitespace { end = scalars.index(before: end) }
        if start == scalars.startIndex && end == scalars.endIndex { return String(scalars) }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }
}

public enum FileNames {
    /// The name a person gave the file, without any folder part ("C:\\docs\\x.pdf", "../x.pdf").
    public static func displayName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = TextNormalizer.clean(last).replacingOccurrences(of: "\n", with: " ")
        let trimmed = cleaned.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        let name = trimmed.isEmpty ? "fichier" : trimmed
        return name.count > 120 ? String(name.prefix(120)) : name
    }

    /// "Scan.JPEG" → "jpg".
    public static func normalizedExtension(_ raw: String) -> String? {
        let name = displayName(raw)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...].lowercased()
        return ext == "jpeg" ? "jpg" : ext
    }
}

/// What a file really is, read from its first bytes: the extension a citizen's file carries
/// says nothing reliable (a renamed program is not a PDF).
public enum FileSignature {
    /// The extension matching the file's content ("pdf", "jpg", "png"), nil if none we accept.
    public static func detect<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String? {
        let head = Array(bytes.prefix(8))
        if head.starts(with: [0x25, 0x50, 0x44, 0x46, 0x2D]) { return "pdf" }          // %PDF-
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpg" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png" }
        return nil
    }

    /// The media type stored and served for a file of that detected type.
    public static func mediaType(_ detected: String?) -> String {
        switch detected {
        case "pdf": return "application/pdf"
        case "jpg": return "image/jpeg"
        case "png": return "image/png"
        default: return "application/octet-stream"
        }
    }
}
