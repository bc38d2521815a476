import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `guichet serve` as `make serve` runs it: a real process, a real socket, real HTTP requests.
@Suite struct ServeCommandTests {
    @Test func servesTheDemoPagesAndTheNotFoundPage() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-serve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for item in ["guichet.yaml", "Content", "Forms", "Theme"] {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: BuildCommandTests.repositoryRoot.appendingPathComponent(item),
                                             to: root.appendingPathComponent(item))
        }
        let process = Process()
        process.executableURL = BuildCommandTests.binary
        process.arguments = ["serve", "--root", root.path, "--port", "0"]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }

        // The server prints its address once it listens; port 0 lets the system choose.
        var port: Int?
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        while port == nil, Date() < deadline {
            let chunk = stderr.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: " : http://127.0.0.1:") {
                port = Int(seen[range.upperBound...].prefix { $0.isNumber })
            }
        }
        let listening = try #require(port, "no address printed: \(seen)")

        func get(_ path: String) async throws -> (Int, String) {
            let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(listening)\(path)")!)
            return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
        }
        let (homeStatus, home) = try await get("/")
        #expect(homeStatus == 200)
        #expect(home.contains("<html lang=\"fr\">"))
        let (pageStatus, page) = try await get("/demarches/etat-civil/acte-de-naissance/")
        #expect(pageStatus == 200)
        #expect(page.contains("<h1>Demander un acte de naissance</h1>"))
        let (missingStatus, missing) = try await get("/nulle-part/")
        #expect(missingStatus == 404)
        #expect(missing.contains("<h1>Page introuvable</h1>"))
        #expect(try await get("/assets/guichet.css").0 == 200)

        // The forms work: a submission through the preview server gets its receipt.
        let (_, formPage) = try await get("/formulaires/contact/")
        let marker = try #require(formPage.range(of: "name=\"guichet-version\" value=\""))
        let digest = String(formPage[marker.upperBound...].prefix { $0 != "\"" })
        let fields = [("guichet-formulaire", "contact"), ("guichet-version", digest), ("objet", "renseignement"),
                      ("message", "Bonjour"), ("reponse", "par-courriel"), ("nom", "Martin"), ("prenom", "Léa"),
                      ("adresse-voie", "1 rue A"), ("adresse-code-postal", "12345"), ("adresse-commune", "Brémonval"),
                      ("courriel", "lea@example.org")]
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(listening)/guichet/formulaires/contact")!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&").utf8)
        let (data, response) = try await URLSession.shared.data(for: request)  // follows the 303
        let receipt = String(decoding: data, as: UTF8.self)
        #expect((response as! HTTPURLResponse).statusCode == 200, "\(receipt.prefix(500))")
        #expect(receipt.contains("Accusé d’enregistrement") && receipt.contains("Référence : <strong>"))
        #expect(response.url?.path.hasPrefix("/guichet/suivi/") == true)

        // Its accusé d'enregistrement is "e-mailed" into var/courriels/ (the preview sends
        // nothing), with the link back to this preview.
        let mailFolder = root.appendingPathComponent("var/courriels")
        var mails: [String] = []
        let mailDeadline = Date().addingTimeInterval(30)
        while mails.isEmpty, Date() < mailDeadline {
            mails = ((try? FileManager.default.contentsOfDirectory(atPath: mailFolder.path)) ?? []).filter { $0.hasSuffix(".eml") }
            if mails.isEmpty { try await Task.sleep(for: .milliseconds(200)) }
        }
        let mailFile = try #require(mails.first, "no e-mail written in \(mailFolder.path)")
        let mail = try String(contentsOf: mailFolder.appendingPathComponent(mailFile), encoding: .utf8)
        let reference = try #require(response.url?.path.split(separator: "/").last.map(String.init))
        #expect(mail.contains("To: lea@example.org"))
        #expect(mail.contains("Subject: =?UTF-8?") && mail.contains(reference), "subject encoded; the reference in the message")
        #expect(mail.contains("http://127.0.0.1:\(listening)/guichet/suivi/\(reference)?cle=3D"), "the link, quoted-printable")
    }
}
