import Accessibility
import FormKit
import Foundation
import GuichetModel
import Rendering
@testable import SiteBuilder
import Testing

/// The error state of every demo form, as the gateway will show it: every required field left
/// empty. The page must stay accessible when it matters most. The pages are also written to
/// $GUICHET_ERROR_PAGES (when set) for `make test` to run the Nu validator and axe-core on them.
@Suite struct FormErrorStateTests {
    @Test func everyDemoFormInErrorPassesTheChecker() throws {
        let source = try SiteLoader.load(root: FixtureSite.repositoryRoot)
        let plan = try SitePlan.make(source)
        let composer = PageComposer(source: source, plan: plan)
        #expect(source.forms.count >= 6)
        let outputFolder = ProcessInfo.processInfo.environment["GUICHET_ERROR_PAGES"].map { URL(fileURLWithPath: $0) }
        for form in source.forms {
            let result = FormValidator.validate(form, FormSubmission(values: ["courriel": ["pas-une-adresse"]]), today: .today())
            #expect(!result.errors.isEmpty, "\(form.id)")
            let errors = result.errors.map { (id: $0.fieldID, message: $0.message) }
            let formView = FormView(form: form, config: source.config, action: "/guichet/formulaires/\(form.id)",
                                    privacyPageURL: "/donnees-personnelles/", values: ["courriel": ["pas-une-adresse"]], errors: errors)
            let entry = try #require(plan.byURL[SitePlan.formURL(form.id)].map { plan.entries[$0] })
            var view = composer.pageView(for: entry, content: "")
            view.form = source.theme.renderForm(formView)
            view.showErrors(formView.errors)
            let html = source.theme.renderPage(view, template: "page")
            #expect(html.contains("<title>Erreur : \(form.title) – "))
            #expect(html.contains("<h2 id=\"resume-erreurs\">Il y a un problème</h2>"))
            #expect(html.contains("aria-invalid=\"true\""))
            #expect(html.contains("value=\"pas-une-adresse\""), "\(form.id): the value is kept")
            for error in formView.errors {
                #expect(html.contains("id=\"\(error.target.dropFirst())\""), "\(form.id): summary link \(error.target) has a target")
            }
            let findings = try AccessibilityChecker.check(html: html, path: form.id) { href in
                href == "/assets/guichet.css" ? try? String(contentsOf: source.theme.assetsDirectory.appendingPathComponent("guichet.css"), encoding: .utf8) : nil
            }
            let failures = findings.filter { $0.status == .nonConforme }
            #expect(failures.isEmpty, "\(form.id): \(failures.map { "\($0.test) l.\($0.line ?? 0) \($0.message)" })")
            if let outputFolder {
                try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
                try Data(html.utf8).write(to: outputFolder.appendingPathComponent("\(form.id).html"))
            }
        }
    }
}
