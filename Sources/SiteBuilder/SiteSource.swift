import Foundation
import GuichetModel
import Rendering

/// Everything read from disk before anything is rendered: the first stage's output.
public struct SiteSource: Sendable {
    public var root: URL
    public var config: SiteConfig
    public var pages: [SourcePage]
    public var files: [ContentFile]
    /// Form definitions of `Forms/`, each published at `/formulaires/<id>/`.
    public var forms: [FormDefinition]
    public var theme: Theme
}

/// A non-Markdown file of `Content/` (PDF, image) published as is, at the same path.
public struct ContentFile: Sendable, Equatable {
    /// `Content/documents/tarifs.pdf`
    public var sourcePath: String
    /// `/documents/tarifs.pdf`
    public var url: String
}

/// Why a build stopped: the stage it was in and every problem found there.
public struct BuildFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case content, configuration }
    public var stage: String
    public var kind: Kind
    public var diagnostics: [Diagnostic]

    public init(stage: String, kind: Kind = .content, diagnostics: [Diagnostic]) {
        self.stage = stage
        self.kind = kind
        self.diagnostics = diagnostics
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
