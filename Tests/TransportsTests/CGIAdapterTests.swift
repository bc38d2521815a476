import Foundation
import Gateway
import HTTPTypes
import Testing
@testable import Transports

@Suite("CGI/1.1 adapter")
struct CGIAdapterTests {
    private func request(_ environment: [String: String], body: [UInt8] = [],
                         limits: GatewayLimits = GatewayLimits()) throws -> GatewayRequest {
        try CGIAdapter.request(environment: environment, body: body, limits: limits).get()
    }

    private func refusal(_ environment: [String: String], body: [UInt8] = [],
                         limits: GatewayLimits = GatewayLimits()) -> TransportRefusal? {
        if case .failure(let refusal) = CGIAdapter.request(environment: environment, body: body, limits: limits) {
            return refusal
        }
        return nil
    }

    @Test("nginx's fastcgi_params: method, target, scheme, authority, fields, body")
    func nginxEnvironment() throws {
        let environment = [
            "REQUEST_METHOD": "POST", "REQUEST_URI": "/guichet/envoi?formulaire=contact",
            "QUERY_STRING": "formulaire=contact", "SCRIPT_NAME": "/guichet/envoi", "DOCUMENT_URI": "/guichet/envoi",
            "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": "5",
            "HTTPS": "on", "REQUEST_SCHEME": "https", "HTTP_HOST": "mairie.example", "SERVER_NAME": "_",
            "SERVER_PORT": "443", "HTTP_X_FORWARDED_FOR": "192.0.2.1", "HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9",
            "HTTP_CONTENT_LENGTH": "999", "HTTP_COOKIE": "a=b", "REMOTE_ADDR": "192.0.2.1",
        ]
        let request = try request(environment, body: Array("a=b&c".utf8))
        #expect(request.head.method == .post)
        #expect(request.head.path == "/guichet/envoi?formulaire=contact")
        #expect(request.path == "/guichet/envoi")
        #expect(request.query == "formulaire=contact")
        #expect(request.head.scheme == "https")
        #expect(request.head.authority == "mairie.example")
        #expect(request.head.headerFields[.contentType] == "application/x-www-form-urlencoded")
        #expect(request.head.headerFields[.contentLength] == "5", "from CONTENT_LENGTH, never HTTP_CONTENT_LENGTH")
        #expect(request.head.headerFields[HTTPField.Name("X-Forwarded-For")!] == "192.0.2.1")
        #expect(request.head.headerFields[.acceptLanguage] == "fr-FR,fr;q=0.9")
        #expect(request.head.headerFields[.cookie] == "a=b")
        #expect(request.head.headerFields[HTTPField.Name("Host")!] == nil, "the host is the authority")
        #expect(request.head.headerFields[HTTPField.Name("Remote-Addr")!] == nil, "only HTTP_* are fields")
        #expect(request.body == Array("a=b&c".utf8))
    }

    @Test("Without REQUEST_URI: SCRIPT_NAME + PATH_INFO (encoded again) + QUERY_STRING")
    func scriptNameAndPathInfo() throws {
        let base = ["REQUEST_METHOD": "GET", "SERVER_NAME": "mairie.example", "SERVER_PORT": "80"]
        var environment = base
        environment["SCRIPT_NAME"] = "/cgi-bin/guichet"
        environment["PATH_INFO"] = "/suivi/ABC 12?é#"
        environment["QUERY_STRING"] = "a=1&b=%C3%A9"
        let request = try request(environment)
        #expect(request.head.path == "/cgi-bin/guichet/suivi/ABC%2012%3F%C3%A9%23?a=1&b=%C3%A9")
        #expect(request.head.scheme == "http")
        #expect(request.head.authority == "mairie.example", "default port left out")
        #expect(request.head.headerFields[.contentLength] == nil)
        #expect(request.body.isEmpty)

        #expect(try self.request(base).head.path == "/", "no script name nor path info")
        var pathOnly = base
        pathOnly["PATH_INFO"] = "suivi"
        #expect(try self.request(pathOnly).head.path == "/suivi")
    }

    @Test("REQUEST_URI wins, and what a request line cannot hold is encoded")
    func requestURI() throws {
        let environment = ["REQUEST_METHOD": "GET", "REQUEST_URI": "/a b/%41?q=\r\n#x", "SCRIPT_NAME": "/ignored"]
        #expect(try request(environment).head.path == "/a%20b/%41?q=%0D%0A%23x")
        for bad in ["http://evil.example/", "*", "suivi"] {
            #expect(refusal(["REQUEST_METHOD": "GET", "REQUEST_URI": bad]) == .malformed, "\(bad)")
        }
    }

    @Test("Scheme: HTTPS=on or 1, or REQUEST_SCHEME=https; else http")
    func scheme() throws {
        let cases: [([String: String], String)] = [
            (["HTTPS": "on"], "https"), (["HTTPS": "ON"], "https"), (["HTTPS": "1"], "https"),
            (["HTTPS": "off"], "http"), (["HTTPS": ""], "http"), ([:], "http"), (["REQUEST_SCHEME": "https"], "https"),
        ]
        for (extra, scheme) in cases {
            let environment = extra.merging(["REQUEST_METHOD": "GET"]) { a, _ in a }
            #expect(try request(environment).head.scheme == scheme, "\(extra)")
        }
    }

    @Test("Authority: HTTP_HOST, else SERVER_NAME with a non-default SERVER_PORT; nothing that is not a host")
    func authority() throws {
        let cases: [([String: String], String?)] = [
            (["HTTP_HOST": "mairie.example:8443", "SERVER_NAME": "other"], "mairie.example:8443"),
            (["SERVER_NAME": "srv", "SERVER_PORT": "8080"], "srv:8080"),
            (["SERVER_NAME": "srv", "SERVER_PORT": "80"], "srv"),
            (["SERVER_NAME": "srv", "SERVER_PORT": "443", "HTTPS": "on"], "srv"),
            (["HTTP_HOST": "evil.example/x", "SERVER_NAME": "srv"], "srv"),
            (["HTTP_HOST": "user@evil.example", "SERVER_NAME": "srv"], "srv"),
            (["HTTP_HOST": "a b"], nil),
            (["HTTP_HOST": "mairie.example\r\nX-Injected: 1"], nil),
            ([:], nil),
        ]
        for (extra, authority) in cases {
            let environment = extra.merging(["REQUEST_METHOD": "GET"]) { a, _ in a }
            #expect(try request(environment).head.authority == authority, "\(extra)")
        }
    }

    @Test("REQUEST_METHOD is required and must be an HTTP token")
    func method() throws {
        #expect(refusal(["REQUEST_URI": "/"]) == .malformed)
        for bad in ["", "GET POST", "GET\r\n", "G(T", "GÉT"] {
            #expect(refusal(["REQUEST_METHOD": bad]) == .malformed, "\(bad)")
        }
        #expect(try request(["REQUEST_METHOD": "PROPFIND"]).head.method.rawValue == "PROPFIND")
    }

    @Test("CONTENT_LENGTH: digits only, at most the limit, and the body must have that length")
    func contentLength() throws {
        let limits = GatewayLimits(maximumBodySize: 1000)
        func environment(_ length: String) -> [String: String] { ["REQUEST_METHOD": "POST", "CONTENT_LENGTH": length] }
        for bad in ["abc", "-1", "+5", " 5", "5 ", "1e3", "0x10", "5.0", "٣"] {
            #expect(refusal(environment(bad), limits: limits) == .malformed, "\(bad)")
        }
        for huge in ["1001", "99999999999999999999999999999999", String(repeating: "9", count: 10_000)] {
            #expect(refusal(environment(huge), limits: limits) == .bodyTooLarge, "\(huge.prefix(40))")
        }
        #expect(try request(environment("1000"), body: [UInt8](repeating: 1, count: 1000), limits: limits).body.count == 1000)
        #expect(try request(environment("0005"), body: [1, 2, 3, 4, 5], limits: limits).head.headerFields[.contentLength] == "5")
        #expect(try request(environment(""), limits: limits).body.isEmpty, "empty: no body (nginx sends it so for GET)")
        #expect(refusal(environment("5"), body: [1, 2, 3, 4], limits: limits) == .malformed, "short body")
        #expect(refusal(environment("5"), body: [1, 2, 3, 4, 5, 6], limits: limits) == .malformed, "long body")
        #expect(refusal(["REQUEST_METHOD": "POST"], body: [UInt8](repeating: 0, count: 1001), limits: limits) == .bodyTooLarge,
                "undeclared body over the limit")
        let undeclared = try request(["REQUEST_METHOD": "POST"], body: [1, 2, 3], limits: limits)
        #expect(undeclared.head.headerFields[.contentLength] == "3")
    }

    @Test("Header injection: a CR, LF or NUL in any value drops that field; bad names are dropped")
    func requestFieldInjection() throws {
        let environment = [
            "REQUEST_METHOD": "GET",
            "HTTP_X_EVIL": "a\r\nSet-Cookie: session=stolen",
            "HTTP_X_LF": "a\nb", "HTTP_X_NUL": "a\u{0}b", "HTTP_X_DEL": "a\u{7F}b",
            "HTTP_X_FINE": "plain\tvalue",
            "CONTENT_TYPE": "text/plain\r\nX-Injected: 1",
            "HTTP_": "empty name", "HTTP_X(Y": "bad token", "HTTP_X__Y": "double",
        ]
        let fields = try request(environment).head.headerFields
        #expect(fields.count == 2, "\(fields)")
        #expect(fields[HTTPField.Name("X-Fine")!] == "plain\tvalue")
        #expect(fields[HTTPField.Name("X--Y")!] == "double")
        #expect(fields[.contentType] == nil)
        #expect(fields[.setCookie] == nil)
    }

    @Test("HTTP_ variable names become field names", arguments: [
        ("HTTP_X_FOO", "X-Foo"), ("HTTP_USER_AGENT", "User-Agent"), ("HTTP_ACCEPT", "Accept"),
        ("HTTP_X_FORWARDED_FOR", "X-Forwarded-For"), ("HTTP_DNT", "Dnt"), ("HTTP_x_lower", "X-Lower"),
    ])
    func fieldNames(variable: String, name: String) {
        #expect(CGIAdapter.fieldName(forVariable: variable)?.rawName == name)
    }

    // MARK: - Serialization

    @Test("A response is Status, fields, blank line, body")
    func serialize() {
        var fields = HTTPFields()
        fields[.location] = "/guichet/suivi/ABC"
        fields[.cacheControl] = "no-store"
        let response = GatewayResponse(head: HTTPResponse(status: .seeOther, headerFields: fields), body: Array("vu".utf8))
        let text = String(decoding: CGIAdapter.serialize(response), as: UTF8.self)
        #expect(text == "Status: 303 See Other\r\nLocation: /guichet/suivi/ABC\r\nCache-Control: no-store\r\nContent-Length: 2\r\n\r\nvu")
    }

    @Test("Content-Length is the body's; a handler's Status field is dropped; none for 204 and 304")
    func serializeLengths() {
        var fields = HTTPFields()
        fields[.contentLength] = "999"
        fields[HTTPField.Name("Status")!] = "200 OK"
        let response = GatewayResponse(head: HTTPResponse(status: .notFound, headerFields: fields), body: Array("abc".utf8))
        #expect(String(decoding: CGIAdapter.serialize(response), as: UTF8.self) == "Status: 404 Not Found\r\nContent-Length: 3\r\n\r\nabc")
        for status in [HTTPResponse.Status.noContent, .notModified] {
            let empty = GatewayResponse(head: HTTPResponse(status: status))
            #expect(String(decoding: CGIAdapter.serialize(empty), as: UTF8.self) == "Status: \(status.code) \(status.reasonPhrase)\r\n\r\n")
        }
    }

    @Test("Response header injection: no value or reason phrase starts a new line of the head")
    func responseInjection() {
        var fields = HTTPFields()
        fields[.location] = "/ok\r\nSet-Cookie: session=stolen"
        fields.append(HTTPField(name: HTTPField.Name("X-Raw")!, lenientValue: Array("a\r\nb\u{0}c".utf8)))
        let status = HTTPResponse.Status(code: 400, reasonPhrase: "Bad\r\nSet-Cookie: x=y")
        let response = GatewayResponse(head: HTTPResponse(status: status, headerFields: fields), body: Array("\r\nbody".utf8))
        let bytes = CGIAdapter.serialize(response)
        let head = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        let lines = head.components(separatedBy: "\r\n")
        #expect(lines.count == 4, "\(lines)")  // Status, Location, X-Raw, Content-Length
        #expect(!lines.contains { $0.hasPrefix("Set-Cookie") })
        #expect(head.utf8.filter { $0 == 0x0A || $0 == 0x0D }.count == 6 && !head.utf8.contains(0))
        #expect(lines[0].hasPrefix("Status: 400 "))
    }

    // MARK: - One request from a process' environment and standard input

    private func runCGI(environment: [String: String], stdin: [UInt8], limits: GatewayLimits = GatewayLimits())
        async throws -> (output: String, leftInStdin: [UInt8]) {
        let input = Pipe(), output = Pipe()
        input.fileHandleForWriting.write(Data(stdin))
        try input.fileHandleForWriting.close()
        await CGIAdapter.run(handler: EchoHandler(limits: limits), environment: environment,
                             stdin: input.fileHandleForReading, stdout: output.fileHandleForWriting)
        try output.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let left = [UInt8](input.fileHandleForReading.readDataToEndOfFile())
        return (text, left)
    }

    @Test("run reads exactly CONTENT_LENGTH bytes, calls the handler, writes the CGI response")
    func runReadsExactly() async throws {
        let environment = ["REQUEST_METHOD": "POST", "REQUEST_URI": "/envoi?x=1", "CONTENT_LENGTH": "4",
                           "CONTENT_TYPE": "text/plain", "HTTP_HOST": "mairie.example"]
        let (output, left) = try await runCGI(environment: environment, stdin: Array("abcdEXTRA".utf8))
        #expect(output.hasPrefix("Status: 200 OK\r\n"))
        let fields = echoFields(output.components(separatedBy: "\r\n\r\n")[1])
        #expect(fields["method"] == "POST")
        #expect(fields["path"] == "/envoi")
        #expect(fields["query"] == "x=1")
        #expect(fields["body"] == "abcd")
        #expect(fields["header Content-Type"] == "text/plain")
        #expect(left == Array("EXTRA".utf8), "nothing read past CONTENT_LENGTH")
    }

    @Test("run: a short body is malformed; a declared length over the limit is refused, the body drained")
    func runRefusals() async throws {
        let short = try await runCGI(environment: ["REQUEST_METHOD": "POST", "CONTENT_LENGTH": "10"], stdin: Array("abcd".utf8))
        #expect(short.output.hasPrefix("Status: 400 Bad Request\r\n"))

        let limits = GatewayLimits(maximumBodySize: 100)
        let large = try await runCGI(environment: ["REQUEST_METHOD": "POST", "CONTENT_LENGTH": "101"],
                                     stdin: Array("untouched".utf8), limits: limits)
        #expect(large.output.hasPrefix("Status: 413 Content Too Large\r\n"))
        #expect(large.output.hasSuffix("refused: body too large"))
        // Drained (Apache writes the whole body before reading the answer, see CGIAdapter.respond).
        #expect(large.leftInStdin.isEmpty)

        let noMethod = try await runCGI(environment: ["CONTENT_LENGTH": "3"], stdin: Array("abc".utf8))
        #expect(noMethod.output.hasPrefix("Status: 400 "))

        let get = try await runCGI(environment: ["REQUEST_METHOD": "GET"], stdin: Array("ignored".utf8))
        #expect(echoFields(get.output.components(separatedBy: "\r\n\r\n")[1])["body-length"] == "0")
        #expect(get.leftInStdin == Array("ignored".utf8), "no CONTENT_LENGTH, nothing read")
    }
}
