import Foundation
import Testing
@testable import Accessibility

/// One passing and one failing page per rule (Fixtures/rules, written by
/// Fixtures/make_rule_fixtures.py from Fixtures/skeleton.html, a conformant page). The
/// failing page must give the expected finding, word for word; the passing page must give
/// no finding at all.
@Suite struct RuleFixtureTests {
    struct Expectation: CustomStringConvertible, Sendable {
        var fixture: String
        var test: String
        var status: Finding.Status
        var message: String
        /// Pre-qualified tests that the passing page raises by nature (a layout table is
        /// always "à vérifier" for 5.3.1): only these may appear on it.
        var inherent: Set<String> = []
        var description: String { fixture }
    }

    static let expectations: [Expectation] = [
        .init(fixture: "1.1.1-alt-spaces", test: "1.1.1", status: .nonConforme, message: "Image dont l’attribut alt ne contient que des espaces."),
        .init(fixture: "1.1.1-img-alt", test: "1.1.1", status: .nonConforme, message: "Image sans attribut alt."),
        .init(fixture: "1.1.2-area-alt", test: "1.1.2", status: .nonConforme, message: "Zone cliquable <area> sans attribut alt."),
        .init(fixture: "1.1.3-input-image", test: "1.1.3", status: .nonConforme, message: "Bouton image <input type=\"image\"> sans alternative textuelle."),
        .init(fixture: "1.1.5-svg", test: "1.1.5", status: .nonConforme, message: "Image vectorielle <svg role=\"img\"> sans alternative textuelle."),
        .init(fixture: "1.2.1-decorative", test: "1.2.1", status: .aVerifier, message: "Image marquée comme décorative mais pourvue d’une alternative (title)."),
        .init(fixture: "10.1.1-presentational-tag", test: "10.1.1", status: .nonConforme, message: "Balise de présentation <font>."),
        .init(fixture: "10.1.2-presentational-attribute", test: "10.1.2", status: .nonConforme, message: "Attribut de présentation sur <p> : align."),
        .init(fixture: "11.1.1-label", test: "11.1.1", status: .nonConforme, message: "Champ de formulaire sans étiquette : le texte indicatif (placeholder) n’en tient pas lieu."),
        .init(fixture: "11.1.1-no-label", test: "11.1.1", status: .nonConforme, message: "Champ de formulaire sans étiquette."),
        .init(fixture: "11.10.2-required", test: "11.10.2", status: .aVerifier, message: "Le champ obligatoire « Courriel » ne semble pas signalé comme obligatoire dans son étiquette."),
        .init(fixture: "11.13.1-autocomplete", test: "11.13.1", status: .nonConforme, message: "Valeur d’autocomplete invalide : « e-mail »."),
        .init(fixture: "11.9.1-button", test: "11.9.1", status: .nonConforme, message: "Bouton sans intitulé."),
        .init(fixture: "12.7.1-skip-link", test: "12.7.1", status: .nonConforme, message: "Le lien d’évitement pointe vers « #principal », qui n’existe pas dans la page."),
        .init(fixture: "13.1.1-meta-refresh", test: "13.1.1", status: .nonConforme, message: "La page se recharge automatiquement toutes les 300 secondes."),
        .init(fixture: "13.1.2-meta-redirect", test: "13.1.2", status: .nonConforme, message: "La page redirige automatiquement au bout de 5 secondes."),
        .init(fixture: "13.2.1-new-window", test: "13.2.1", status: .aVerifier, message: "Lien qui ouvre une nouvelle fenêtre (target=\"_blank\") sans le signaler."),
        .init(fixture: "13.8.1-marquee", test: "13.8.1", status: .nonConforme, message: "Contenu en mouvement <marquee> que l’utilisateur ne peut pas arrêter."),
        .init(fixture: "2.1.1-frame-title", test: "2.1.1", status: .nonConforme, message: "Cadre sans attribut title."),
        .init(fixture: "2.2.1-frame-title-empty", test: "2.2.1", status: .nonConforme, message: "Cadre dont l’attribut title est vide."),
        .init(fixture: "3.2.1-contrast-style", test: "3.2.1", status: .nonConforme, message: "Contraste insuffisant : 2,14:1 entre le texte (#ffffff) et son arrière-plan (#f59e0b) ; il faut au moins 4,5:1."),
        .init(fixture: "3.2.1-contrast", test: "3.2.1", status: .nonConforme, message: "Contraste insuffisant : 2,84:1 entre le texte (#999999) et son arrière-plan (#ffffff) ; il faut au moins 4,5:1."),
        .init(fixture: "5.4.1-fake-caption", test: "5.4.1", status: .aVerifier, message: "La première ligne du tableau, une seule cellule sur toute la largeur, semble servir de titre."),
        .init(fixture: "5.7.2-scope", test: "5.7.2", status: .nonConforme, message: "Valeur d’attribut scope invalide : « column »."),
        .init(fixture: "5.7.4-headers", test: "5.7.4", status: .nonConforme, message: "L’attribut headers fait référence à l’id « prix », absent de la page."),
        .init(fixture: "5.8.1-layout-table", test: "5.8.1", status: .nonConforme, message: "Tableau de mise en forme (role=\"presentation\") utilisant des éléments de tableau de données : <th>.", inherent: ["5.3.1"]),
        .init(fixture: "6.1.1-generic-link", test: "6.1.1", status: .aVerifier, message: "Intitulé de lien peu explicite : « cliquez ici »."),
        .init(fixture: "6.2.1-link-name", test: "6.2.1", status: .nonConforme, message: "Lien sans intitulé."),
        .init(fixture: "7.1.1-role", test: "7.1.1", status: .nonConforme, message: "Rôle WAI-ARIA inconnu : role=\"remarque\"."),
        .init(fixture: "8.1.1-doctype", test: "8.1.1", status: .nonConforme, message: "La page n’a pas de type de document (<!DOCTYPE>)."),
        .init(fixture: "8.1.2-doctype-valid", test: "8.1.2", status: .nonConforme, message: "Type de document invalide : <!DOCTYPE htm>."),
        .init(fixture: "8.2.1-duplicate-id", test: "8.2.1", status: .nonConforme, message: "L’id « info » est utilisé 2 fois dans la page."),
        .init(fixture: "8.3.1-lang", test: "8.3.1", status: .nonConforme, message: "La langue par défaut de la page n’est pas indiquée."),
        .init(fixture: "8.4.1-lang-valid", test: "8.4.1", status: .nonConforme, message: "Code de langue invalide sur <html> : « francais »."),
        .init(fixture: "8.5.1-title", test: "8.5.1", status: .nonConforme, message: "La page n’a pas de titre (<title>)."),
        .init(fixture: "8.6.1-title-generic", test: "8.6.1", status: .aVerifier, message: "Titre de page peu explicite : « Accueil »."),
        .init(fixture: "8.8.1-lang-change", test: "8.8.1", status: .nonConforme, message: "Code de langue invalide : « anglais »."),
        .init(fixture: "9.1.1-heading-skip", test: "9.1.1", status: .aVerifier, message: "Saut de niveau de titre : h2 suivi de h4."),
        .init(fixture: "9.1.2-empty-heading", test: "9.1.2", status: .nonConforme, message: "Titre vide."),
        .init(fixture: "9.2.1-main", test: "9.2.1", status: .nonConforme, message: "La page n’a pas de zone de contenu principal (<main>)."),
        .init(fixture: "9.3.1-list-item", test: "9.3.1", status: .nonConforme, message: "Élément de liste <li> hors d’une liste <ul> ou <ol>."),
        .init(fixture: "9.3.3-description-list", test: "9.3.3", status: .nonConforme, message: "Élément <dt> hors d’une liste de description <dl>."),
        .init(fixture: "8.10.2-dir", test: "8.10.2", status: .nonConforme, message: "Valeur d’attribut dir invalide : « droite »."),
        .init(fixture: "10.8.1-aria-hidden-focus", test: "10.8.1", status: .nonConforme, message: "Élément atteignable au clavier dans un contenu masqué aux technologies d’assistance (aria-hidden=\"true\")."),
        .init(fixture: "10.8.1-aria-hidden-body", test: "10.8.1", status: .nonConforme, message: "Toute la page est masquée aux technologies d’assistance (aria-hidden=\"true\" sur <body>)."),
        .init(fixture: "11.5.1-radio-group", test: "11.5.1", status: .aVerifier, message: "Boutons radio de même nom qui ne sont pas regroupés."),
        .init(fixture: "11.6.1-fieldset-legend", test: "11.6.1", status: .nonConforme, message: "Regroupement de champs <fieldset> sans légende."),
        .init(fixture: "12.8.1-tabindex", test: "12.8.1", status: .aVerifier, message: "Ordre de tabulation imposé (tabindex=\"3\")."),
        .init(fixture: "13.3.1-office-document", test: "13.3.1", status: .aVerifier, message: "Lien vers un document bureautique (PDF)."),
    ]

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func findings(_ name: String) throws -> [Finding] {
        let url = fixtures.appendingPathComponent(name)
        return try AccessibilityChecker.check(html: [UInt8](Data(contentsOf: url)), path: name)
    }

    @Test func skeletonIsConformant() throws {
        #expect(try Self.findings("skeleton.html") == [])
    }

    @Test(arguments: expectations)
    func failingPageGivesTheFinding(_ expected: Expectation) throws {
        let findings = try Self.findings("rules/\(expected.fixture).fail.html")
        let match = findings.first { $0.test == expected.test && $0.message == expected.message }
        #expect(match != nil, "got \(findings.map { "\($0.test) \($0.message)" })")
        #expect(match?.status == expected.status)
        #expect(match?.criterion == String(expected.test.split(separator: ".").prefix(2).joined(separator: ".")))
        #expect(match?.fix.isEmpty == false)
        #expect(match?.file == "rules/\(expected.fixture).fail.html")
        #expect((match?.snippet.count ?? 0) <= 120)
    }

    @Test(arguments: expectations)
    func passingPageGivesNoFinding(_ expected: Expectation) throws {
        let findings = try Self.findings("rules/\(expected.fixture).pass.html")
            .filter { !($0.status == .aVerifier && expected.inherent.contains($0.test)) }
        #expect(findings == [], "got \(findings.map { "\($0.test) \($0.message)" })")
    }

    @Test func findingCarriesLineSnippetAndFix() throws {
        let findings = try Self.findings("rules/1.1.1-img-alt.fail.html")
        #expect(findings == [Finding(
            test: "1.1.1", status: .nonConforme, line: 15, message: "Image sans attribut alt.",
            fix: "Ajoutez un attribut alt : une alternative courte et pertinente si l’image porte une information, alt=\"\" si elle est décorative.",
            snippet: "<img src=\"plan.png\">", file: "rules/1.1.1-img-alt.fail.html")])
    }

    @Test func findingsAreSortedByLine() throws {
        let findings = try AccessibilityChecker.check(html: "<html><body><main><img src=a>\n\n<img src=b></main></body></html>", path: "x.html")
        let lines = findings.compactMap(\.line)
        #expect(lines == lines.sorted())
        #expect(findings.map(\.test).contains("8.1.1"))
        #expect(findings.map(\.test).contains("8.3.1"))
    }
}
