import Foundation
@testable import Gateway
import SiteBuilder
import Testing

/// The gateway shows a form again with the site's own page: same frame, introduction, pieces
/// and form. Compared with what `guichet build` publishes, byte for byte.
@Suite struct SameLookTests {
    @Test func everyFormPageOfTheGatewayIsThePublishedPage() throws {
        let output = MemoryOutput()
        _ = try SiteBuild.run(root: GatewayFixture.repositoryRoot, output: output)
        let pages = GatewayPages(site: GatewayFixture.site)
        #expect(!GatewayFixture.site.forms.isEmpty)
        for form in GatewayFixture.site.forms.values {
            let published = try #require(output.text("formulaires/\(form.id)/index.html"),
                                         "\(form.id)")
            let shown = pages.formPage(form, values: [:], errors: [])
            #expect(shown == published, "\(form.id): the gateway's page differs from the published one")
        }
    }
}
