import Foundation
import Testing
@testable import Transports

/// The FastCGI server against a client we did not write: `cgi-fcgi` (Debian libfcgi-bin,
/// installed by `scripts/install-deps.sh --test`).
@Suite("FastCGI with the real cgi-fcgi client")
struct CGIFCGIClientTests {
    static let client = "/usr/bin/cgi-fcgi"

    @Test("cgi-fcgi -bind -connect: environment as PARAMS, stdin as STDIN, the CGI response on stdout")
    func cgiFcgi() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.client),
                     "cgi-fcgi is missing: run `bash scripts/install-deps.sh --test`")
        try await withFastCGIServer { port in
            let body = "nom=Dupont&prenom=%C3%89lise"
            let (status, output) = try await onThread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: Self.client)
                process.arguments = ["-bind", "-connect", "127.0.0.1:\(port)"]
                process.environment = [
                    "REQUEST_METHOD": "POST", "REQUEST_URI": "/guichet/envoi?formulaire=contact",
                    "QUERY_STRING": "formulaire=contact", "SCRIPT_NAME": "/guichet/envoi",
                    "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": String(body.utf8.count),
                    "HTTP_HOST": "mairie.example", "HTTP_ACCEPT_LANGUAGE": "fr", "SERVER_NAME": "mairie.example",
                    "SERVER_PORT": "80", "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
                ]
                let input = Pipe(), output = Pipe()
                process.standardInput = input
                process.standardOutput = output
                try process.run()
                input.fileHandleForWriting.write(Data(body.utf8))
                try input.fileHandleForWriting.close()
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return (process.terminationStatus, String(decoding: data, as: UTF8.self))
            }
            #expect(status == 0)
            #expect(output.hasPrefix("Status: 200 OK\r\n"), "\(output)")
            let fields = echoFields(output.components(separatedBy: "\r\n\r\n").dropFirst().joined())
            #expect(fields["method"] == "POST")
            #expect(fields["path"] == "/guichet/envoi")
            #expect(fields["query"] == "formulaire=contact")
            #expect(fields["authority"] == "mairie.example")
            #expect(fields["header Accept-Language"] == "fr")
            #expect(fields["header Content-Type"] == "application/x-www-form-urlencoded")
            #expect(fields["body"] == body)
        }
    }
}
