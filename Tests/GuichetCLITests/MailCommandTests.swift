import Foundation
import GuichetModel
import Queue
import Testing

/// `guichet mail send` as cron runs it behind the CGI gateway, and its configuration errors.
@Suite struct MailCommandTests {
    let cli = BuildCommandTests()

    /// A copy of the demo's sources whose guichet.yaml ends with `mail` (nil: no section).
    func site(mail: String?) throws -> URL {
        let root = try cli.temporaryFolder()
        for item in ["Content", "Forms", "Theme"] {
            try FileManager.default.copyItem(at: BuildCommandTests.repositoryRoot.appendingPathComponent(item),
                                             to: root.appendingPathComponent(item))
        }
        let yaml = try String(contentsOf: BuildCommandTests.repositoryRoot.appendingPathComponent("guichet.yaml"), encoding: .utf8)
        let base = String(yaml[..<yaml.range(of: "\nmail:")!.lowerBound])
        try (base + (mail.map { "\nmail:\n" + $0 } ?? "") + "\n").write(to: root.appendingPathComponent("guichet.yaml"),
                                                                          atomically: true, encoding: .utf8)
        return root
    }

    func queue(at path: String, addresses: [String]) throws -> [String] {
        let queue = try SubmissionQueue(path: path)
        return try addresses.map {
            try queue.submitNow(NewSubmission(formID: "contact", formDigest: "d", serviceID: "accueil", channel: .web,
                                              payloadJSON: "{}", retentionDays: 30, notifyEmail: $0)).reference
        }
    }

    @Test func onePassWritesEachMessageOnceIntoTheFolder() throws {
        let root = try site(mail: "  from: ne-pas-repondre@bremonval.example\n  transport: dossier\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let db = root.appendingPathComponent("var/depot.sqlite").path
        try FileManager.default.createDirectory(at: root.appendingPathComponent("var"), withIntermediateDirectories: true)
        let references = try queue(at: db, addresses: ["a@example.org", "b@example.org"])

        let first = try cli.run(["mail", "send", "--root", root.path, "--db", db])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "Courriels : 2 envoyés. 0 en attente.\n")
        let folder = root.appendingPathComponent("var/courriels")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".eml") }
        #expect(files.count == 2)
        let texts = try files.map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
        for reference in references { #expect(texts.contains { $0.contains(reference) }) }
        for file in files {
            let mode = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(file).path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "an e-mail holds personal data")
        }
        // A second pass has nothing to send; --quiet prints nothing then.
        let second = try cli.run(["mail", "send", "--root", root.path, "--db", db, "--quiet"])
        #expect(second.status == 0 && second.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".eml") }.count == 2)
    }

    @Test func configurationMistakesExitWithTwoAndAFrenchSentence() throws {
        let none = try site(mail: nil)
        defer { try? FileManager.default.removeItem(at: none) }
        let db = none.appendingPathComponent("q.sqlite").path
        let noSection = try cli.run(["mail", "send", "--root", none.path, "--db", db])
        #expect(noSection.status == 2 && noSection.stderr.contains("guichet.yaml n’a pas de section « mail »"))

        let relay = try site(mail: """
              from: ne-pas-repondre@bremonval.example
              transport: smtp
              smtp:
                url: "smtp://relais.bremonval.example:587"
                username: guichet
                password_file: secrets/absent
            """)
        defer { try? FileManager.default.removeItem(at: relay) }
        let missing = try cli.run(["mail", "send", "--root", relay.path, "--db", db])
        #expect(missing.status == 2 && missing.stderr.contains("Le mot de passe du relais est illisible dans \(relay.path)/secrets/absent"))

        let badURL = try cli.run(["mail", "send", "--root", relay.path, "--db", db, "--smtp", "http://relais.example"])
        #expect(badURL.status == 2 && badURL.stderr.hasPrefix("--smtp : "), "\(badURL.stderr)")
        let badLimit = try cli.run(["mail", "send", "--root", relay.path, "--db", db, "--limit", "0"])
        #expect(badLimit.status == 2)

        // The password from the environment is enough (no password file needed); the relay being
        // unreachable is not an error of the command (the e-mails wait), so it exits 0.
        _ = try queue(at: db, addresses: ["a@example.org"])
        let process = Process()
        process.executableURL = BuildCommandTests.binary
        process.arguments = ["mail", "send", "--root", relay.path, "--db", db]
        process.environment = ["GUICHET_SMTP_PASSWORD": "secret", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(printed.hasPrefix("Courriels : 0 envoyé, 1 reporté (nouvel essai prévu). 1 en attente."), "\(printed)")
    }
}
