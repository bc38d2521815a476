/// A finished page: where it goes, its HTML, and which source produced it (for the checker's
/// messages, which must name the file an editor can change).
public struct RenderedPage: Sendable {
    /// Path inside the output folder (`demarches/index.html`).
    public var outputPath: String
    public var html: String
    /// `Content/x.md`, a folder for generated listings, or the template for generated pages.
    public var sourcePath: String
}

/// The output of the render stage: every HTML page plus the machine-readable sitemap.
public struct RenderedSite: Sendable {
    public var pages: [RenderedPage]
    public var sitemapXML: String
}
