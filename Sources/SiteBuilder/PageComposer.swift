import Foundation
import GuichetModel
import Markdown
import Rendering

/// Stage 3: Markdown → HTML body → full page through the theme's templates.
struct PageComposer: Sendable {
    let source: SiteSource
    let plan: SitePlan
    let resolver: LinkResolver
    /// Header, navigation, footer and URL publishing, shared with the gateway.
    let frame: SiteFrame
    let sitemapTree: [TreeItemView]
    /// The checker's results, shown on the accessibility statement (second rendering pass).
    var accessibilityResults: AccessibilityResultsView?
    var basePath: String { frame.basePath }
    var origin: String { frame.origin }

    init(source: SiteSource, plan: SitePlan) {
        self.source = source
        self.plan = plan
        resolver = LinkResolver(plan: plan)
        frame = SiteFrame(config: source.config)
        let path = frame.basePath
        func tree(_ index: Int) -> TreeItemView {
            let entry = plan.entries[index]
            return TreeItemView(title: entry.title, url: path + entry.url, children: entry.children.map(tree))
        }
        sitemapTree = [tree(plan.byURL["/"]!)]
    }

    func published(_ url: String) -> String { frame.published(url) }

    /// Renders one entry of the plan; problems in its Markdown come back as diagnostics.
    func compose(entryIndex: Int) -> Result<RenderedPage, DiagnosticList> {
        let entry = plan.entries[entryIndex]
        var diagnostics: [Diagnostic] = []
        var contentHTML = ""
        if let sourceIndex = entry.sourceIndex {
            let page = source.pages[sourceIndex]
            let lineOffset = page.bodyFirstLine - 1
            let document = MarkdownRenderer.render(page.body) { link in
                switch resolver.resolve(link.url, isImage: link.kind == .image, fromSource: page.sourcePath) {
                case .keep: return nil
                case .rewrite(let url): return published(url)
                case .broken(let message):
                    diagnostics.append(Diagnostic(file: page.sourcePath, line: link.line + lineOffset, message: message))
                    return nil
                }
            }
            for problem in document.problems {
                diagnostics.append(Diagnostic(file: page.sourcePath, line: problem.line + lineOffset, message: problem.message))
            }
            contentHTML = document.html
        }
        var pieces: [String] = []
        if entry.sourceIndex == nil, let formIndex = entry.formIndex {
            // A form's own page: its introduction, the pieces to prepare, then the form.
            let form = source.forms[formIndex]
            if let introduction = form.introduction {
                // Relative links in an introduction are read from Content/, as if the form's
                // page were at its root (a form file has no place in Content/).
                let document = MarkdownRenderer.render(introduction) { link in
                    switch resolver.resolve(link.url, isImage: link.kind == .image, fromSource: "Content/index.md") {
                    case .keep: return nil
                    case .rewrite(let url): return published(url)
                    case .broken(let message):
                        diagnostics.append(Diagnostic(file: entry.sourcePath, message: "Dans « introduction » : \(message)"))
                        return nil
                    }
                }
                for problem in document.problems {
                    diagnostics.append(Diagnostic(file: entry.sourcePath, message: "Dans « introduction », ligne \(problem.line) du texte : \(problem.message)"))
                }
                contentHTML = document.html
            }
            pieces = form.piecesToPrepare
        }
        if !diagnostics.isEmpty {
            diagnostics.sort { ($0.line ?? 0) < ($1.line ?? 0) }
            return .failure(DiagnosticList(diagnostics))
        }
        var view = pageView(for: entry, content: contentHTML)
        view.pieces = pieces
        view.hasPieces = !pieces.isEmpty
        var parts: [(html: String, source: String)] = []
        if entry.sourceIndex != nil { parts.append((contentHTML, entry.sourcePath)) }
        if let formIndex = entry.formIndex {
            let form = source.forms[formIndex]
            let formHTML = source.theme.renderForm(formView(form))
            view.form = formHTML
            if entry.sourceIndex == nil { parts.append((contentHTML, "Forms/\(form.id).yaml")) }
            parts.append((formHTML, "Forms/\(form.id).yaml"))
        }
        if let results = accessibilityResults, entry.url == "/accessibilite/" { view.accessibilityResults = results }
        return .success(page(view, template: "page", outputPath: entry.outputPath, sourcePath: entry.sourcePath, parts: parts))
    }

    /// Renders a page and records which lines came from which file (see `RenderedPage.regions`).
    func page(_ view: PageView, template: String, outputPath: String, sourcePath: String,
              parts: [(html: String, source: String)] = []) -> RenderedPage {
        let html = source.theme.renderPage(view, template: template)
        var regions = [SourceRegion(lines: 1...Int.max, source: "Theme/templates/layout.mustache")]
        // Byte searches (see ByteSearch.swift): string searches were most of this stage's time.
        if let start = html.byteOffset(of: "<main"), let end = html.byteOffset(of: "</main>") {
            regions.append(SourceRegion(lines: html.lineNumber(atByte: start)...html.lineNumber(atByte: end),
                                        source: "Theme/templates/\(template).mustache"))
        }
        for part in parts where !part.html.isEmpty {
            guard let start = html.byteOffset(of: part.html) else { continue }
            regions.append(SourceRegion(lines: html.lineNumber(atByte: start)...html.lineNumber(atByte: start + part.html.utf8.count),
                                        source: part.source))
        }
        var page = RenderedPage(outputPath: outputPath, html: html, sourcePath: sourcePath)
        page.url = view.url
        page.regions = regions
        return page
    }


    /// The form as the build publishes it: empty, no errors. The gateway builds the same view
    /// with the citizen's values and errors.
    func formView(_ form: FormDefinition) -> FormView { frame.formView(form) }

    func pageView(for entry: SitePlan.Entry, content: String) -> PageView {
        var listing: [ListingGroupView] = []
        // The home page is composed by its editors; every other folder lists its pages.
        if entry.isFolder && entry.url != "/" {
            for child in entry.children.map({ plan.entries[$0] }) {
                let item = ListingItemView(title: child.title, url: published(child.url), description: child.frontMatter.description)
                let heading = child.frontMatter.section
                if let group = listing.firstIndex(where: { $0.heading == heading }) {
                    listing[group].items.append(item)
                } else {
                    listing.append(ListingGroupView(heading: heading, items: [item]))
                }
            }
        }
        return makeView(title: entry.title, url: entry.url, description: entry.frontMatter.description,
                        breadcrumb: breadcrumb(for: entry), content: content, updated: entry.frontMatter.updated,
                        listing: listing)
    }

    func makeView(title: String, url: String, description: String?, breadcrumb: [BreadcrumbItemView],
                  content: String, updated: SimpleDate?, listing: [ListingGroupView]) -> PageView {
        frame.pageView(title: title, url: url, description: description, breadcrumb: breadcrumb, content: content,
                       updated: updated, listing: listing, sitemap: sitemapTree)
    }

    func breadcrumb(for entry: SitePlan.Entry) -> [BreadcrumbItemView] {
        var chain: [SitePlan.Entry] = [entry]
        var current = entry.parent
        while let index = current {
            chain.append(plan.entries[index])
            current = plan.entries[index].parent
        }
        return chain.reversed().map { item in
            BreadcrumbItemView(label: item.url == "/" ? "Accueil" : item.title, url: published(item.url),
                               isCurrent: item.url == entry.url)
        }
    }

    // MARK: - Generated pages

    /// The *Plan du site*: the second way to reach every page (RGAA 12.1).
    func sitemapPage() -> RenderedPage {
        let home = BreadcrumbItemView(label: "Accueil", url: published("/"), isCurrent: false)
        let view = makeView(title: "Plan du site", url: SitePlan.sitemapURL, description: "Toutes les pages du site, par rubrique.",
                            breadcrumb: [home, BreadcrumbItemView(label: "Plan du site", url: published(SitePlan.sitemapURL), isCurrent: true)],
                            content: "", updated: nil, listing: [])
        return page(view, template: "sitemap", outputPath: "plan-du-site/index.html", sourcePath: "Theme/templates/sitemap.mustache")
    }

    /// The page web servers show for an unknown address (nginx `error_page 404 /404.html`).
    func notFoundPage() -> RenderedPage {
        let view = makeView(title: "Page introuvable", url: "/404.html", description: nil,
                            breadcrumb: [], content: "", updated: nil, listing: [])
        return page(view, template: "not-found", outputPath: "404.html", sourcePath: "Theme/templates/not-found.mustache")
    }

    /// `sitemap.xml` for search engines (sitemaps.org protocol 0.9).
    func sitemapXML() -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for entry in plan.entries.sorted(by: { $0.url < $1.url }) {
            xml += "  <url><loc>\(xmlEscape(origin + published(entry.url)))</loc>"
            if let updated = entry.frontMatter.updated { xml += "<lastmod>\(updated.iso)</lastmod>" }
            xml += "</url>\n"
        }
        xml += "  <url><loc>\(xmlEscape(origin + published(SitePlan.sitemapURL)))</loc></url>\n</urlset>\n"
        return xml
    }

    func xmlEscape(_ text: String) -> String {
        // Most URLs have nothing to escape: skip Foundation's three passes for them.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) else {
            return text
        }
        return text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
