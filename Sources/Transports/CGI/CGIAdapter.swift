import Foundation
import Gateway
import HTTPTypes

/// CGI/1.1 (RFC 3875): the environment and standard input of one request → `GatewayRequest`,
/// and `GatewayResponse` → the CGI response on standard output (`Status:` header, fields,
/// blank line, body).
///
/// The FastCGI server builds its requests through the same `request(environment:body:limits:)`,
/// so a request means the same thing whatever the web server speaks.
public enum CGIAdapter {

    // MARK: - Environment → request

    /// Maps a CGI environment and an already-read body to a request, or says why it is refused.
    ///
    /// - `REQUEST_METHOD` (required, an HTTP token) → method.
    /// - `REQUEST_URI` when present (raw, as nginx, Apache and lighttpd pass it), else
    ///   `SCRIPT_NAME` + `PATH_INFO` (decoded by the server, re-encoded here) + `?QUERY_STRING` → path.
    /// - `HTTPS=on` (or `REQUEST_SCHEME=https`) → scheme `https`, else `http`.
    /// - `HTTP_HOST`, else `SERVER_NAME` (+ `SERVER_PORT` when not the scheme's default) → authority.
    /// - `HTTP_X_FOO` → field `X-Foo`; `CONTENT_TYPE` → `Content-Type`; `CONTENT_LENGTH` → `Content-Length`.
    ///   A field whose value holds CR, LF or NUL is dropped, never passed on.
    /// - `CONTENT_LENGTH` must be decimal digits only; above `limits.maximumBodySize` the request is
    ///   `.bodyTooLarge`; a body of another length than declared is `.malformed`.
    public static func request(environment: [String: String], body: [UInt8],
                               limits: GatewayLimits = GatewayLimits()) -> Result<GatewayRequest, TransportRefusal> {
        guard let methodName = environment["REQUEST_METHOD"], let method = HTTPRequest.Method(methodName) else {
            return .failure(.malformed)
        }
        let declaredLength: Int?
        switch contentLength(in: environment, limits: limits) {
        case .success(let length): declaredLength = length
        case .failure(let refusal): return .failure(refusal)
        }
        guard body.count <= limits.maximumBodySize else { return .failure(.bodyTooLarge) }
        if let declaredLength, declaredLength != body.count { return .failure(.malformed) }
        guard let path = path(in: environment) else { return .failure(.malformed) }

        let scheme = isHTTPS(environment) ? "https" : "http"
        var fields = HTTPFields()
        // Only the HTTP_ variables are sorted (a handful), not the whole environment: same
        // order of fields, less work per request.
        for key in environment.keys.filter({ $0.hasPrefix("HTTP_") }).sorted() {
            // The host is the authority; the body's type and length come from the CGI variables.
            if key == "HTTP_HOST" || key == "HTTP_CONTENT_TYPE" || key == "HTTP_CONTENT_LENGTH" { continue }
            guard let name = fieldName(forVariable: key), let value = environment[key], isSafeFieldValue(value) else {
                continue
            }
            fields.append(HTTPField(name: name, value: value))
        }
        if let contentType = environment["CONTENT_TYPE"], !contentType.isEmpty, isSafeFieldValue(contentType) {
            fields[.contentType] = contentType
        }
        if declaredLength != nil || !body.isEmpty {
            fields[.contentLength] = String(body.count)
        }
        let head = HTTPRequest(method: method, scheme: scheme, authority: authority(in: environment, scheme: scheme),
                               path: path, headerFields: fields)
        return .success(GatewayRequest(head: head, body: body))
    }

    /// `CONTENT_LENGTH` checked before anything is read: `nil` when absent or empty (no body),
    /// `.malformed` when not only ASCII digits, `.bodyTooLarge` above the limit (however many digits).
    static func contentLength(in environment: [String: String], limits: GatewayLimits) -> Result<Int?, TransportRefusal> {
        guard let text = environment["CONTENT_LENGTH"], !text.isEmpty else { return .success(nil) }
        var value = 0
        for byte in text.utf8 {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return .failure(.malformed) }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            // Checked at each digit, so that a thousand-digit length cannot overflow.
            if value > limits.maximumBodySize { return .failure(.bodyTooLarge) }
        }
        return .success(value)
    }

    private static func isHTTPS(_ environment: [String: String]) -> Bool {
        if let https = environment["HTTPS"]?.lowercased(), https == "on" || https == "1" { return true }
        return environment["REQUEST_SCHEME"]?.lowercased() == "https"
    }

    /// The request target (path and query), or nil when `REQUEST_URI` is not an origin-form target.
    private static func path(in environment: [String: String]) -> String? {
        if let uri = environment["REQUEST_URI"], !uri.isEmpty {
            // Raw from the request line: already percent-encoded. Anything a request line cannot
            // hold (controls, spaces, non-ASCII, '#') is encoded rather than passed through.
            guard uri.hasPrefix("/") else { return nil }
            return percentEncode(uri) { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") }
        }
        // SCRIPT_NAME and PATH_INFO are decoded by the server: encode them back.
        let decoded = (environment["SCRIPT_NAME"] ?? "") + (environment["PATH_INFO"] ?? "")
        var path = percentEncode(decoded, keeping: isPathCharacter)
        if !path.hasPrefix("/") { path = "/" + path }
        if let query = environment["QUERY_STRING"], !query.isEmpty {
            // QUERY_STRING is passed undecoded (RFC 3875 §4.1.7).
            path += "?" + percentEncode(query) { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") }
        }
        return path
    }

    /// RFC 3986 `pchar` and `/`: unreserved, sub-delims, ':' and '@'.
    private static func isPathCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,;=:@/".utf8.contains(byte)
        }
    }

    private static func percentEncode(_ text: String, keeping keep: (UInt8) -> Bool) -> String {
        if text.utf8.allSatisfy(keep) { return text }
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if keep(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func authority(in environment: [String: String], scheme: String) -> String? {
        if let host = environment["HTTP_HOST"], isAuthority(host) { return host }
        guard let name = environment["SERVER_NAME"], isAuthority(name) else { return nil }
        let defaultPort = scheme == "https" ? "443" : "80"
        if let port = environment["SERVER_PORT"], !port.isEmpty, port != defaultPort,
           port.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), !name.contains(":") {
            return name + ":" + port
        }
        return name
    }

    /// A host name or address with an optional port: visible ASCII, and nothing that would end
    /// the authority or smuggle user information into it.
    private static func isAuthority(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 255
            && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && !"/?#@\\".utf8.contains($0) }
    }

    /// `HTTP_X_FORWARDED_FOR` → `X-Forwarded-For`; nil when the result is not a valid field name.
    static func fieldName(forVariable variable: String) -> HTTPField.Name? {
        // Variable names are ASCII in practice: cased on bytes, as `fieldNameReference` does
        // on Characters (which split, upper-case and join strings for every header).
        let utf8 = variable.utf8
        if utf8.count > 5, utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(utf8.count - 5)
            var startOfWord = true
            for byte in utf8.dropFirst(5) {
                if byte == UInt8(ascii: "_") {
                    bytes.append(UInt8(ascii: "-"))
                    startOfWord = true
                    continue
                }
                let isUpper = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
                let isLower = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
                bytes.append(startOfWord ? (isLower ? byte - 0x20 : byte) : (isUpper ? byte + 0x20 : byte))
                startOfWord = false
            }
            return HTTPField.Name(String(decoding: bytes, as: UTF8.self))
        }
        return fieldNameReference(forVariable: variable)
    }

    /// The Character-based mapping `fieldName(forVariable:)` must agree with (any text).
    static func fieldNameReference(forVariable variable: String) -> HTTPField.Name? {
        let raw = variable.dropFirst("HTTP_".count)
        guard !raw.isEmpty else { return nil }
        let name = raw.split(separator: "_", omittingEmptySubsequences: false)
            .map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }
            .joined(separator: "-")
        return HTTPField.Name(name)
    }

    /// No CR, LF or NUL (the bytes that split or end a head), no other control but tab.
    private static func isSafeFieldValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 >= 0x20 ? $0 != 0x7F : $0 == 0x09 }
    }

    // MARK: - Response → CGI output

    /// The CGI response (RFC 3875 §6): `Status: 303 See Other`, the header fields, a blank line,
    /// the body. `Content-Length` is the body's actual length (none for 1xx, 204 and 304).
    /// A field named `Status`, or whose value holds CR, LF or NUL, is dropped: nothing the
    /// handler puts in a field can start a new line of the head.
    public static func serialize(_ response: GatewayResponse) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + response.body.count)
        let status = response.head.status
        out += Array("Status: \(status.code)".utf8)
        let reason = status.reasonPhrase.utf8.map { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) ? $0 : 0x20 }
        if !reason.isEmpty { out += [0x20] + reason }
        out += [0x0D, 0x0A]
        for field in response.head.headerFields {
            if field.name == .contentLength { continue }
            if field.name.canonicalName == "status" { continue }
            let value = Array(field.value.utf8)
            guard value.allSatisfy({ $0 >= 0x20 ? $0 != 0x7F : $0 == 0x09 }) else { continue }
            out += Array(field.name.rawName.utf8) + [UInt8(ascii: ":"), 0x20] + value + [0x0D, 0x0A]
        }
        let code = status.code
        if !((100..<200).contains(code) || code == 204 || code == 304) {
            out += Array("Content-Length: \(response.body.count)\r\n".utf8)
        }
        out += [0x0D, 0x0A]
        out += response.body
        return out
    }

    // MARK: - One CGI request, from the process

    /// Serves the one request of a CGI process: checks `CONTENT_LENGTH`, reads exactly that many
    /// bytes from `stdin` (never more than `handler.limits.maximumBodySize`; end of input before
    /// that is `.malformed`), calls the handler, writes the CGI response to `stdout`.
    /// A refused request gets `handler.refuse(_:)`'s page, with nothing more read.
    public static func run(handler: some GatewayHandler,
                           environment: [String: String] = ProcessInfo.processInfo.environment,
                           stdin: FileHandle = .standardInput,
                           stdout: FileHandle = .standardOutput) async {
        let response = await respond(handler: handler, environment: environment, stdinDescriptor: stdin.fileDescriptor)
        writeAll(serialize(response), to: stdout.fileDescriptor)
    }

    static func respond(handler: some GatewayHandler, environment: [String: String],
                        stdinDescriptor: Int32) async -> GatewayResponse {
        let limits = handler.limits
        let body: [UInt8]
        switch contentLength(in: environment, limits: limits) {
        case .failure(let refusal):
            // Apache writes the whole body before it reads the answer: if the script exits
            // without reading it, Apache gets a broken pipe and the citizen gets no page at all.
            // Read and discard it, up to a bound, so the refusal page reaches them.
            if refusal == .bodyTooLarge { discard(upTo: maximumDiscardedBytes, from: stdinDescriptor) }
            return handler.refuse(refusal)
        case .success(nil):
            body = []
        case .success(let length?):
            guard let read = readExactly(length, from: stdinDescriptor) else { return handler.refuse(.malformed) }
            body = read
        }
        switch request(environment: environment, body: body, limits: limits) {
        case .success(let request): return await handler.handle(request)
        case .failure(let refusal): return handler.refuse(refusal)
        }
    }

    /// How much of a refused body is read and thrown away (see `respond`).
    static let maximumDiscardedBytes = 256 * 1024 * 1024

    /// Reads and drops standard input until its end or `limit` bytes.
    private static func discard(upTo limit: Int, from descriptor: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var total = 0
        while total < limit {
            let result = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if result > 0 { total += result; continue }
            if result < 0 && errno == EINTR { continue }
            return
        }
    }

    /// Exactly `count` bytes, or nil if the input ends (or fails) first.
    private static func readExactly(_ count: Int, from descriptor: Int32) -> [UInt8]? {
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + filled, count - filled)
            }
            if result > 0 {
                filled += result
            } else if result < 0 && errno == EINTR {
                continue
            } else {
                return nil
            }
        }
        return bytes
    }

    @discardableResult
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, bytes.count - written)
            }
            if result > 0 {
                written += result
            } else if result < 0 && errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }
}
