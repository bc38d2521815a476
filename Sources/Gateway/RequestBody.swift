#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a browser posted, before any form rule is applied: text values by field name, in the
/// order received, and files with their bytes.
struct ReceivedForm: Sendable {
    var values: [String: [String]] = [:]
    var files: [String: [ReceivedFile]] = [:]
    var fieldCount = 0
}

struct ReceivedFile: Sendable {
    var filename: String
    var declaredType: String?
    var bytes: [UInt8]
}

/// Why a body could not be read. Each case becomes a French page (see `GatewayPages`).
enum BodyProblem: Error, Equatable {
    /// Neither `application/x-www-form-urlencoded` nor `multipart/form-data`.
    case unsupportedMediaType
    /// Broken framing: bad boundary, truncated multipart, bad percent-encoding.
    case malformed
    /// Bytes that are not UTF-8 where text is expected.
    case badEncoding
    case tooManyFields
    case fieldTooLarge
}

/// Reads urlencoded and multipart bodies within `GatewayLimits`. Parsing is done on the whole
/// body, which the transport has already bounded by `maximumBodySize`.
enum RequestBody {
    static func parse(contentType: String?, body: [UInt8], limits: GatewayLimits) -> Result<ReceivedForm, BodyProblem> {
        guard let contentType else { return body.isEmpty ? .success(ReceivedForm()) : .failure(.unsupportedMediaType) }
        // What every browser sends for a form without files, exactly: no parameters to parse.
        if contentType.utf8.elementsEqual("application/x-www-form-urlencoded".utf8) {
            return parseURLEncoded(body, limits: limits)
        }
        let (mediaType, parameters) = MediaType.parse(contentType)
        switch mediaType {
        case "application/x-www-form-urlencoded":
            return parseURLEncoded(body, limits: limits)
        case "multipart/form-data":
            guard let boundary = parameters["boundary"], (1...70).contains(boundary.utf8.count) else { return .failure(.malformed) }
            return parseMultipart(body, boundary: boundary, limits: limits)
        default:
            return .failure(.unsupportedMediaType)
        }
    }

    // MARK: - application/x-www-form-urlencoded (WHATWG URL standard, "urlencoded parser")

    static func parseURLEncoded(_ body: [UInt8], limits: GatewayLimits) -> Result<ReceivedForm, BodyProblem> {
        var form = ReceivedForm()
        // Sized once for the fields present (bounded by the limit), not regrown field by field.
        var separators = 0
        for byte in body where byte == UInt8(ascii: "&") { separators += 1 }
        form.values.reserveCapacity(min(separators + 1, limits.maximumFieldCount))
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            form.fieldCount += 1
            guard form.fieldCount <= limits.maximumFieldCount else { return .failure(.tooManyFields) }
            guard pair.count <= limits.maximumFieldSize else { return .failure(.fieldTooLarge) }
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let rawName = equals.map { pair[pair.startIndex..<$0] } ?? pair[...]
            let rawValue = equals.map { pair[pair.index(after: $0)...] } ?? []
            guard let name = percentDecode(rawName), let value = percentDecode(rawValue) else { return .failure(.badEncoding) }
            form.values[name, default: []].append(value)
        }
        return .success(form)
    }

    /// `+` is a space; `%XX` a byte; the result must be UTF-8. A `%` not followed by two hex
    /// digits is kept as is, as browsers and the WHATWG parser do.
    ///
    /// Decoded into a temporary buffer (on the stack for short values) and validated from there:
    /// no array is allocated and filled per name and per value (this runs for every field of
    /// every submission). `percentDecodeReference` is the plain version the tests compare it with.
    static func percentDecode(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.withUnsafeBufferPointer { input in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(input.count, 1)) { output in
                var count = 0
                var index = 0
                while index < input.count {
                    let byte = input[index]
                    if byte == UInt8(ascii: "+") {
                        output[count] = UInt8(ascii: " ")
                    } else if byte == UInt8(ascii: "%"), index + 2 < input.count,
                              let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) {
                        output[count] = high << 4 | low
                        count += 1
                        index += 3
                        continue
                    } else {
                        output[count] = byte
                    }
                    count += 1
                    index += 1
                }
                return String(validating: UnsafeBufferPointer(rebasing: output[..<count]), as: UTF8.self)
            }
        }
    }

    /// The straightforward decoder `percentDecode` must agree with (tests only).
    static func percentDecodeReference(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
                      let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
                continue
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // MARK: - multipart/form-data (RFC 7578, RFC 2046 §5.1.1)

    // Written here rather than taken from MultipartKit: its 4.7.1 parser traps (index out of
    // range) on a byte ≥ 0x80 in a part's header name, found by `randomBodiesNeverCrash`. A
    // citizen's request must never be able to kill the gateway.

    static let maximumHeaderLines = 16
    static let maximumHeaderLineBytes = 4_096

    static func parseMultipart(_ body: [UInt8], boundary: String, limits: GatewayLimits) -> Result<ReceivedForm, BodyProblem> {
        let delimiter = Array("--\(boundary)".utf8)
        let crlfDelimiter = [13, 10] + delimiter
        var form = ReceivedForm()
        // The first delimiter opens the body (a preamble before it is allowed and ignored).
        var position: Int
        if body.starts(with: delimiter) {
            position = delimiter.count
        } else if let found = find(crlfDelimiter, in: body, from: 0) {
            position = found + crlfDelimiter.count
        } else {
            return .failure(.malformed)
        }
        while true {
            // After a delimiter: "--" closes the body; otherwise optional spaces, then CRLF.
            if body.count >= position + 2, body[position] == UInt8(ascii: "-"), body[position + 1] == UInt8(ascii: "-") {
                return form.fieldCount > 0 ? .success(form) : .failure(.malformed)
            }
            while position < body.count, body[position] == UInt8(ascii: " ") || body[position] == UInt8(ascii: "\t") { position += 1 }
            guard body.count >= position + 2, body[position] == 13, body[position + 1] == 10 else { return .failure(.malformed) }
            position += 2

            var headers: [(name: String, value: String)] = []
            while true {
                guard let end = find([13, 10], in: body, from: position) else { return .failure(.malformed) }
                if end == position { position += 2; break }  // the empty line ends the headers
                guard headers.count < maximumHeaderLines, end - position <= maximumHeaderLineBytes,
                      let header = parseHeaderLine(body[position..<end]) else { return .failure(.malformed) }
                headers.append(header)
                position = end + 2
            }
            guard let next = find(crlfDelimiter, in: body, from: position) else { return .failure(.malformed) }
            let content = body[position..<next]
            position = next + crlfDelimiter.count

            form.fieldCount += 1
            guard form.fieldCount <= limits.maximumFieldCount else { return .failure(.tooManyFields) }
            guard let disposition = headers.first(where: { $0.name == "content-disposition" })?.value else { return .failure(.malformed) }
            let (kind, parameters) = MediaType.parse(disposition)
            guard kind == "form-data", let name = parameters["name"] else { return .failure(.malformed) }
            if let filename = parameters["filename"] {
                let declared = headers.first(where: { $0.name == "content-type" }).map { MediaType.parse($0.value).type }
                form.files[name, default: []].append(ReceivedFile(filename: filename, declaredType: declared, bytes: Array(content)))
            } else {
                guard content.count <= limits.maximumFieldSize else { return .failure(.fieldTooLarge) }
                guard let value = String(validating: content, as: UTF8.self) else { return .failure(.badEncoding) }
                form.values[name, default: []].append(value)
            }
        }
    }

    /// `Name: value`; the name must be an HTTP token, the value UTF-8 (browsers send file
    /// names in UTF-8 inside the quoted `filename`).
    static func parseHeaderLine(_ line: ArraySlice<UInt8>) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else { return nil }
        let nameBytes = line[line.startIndex..<colon]
        guard nameBytes.allSatisfy({ $0 < 0x80 && (isTokenCharacter($0)) }),
              let value = String(validating: line[(colon + 1)...], as: UTF8.self) else { return nil }
        return (String(decoding: nameBytes, as: UTF8.self).lowercased(), value.trimmingSpaces)
    }

    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// First index of `needle` in `haystack` at or after `start`: memchr on the first byte,
    /// then memcmp (bodies reach 25 MB; Glibc's memmem is not exposed to Swift).
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard start >= 0, !needle.isEmpty, haystack.count - start >= needle.count else { return nil }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pattern in
                let base = hay.baseAddress!
                let last = hay.count - pattern.count  // last index where the needle can start
                var index = start
                while index <= last {
                    guard let hit = memchr(base + index, Int32(pattern[0]), last - index + 1) else { return nil }
                    let offset = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + offset, pattern.baseAddress!, pattern.count) == 0 { return offset }
                    index = offset + 1
                }
                return nil
            }
        }
    }
}

/// `type/subtype; name=value; name="quoted value"` as in Content-Type and Content-Disposition.
enum MediaType {
    static func parse(_ header: String) -> (type: String, parameters: [String: String]) {
        var parameters: [String: String] = [:]
        let scalars = Array(header.unicodeScalars)
        var index = 0
        func skipSpaces() { while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 } }
        var type = ""
        while index < scalars.count, scalars[index] != ";" { type.unicodeScalars.append(scalars[index]); index += 1 }
        while index < scalars.count {
            index += 1  // ";"
            skipSpaces()
            var name = ""
            while index < scalars.count, scalars[index] != "=", scalars[index] != ";" { name.unicodeScalars.append(scalars[index]); index += 1 }
            guard index < scalars.count, scalars[index] == "=" else { continue }
            index += 1
            var value = ""
            if index < scalars.count, scalars[index] == "\"" {
                index += 1
                while index < scalars.count, scalars[index] != "\"" {
                    if scalars[index] == "\\", index + 1 < scalars.count { index += 1 }
                    value.unicodeScalars.append(scalars[index])
                    index += 1
                }
                index += 1  // closing quote
                while index < scalars.count, scalars[index] != ";" { index += 1 }
            } else {
                while index < scalars.count, scalars[index] != ";" { value.unicodeScalars.append(scalars[index]); index += 1 }
                value = value.trimmingSpaces
            }
            let key = name.trimmingSpaces.lowercased()
            if !key.isEmpty, parameters[key] == nil { parameters[key] = value }
        }
        return (type.trimmingSpaces.lowercased(), parameters)
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while scalars.first == " " || scalars.first == "\t" { scalars.removeFirst() }
        while scalars.last == " " || scalars.last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
