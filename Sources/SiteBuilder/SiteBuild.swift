import Foundation
import GuichetModel

/// The build pipeline, read top to bottom: load → plan → render → write.
/// Each stage is a function from a typed input to a typed output, testable alone.
public enum SiteBuild {
    public struct Report: Sendable {
        public var pages: Int
        public var files: Int
    }

    /// The stages, named as the progress line shows them ("[2/4] plan du site").
    public static let stages = ["lecture du contenu", "plan du site", "rendu des pages", "écriture du site"]

    /// Builds the site at `root` into `output`. On failure nothing is published and the
    /// failure lists every problem found in the stage that stopped.
    public static func run(root: URL, output: OutputWriter,
                           progress: (Int, String) -> Void = { _, _ in }) throws(BuildFailure) -> Report {
        do {
            progress(1, stages[0])
            let source = try SiteLoader.load(root: root)
            progress(2, stages[1])
            let plan = try SitePlan.make(source)
            progress(3, stages[2])
            let site = try render(source: source, plan: plan)
            progress(4, stages[3])
            return try write(site, source: source, to: output)
        } catch {
            output.discard()
            throw error
        }
    }

    public static func render(source: SiteSource, plan: SitePlan) throws(BuildFailure) -> RenderedSite {
        let composer = PageComposer(source: source, plan: plan)
        let count = plan.entries.count
        let results = ConcurrentSlots<Result<RenderedPage, DiagnosticList>>(count: count)
        // Pages are independent once planned: render them on every core, in chunks so that
        // each task does enough work to pay for its scheduling.
        let chunk = 64
        DispatchQueue.concurrentPerform(iterations: (count + chunk - 1) / chunk) { part in
            for index in (part * chunk)..<min(count, (part + 1) * chunk) {
                results[index] = composer.compose(entryIndex: index)
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
        pages.append(composer.sitemapPage())
        pages.append(composer.notFoundPage())
        return RenderedSite(pages: pages, sitemapXML: composer.sitemapXML())
    }

    public static func write(_ site: RenderedSite, source: SiteSource, to output: OutputWriter) throws(BuildFailure) -> Report {
        let pages = site.pages
        do {
            let failure = ConcurrentSlots<Error>(count: 1)
            DispatchQueue.concurrentPerform(iterations: pages.count) { index in
                do {
                    try output.write(Array(pages[index].html.utf8), to: pages[index].outputPath)
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
            return Report(pages: pages.count, files: source.files.count + source.theme.assets.count + 1)
        } catch {
            throw BuildFailure(stage: "écriture du site", kind: .configuration,
                               diagnostics: [Diagnostic(file: "site", message: "\(error)")])
        }
    }
}
