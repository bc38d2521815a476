import Foundation
import Testing
@testable import Accessibility

/// The small parsers behind the rules, and the à-vérifier variants of the structure rules.
@Suite struct RuleDetailTests {
    @Test(arguments: [
        ("5", 5, false), ("0; url=/x", 0, true), ("  3 ,URL='/x'", 3, true), ("72001", 72001, false),
        (".5", 0, false), ("1.5; /x", 1, true),
    ])
    func metaRefreshParsesLikeBrowsers(content: String, delay: Int, hasURL: Bool) {
        let parsed = MetaRefreshRule.parse(content)
        #expect(parsed?.delay == delay)
        #expect(parsed?.hasURL == hasURL)
    }

    @Test(arguments: ["0: http://example.com", "x", "", "; url=/x"])
    func metaRefreshIgnoredValues(content: String) {
        #expect(MetaRefreshRule.parse(content) == nil)
    }

    @Test(arguments: ["on", "off", "email", "home email", "section-a shipping postal-code", "billing work tel webauthn",
                      "given-name", "ONE-TIME-CODE"])
    func validAutocomplete(value: String) { #expect(Autocomplete.isValid(value)) }

    @Test(arguments: ["e-mail", "home name", "work", "email home", "shipping", "on off", "nom"])
    func invalidAutocomplete(value: String) { #expect(!Autocomplete.isValid(value)) }

    @Test(arguments: ["fr", "fr-FR", "en-GB", "oc", "gsw", "zh-Hant-TW", "br"])
    func validLanguageTags(tag: String) { #expect(LanguageTag.isValid(tag)) }

    @Test(arguments: ["francais", "xx", "fra-", "f", "123", "fr_FR", "eng", "  "])
    func invalidLanguageTags(tag: String) { #expect(!LanguageTag.isValid(tag)) }

    @Test func contrastRatiosMatchWCAG() throws {
        let white = try #require(CSSColor(css: "#fff"))
        #expect(Messages.french(CSSColor.contrast(try #require(CSSColor(css: "black")), white)) == "21")
        #expect(Messages.french(CSSColor.contrast(try #require(CSSColor(css: "#777")), white)) == "4,47")
        #expect(Messages.french(CSSColor.contrast(try #require(CSSColor(css: "rgb(89, 89, 89)")), white)) == "7")
        #expect(CSSColor(css: "var(--x)") == nil)
        #expect(CSSColor(css: "rgba(0,0,0,0.5)")?.alpha == 0.5)
    }

    static func findings(body: String) throws -> [Finding] {
        try AccessibilityChecker.check(html: """
            <!DOCTYPE html><html lang="fr"><head><title>Essai – Mairie</title></head><body>
            <a href="#c">Aller au contenu</a><header>En-tête</header><nav><a href="/">Page d’accueil</a></nav>
            <main id="c">\(body)</main><footer>Pied</footer></body></html>
            """, path: "essai.html")
    }

    @Test func headingHierarchyVariants() throws {
        #expect(try Self.findings(body: "<h2>Tarifs</h2>").map(\.message) == [
            "Le premier titre de la page est de niveau 2, pas de niveau 1.",
            "La page n’a pas de titre de niveau 1 (<h1>).",
        ])
        #expect(try Self.findings(body: "<h1>Un</h1><h1>Deux</h1>").map(\.message) == ["La page contient 2 titres de niveau 1 (<h1>)."])
        #expect(try Self.findings(body: "<p>Texte</p>").map(\.message) == ["La page ne contient aucun titre (h1 à h6)."])
        #expect(try Self.findings(body: "<div role=\"heading\" aria-level=\"1\">Titre</div>").isEmpty)
    }

    @Test func landmarkVariants() throws {
        let two = try Self.findings(body: "<h1>T</h1></main><main>Deux")
        #expect(two.map(\.message) == ["La page contient 2 zones <main> visibles."])
        let bare = try AccessibilityChecker.check(html: "<!DOCTYPE html><html lang=\"fr\"><head><title>Nu – Mairie</title></head><body><main><h1>T</h1></main></body></html>", path: "nu.html")
        #expect(bare.map(\.message) == ["Zones de la page absentes : <header>, <nav>, <footer>."])
        #expect(bare.first?.status == .aVerifier)
    }

    @Test func skipLinkMissingIsForAHuman() throws {
        let findings = try AccessibilityChecker.check(html: """
            <!DOCTYPE html><html lang="fr"><head><title>Essai – Mairie</title></head><body><header>En-tête</header>
            <nav><a href="/">Page d’accueil</a></nav><main><h1>T</h1></main><footer>Pied</footer></body></html>
            """, path: "essai.html")
        #expect(findings.map(\.test) == ["12.7.1"])
        #expect(findings.first?.status == .aVerifier)
    }

    @Test func labelsWrappingForAriaAndTitleAllCount() throws {
        let findings = try Self.findings(body: """
            <h1>Formulaire</h1>
            <label>Nom <input type="text" autocomplete="family-name"></label>
            <input type="text" aria-label="Prénom" autocomplete="given-name">
            <p id="cp">Code postal</p><input type="text" aria-labelledby="cp" autocomplete="postal-code">
            <input type="text" title="Commune">
            <input type="text" id="tard"><label for="tard">Label placé après</label>
            <select><option>Rien</option></select>
            """)
        #expect(findings.map(\.test) == ["11.1.1"])
        #expect(findings.first?.snippet == "<select>")
    }

    @Test func hiddenContentIsNotChecked() throws {
        let findings = try Self.findings(body: """
            <h1>Caché</h1><div hidden><img src="a.png"><a href="/x"></a></div>
            <div style="display:none"><input type="text"></div><template><li>x</li></template>
            """)
        #expect(findings.isEmpty)
    }

    @Test func xmlLangAloneIsNotEnoughInHTML5() throws {
        let findings = try AccessibilityChecker.check(html: "<!DOCTYPE html><html xml:lang=\"fr\"><head><title>X – Mairie</title></head></html>", path: "x.html")
        #expect(findings.contains { $0.test == "8.3.1" && $0.message == "La langue de la page n’est donnée que par xml:lang, sans effet dans une page HTML." })
    }

    @Test func unresolvedStylesheetsDowngradeContrastToAVerifier() throws {
        // (These pages declare text colours without a background: 10.5 says so, not looked at here.)
        let findings = try Self.findings(body: "<style>main p:hover { color: #000 }</style><h1>T</h1><p style=\"color:#aaa\">Texte gris</p>")
            .filter { $0.criterion == "3.2" }
        #expect(findings.map(\.test) == ["3.2.1"])
        #expect(findings.first?.status == .aVerifier)
    }

    @Test func largeTextNeedsThreeToOne() throws {
        #expect(try Self.findings(body: "<h1 style=\"color:#888\">Titre assez grand</h1>").filter { $0.criterion == "3.2" }.isEmpty) // 3.54:1 at 32px
        let small = try Self.findings(body: "<h1>T</h1><p style=\"color:#888; font-size: 12px\">Petit texte</p>").filter { $0.criterion == "3.2" }
        #expect(small.map(\.test) == ["3.2.1"])
        #expect(small.first?.status == .nonConforme)
    }
}

@Suite struct FindingCodingTests {
    @Test func jsonCarriesTheCriterion() throws {
        let finding = Finding(test: "11.1.1", status: .nonConforme, line: 12, message: "m", fix: "f", snippet: "<input>", file: "a.html")
        let json = String(decoding: try JSONEncoder().encode(finding), as: UTF8.self)
        #expect(json.contains("\"criterion\":\"11.1\""))
        #expect(json.contains("\"status\":\"non-conforme\""))
        #expect(try JSONDecoder().decode(Finding.self, from: Data(json.utf8)) == finding)
    }
}

@Suite struct LinkedStylesheetTests {
    static let html = """
        <!DOCTYPE html><html lang="fr"><head><title>Essai – Mairie</title><link rel="stylesheet" href="/theme/site.css"></head>
        <body><a href="#c">Aller au contenu</a><header>En-tête</header><nav><a href="/">Page d’accueil</a></nav>
        <main id="c"><h1>Titre</h1><p class="discret">Texte discret</p></main><footer>Pied</footer></body></html>
        """

    @Test func linkedStylesheetColoursAreChecked() throws {
        var asked: [String] = []
        // (The body's background without a text colour is for 10.5, not looked at here.)
        let findings = try AccessibilityChecker.check(html: Self.html, path: "essai.html") { href in
            asked.append(href)
            return ".discret { color: #aaaaaa } body { background-color: #ffffff }"
        }.filter { $0.criterion == "3.2" }
        #expect(asked == ["/theme/site.css"])
        #expect(findings.map(\.test) == ["3.2.1"])
        #expect(findings.first?.status == .nonConforme)
        #expect(findings.first?.message == "Contraste insuffisant : 2,32:1 entre le texte (#aaaaaa) et son arrière-plan (#ffffff) ; il faut au moins 4,5:1.")
    }

    @Test func unreadableStylesheetMakesContrastAVerifier() throws {
        let html = Self.html.replacingOccurrences(of: "class=\"discret\"", with: "style=\"color:#aaa\"")
        let findings = try AccessibilityChecker.check(html: html, path: "essai.html") { _ in nil }.filter { $0.criterion == "3.2" }
        #expect(findings.map(\.test) == ["3.2.1"])
        #expect(findings.first?.status == .aVerifier)
    }
}
