/// Quoted-printable (RFC 2045 §6.7) for UTF-8 text bodies, with CRLF line ends.
///
/// Beyond the rules of §6.7 (lines of at most 76 characters, "=" and non-ASCII bytes
/// encoded, white space encoded before a line end), two characters are encoded at the start
/// of every output line, as RFC 2049 §3 advises: a "." (an SMTP server that forgets to
/// undo dot-stuffing, or reads a lone "." as the end of data) and the "F" of "From " (mbox
/// files prefix such lines with ">"). Any character may be encoded, so readers are unaffected.
enum QuotedPrintable {
    static let maximumLineLength = 76

    /// Line ends in `text` may be CRLF, LF or a lone CR: each becomes one CRLF.
    static func encode(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 11 / 10)
        for (index, line) in lines(of: Array(text.utf8)).enumerated() {
            if index > 0 { output += Bytes.crlf }
            encodeLine(line, into: &output)
        }
        return output
    }

    /// The lines of `bytes` without their ends; a final line end gives a final empty line.
    static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0, index = 0
        while index < bytes.count {
            switch bytes[index] {
            case Bytes.cr:
                lines.append(bytes[start..<index])
                index += index + 1 < bytes.count && bytes[index + 1] == Bytes.lf ? 2 : 1
                start = index
            case Bytes.lf:
                lines.append(bytes[start..<index])
                index += 1
                start = index
            default:
                index += 1
            }
        }
        lines.append(bytes[start..<bytes.count])
        return lines
    }

    /// One logical line, cut by soft line breaks ("=" CRLF) into lines of at most 76
    /// characters. A soft break needs one character of room, except after the last byte.
    static func encodeLine(_ line: ArraySlice<UInt8>, into output: inout [UInt8]) {
        var column = 0
        for index in line.indices {
            let isLast = index == line.index(before: line.endIndex)
            let limit = isLast ? maximumLineLength : maximumLineLength - 1
            var piece = encoded(line, at: index, column: column)
            if column + piece.count > limit {
                output += [UInt8(ascii: "=")] + Bytes.crlf
                column = 0
                piece = encoded(line, at: index, column: 0)
            }
            output += piece
            column += piece.count
        }
    }

    /// The byte at `index` as it is written at `column` of an output line.
    static func encoded(_ line: ArraySlice<UInt8>, at index: Int, column: Int) -> [UInt8] {
        let byte = line[index]
        if column == 0 && (byte == UInt8(ascii: ".") || line[index...].starts(with: Bytes.fromSpace)) {
            return escaped(byte)
        }
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"):
            // White space before a line end would be removed by transports (§6.7 rule 3).
            return index == line.index(before: line.endIndex) ? escaped(byte) : [byte]
        case UInt8(ascii: "="):
            return escaped(byte)
        case 33...126:
            return [byte]
        default:
            return escaped(byte)
        }
    }

    static func escaped(_ byte: UInt8) -> [UInt8] {
        [UInt8(ascii: "="), Bytes.hexDigits[Int(byte >> 4)], Bytes.hexDigits[Int(byte & 0x0F)]]
    }
}

enum Bytes {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let crlf: [UInt8] = [cr, lf]
    static let fromSpace = Array("From ".utf8)
    /// Upper case: RFC 2045 §6.7 requires it of encoders.
    static let hexDigits = Array("0123456789ABCDEF".utf8)
}
