import Foundation
import GuichetModel
import Mustache
@testable import Rendering
import Testing

/// The theme escapes with its own byte-level HTML escaping (faster than swift-mustache's);
/// it must give exactly what the library gives, wherever a template can put text.
@Suite struct ThemeEscapingTests {
    /// What swift-mustache itself writes for `{{v}}` (its default HTML content type).
    static func libraryEscaped(_ value: String) throws -> String {
        try MustacheTemplate(string: "{{v}}").render(["v": value])
    }

    @Test(arguments: [
        "", "Mairie", "<script>alert('x')</script>", "A & B", "\"guillemets\" et 'apostrophes'",
        "État civil – démarches > 2 €", "&amp; déjà", "🙂<🙂>", "\u{0}<\u{7F}", "x\r\ny",
        String(repeating: "é<", count: 500),
    ])
    func sameAsTheLibrary(value: String) throws {
        #expect(HTMLText.escape(value) == (try Self.libraryEscaped(value)))
    }

    /// Every ASCII character alone and between letters, as the library escapes it.
    @Test func everyASCIICharacter() throws {
        for value in UInt8(0)..<128 {
            let text = "a\(Character(Unicode.Scalar(value)))b"
            #expect(HTMLText.escape(text) == (try Self.libraryEscaped(text)), "byte \(value)")
        }
    }

    /// The library compares whole Characters, so "<" followed by a combining mark (one
    /// Character) slips through it unescaped; bytes do not.
    @Test func aCombiningMarkDoesNotHideAnAngleBracket() {
        #expect(HTMLText.escape("<\u{0338}script>") == "&lt;\u{0338}script&gt;")
    }

    /// Through a real theme: escaped in HTML templates, partials included; not in the plain
    /// text of an e-mail, which declares `{{% CONTENT_TYPE: TEXT}}`; and a template's parse
    /// error keeps its own line number despite the pragma line the theme adds on top.
    @Test func themeTemplatesPartialsAndTextPragma() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-theme-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let templates = root.appendingPathComponent("Theme/templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: templates.appendingPathComponent(name + ".mustache"))
        }
        try write("outer", "{{#items}}\n<p>{{.}}</p>\n{{/items}}\n{{> inner}}")
        try write("inner", "<b>{{title}}</b>")
        try write("text", "{{% CONTENT_TYPE: TEXT}}\n{{title}}\n{{> inner}}")
        let theme = try Theme.load(root: root, requiring: [])
        let view: [String: Any] = ["items": ["a<b", "c&d"], "title": "« Salle » & <cour>"]
        #expect(theme.library.render(view, withTemplate: "outer")
                == "<p>a&lt;b</p>\n<p>c&amp;d</p>\n<b>« Salle » &amp; &lt;cour&gt;</b>")
        // Partials start again with HTML escaping, in the library as in the theme.
        #expect(theme.library.render(view, withTemplate: "text") == "« Salle » & <cour>\n<b>« Salle » &amp; &lt;cour&gt;</b>")

        let broken = "<h1>{{title}}</h1>\n\n{{#listing}}\n<p>{{/liste}}</p>\n"
        try write("broken", broken)
        var libraryLine: Int?
        do { _ = try MustacheTemplate(string: broken) } catch let error as MustacheTemplate.ParserError {
            libraryLine = error.context.lineNumber
        }
        #expect(libraryLine != nil)
        do {
            _ = try Theme.load(root: root, requiring: [])
            Issue.record("a broken template must be refused")
        } catch {
            #expect(error.file == "Theme/templates/broken.mustache")
            #expect(error.line == libraryLine)
        }
    }
}
