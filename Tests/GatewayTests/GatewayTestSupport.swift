import Accessibility
import Foundation
import Gateway
import GuichetModel
import HTTPTypes
import Queue
import Testing

/// A gateway on the demo site of the repository and a real SQLite file in a fresh folder.
struct GatewayFixture {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Loaded once: the theme and the forms do not change during the tests.
    static let site: GatewaySite = {
        do { return try GatewaySite.load(root: repositoryRoot) } catch { fatalError("\(error)") }
    }()

    let folder: URL
    let queue: SubmissionQueue
    let gateway: GatewayCore

    init(limits: GatewayLimits = GatewayLimits()) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-gateway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        queue = try SubmissionQueue(path: folder.appendingPathComponent("queue.sqlite").path)
        gateway = GatewayCore(site: Self.site, queue: queue, limits: limits)
    }

    var site: GatewaySite { Self.site }

    /// A complete, valid answer to the demo's contact form (no file).
    func validContact() -> [(String, String)] {
        let form = site.forms["contact"]!
        let reply = form.fields.first { $0.id == "reponse" }!.options[0].value
        return [("guichet-formulaire", "contact"), ("guichet-version", form.digest), ("guichet-site-web", ""),
                ("objet", "question-demarche"), ("service-concerne", ""), ("reference", ""),
                ("message", "Bonjour,\r\nÀ quelle heure ouvre la mairie le samedi ?\r\nMerci."),
                ("reponse", reply), ("nom", "Dupont-Lefèvre"), ("prenom", "Élise"),
                ("adresse-voie", "12 rue des Tilleuls"), ("adresse-complement", ""),
                ("adresse-code-postal", "12345"), ("adresse-commune", "Brémonval"),
                ("courriel", "elise.dupont@example.org"), ("telephone", "")]
    }

    static func urlencoded(_ pairs: [(String, String)]) -> [UInt8] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = pairs.map { name, value in
            (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") + "=" +
                (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }.joined(separator: "&")
        return Array(body.utf8)
    }

    struct FilePart {
        var name: String
        var filename: String
        var type: String
        var bytes: [UInt8]
    }

    static func multipart(_ pairs: [(String, String)], files: [FilePart], boundary: String = "----GuichetTest7MA4YWxkTrZu0gW") -> [UInt8] {
        var body: [UInt8] = []
        for (name, value) in pairs {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return body
    }

    static let pdf: [UInt8] = Array("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)

    func post(_ formID: String, body: [UInt8], contentType: String = "application/x-www-form-urlencoded",
              headers: HTTPFields = [:]) async -> GatewayResponse {
        var fields = headers
        fields[.contentType] = contentType
        let head = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1:8080", path: "/guichet/formulaires/\(formID)",
                               headerFields: fields)
        return await gateway.handle(GatewayRequest(head: head, body: body))
    }

    func get(_ path: String) async -> GatewayResponse {
        let head = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:8080", path: path, headerFields: [:])
        return await gateway.handle(GatewayRequest(head: head))
    }

    /// The page must pass the same checker as the published site; it is also written to
    /// $GUICHET_GATEWAY_PAGES for `make test` to run the Nu validator and axe-core on it.
    static func expectAccessible(_ response: GatewayResponse, name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let html = String(decoding: response.body, as: UTF8.self)
        let findings = try AccessibilityChecker.check(html: html, path: name) { href in
            href == "/assets/guichet.css"
                ? try? String(contentsOf: repositoryRoot.appendingPathComponent("Theme/assets/guichet.css"), encoding: .utf8) : nil
        }
        let failures = findings.filter { $0.status == .nonConforme }
        #expect(failures.isEmpty, "\(name): \(failures.map { "\($0.test) l.\($0.line ?? 0) \($0.message)" })", sourceLocation: sourceLocation)
        if let folder = ProcessInfo.processInfo.environment["GUICHET_GATEWAY_PAGES"] {
            let url = URL(fileURLWithPath: folder)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try Data(html.utf8).write(to: url.appendingPathComponent("\(name).html"))
        }
    }
}

extension GatewayResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
    var location: String? { head.headerFields[.location] }
}
