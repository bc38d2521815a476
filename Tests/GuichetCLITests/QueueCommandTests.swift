import Foundation
import Testing

/// `guichet token …` and `guichet queue …` as an operator or a back-office's cron job runs them:
/// the real binary on a real SQLite file, fed by the real CGI gateway.
@Suite struct QueueCommandTests {
    let cli = BuildCommandTests()
    let gateway = GatewayCGITests()
    var root: String { BuildCommandTests.repositoryRoot.path }

    /// A PDF as the gateway's signature check recognises it.
    static let pdf = Array("%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".utf8)

    /// Posts the demo's contact form (service "accueil") through `guichet gateway cgi`, as
    /// multipart with an optional file; returns the reference and the tracking key.
    func submitContact(database: String, digest: String, name: String, file: (name: String, bytes: [UInt8])?) throws -> (reference: String, key: String) {
        let boundary = "----GuichetQueueTest9zQ"
        let pairs = [("guichet-formulaire", "contact"), ("guichet-version", digest), ("guichet-site-web", ""),
                     ("objet", "renseignement"), ("message", "Bonjour, pouvez-vous me rappeler ?"),
                     ("reponse", "par-courriel"), ("nom", name), ("prenom", "Élise"),
                     ("adresse-voie", "12 rue des Tilleuls"), ("adresse-code-postal", "12345"),
                     ("adresse-commune", "Brémonval"), ("courriel", "elise@example.org")]
        var body: [UInt8] = []
        for (key, value) in pairs {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(key)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"piece-jointe\"; filename=\"\(file.name)\"\r\nContent-Type: application/pdf\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)

        let process = Process()
        process.executableURL = BuildCommandTests.binary
        process.arguments = ["gateway", "cgi", "--root", root, "--db", database]
        process.environment = ["GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "SCRIPT_NAME": "/guichet",
                               "PATH_INFO": "/formulaires/contact", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
                               "SERVER_PORT": "8080", "HTTP_HOST": "127.0.0.1:8080", "SERVER_PROTOCOL": "HTTP/1.1",
                               "REMOTE_ADDR": "127.0.0.1", "CONTENT_TYPE": "multipart/form-data; boundary=\(boundary)",
                               "CONTENT_LENGTH": String(body.count)]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        input.fileHandleForWriting.write(Data(body))
        try input.fileHandleForWriting.close()
        let answer = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let line = try #require(answer.split(separator: "\r\n").first { $0.hasPrefix("Location: ") }, "\(answer.prefix(300))")
        let location = line.dropFirst("Location: ".count)
        let path = try #require(location.split(separator: "?").first)
        let key = try #require(location.split(separator: "=").last)
        return (String(path.split(separator: "/").last!), String(key))
    }

    @Test func tokenCreateListRevokeRoundTrip() throws {
        let folder = try cli.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("var/queue.sqlite").path

        let created = try cli.run(["token", "create", "--root", root, "--db", database, "--service", "etat-civil",
                                   "--service", "ccas", "--name", "Logiciel état civil", "--scope", "pull,ack",
                                   "--webhook", "https://ec.example.org/guichet"])
        #expect(created.status == 0, "\(created.stderr)")
        let secret = created.stdout.trimmingCharacters(in: .newlines)
        #expect(secret.hasPrefix("gch_") && secret.count == 56 && !secret.contains("\n"))
        #expect(created.stderr.contains("ce secret ne sera plus jamais affiché"))
        #expect(created.stderr.contains("X-Guichet-Signature"))

        let listed = try cli.run(["token", "list", "--db", database])
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("n° 1 « Logiciel état civil » — actif"))
        #expect(listed.stdout.contains("services : ccas, etat-civil ; droits : pull, ack"))
        let json = try cli.run(["token", "list", "--db", database, "--format", "json"])
        let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(items.count == 1 && items[0]["webhook"] as? String == "https://ec.example.org/guichet")
        #expect(items[0]["revoque_le"] is NSNull)
        #expect(!listed.stdout.contains(secret) && !json.stdout.contains(secret))
        // The secret is nowhere in the database files.
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: database + suffix))) ?? Data()
            #expect(bytes.range(of: Data(secret.utf8)) == nil)
        }

        let revoked = try cli.run(["token", "revoke", "1", "--db", database])
        #expect(revoked.status == 0 && revoked.stdout.contains("révoqué"))
        #expect(try cli.run(["token", "list", "--db", database]).stdout.contains("— révoqué le "))
        #expect(try cli.run(["token", "revoke", "1", "--db", database]).stdout.contains("était déjà révoqué"))
        let unknown = try cli.run(["token", "revoke", "42", "--db", database])
        #expect(unknown.status == 1 && unknown.stderr.contains("Aucun jeton n° 42"))

        // Usage and configuration errors: exit 2, in French.
        let badService = try cli.run(["token", "create", "--root", root, "--db", database, "--service", "etat-civl"])
        #expect(badService.status == 2 && badService.stderr.contains("n’existe pas dans guichet.yaml"))
        let badScope = try cli.run(["token", "create", "--root", root, "--db", database, "--service", "ccas", "--scope", "pull,tout"])
        #expect(badScope.status == 2 && badScope.stderr.contains("Droit inconnu « tout »"))
        let noService = try cli.run(["token", "create", "--root", root, "--db", database])
        #expect(noService.status == 2 && noService.stderr.contains("--service"))
        let badHook = try cli.run(["token", "create", "--root", root, "--db", database, "--service", "ccas", "--webhook", "http://example.org/"])
        #expect(badHook.status == 2 && badHook.stderr.contains("https://"))
        let missing = try cli.run(["token", "list", "--db", folder.appendingPathComponent("absente.sqlite").path])
        #expect(missing.status == 2 && missing.stderr.contains("n’existe pas"))
        #expect(try cli.run(["token", "list", "--db", database]).stdout.components(separatedBy: "n° ").count == 2)
    }

    @Test func pullWritesFilesThenAcksAndEventsReachTheStatistics() throws {
        let folder = try cli.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("queue.sqlite").path
        let out = folder.appendingPathComponent("entrant")
        let digest = try gateway.formDigest(database: database)
        let withFile = try submitContact(database: database, digest: digest, name: "Durand",
                                         file: ("../../etc/passwd.pdf", Self.pdf))
        let plain = try submitContact(database: database, digest: digest, name: "Martin", file: nil)

        // Another service's pull gets nothing.
        let other = try cli.run(["queue", "pull", "--db", database, "--service", "etat-civil", "--format", "jsonl", "--out", out.path])
        #expect(other.status == 0 && other.stdout.isEmpty)

        let pulled = try cli.run(["queue", "pull", "--db", database, "--service", "accueil", "--format", "csv", "--out", out.path])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        let lines = pulled.stdout.split(separator: "\r\n")
        #expect(lines.first == "reference,formulaire,service,canal,recue_le,statut,dossier,pieces")
        #expect(lines.count == 3)
        #expect(pulled.stderr.contains("2 demandes écrites"))

        let first = out.appendingPathComponent(withFile.reference)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: first.appendingPathComponent("demande.json"))) as? [String: Any])
        #expect((document["donnees"] as? [String: Any])?["nom"] as? String == "Durand")
        let pieces = try #require(document["pieces"] as? [[String: Any]])
        #expect(pieces.count == 1 && pieces[0]["fichier"] as? String == "piece-1-piece-jointe.pdf")
        #expect(pieces[0]["nom_d_origine"] as? String != nil)
        #expect(try Data(contentsOf: first.appendingPathComponent("piece-1-piece-jointe.pdf")) == Data(Self.pdf))
        let csv = try String(contentsOf: first.appendingPathComponent("demande.csv"), encoding: .utf8)
        #expect(csv.contains("nom,Durand\r\n"))
        // Nothing was written from the citizen's file name, nor outside OUT.
        let everything = FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []
        #expect(!everything.contains { $0.contains("passwd") || $0.contains(".partiel") || $0.contains(".ancien") })
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: out.path)) == [withFile.reference, plain.reference])

        // Acknowledged: a second pull gets nothing; ack again is harmless.
        let again = try cli.run(["queue", "pull", "--db", database, "--service", "accueil", "--format", "json", "--out", out.path])
        #expect(again.status == 0)
        #expect((try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [Any])?.isEmpty == true)
        let ack = try cli.run(["queue", "ack", withFile.reference.lowercased(), "--db", database])
        #expect(ack.status == 0 && ack.stdout.contains("déjà acquittée"))
        let unknownAck = try cli.run(["queue", "ack", "222-222-222", "--db", database])
        #expect(unknownAck.status == 1 && unknownAck.stderr.contains("introuvable"))

        // Events: checked, in French, and shown on the citizen's tracking page.
        let are = try cli.run(["queue", "event", withFile.reference, "--db", database, "--kind", "accuse-de-reception"])
        #expect(are.status == 0, "\(are.stderr)")
        let badKind = try cli.run(["queue", "event", withFile.reference, "--db", database, "--kind", "acceptée"])
        #expect(badKind.status == 2 && badKind.stderr.contains("Type d’événement inconnu « acceptée »"))
        let noDeadline = try cli.run(["queue", "event", withFile.reference, "--db", database, "--kind", "incomplet", "--message", "Il manque la pièce."])
        #expect(noDeadline.status == 1 && noDeadline.stderr.contains("date limite"))
        let incomplete = try cli.run(["queue", "event", withFile.reference, "--db", database, "--kind", "incomplet",
                                      "--message", "Il manque la pièce.", "--date-limite", "2099-01-15"])
        #expect(incomplete.status == 0, "\(incomplete.stderr)")
        let huge = try cli.run(["queue", "event", withFile.reference, "--db", database, "--kind", "message",
                                "--message", String(repeating: "a", count: 5_001)])
        #expect(huge.status == 1 && huge.stderr.contains("Le message dépasse 5\u{202F}000 caractères"))
        #expect(try cli.run(["queue", "event", plain.reference, "--db", database, "--kind", "sans-suite"]).status == 0)
        let afterDecision = try cli.run(["queue", "event", plain.reference, "--db", database, "--kind", "acceptee"])
        #expect(afterDecision.status == 1 && afterDecision.stderr.contains("déjà reçu une décision"))
        let page = try gateway.cgi(method: "GET", path: "/guichet/suivi/\(withFile.reference)", query: "cle=\(withFile.key)", database: database)
        #expect(page.output.hasPrefix("Status: 200"))
        #expect(page.output.contains("Il manque la pièce."))

        // Statistics: text, JSON, and the HTML dashboard (SVG charts, each with its table),
        // which passes the RGAA checker and is never written into site/.
        let text = try cli.run(["queue", "stats", "--db", database])
        #expect(text.status == 0 && text.stdout.contains("Demandes reçues : 2"))
        let json = try cli.run(["queue", "stats", "--db", database, "--format", "json"])
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(figures["total"] as? Int == 2)
        let dashboard = folder.appendingPathComponent("pilotage.html")
        let html = try cli.run(["queue", "stats", "--root", root, "--db", database, "--format", "html", "--out", dashboard.path])
        #expect(html.status == 0, "\(html.stderr)")
        let page2 = try String(contentsOf: dashboard, encoding: .utf8)
        #expect(page2.contains("<svg role=\"img\"") && page2.contains("<table>") && page2.contains("<caption>"))
        #expect(page2.contains("<th scope=\"col\">") && page2.contains("<th scope=\"row\">"))
        #expect(page2.contains("Écrire à la mairie")) // form titles from the site, not ids
        #expect(!page2.contains("Durand") && !page2.contains("Martin"))
        let check = try cli.run(["check", dashboard.path])
        #expect(check.status == 0, "\(check.stdout)")
        let intoSite = try cli.run(["queue", "stats", "--root", root, "--db", database, "--format", "html",
                                    "--out", root + "/site/pilotage.html"])
        #expect(intoSite.status == 2 && intoSite.stderr.contains("site publié"))
        #expect(!FileManager.default.fileExists(atPath: root + "/site/pilotage.html"))

        // Export of the day, and a purge that finds nothing due yet.
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "Europe/Paris")!,
                                                formatOptions: [.withFullDate])
        let export = try cli.run(["queue", "export", "--db", database, "--from", today, "--to", today, "--format", "jsonl"])
        #expect(export.status == 0 && export.stdout.split(separator: "\n").count == 2)
        let badDay = try cli.run(["queue", "export", "--db", database, "--from", "2026-02-30", "--to", today])
        #expect(badDay.status == 2 && badDay.stderr.contains("AAAA-MM-JJ"))
        let purge = try cli.run(["queue", "purge", "--root", root, "--db", database, "--dry-run"])
        #expect(purge.status == 0 && purge.stdout.hasPrefix("Simulation : 0 demande"), "\(purge.stdout)\(purge.stderr)")
    }
}
