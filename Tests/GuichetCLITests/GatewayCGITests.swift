import Foundation
import Testing

/// `guichet gateway cgi` as a web server runs it: one process per request, the request in the
/// environment and on standard input, many processes at once on one SQLite file.
@Suite struct GatewayCGITests {
    let cli = BuildCommandTests()

    /// A valid answer to the demo's contact form; the version is read from the published page.
    func contactBody(digest: String, name: String) -> String {
        let pairs = [("guichet-formulaire", "contact"), ("guichet-version", digest), ("guichet-site-web", ""),
                     ("objet", "renseignement"), ("message", "Bonjour, à quelle heure ouvre la mairie ?"),
                     ("reponse", "par-courriel"), ("nom", name), ("prenom", "Élise"),
                     ("adresse-voie", "12 rue des Tilleuls"), ("adresse-code-postal", "12345"),
                     ("adresse-commune", "Brémonval"), ("courriel", "elise@example.org")]
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
    }

    /// Runs one CGI request; returns the whole standard output.
    func cgi(method: String, path: String, query: String = "", body: String = "", database: String,
             extra: [String: String] = [:]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = BuildCommandTests.binary
        process.arguments = ["gateway", "cgi", "--root", BuildCommandTests.repositoryRoot.path, "--db", database]
        var environment = ["GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method, "SCRIPT_NAME": "/guichet",
                           "PATH_INFO": String(path.dropFirst("/guichet".count)), "QUERY_STRING": query,
                           "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8080", "HTTP_HOST": "127.0.0.1:8080",
                           "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
                           "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        if !body.isEmpty {
            environment["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
            environment["CONTENT_LENGTH"] = String(body.utf8.count)
        }
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(body.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    func formDigest(database: String) throws -> String {
        // The gateway's 422 page is the form as published, with its current version field.
        let page = try cgi(method: "POST", path: "/guichet/formulaires/contact", body: "nom=x", database: database)
        let marker = "name=\"guichet-version\" value=\""
        let start = try #require(page.output.range(of: marker)).upperBound
        return String(page.output[start...].prefix { $0 != "\"" })
    }

    @Test func manyCGIProcessesAtOnceLoseNothing() async throws {
        let folder = try cli.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("queue.sqlite").path
        let digest = try formDigest(database: database)
        #expect(digest.count == 64)

        let count = 40
        let results = try await withThrowingTaskGroup(of: (Int, Int32, String, String).self) { group in
            for index in 0..<count {
                group.addTask {
                    let answer = try cgi(method: "POST", path: "/guichet/formulaires/contact",
                                         body: contactBody(digest: digest, name: "Personne\(index)"), database: database)
                    return (index, answer.status, answer.output, answer.errors)
                }
            }
            var all: [(Int, Int32, String, String)] = []
            for try await result in group { all.append(result) }
            return all
        }
        var locations: [String] = []
        for (index, status, output, errors) in results {
            #expect(status == 0, "\(index): \(errors)")
            #expect(output.hasPrefix("Status: 303"), "\(index): \(output.prefix(200))")
            #expect(!output.contains("locked"))
            if let line = output.split(separator: "\r\n").first(where: { $0.hasPrefix("Location: ") }) {
                locations.append(String(line.dropFirst("Location: ".count)))
            }
        }
        #expect(Set(locations).count == count, "every process got its own receipt")
        // Every receipt answered can be read back by another process.
        for location in locations.prefix(5) {
            let parts = location.split(separator: "?", maxSplits: 1)
            let page = try cgi(method: "GET", path: String(parts[0]), query: String(parts[1]), database: database)
            #expect(page.output.hasPrefix("Status: 200"), "\(page.output.prefix(200))")
            #expect(page.output.contains("Accusé d’enregistrement"))
        }
    }

    @Test func refusalsAndConfigurationErrors() throws {
        let folder = try cli.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("queue.sqlite").path
        let tooLarge = try cgi(method: "POST", path: "/guichet/formulaires/contact", database: database,
                               extra: ["CONTENT_LENGTH": "999999999999", "CONTENT_TYPE": "application/x-www-form-urlencoded"])
        #expect(tooLarge.output.hasPrefix("Status: 413"))
        let unknownReceipt = try cgi(method: "GET", path: "/guichet/suivi/222-222-222", query: "cle=abc", database: database)
        #expect(unknownReceipt.output.hasPrefix("Status: 404"))

        let missingRoot = Process()
        missingRoot.executableURL = BuildCommandTests.binary
        missingRoot.arguments = ["gateway", "cgi", "--root", folder.path, "--db", database]
        let errors = Pipe()
        missingRoot.standardError = errors
        missingRoot.standardOutput = Pipe()
        try missingRoot.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        missingRoot.waitUntilExit()
        #expect(missingRoot.terminationStatus == 2)
        #expect(message.contains("guichet.yaml"))
    }
}
