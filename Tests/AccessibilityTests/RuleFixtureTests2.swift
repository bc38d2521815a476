import Foundation
import Testing
@testable import Accessibility

/// The second batch of rules, same contract as `RuleFixtureTests`: the failing page gives
/// the expected finding word for word, the passing page gives no finding at all.
@Suite struct RuleFixtureTests2 {
    typealias Expectation = RuleFixtureTests.Expectation

    static let expectations: [Expectation] = [
        .init(fixture: "1.3.1-alt-file-name", test: "1.3.1", status: .aVerifier, message: "L’alternative textuelle de l’image est un nom de fichier : « plan-acces.png »."),
        .init(fixture: "1.3.1-alt-placeholder", test: "1.3.1", status: .aVerifier, message: "Alternative textuelle d’image peu pertinente : « Photo »."),
        .init(fixture: "1.3.9-alt-long", test: "1.3.9", status: .aVerifier, message: "Alternative textuelle d’image longue (103 caractères)."),
        .init(fixture: "1.6.1-longdesc", test: "1.6.1", status: .nonConforme, message: "L’attribut longdesc de l’image pointe vers « #detail », qui n’existe pas dans la page."),
        .init(fixture: "1.6.9-describedby", test: "1.6.9", status: .nonConforme, message: "L’attribut aria-describedby de l’image fait référence à l’id « detail », absent de la page."),
        .init(fixture: "1.9.1-figure-role", test: "1.9.1", status: .nonConforme, message: "Image légendée dans <figure> : la balise <figure> n’a pas d’attribut role=\"figure\" ou role=\"group\"."),
        .init(fixture: "1.9.1-figure-label", test: "1.9.1", status: .nonConforme, message: "Image légendée dans <figure> : l’attribut aria-label de <figure> n’est pas identique à la légende « La mairie en 1910 »."),
        .init(fixture: "2.2.1-frame-title-shared", test: "2.2.1", status: .aVerifier, message: "Plusieurs cadres au contenu différent ont le même titre : « Contenu externe »."),
        .init(fixture: "4.3.1-video-captions", test: "4.3.1", status: .aVerifier, message: "Vidéo sans piste de sous-titres (<track kind=\"captions\">)."),
        .init(fixture: "4.3.2-track-kind", test: "4.3.2", status: .aVerifier, message: "Les sous-titres de la vidéo sont déclarés avec kind=\"subtitles\" et non kind=\"captions\"."),
        .init(fixture: "4.10.1-autoplay", test: "4.10.1", status: .aVerifier, message: "Média <video> lancé automatiquement (autoplay) sans être muet (muted)."),
        .init(fixture: "4.11.1-controls", test: "4.11.1", status: .aVerifier, message: "Média <audio> sans attribut controls."),
        .init(fixture: "5.6.1-empty-th", test: "5.6.1", status: .aVerifier, message: "Cellule d’en-tête <th> vide."),
        .init(fixture: "5.6.1-no-headers", test: "5.6.1", status: .aVerifier, message: "Tableau sans cellule d’en-tête (<th>)."),
        .init(fixture: "6.1.5-label-in-name", test: "6.1.5", status: .nonConforme, message: "Le nom accessible du lien (« Prix des repas ») ne contient pas son intitulé visible « Tarifs de la cantine »."),
        .init(fixture: "11.9.2-label-in-name", test: "11.9.2", status: .nonConforme, message: "Le nom accessible du bouton (« Valider ») ne contient pas son intitulé visible « Envoyer la demande »."),
        .init(fixture: "11.2.5-label-in-name", test: "11.2.5", status: .nonConforme, message: "Le nom accessible du champ (« Commune ») ne contient pas le texte de son étiquette visible « Ville »."),
        .init(fixture: "7.3.1-onclick", test: "7.3.1", status: .aVerifier, message: "Élément <div> avec un gestionnaire d’événement (onclick) qui n’est pas atteignable au clavier."),
        .init(fixture: "8.9.1-empty-paragraph", test: "8.9.1", status: .aVerifier, message: "Paragraphe vide : la balise <p> semble ne servir qu’à créer un espace."),
        .init(fixture: "8.9.1-line-breaks", test: "8.9.1", status: .aVerifier, message: "3 sauts de ligne <br> à la suite : ils semblent ne servir qu’à créer un espace."),
        .init(fixture: "10.4.2-viewport", test: "10.4.2", status: .nonConforme, message: "La balise <meta name=\"viewport\"> empêche d’agrandir la page à 200 % (user-scalable=no)."),
        .init(fixture: "10.12.1-line-height", test: "10.12.1", status: .nonConforme, message: "Propriété line-height imposée avec !important dans l’attribut style (line-height: 1.2 !important), en dessous de 1,5 fois la taille de la police : l’utilisateur ne peut plus l’augmenter."),
        .init(fixture: "10.12.1-letter-spacing", test: "10.12.1", status: .nonConforme, message: "Propriété letter-spacing imposée avec !important dans l’attribut style (letter-spacing: 0.05em !important), en dessous de 0,12 fois la taille de la police : l’utilisateur ne peut plus l’augmenter."),
        .init(fixture: "11.8.2-optgroup", test: "11.8.2", status: .nonConforme, message: "Groupe d’options <optgroup> sans attribut label."),
        .init(fixture: "11.8.1-long-select", test: "11.8.1", status: .aVerifier, message: "Liste de choix de 25 options sans regroupement (<optgroup>)."),
    ]

    @Test(arguments: expectations)
    func failingPageGivesTheFinding(_ expected: Expectation) throws {
        let findings = try RuleFixtureTests.findings("rules/\(expected.fixture).fail.html")
        let match = findings.first { $0.test == expected.test && $0.message == expected.message }
        #expect(match != nil, "got \(findings.map { "\($0.test) \($0.message)" })")
        #expect(match?.status == expected.status)
        #expect(match?.fix.isEmpty == false)
        #expect((match?.snippet.count ?? 0) <= 120)
        // Every test a rule reports is listed in Coverage, with the status it gives.
        let listed = expected.status == .nonConforme ? Coverage.decided : Coverage.prequalified
        #expect(listed.contains(expected.test), "\(expected.test) missing from Coverage")
    }

    @Test(arguments: expectations)
    func passingPageGivesNoFinding(_ expected: Expectation) throws {
        let findings = try RuleFixtureTests.findings("rules/\(expected.fixture).pass.html")
        #expect(findings == [], "got \(findings.map { "\($0.test) \($0.message)" })")
    }

    // MARK: Parsers and comparisons

    @Test(arguments: [
        ("user-scalable=no", true), ("maximum-scale=1.0", true), ("maximum-scale=yes", true),
        ("user-scalable=0.5", true), ("user-scalable=invalid", true), ("maximum-scale=invalid", true),
        ("width=device-width, initial-scale=1", false), ("user-scalable=yes", false), ("maximum-scale=2.0", false),
        ("maximum-scale=-1", false), ("user-scalable=5", false), ("maximum-scale=device-width", false),
        ("width = device-width ; maximum-scale = 1", true),
    ])
    func viewportZoom(content: String, blocks: Bool) throws {
        let html = "<!DOCTYPE html><html lang=\"fr\"><head><meta name=\"viewport\" content=\"\(content)\"><title>t</title></head><body></body></html>"
        let findings = try AccessibilityChecker.check(html: html, path: "v.html")
        #expect(findings.contains { $0.test == "10.4.2" } == blocks)
    }

    @Test(arguments: [
        ("Tarifs de la cantine", "Voir les tarifs de la cantine", true),
        ("Tarifs de la cantine", "tarifs, de la CANTINE", true),
        ("Envoyer…", "Envoyer", true),
        ("Rechercher par date (JJ/MM/AAAA)", "Rechercher par date", true),
        ("Av. de la Gare", "Avenue de la Gare", true),
        ("l’accueil", "Horaires de l'accueil", true),
        ("Tarifs de la cantine", "Tarifs cantine", false),
        ("justice", "just ice", false),
        ("2021", "20 21", false),
        ("1", "1a", false),
    ])
    func visibleTextInName(visible: String, name: String, contained: Bool) {
        #expect(LabelInNameRule.contains(name: name, visible: visible) == contained)
    }

    @Test func symbolsAreNotCompared() {
        #expect(LabelInNameRule.isSymbol("X"))
        #expect(LabelInNameRule.isSymbol(">>"))
        #expect(!LabelInNameRule.isSymbol("1"))
        #expect(!LabelInNameRule.isSymbol("OK"))
    }

    @Test func visuallyHiddenTextIsNotVisible() throws {
        let html = """
        <!DOCTYPE html><html lang="fr"><head><title>t</title></head><body><main>
        <a href="/a" aria-label="Lire l’article">Lire <span class="sr-only">la suite de</span> l’article</a>
        <a href="/b" aria-label="Lire l’article">Lire <span style="display:none">tout</span> l’article</a>
        <a href="/c" aria-label="Lire l’article">Lire <span aria-hidden="true">tout</span> l’article</a>
        </main></body></html>
        """
        let findings = try AccessibilityChecker.check(html: html, path: "l.html").filter { $0.test == "6.1.5" }
        // Only the aria-hidden text is still visible on screen.
        #expect(findings.count == 1)
        #expect(findings.first?.snippet.contains("/c") == true)
    }

    @Test func textSpacingNeedsOwnTextAndImportant() throws {
        let html = """
        <!DOCTYPE html><html lang="fr"><head><title>t</title></head><body><main>
        <div style="letter-spacing: 0 !important"><p style="letter-spacing: 0.2em !important">Texte</p></div>
        <p style="word-spacing: 0.1em !important; word-spacing: 0.2em !important">Texte</p>
        <p style="word-spacing: 0.2em !important; word-spacing: 0.1em">Texte</p>
        <p style="font-size: 20px"><span style="letter-spacing: 2px !important">Texte</span></p>
        <p style="display: none; line-height: 1 !important">Texte</p>
        </main></body></html>
        """
        let findings = try AccessibilityChecker.check(html: html, path: "s.html").filter { $0.test == "10.12.1" }
        #expect(findings.count == 1)
        #expect(findings.first?.message.contains("letter-spacing: 2px") == true)
    }
}
