import Foundation
import SiteBuilder
import Testing

/// The build checks every page it writes; a non-conformity stops it and names the file that
/// produced the faulty HTML.
@Suite struct AccessibilityGateTests {
    static let site = """
        -- Content/index.md --
        ---
        title: Accueil
        ---
        Bienvenue.
        """

    @Test func templateFaultIsReportedAgainstTheTemplate() throws {
        let fixture = try FixtureSite(Self.site)
        defer { fixture.remove() }
        let layout = try String(contentsOf: fixture.root.appendingPathComponent("Theme/templates/layout.mustache"), encoding: .utf8)
        try fixture.write("Theme/templates/layout.mustache", layout.replacingOccurrences(of: "<header class=\"site-header\">",
                                                                                        with: "<header class=\"site-header\"><img src=\"/logo.png\">"))
        let failure = try #require(fixture.build().failure)
        #expect(failure.stage == "vérification RGAA")
        let first = try #require(failure.diagnostics.first)
        #expect(first.file == "Theme/templates/layout.mustache")
        #expect(first.message.hasPrefix("[RGAA 1.1.1] "))
        #expect(first.message.contains("(page /accessibilite/, ligne 18 du HTML)"))
        #expect(first.message.contains("Correction : "))
        // Every page has the faulty header: one diagnostic per page.
        #expect(failure.diagnostics.count == 6)
    }

    @Test func pageTemplateFaultInsideMainNamesThePageTemplate() throws {
        let fixture = try FixtureSite(Self.site)
        defer { fixture.remove() }
        try fixture.write("Theme/templates/page.mustache", "<h1>{{title}}</h1>\n<h3>Sous-titre</h3>\n<div class=\"content\">{{{content}}}</div>\n<input type=\"text\" name=\"q\">\n")
        let failure = try #require(fixture.build().failure)
        #expect(failure.diagnostics.contains { $0.file == "Theme/templates/page.mustache" && $0.message.hasPrefix("[RGAA 11.1.1]") })
    }

    @Test func strictBuildFailsOnItemsToVerify() throws {
        let fixture = try FixtureSite(Self.site + "\n[Cliquez ici](/)\n")
        defer { fixture.remove() }
        _ = try fixture.build().get()  // an "à vérifier" item alone does not fail a normal build
        #expect(throws: BuildFailure.self) {
            _ = try SiteBuild.run(root: fixture.root, output: MemoryOutput(), strict: true)
        }
    }

    @Test func regionsMapHTMLLinesToTheirSource() throws {
        let fixture = try FixtureSite(Self.site)
        defer { fixture.remove() }
        let source = try SiteLoader.load(root: fixture.root)
        let site = try SiteBuild.render(source: source, plan: try SitePlan.make(source))
        let home = try #require(site.pages.first { $0.outputPath == "index.html" })
        let lines = home.html.split(separator: "\n", omittingEmptySubsequences: false)
        let contentLine = try #require(lines.firstIndex { $0.contains("<p>Bienvenue.</p>") }) + 1
        #expect(home.source(ofLine: contentLine) == "Content/index.md")
        #expect(home.source(ofLine: 3) == "Theme/templates/layout.mustache")
        let h1 = try #require(lines.firstIndex { $0.contains("<h1>") }) + 1
        #expect(home.source(ofLine: h1) == "Theme/templates/page.mustache")
    }

    @Test func demoSiteStatementShowsTheMeasuredRate() throws {
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-gate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: destination) }
        let report = try SiteBuild.run(root: FixtureSite.repositoryRoot, output: try DiskOutput(destination: destination))
        #expect(report.accessibility.summary.nonConformities == 0)
        let rate = try #require(report.accessibility.summary.rate)
        let statement = try String(contentsOf: destination.appendingPathComponent("accessibilite/index.html"), encoding: .utf8)
        let shown = rate == rate.rounded() ? String(Int(rate)) : String(rate).replacingOccurrences(of: ".", with: ",")
        #expect(statement.contains("taux de conformité mesuré automatiquement : \(shown) %"))
        #expect(statement.contains("Ce taux ne remplace pas un audit"))
    }
}
