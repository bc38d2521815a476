/// A finished page: where it goes, its HTML, and which source produced it (for the checker's
/// messages, which must name the file an editor can change).
public struct RenderedPage: Sendable {
    /// Path inside the output folder (`demarches/index.html`).
    public var outputPath: String
    public var html: String
    /// `Content/x.md`, a folder for generated listings, or the template for generated pages.
    public var sourcePath: String
    /// Site-relative URL of the page (`/demarches/`), for messages.
    public var url: String = ""
    /// Which lines of `html` came from which source file, so that an accessibility problem
    /// is reported against the file an editor can change: the Markdown, the form, or the
    /// template around them.
    public var regions: [SourceRegion] = []

    /// The source file responsible for a line of the HTML.
    public func source(ofLine line: Int?) -> String {
        guard let line else { return sourcePath }
        return regions.last { $0.lines.contains(line) }?.source ?? sourcePath
    }
}

public struct SourceRegion: Sendable, Equatable {
    public var lines: ClosedRange<Int>
    public var source: String
}

/// The output of the render stage: every HTML page plus the machine-readable sitemap.
public struct RenderedSite: Sendable {
    public var pages: [RenderedPage]
    public var sitemapXML: String
}
