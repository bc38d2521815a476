import Accessibility
import Foundation
import Synchronization
import GuichetModel
import Rendering

/// The build pipeline, read top to bottom: load → plan → render → write.
/// Each stage is a function from a typed input to a typed output, testable alone.
public enum SiteBuild {
    public struct Report: Sendable {
        public var pages: Int
        public var files: Int
        /// The RGAA checker's results on every page written (à-vérifier items included).
        public var accessibility: SiteReport
    }

    /// The stages, named as the progress line shows them ("[2/5] plan du site").
    public static let stages = ["lecture du contenu", "plan du site", "rendu des pages", "vérification RGAA", "écriture du site"]

    /// Builds the site at `root` into `output`. On failure nothing is published and the
    /// failure lists every problem found in the stage that stopped.
    /// - Parameter strict: "à vérifier" items fail the build too (`guichet build --strict`),
    ///   for teams that want every such point looked at before publishing.
    public static func run(root: URL, output: OutputWriter, strict: Bool = false,
                           progress: (Int, String) -> Void = { _, _ in }) throws(BuildFailure) -> Report {
        do {
            progress(1, stages[0])
            let source = try SiteLoader.load(root: root)
            progress(2, stages[1])
            let plan = try SitePlan.make(source)
            progress(3, stages[2])
            var site = try render(source: source, plan: plan)
            progress(4, stages[3])
            let accessibility = try verify(&site, source: source, plan: plan, strict: strict)
            progress(5, stages[4])
            var report = try write(site, source: source, to: output)
            report.accessibility = accessibility
            return report
        } catch {
            output.discard()
            throw error
        }
    }

    public static func render(source: SiteSource, plan: SitePlan) throws(BuildFailure) -> RenderedSite {
        let composer = PageComposer(source: source, plan: plan)
        let count = plan.entries.count
        let results = ConcurrentSlots<Result<RenderedPage, DiagnosticList>>(count: count)
        let siteMap = ConcurrentSlots<RenderedPage>(count: 1)
        let siteMapXML = ConcurrentSlots<String>(count: 1)
        // Pages are independent once planned: render them on every core, in chunks so that
        // each task does enough work to pay for its scheduling. The site map (page and XML),
        // which lists every page, goes first, beside them rather than after them: done alone
        // at the end, it left the other cores idle.
        let chunk = 64
        DispatchQueue.concurrentPerform(iterations: 2 + (count + chunk - 1) / chunk) { part in
            switch part {
            case 0: siteMap[0] = composer.sitemapPage()
            case 1: siteMapXML[0] = composer.sitemapXML()
            default:
                let first = (part - 2) * chunk
                for index in first..<min(count, first + chunk) {
                    results[index] = composer.compose(entryIndex: index)
                }
            }
        }
        var pages: [RenderedPage] = []
        pages.reserveCapacity(count + 2)
        var diagnostics: [Diagnostic] = []
        for result in results.values {
            switch result {
            case .success(let page): pages.append(page)
            case .failure(let list): diagnostics += list.diagnostics
            case nil: break
            }
        }
        if !diagnostics.isEmpty {
            diagnostics.sort { ($0.file, $0.line ?? 0) < ($1.file, $1.line ?? 0) }
            throw BuildFailure(stage: "rendu des pages", diagnostics: diagnostics)
        }
        pages.append(siteMap[0]!)
        pages.append(composer.notFoundPage())
        return RenderedSite(pages: pages, sitemapXML: siteMapXML[0]!)
    }

    public static func write(_ site: RenderedSite, source: SiteSource, to output: OutputWriter) throws(BuildFailure) -> Report {
        let pages = site.pages
        do {
            let failure = ConcurrentSlots<Error>(count: 1)
            DispatchQueue.concurrentPerform(iterations: pages.count) { index in
                do {
                    try output.write(pages[index].html.utf8, to: pages[index].outputPath)
                } catch {
                    failure[0] = error
                }
            }
            if let error = failure[0] { throw error }
            try output.write(Array(site.sitemapXML.utf8), to: "sitemap.xml")
            for file in source.files {
                try output.copy(from: source.root.appendingPathComponent(file.sourcePath), to: String(file.url.dropFirst()))
            }
            for asset in source.theme.assets {
                try output.copy(from: source.theme.assetsDirectory.appendingPathComponent(asset), to: "assets/" + asset)
            }
            try output.commit()
            return Report(pages: pages.count, files: source.files.count + source.theme.assets.count + 1,
                          accessibility: SiteReport(pages: []))
        } catch {
            throw BuildFailure(stage: "écriture du site", kind: .configuration,
                               diagnostics: [Diagnostic(file: "site", message: "\(error)")])
        }
    }
}

// MARK: - The accessibility gate

extension SiteBuild {
    /// Checks every rendered page against RGAA. A non-conformity stops the build, reported
    /// against the file that produced it; à-vérifier items come back in the report. The
    /// accessibility statement is then rendered again with the measured results.
    public static func verify(_ site: inout RenderedSite, source: SiteSource, plan: SitePlan, strict: Bool = false,
                              today: SimpleDate = SimpleDate.today()) throws(BuildFailure) -> SiteReport {
        let assets = source.theme.assetsDirectory
        let assetsPrefix = PageComposer(source: source, plan: plan).published(SitePlan.assetsPrefix)
        // The pages link the theme's stylesheet; read it from Theme/assets (it is not written yet).
        // Every page links the same sheets: each is read once (`.some(nil)`: unreadable).
        let sheets = Mutex<[String: String?]>([:])
        let stylesheet: @Sendable (String, String) -> String? = { _, href in
            guard href.hasPrefix(assetsPrefix), !href.contains("..") else { return nil }
            if let known = sheets.withLock({ $0[href] }) { return known }
            let text = try? String(contentsOf: assets.appendingPathComponent(String(href.dropFirst(assetsPrefix.count))), encoding: .utf8)
            sheets.withLock { $0[href] = .some(text) }
            return text
        }
        func check(_ pages: [RenderedPage]) -> SiteReport {
            SiteChecker.check(pages.map { SiteChecker.Page(path: $0.outputPath, text: $0.html) }, stylesheet: stylesheet)
        }
        var report = check(site.pages)
        var diagnostics: [Diagnostic] = []
        for (page, result) in zip(site.pages, report.files) {
            for finding in result.findings where finding.status == .nonConforme || strict {
                let line = finding.line.map { ", ligne \($0) du HTML" } ?? ""
                diagnostics.append(Diagnostic(file: page.source(ofLine: finding.line), message:
                    "[RGAA \(finding.test)] \(finding.message) (page \(page.url)\(line)) Correction : \(finding.fix)"))
            }
        }
        if !diagnostics.isEmpty { throw BuildFailure(stage: "vérification RGAA", diagnostics: diagnostics) }

        // Second pass for the statement: it shows what the first pass measured.
        guard let statementIndex = site.pages.firstIndex(where: { $0.outputPath == "accessibilite/index.html" }),
              let entryIndex = plan.byURL["/accessibilite/"] else { return report }
        var composer = PageComposer(source: source, plan: plan)
        composer.accessibilityResults = resultsView(report.summary, today: today)
        if case .success(let statement) = composer.compose(entryIndex: entryIndex) {
            site.pages[statementIndex] = statement
            let recheck = check([statement])
            if let result = recheck.files.first, result.findings.contains(where: { $0.status == .nonConforme }) {
                throw BuildFailure(stage: "vérification RGAA", diagnostics: result.findings.filter { $0.status == .nonConforme }.map {
                    Diagnostic(file: statement.source(ofLine: $0.line), message: "[RGAA \($0.test)] \($0.message) Correction : \($0.fix)")
                })
            }
            if let result = recheck.files.first {
                var files = report.files
                files[statementIndex].findings = result.findings
                report = SiteReport(pages: files)
            }
        }
        return report
    }

    static func resultsView(_ summary: SiteReport.Summary, today: SimpleDate) -> AccessibilityResultsView {
        AccessibilityResultsView(
            date: today.french, pages: summary.pages, rate: ReportFormatter.frenchNumber(summary.rate ?? 0),
            conforming: summary.conforming, applicable: summary.conforming + summary.nonConforming + summary.toVerifyCriteria,
            notApplicable: summary.notApplicable,
            toVerify: summary.criteria.filter { $0.status == .aVerifier }.map {
                AccessibilityResultsView.CriterionLine(number: $0.criterion, title: $0.title)
            },
            notCovered: summary.notCovered, total: RGAA.criteria.count)
    }
}
