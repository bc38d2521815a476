import GuichetModel
import YAMLReading

/// Splits a Markdown file into its YAML front matter and its body.
///
/// ```
/// ---
/// title: Acte de naissance
/// order: 1
/// ---
/// Le corps de la page…
/// ```
public enum FrontMatterParser {
    public static func parse(_ text: String, file: String) throws(Diagnostic) -> SourcePage {
        // Only the front matter is split into lines (bytes, not Characters: grapheme breaking
        // over a whole page was a visible share of the build); the body is kept as it is.
        var rest = Substring(text)
        if rest.hasPrefix("\u{FEFF}") { rest = rest.dropFirst() }
        guard let first = nextLine(&rest), first == "---" else {
            throw Diagnostic(file: file, line: 1, message:
                "La page doit commencer par un en-tête entre deux lignes « --- » qui donne au moins son titre, par exemple :\n---\ntitle: Acte de naissance\n---")
        }
        var yamlLines: [Substring] = []
        var closingLine: Int?
        while let line = nextLine(&rest) {
            if line == "---" { closingLine = yamlLines.count + 2; break }
            yamlLines.append(line)
        }
        guard let closing = closingLine else {
            throw Diagnostic(file: file, line: 1, message:
                "L’en-tête de la page n’est pas fermé : ajoutez une ligne « --- » après la dernière clé (title, description…).")
        }
        // Line 1 is the opening "---", so YAML line n is file line n + 1.
        let (frontMatter, formLine) = try parseFrontMatter(yamlLines.joined(separator: "\n"), file: file, lineOffset: 1,
                                                           closingLine: closing)
        return SourcePage(sourcePath: file, frontMatter: frontMatter, body: String(rest), bodyFirstLine: closing + 1,
                          formLine: formLine)
    }

    /// Removes and returns the first line of `text` (without its "\n" or "\r\n").
    static func nextLine(_ text: inout Substring) -> Substring? {
        if text.isEmpty { return nil }
        let bytes = text.utf8
        if let newline = bytes.firstIndex(of: 10) {
            var line = text[text.startIndex..<newline]
            if line.utf8.last == 13 { line = line.dropLast() }
            text = text[bytes.index(after: newline)...]
            return line
        }
        defer { text = text[text.endIndex...] }
        return text.utf8.last == 13 ? text.dropLast() : text
    }

    static func parseFrontMatter(_ yaml: String, file: String, lineOffset: Int, closingLine: Int) throws(Diagnostic) -> (FrontMatter, Int?) {
        if yaml.trimmingWhitespace().isEmpty {
            throw Diagnostic(file: file, line: 2, message: "L’en-tête est vide : indiquez au moins le titre de la page (title: …).")
        }
        let map = try YAMLMapping.parse(yaml, file: file, lineOffset: lineOffset)
        try map.rejectUnknownKeys(FrontMatter.allowedKeys, context: "dans l’en-tête de la page")
        guard let title = try map.string("title") else {
            throw Diagnostic(file: file, line: map.node("title") == nil ? closingLine : map.lineOf("title"),
                             message: "La page n’a pas de titre : ajoutez « title: … » dans son en-tête.")
        }
        var updated: SimpleDate?
        if let text = try map.string("updated") {
            guard let date = SimpleDate(iso: text) else {
                throw Diagnostic(file: file, line: map.lineOf("updated"),
                                 message: "La date « \(text) » de « updated » n’est pas valide : écrivez-la sous la forme AAAA-MM-JJ, par exemple 2026-11-20.")
            }
            updated = date
        }
        let frontMatter = FrontMatter(title: title,
                                      description: try map.string("description"),
                                      section: try map.string("section"),
                                      order: try map.int("order"),
                                      form: try map.string("form"),
                                      updated: updated)
        return (frontMatter, map.lineOf("form"))
    }
}
