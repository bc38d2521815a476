/// A problem an editor can act on: where it is and, in French, what to do.
///
/// Rendered as `Content/demarches/etat-civil.md:12: message`, the shape compilers use, so that
/// editors' tools (and people) can jump to the line.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    /// Path relative to the site root (`Content/x.md`, `guichet.yaml`, `Theme/templates/page.mustache`).
    public var file: String
    /// 1-based line, when the problem has one.
    public var line: Int?
    /// French sentence saying what is wrong and how to fix it.
    public var message: String

    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// Several diagnostics at once: the build reports every problem it found, not just the first.
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
