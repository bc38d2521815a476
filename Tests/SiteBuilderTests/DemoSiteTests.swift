import Foundation
import SiteBuilder
import Testing

/// Builds the repository's own demo portal on disk, as `make serve` does.
@Suite struct DemoSiteTests {
    @Test func demoPortalBuildsAndCarriesTheMandatoryContent() throws {
        let root = FixtureSite.repositoryRoot
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: destination) }
        let report = try SiteBuild.run(root: root, output: try DiskOutput(destination: destination))
        #expect(report.pages >= 17)

        let pages = try FileManager.default.subpathsOfDirectory(atPath: destination.path).filter { $0.hasSuffix(".html") }
        var titles: Set<String> = []
        for path in pages {
            let html = try String(contentsOf: destination.appendingPathComponent(path), encoding: .utf8)
            #expect(html.contains("<html lang=\"fr\">"), "\(path)")
            #expect(html.components(separatedBy: "<h1").count == 2, "\(path) must have one h1")
            #expect(html.contains("Accessibilité : non conforme"), "\(path)")
            let title = html.components(separatedBy: "<title>")[1].components(separatedBy: "</title>")[0]
            #expect(titles.insert(title).inserted, "\(path): title \(title) is not unique")
        }
        for required in ["index.html", "accessibilite/index.html", "mentions-legales/index.html",
                         "donnees-personnelles/index.html", "plan-du-site/index.html", "404.html", "sitemap.xml"] {
            #expect(FileManager.default.fileExists(atPath: destination.appendingPathComponent(required).path), "\(required)")
        }
    }
}
