import MultipartKit
import NIOCore

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
    static func percentDecode(_ bytes: ArraySlice<UInt8>) -> String? {
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

    // MARK: - multipart/form-data (RFC 7578), framing by MultipartKit's streaming parser

    static func parseMultipart(_ body: [UInt8], boundary: String, limits: GatewayLimits) -> Result<ReceivedForm, BodyProblem> {
        final class State {
            var form = ReceivedForm()
            var headers: [(String, String)] = []
            var partBytes: [UInt8] = []
            var problem: BodyProblem?
            var completedParts = 0
        }
        let state = State()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in
            guard state.problem == nil else { return }
            // Header names and values are bounded by the body; refuse absurd ones early.
            if state.headers.count >= 16 || value.utf8.count > 4_096 { state.problem = .malformed; return }
            state.headers.append((name.lowercased(), value))
        }
        parser.onBody = { buffer in
            guard state.problem == nil else { return }
            state.partBytes.append(contentsOf: buffer.readableBytesView)
        }
        parser.onPartComplete = {
            defer { state.headers = []; state.partBytes = [] }
            guard state.problem == nil else { return }
            state.completedParts += 1
            state.form.fieldCount += 1
            guard state.form.fieldCount <= limits.maximumFieldCount else { state.problem = .tooManyFields; return }
            guard let disposition = state.headers.first(where: { $0.0 == "content-disposition" })?.1 else {
                state.problem = .malformed; return
            }
            let (kind, parameters) = MediaType.parse(disposition)
            guard kind == "form-data", let name = parameters["name"] else { state.problem = .malformed; return }
            if let filename = parameters["filename"] {
                let declared = state.headers.first(where: { $0.0 == "content-type" }).map { MediaType.parse($0.1).type }
                state.form.files[name, default: []].append(ReceivedFile(filename: filename, declaredType: declared, bytes: state.partBytes))
            } else {
                guard state.partBytes.count <= limits.maximumFieldSize else { state.problem = .fieldTooLarge; return }
                guard let value = String(validating: state.partBytes, as: UTF8.self) else { state.problem = .badEncoding; return }
                state.form.values[name, default: []].append(value)
            }
        }
        do {
            try parser.execute(body)
        } catch {
            return .failure(.malformed)
        }
        if let problem = state.problem { return .failure(problem) }
        // MultipartKit does not report a body cut before its closing boundary: a part still
        // open, or no part at all, means the body is incomplete.
        guard state.completedParts > 0, state.headers.isEmpty, state.partBytes.isEmpty,
              endsWithClosingBoundary(body, boundary: boundary) else { return .failure(.malformed) }
        return .success(state.form)
    }

    /// `--boundary--` must close the body (optionally followed by CRLF or an epilogue).
    static func endsWithClosingBoundary(_ body: [UInt8], boundary: String) -> Bool {
        let closing = Array("--\(boundary)--".utf8)
        guard body.count >= closing.count else { return false }
        // Search the last 1 kB only: an epilogue is allowed but never large in practice.
        let start = max(0, body.count - closing.count - 1_024)
        var index = body.count - closing.count
        while index >= start {
            if body[index] == closing[0], Array(body[index..<index + closing.count]) == closing { return true }
            index -= 1
        }
        return false
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
