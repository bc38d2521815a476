/// JSON for the back-office API, read and written here rather than with Foundation, so that:
/// - hostile bodies are bounded (nesting depth, size), NUL characters and duplicate keys are
///   refused, and invalid UTF-8 or lone surrogates are errors, never replacement characters;
/// - booleans and numbers stay distinct (JSONSerialization on Linux gives NSNumber for both)
///   and a number keeps the digits it was sent with;
/// - keys are written in a fixed order, and a stored payload is embedded as it is.
indirect enum APIJSON: Equatable, Sendable {
    case null
    case bool(Bool)
    /// The number as written in the document (already checked against the JSON grammar).
    case number(String)
    case string(String)
    case array([APIJSON])
    /// Keys in document order (no duplicates: the reader refuses them).
    case object([(String, APIJSON)])
    /// Text that is already valid JSON (a stored payload), written as it is.
    case raw(String)

    static func == (lhs: APIJSON, rhs: APIJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)), let (.string(a), .string(b)), let (.raw(a), .raw(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    static func int(_ value: Int) -> APIJSON { .number(String(value)) }
    static func int64(_ value: Int64) -> APIJSON { .number(String(value)) }
    static func optional(_ text: String?) -> APIJSON { text.map(APIJSON.string) ?? .null }

    subscript(key: String) -> APIJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// What the value is, in French, for messages ("un nombre", "une liste").
    var frenchKind: String {
        switch self {
        case .null: return "null"
        case .bool: return "un booléen"
        case .number: return "un nombre"
        case .string: return "une chaîne de caractères"
        case .array: return "une liste"
        case .object, .raw: return "un objet"
        }
    }

    // MARK: - Writing

    var bytes: [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .number(let text): out += Array(text.utf8)
        case .raw(let text): out += Array(text.utf8)
        case .string(let text): Self.writeString(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ text: String, into out: inout [UInt8]) {
        let hex = hexDigits  // a constant, not an array built at every string written
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20, 0x7F:
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    // MARK: - Reading

    struct ReadError: Error, Equatable {
        /// French, for the API's `message`.
        var message: String
        /// Byte offset where reading stopped.
        var offset: Int
    }

    /// Reads a whole document (RFC 8259), refusing: nesting deeper than `maximumDepth`,
    /// `\u0000` and raw control characters in strings, duplicate keys, invalid UTF-8, lone
    /// surrogates, a byte order mark, anything after the value.
    static func read(_ bytes: [UInt8], maximumDepth: Int = 16) -> Result<APIJSON, ReadError> {
        var reader = Reader(bytes: bytes, maximumDepth: maximumDepth)
        do {
            reader.skipSpace()
            let value = try reader.value(depth: 0)
            reader.skipSpace()
            guard reader.index == bytes.count else { throw reader.fail("du texte suit la fin du document JSON") }
            return .success(value)
        } catch let error as ReadError {
            return .failure(error)
        } catch {
            return .failure(ReadError(message: "document illisible", offset: reader.index))
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        let maximumDepth: Int
        var index = 0

        func fail(_ message: String) -> ReadError { ReadError(message: message, offset: index) }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value(depth: Int) throws -> APIJSON {
            guard index < bytes.count else { throw fail("le document s’arrête avant la fin d’une valeur") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                guard depth < maximumDepth else { throw fail("plus de \(maximumDepth) niveaux d’imbrication") }
                return try object(depth: depth + 1)
            case UInt8(ascii: "["):
                guard depth < maximumDepth else { throw fail("plus de \(maximumDepth) niveaux d’imbrication") }
                return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("caractère inattendu")
            }
        }

        mutating func literal(_ word: String) throws {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw fail("valeur inconnue (attendu : true, false, null, un nombre, une chaîne, une liste ou un objet)")
            }
            index += expected.count
        }

        mutating func object(depth: Int) throws -> APIJSON {
            index += 1
            var members: [(String, APIJSON)] = []
            var keys = Set<String>()
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object([]) }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("nom de clé attendu entre guillemets") }
                let key = try string()
                guard keys.insert(key).inserted else { throw fail("la clé « \(key.prefix(40)) » apparaît deux fois") }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("« : » attendu après une clé") }
                index += 1
                skipSpace()
                members.append((key, try value(depth: depth)))
                skipSpace()
                guard index < bytes.count else { throw fail("objet non terminé") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                throw fail("« , » ou « } » attendu dans un objet")
            }
        }

        mutating func array(depth: Int) throws -> APIJSON {
            index += 1
            var items: [APIJSON] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array([]) }
            while true {
                skipSpace()
                items.append(try value(depth: depth))
                skipSpace()
                guard index < bytes.count else { throw fail("liste non terminée") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                throw fail("« , » ou « ] » attendu dans une liste")
            }
        }

        mutating func number() throws -> String {
            let start = index
            func digits() -> Int {
                let first = index
                while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
                return index - first
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { throw fail("nombre incomplet") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else if digits() == 0 {
                throw fail("nombre mal formé")
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw fail("nombre mal formé") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw fail("nombre mal formé") }
            }
            guard index - start <= 40 else { throw fail("nombre trop long") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw fail("séquence \\u incomplète") }
            var value: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw fail("séquence \\u mal formée")
                }
                value = value << 4 | digit
            }
            index += 4
            return value
        }

        mutating func string() throws -> String {
            index += 1
            var out: [UInt8] = []
            while true {
                guard index < bytes.count else { throw fail("chaîne non terminée") }
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    let text = String(decoding: out, as: UTF8.self)
                    guard text.utf8.elementsEqual(out) else { throw fail("caractères qui ne sont pas de l’UTF-8 valide") }
                    return text
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw fail("chaîne non terminée") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): out.append(0x22)
                    case UInt8(ascii: "\\"): out.append(0x5C)
                    case UInt8(ascii: "/"): out.append(0x2F)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                                throw fail("demi-caractère (surrogate) isolé")
                            }
                            index += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("demi-caractère (surrogate) isolé") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            throw fail("demi-caractère (surrogate) isolé")
                        }
                        guard scalar != 0 else { throw fail("caractère nul (\\u0000) refusé") }
                        out += Array(String(Character(Unicode.Scalar(scalar)!)).utf8)
                    default:
                        throw fail("séquence d’échappement inconnue")
                    }
                case 0..<0x20:
                    throw fail(byte == 0 ? "caractère nul refusé" : "caractère de contrôle non échappé dans une chaîne")
                default:
                    out.append(byte)
                    index += 1
                }
            }
        }
    }
}
