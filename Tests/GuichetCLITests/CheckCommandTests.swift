import Foundation
import Testing

/// `guichet check` on pages written for the test: exit codes, and each output format.
@Suite struct CheckCommandTests {
    let cli = BuildCommandTests()

    static let good = """
        <!DOCTYPE html>
        <html lang="fr"><head><meta charset="utf-8"><title>Horaires – Mairie</title></head>
        <body><a href="#contenu">Aller au contenu</a><header><nav aria-label="Menu"><a href="/">Accueil</a></nav></header>
        <main id="contenu"><h1>Horaires</h1><p>Ouvert le lundi.</p></main><footer><p>Mairie</p></footer></body></html>
        """
    static let bad = """
        <!DOCTYPE html>
        <html lang="fr"><head><meta charset="utf-8"><title>Accueil – Mairie</title></head>
        <body><a href="#contenu">Aller au contenu</a><header><nav aria-label="Menu"><a href="/">Accueil</a></nav></header>
        <main id="contenu"><h1>Accueil</h1>
        <img src="plan.png">
        </main><footer><p>Mairie</p></footer></body></html>
        """

    func folder(_ files: [String: String]) throws -> URL {
        let url = try cli.temporaryFolder()
        for (name, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(name)) }
        return url
    }

    @Test func conformingPageExitsZero() throws {
        let dir = try folder(["a.html": Self.good])
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try cli.run(["check", dir.appendingPathComponent("a.html").path])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("1 page vérifiée : 0 non-conformité"))
    }

    @Test func nonConformityExitsOneWithTestLineAndFix() throws {
        let dir = try folder(["a.html": Self.good, "b.html": Self.bad])
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try cli.run(["check", dir.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("/b.html\n  ligne 5 [1.1.1] non conforme : "))
        #expect(result.stdout.contains("    Correction : "))
        #expect(result.stdout.contains("2 pages vérifiées : 1 non-conformité"))
        #expect(result.stdout.contains("taux de conformité automatique"))
    }

    @Test func jsonIsTheDocumentedContract() throws {
        let dir = try folder(["b.html": Self.bad])
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try cli.run(["check", dir.appendingPathComponent("b.html").path, "--format", "json"])
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let files = try #require(json["files"] as? [[String: Any]])
        let finding = try #require((files.first?["findings"] as? [[String: Any]])?.first { $0["test"] as? String == "1.1.1" })
        #expect(finding["criterion"] as? String == "1.1")
        #expect(finding["status"] as? String == "non-conforme")
        #expect(finding["line"] as? Int == 5)
        for key in ["message", "fix", "snippet"] { #expect(!((finding[key] as? String) ?? "").isEmpty, "\(key)") }
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["nonConformities"] as? Int == 1)
        let criteria = try #require(summary["criteria"] as? [[String: Any]])
        #expect(criteria.first { $0["criterion"] as? String == "1.1" }?["status"] as? String == "non-conforme")
        #expect(criteria.first { $0["criterion"] as? String == "2.1" }?["status"] as? String == "non-applicable")
    }

    @Test func htmlReportIsAPageThatPassesTheChecker() throws {
        let dir = try folder(["b.html": Self.bad])
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try cli.run(["check", dir.path, "--format", "html"])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("<!DOCTYPE html>\n<html lang=\"fr\">"))
        #expect(result.stdout.contains("<caption>État de chaque critère RGAA examiné automatiquement</caption>"))
        // The report itself is accessible: check it with the same checker.
        let report = try folder(["rapport.html": result.stdout])
        defer { try? FileManager.default.removeItem(at: report) }
        let own = try cli.run(["check", report.appendingPathComponent("rapport.html").path])
        #expect(own.status == 0, "\(own.stdout)")
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try cli.run(["check"]).status == 2)
        let missing = try cli.run(["check", "/nulle/part.html"])
        #expect(missing.status == 2)
        #expect(try cli.run(["check", ".", "--format", "pdf"]).status == 2)
    }

    @Test func binaryAndHostileFilesGetAnAnswer() throws {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let dir = try cli.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(bytes).write(to: dir.appendingPathComponent("binaire.html"))
        try Data(String(repeating: "<div>", count: 100_000).utf8).write(to: dir.appendingPathComponent("profond.html"))
        let result = try cli.run(["check", dir.path, "--format", "json"])
        #expect(result.status == 0 || result.status == 1)
        #expect(result.stdout.contains("\"summary\""))
    }
}
