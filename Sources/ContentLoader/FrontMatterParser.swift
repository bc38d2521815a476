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
        // Character-wise split: "\r\n" is one Character in Swift, so Windows files split too.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = first.dropFirst() }
        guard let first = lines.first, first == "---" else {
            throw Diagnostic(file: file, line: 1, message:
                "La page doit commencer par un en-tête entre deux lignes « --- » qui donne au moins son titre, par exemple :\n---\ntitle: Acte de naissance\n---")
        }
        guard let closing = lines.dropFirst().firstIndex(where: { $0 == "---" }) else {
            throw Diagnostic(file: file, line: 1, message:
                "L’en-tête de la page n’est pas fermé : ajoutez une ligne « --- » après la dernière clé (title, description…).")
        }
        let yaml = lines[1..<closing].joined(separator: "\n")
        // Line 1 is the opening "---", so YAML line n is file line n + 1.
        let (frontMatter, formLine) = try parseFrontMatter(yaml, file: file, lineOffset: 1, closingLine: closing + 1)
        let body = lines[(closing + 1)...].joined(separator: "\n")
        return SourcePage(sourcePath: file, frontMatter: frontMatter, body: body, bodyFirstLine: closing + 2, formLine: formLine)
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
