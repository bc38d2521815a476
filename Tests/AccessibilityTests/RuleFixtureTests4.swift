import Foundation
import Testing
@testable import Accessibility

/// The fourth batch of rules (3.3, 8.2 nesting and parser repairs, 10.5, 10.6, 12.3, 12.6),
/// same contract as `RuleFixtureTests3`: the failing page gives the expected finding word for
/// word (and only the companions named), the passing page gives no finding at all. The pass
/// pages are valid for the W3C Nu validator, which rejects each 8.2.1 failing page for the
/// reason the checker gives. The site map (12.3) is checked on small sets of pages.
@Suite struct RuleFixtureTests4 {
    struct Expectation: CustomStringConvertible, Sendable {
        var fixture: String
        var test: String
        var status: Finding.Status
        var message: String
        /// Other tests the failing page raises by nature (a footer that is a `<div>` is also
        /// missing for 9.2.1).
        var companions: Set<String> = []
        var description: String { fixture }
    }

    static let expectations: [Expectation] = [
        .init(fixture: "3.3.1-field-border", test: "3.3.1", status: .nonConforme, message: "Bordure du champ trop peu contrastée : 1,6:1 entre la bordure (#cccccc) et le fond qui l’entoure (#ffffff) ; il faut au moins 3:1 pour repérer le composant."),
        .init(fixture: "3.3.1-button-border", test: "3.3.1", status: .nonConforme, message: "Bordure du bouton trop peu contrastée : 1,35:1 entre la bordure (#dddddd) et le fond qui l’entoure (#ffffff) ; il faut au moins 3:1 pour repérer le composant."),
        .init(fixture: "8.2.1-interactive-in-link", test: "8.2.1", status: .nonConforme, message: "Élément interactif <button> placé dans un lien <a> : un lien ou un bouton ne peut contenir ni lien, ni bouton, ni champ de formulaire, ni élément avec tabindex."),
        .init(fixture: "8.2.1-block-in-span", test: "8.2.1", status: .nonConforme, message: "Balise de bloc <div> placée dans <span>, qui n’accepte que du contenu de niveau texte (texte, liens, mises en valeur, images…)."),
        .init(fixture: "8.2.1-stray-end-tag", test: "8.2.1", status: .nonConforme, message: "Balise fermante </p> qui ne ferme aucun élément : le paragraphe était déjà fermé, car un <p> se ferme de lui-même devant un bloc (<div>, liste, tableau, titre…), qu’il ne peut pas contenir."),
        .init(fixture: "8.2.1-misnested", test: "8.2.1", status: .nonConforme, message: "Balises mal imbriquées : </strong> arrive alors que <em>, ouvert à l’intérieur, n’est pas fermé."),
        .init(fixture: "8.2.1-duplicate-attribute", test: "8.2.1", status: .nonConforme, message: "Attribut alt écrit deux fois sur le même élément."),
        .init(fixture: "10.5.1-colour-without-background", test: "10.5.1", status: .aVerifier, message: "Couleur de texte déclarée sans couleur de fond, ni sur l’élément ni sur un parent (« .note { color: #595959 } », balise <style>, ligne 4 du HTML)."),
        .init(fixture: "10.5.2-background-without-colour", test: "10.5.2", status: .aVerifier, message: "Couleur de fond déclarée sans couleur de texte, ni sur l’élément ni sur un parent (« .encadre { background: #f3f3f3 } », balise <style>, ligne 4 du HTML)."),
        .init(fixture: "10.5.3-image-without-background", test: "10.5.3", status: .aVerifier, message: "Image de fond sans couleur de fond de remplacement, ni sur l’élément ni sur un parent (« .bandeau { background-image: url(bandeau.png) } », balise <style>, ligne 4 du HTML)."),
        .init(fixture: "10.6.1-link-colour-only", test: "10.6.1", status: .nonConforme, message: "Lien dans un texte signalé uniquement par sa couleur : 2,03:1 entre la couleur du lien (#1a4c9c) et celle du texte (#1e1e1e) ; il faut au moins 3:1."),
        .init(fixture: "10.6.1-hover-cue", test: "10.6.1", status: .aVerifier, message: "Lien dans un texte signalé uniquement par sa couleur (3,77:1 avec le texte) : aucune règle :hover ne le souligne ni ne le change autrement que par la couleur."),
        .init(fixture: "12.6.1-footer-zone", test: "12.6.1", status: .aVerifier, message: "Du contenu suit la zone de contenu principal hors de toute zone identifiée : le pied de page n’est peut-être pas balisé avec <footer>.", companions: ["9.2.1"]),
    ]

    @Test(arguments: expectations)
    func failingPageGivesTheFinding(_ expected: Expectation) throws {
        let findings = try RuleFixtureTests.findings("rules/\(expected.fixture).fail.html")
        let match = findings.first { $0.test == expected.test && $0.message == expected.message }
        #expect(match != nil, "got \(findings.map { "\($0.test) \($0.message)" })")
        #expect(match?.status == expected.status)
        #expect(match?.fix.isEmpty == false)
        #expect(match?.line != nil)
        #expect((match?.snippet.count ?? 0) <= 120)
        // The failing page differs from the passing one by one thing: one finding only.
        let others = findings.filter { !expected.companions.contains($0.test) }
        #expect(others.count == 1, "got \(findings.map { "\($0.test) \($0.message)" })")
        let listed = expected.status == .nonConforme ? Coverage.decided : Coverage.prequalified
        #expect(listed.contains(expected.test), "\(expected.test) missing from Coverage")
    }

    @Test(arguments: expectations)
    func passingPageGivesNoFinding(_ expected: Expectation) throws {
        let findings = try RuleFixtureTests.findings("rules/\(expected.fixture).pass.html")
        #expect(findings == [], "got \(findings.map { "\($0.test) \($0.message)" })")
    }

    /// Each fix, read in full once: plain French, and what to do.
    @Test func fixesReadInFull() {
        #expect(Messages.controlBorderContrast(ratio: 1.6, border: .white, background: .white, button: false).fix == "Foncez la bordure (ou éclaircissez-la sur un fond sombre) jusqu’à un rapport d’au moins 3:1 avec le fond, ou donnez au composant un fond qui contraste d’au moins 3:1 avec celui qui l’entoure.")
        #expect(Messages.strayEndTag("li").message == "Balise fermante </li> qui ne ferme aucun élément : la balise ouvrante manque, ou l’élément a déjà été fermé.")
        #expect(Messages.strayEndTag("a").message == "Balise fermante </a> qui ne ferme aucun élément : un lien est sans doute écrit à l’intérieur d’un autre lien, ce qui est interdit.")
        #expect(Messages.strayEndTag("p").fix == "Corrigez l’imbrication : chaque élément doit être entièrement contenu dans son parent, et chaque balise fermante répondre à une balise ouvrante. Le validateur du W3C (validator.w3.org/nu) montre l’erreur en contexte.")
        #expect(Messages.misnestedTags(closing: "b", open: "i").fix == "Fermez les balises dans l’ordre inverse de leur ouverture, par exemple <b><i>…</i></b>.")
        #expect(Messages.duplicateAttribute("alt").fix == "Gardez un seul attribut alt : le navigateur ignore le second, qui contient peut-être la bonne valeur.")
        #expect(Messages.interactiveInsideInteractive(child: "<a>", owner: "button").fix == "Placez <a> à côté de <button>, pas dedans : les technologies d’assistance ne restituent pas un élément interactif inclus dans un autre.")
        #expect(Messages.blockInsideTextLevel(child: "div", owner: "span").fix == "Remplacez <span> par un élément de bloc (par exemple <div>), ou <div> par un élément de niveau texte (par exemple <span>).")
        #expect(Messages.labelInsideLabel.fix == "Séparez les deux étiquettes : chacune entoure ou désigne (attribut for) son propre champ.")
        #expect(Messages.colourWithoutBackground("x").fix == "Vérifiez que le texte reste lisible si la personne a changé ses couleurs par défaut (fond sombre par exemple) ; déclarez une couleur de fond (background-color) sur l’élément ou sur un parent, par exemple sur body.")
        #expect(Messages.backgroundWithoutColour("x").fix == "Vérifiez que le texte reste lisible si la personne a changé ses couleurs par défaut (texte clair par exemple) ; déclarez une couleur de texte (color) sur l’élément ou sur un parent, par exemple sur body.")
        #expect(Messages.imageWithoutBackgroundColour("x").fix == "Vérifiez que le texte reste lisible quand l’image ne s’affiche pas ; déclarez aussi une couleur de fond (background-color) proche de l’image, sur l’élément ou sur un parent.")
        #expect(Messages.linkOnlyByColour(ratio: 2, link: .black, text: .white).fix == "Soulignez les liens dans le texte (retirez text-decoration: none), ou choisissez une couleur de lien qui contraste d’au moins 3:1 avec le texte et donnez au lien une autre indication au survol et au focus (soulignement, bordure).")
        #expect(Messages.linkByColourWithoutHoverCue(ratio: 3.5).fix == "Vérifiez qu’au survol et à la prise de focus, le lien change autrement que par la couleur ; par exemple, a:hover, a:focus { text-decoration: underline }.")
        #expect(Messages.siteMapLinkBroken(text: "x", href: "/x/").fix == "Corrigez l’adresse du lien ou retirez-le du plan du site : chaque lien du plan doit mener à une page qui existe.")
        #expect(Messages.siteMapPartial(linked: 2, pages: 10).fix == "Vérifiez que le plan du site représente l’architecture générale du site : chaque rubrique doit y figurer, et chaque page y figurer ou être atteignable depuis la page d’accueil de sa rubrique.")
        #expect(Messages.contentBeforeMainOutsideZones.fix == "Vérifiez que l’en-tête, le menu et le moteur de recherche peuvent être atteints ou évités : balisez-les avec <header>, <nav> et role=\"search\", ou ajoutez en début de page un lien « Aller au contenu » vers la balise <main>.")
        #expect(Messages.mainZoneUnreachable.fix == "Vérifiez que le contenu principal peut être atteint directement : balisez-le avec <main> et ajoutez en début de page un lien « Aller au contenu » qui y mène.")
    }

    // MARK: Single pages

    static func check(_ body: String, head: String = "", before: String = "", stylesheet: ((String) -> String?)? = nil) throws -> [Finding] {
        let html = """
        <!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Essai – Mairie</title>\(head)</head>
        <body>\(before)<main id="contenu"><h1>Essai</h1>\(body)</main></body></html>
        """
        return try AccessibilityChecker.check(html: html, path: "essai.html", stylesheet: stylesheet)
    }

    static let colours = "<style>body { color: #1e1e1e; background: #ffffff }</style>"

    // MARK: 3.3

    @Test func controlBordersThatPass() throws {
        let cases = [
            // Its own background shows the field.
            "input { border: 1px solid #eeeeee; background: #e8eef7 } main { background: #1b3a6b; color: #ffffff }",
            // Disabled: exempt.
            "input[disabled] { border: 1px solid #eeeeee }",
            // The browser's border, or none at all.
            "input { border-color: #eeeeee; border-style: none }",
            "input { border: 0 }",
            // A translucent layer or an image behind: not computed.
            "main { background: url(fond.png) } input { border: 1px solid #ffffff }",
            // A border the checker cannot read.
            "input { border: 1px solid var(--inconnue) }",
        ]
        for css in cases {
            let findings = try Self.check("<form action=\"/r\"><label for=\"v\">Ville</label><input id=\"v\" type=\"text\" autocomplete=\"address-level2\" \(css.hasPrefix("input[disabled]") ? "disabled" : "")></form>",
                                          head: "<style>\(css)</style>").filter { $0.test == "3.3.1" }
            #expect(findings.isEmpty, "\(css): \(findings.map(\.message))")
        }
        let boxes = try Self.check("<form action=\"/r\"><input type=\"checkbox\" id=\"c\"><label for=\"c\">Accord</label></form>",
                                   head: "<style>input { border: 1px solid #eeeeee }</style>").filter { $0.test == "3.3.1" }
        #expect(boxes.isEmpty, "a checkbox's border is drawn by the browser")
    }

    @Test func controlBorderOnADarkBackgroundAndInAMediaQuery() throws {
        let dark = try Self.check("<form action=\"/r\"><label for=\"v\">Ville</label><input id=\"v\" type=\"text\" autocomplete=\"address-level2\"></form>",
                                  head: "<style>main { background: #1b3a6b; color: #ffffff } input { border: 2px solid #2a4a7b; background: #1b3a6b; color: #ffffff }</style>")
            .filter { $0.test == "3.3.1" }
        #expect(dark.map(\.status) == [.nonConforme])
        let media = try Self.check("<form action=\"/r\"><label for=\"v\">Ville</label><input id=\"v\" type=\"text\" autocomplete=\"address-level2\"></form>",
                                   head: "<style>input { border: 1px solid #cccccc } @media (min-width: 40rem) { input { border-color: #767676 } }</style>")
            .filter { $0.test == "3.3.1" }
        #expect(media.map(\.status) == [.aVerifier])
    }

    @Test func borderSidesInCascadeOrder() {
        let declarations = CompiledDeclaration.compile(CSSDeclaration.parse(list: "border: 1px solid #000; border-bottom-color: #ccc; border-left: none; border-width: 1px 2px 0"))
        let sides = ControlBorderRule.sides(declarations, variables: [:])
        #expect(sides?.map(\.visible) == [true, true, false, false])
        #expect(sides?[0].colour == CSSColor(red: 0, green: 0, blue: 0))
        #expect(sides?[2].colour == CSSColor(red: 204, green: 204, blue: 204))
        #expect(ControlBorderRule.sides(CompiledDeclaration.compile(CSSDeclaration.parse(list: "border-inline: 1px solid red")), variables: [:]) == nil)
    }

    // MARK: 8.2

    /// HTML5 that libxml2 (an HTML4 parser) restructures or does not know: no 8.2.1 (the Nu
    /// validator accepts this page).
    @Test func validMarkupTheParserRepairsIsNotFlagged() throws {
        let html = """
        <!DOCTYPE html>
        <html lang="fr">
        <head><meta charset="utf-8"><title>Valide – Mairie</title></head>
        <body>
        <main>
        <h1>Valide</h1>
        <div><a href="/tarifs"><table><tr><td>Tarifs</td></tr></table></a></div>
        <div><a href="/inscription"><h2>Inscription</h2><p>Avant le 30 juin.</p></a></div>
        <address>Mairie<ul><li>Téléphone</li></ul></address>
        <table><tr><td>1</td></tr></tbody></table>
        <p>Horaires<section><h2>Lundi</h2></section>
        <dl><div><dt>Tarif</dt><dd>3 €</dd></div></dl>
        <p><label>Nom <input type="text" autocomplete="family-name"></label></p>
        <p><svg viewBox="0 0 1 1" role="img" aria-label="Logo"><a href="/"><text>x</text></a></svg></p>
        <template><li>Modèle</li></template><template><dt>Terme</dt><dd>Définition</dd></template>
        <ul><li>Un<li>Deux</ul>
        <p>Texte <button type="button">OK</button> <a href="/x">lien</a>.</p>
        <select aria-label="Choix"><optgroup label="A"><option>a<optgroup label="B"><option>b</select>
        <p>a<br>b<img src="x.png" alt=""></p>
        <button type="button"><span>Ouvrir</span><img src="o.png" alt=""></button>
        <details><summary>Plus</summary><p>Détail</p></details>
        <p><a href="/y"><span>lien</span></a></p>
        <script>var s = "</div>";</script>
        </main>
        </body>
        </html>
        """
        let findings = try AccessibilityChecker.check(html: html, path: "valide.html").filter { $0.test == "8.2.1" }
        #expect(findings.isEmpty, "\(findings.map { "\($0.line ?? 0) \($0.message)" })")
        let document = try HTMLDocument(parsing: html)
        #expect(document.parseErrors.allSatisfy { if case .strayEndTag(let name) = $0.kind { ["a", "tbody", "address"].contains(name) } else { false } })
    }

    @Test func whatTheParserRepairs() throws {
        let document = try HTMLDocument(parsing: "<p>Un\n<a href=\"/a\">lien <a href=\"/b\">dans</a> un lien</a></p>\n<p><b><i>x</b></i></p><img alt=a alt=b src=x>")
        #expect(document.parseErrors == [
            .init(kind: .strayEndTag("a"), line: 2),
            .init(kind: .misnested(closing: "b", open: "i"), line: 3),
            .init(kind: .strayEndTag("i"), line: 3),
            .init(kind: .duplicateAttribute("alt"), line: 3),
        ])
        let findings = try Self.check("<p>Un <a href=\"/a\">lien <a href=\"/b\">dans</a> un lien</a>.</p>").filter { $0.test == "8.2.1" }
        #expect(findings.map(\.message) == ["Balise fermante </a> qui ne ferme aucun élément : un lien est sans doute écrit à l’intérieur d’un autre lien, ce qui est interdit."])
        #expect(findings.first?.snippet == "</a>")
        // The parser's error handler is this thread's for one parse only.
        let clean = try HTMLDocument(parsing: "<p>Texte</p>")
        #expect(clean.parseErrors.isEmpty)
    }

    @Test func nestingThatSurvivesTheParse() throws {
        let findings = try Self.check("""
            <ul><li><a href="/a"><span>Lien <a href="/b">dedans</a></span></a></li></ul>
            <button type="button">Ouvrir <input type="text" aria-label="Champ"></button>
            <a href="/c"><span tabindex="0">Focus</span></a>
            <label>Nom <label>Prénom</label></label>
            <h2>Titre <div>bloc</div></h2>
            <p>Texte <a href="/d"><div>bloc dans un lien dans un paragraphe</div></a></p>
            <div><li>Seul</li><dt>Terme</dt></div>
            <a href="/e"><input type="hidden" name="x">Lien</a>
            """).filter { $0.test == "8.2.1" }
        #expect(findings.map(\.message) == [
            "Élément interactif <a> placé dans un lien <a> : un lien ou un bouton ne peut contenir ni lien, ni bouton, ni champ de formulaire, ni élément avec tabindex.",
            "Élément interactif <input> placé dans un bouton <button> : un lien ou un bouton ne peut contenir ni lien, ni bouton, ni champ de formulaire, ni élément avec tabindex.",
            "Élément interactif <span tabindex> placé dans un lien <a> : un lien ou un bouton ne peut contenir ni lien, ni bouton, ni champ de formulaire, ni élément avec tabindex.",
            "Étiquette <label> placée dans une autre étiquette <label>.",
            "Balise de bloc <div> placée dans <h2>, qui n’accepte que du contenu de niveau texte (texte, liens, mises en valeur, images…).",
            "Balise de bloc <div> placée dans <p>, qui n’accepte que du contenu de niveau texte (texte, liens, mises en valeur, images…).",
            "Élément <li> placé ailleurs que directement dans <ul>, <ol> ou <menu> : le code HTML est invalide.",
            "Élément <dt> placé ailleurs que dans <dl> (ou dans un <div> enfant de <dl>) : le code HTML est invalide.",
        ])
        #expect(findings.allSatisfy { $0.status == .nonConforme })
    }

    // MARK: 10.5

    @Test func colourDeclarationsInALinkedSheet() throws {
        let sheet = """
        /* Thème
           de la mairie */
        body { color: #1e1e1e }

        .alerte {
          background: #fff8e1;
        }
        """
        let findings = try Self.check("<p class=\"alerte\">Fermé le lundi</p><p>Ouvert le mardi</p>",
                                      head: "<link rel=\"stylesheet\" href=\"/css/site.css\">", stylesheet: { _ in sheet })
            .filter { $0.criterion == "10.5" }
        #expect(findings.map(\.message) == ["Couleur de texte déclarée sans couleur de fond, ni sur l’élément ni sur un parent (« body { color: #1e1e1e } », /css/site.css, ligne 3)."])
        #expect(findings.first?.snippet == "<body>")
    }

    @Test func colourDeclarationsThatAreFine() throws {
        let cases = [
            // Inherited from a parent, either way round.
            "html { background: #ffffff } body { color: #1e1e1e }",
            "body { color: #1e1e1e } .encadre { background-color: #f3f3f3 } body { background: #ffffff }",
            // A background image over a colour declared higher up.
            "body { color: #1e1e1e; background: #ffffff } .encadre { background-image: linear-gradient(#ffffff, #eeeeee) }",
            // Keywords that pass the parent's colour on.
            "p { color: inherit } .encadre { background: transparent }",
        ]
        for css in cases {
            let findings = try Self.check("<div class=\"encadre\"><p>Fermé le lundi</p>Ouvert le mardi</div>", head: "<style>\(css)</style>")
                .filter { $0.criterion == "10.5" }
            #expect(findings.isEmpty, "\(css): \(findings.map(\.message))")
        }
    }

    @Test func oneFindingPerRule() throws {
        let findings = try Self.check(String(repeating: "<p class=\"note\">Fermé le lundi</p>", count: 30), head: "<style>.note { color: #595959 }</style>")
            .filter { $0.criterion == "10.5" }
        #expect(findings.count == 1)
    }

    // MARK: 10.6

    @Test func linksThatStandApart() throws {
        let paragraph = "<p>Consultez les <a href=\"/tarifs\">tarifs de la cantine</a> avant l’inscription.</p>"
        let cases = [
            // Underlined, except on hover or focus.
            "a { color: #1e1e1e } a:hover, a:focus { text-decoration: none }",
            // Another cue than colour.
            "a { color: #1e1e1e; text-decoration: none; border-bottom: 1px solid }",
            "a { color: #1e1e1e; text-decoration: none; font-weight: 700 }",
            "a { color: #1e1e1e; text-decoration: none; text-transform: uppercase }",
            "a { color: #1e1e1e; text-decoration: none; background: #ffd24d }",
        ]
        for css in cases {
            let findings = try Self.check(paragraph, head: Self.colours + "<style>\(css)</style>").filter { $0.criterion == "10.6" }
            #expect(findings.isEmpty, "\(css): \(findings.map(\.message))")
        }
        // A link alone in its list item, or laid out apart, is not in a text.
        let menu = try Self.check("<ul><li><a href=\"/a\">Accueil</a></li></ul><p class=\"outils\">Partager <a href=\"/b\">ce lien</a></p>",
                                  head: Self.colours + "<style>a { color: #1e1e1e; text-decoration: none } .outils { display: flex }</style>")
            .filter { $0.criterion == "10.6" }
        #expect(menu.isEmpty, "\(menu.map(\.message))")
    }

    @Test func linkColourTheCheckerCannotTrust() throws {
        let paragraph = "<p>Consultez les <a href=\"/tarifs\">tarifs de la cantine</a> avant l’inscription.</p>"
        // A media query may give another colour: for a person.
        let media = try Self.check(paragraph, head: Self.colours + "<style>a { color: #333333; text-decoration: none } @media (min-width: 40rem) { a { color: #1a4c9c } }</style>")
            .filter { $0.criterion == "10.6" }
        #expect(media.map(\.status) == [.aVerifier])
        // The browser's blue, when no rule gives the link a colour.
        let blue = try Self.check(paragraph, head: Self.colours + "<style>a { text-decoration: none }</style>").filter { $0.criterion == "10.6" }
        #expect(blue.map(\.message) == ["Lien dans un texte signalé uniquement par sa couleur : 1,77:1 entre la couleur du lien (#0000ee) et celle du texte (#1e1e1e) ; il faut au moins 3:1."])
        #expect(blue.first?.status == .nonConforme)
    }

    // MARK: 12.6

    @Test func zonesBeforeTheMainContent() throws {
        let header = "<div class=\"entete\"><p>Mairie de Trifouillis</p><a href=\"/\">Accueil</a></div>"
        let unskippable = try Self.check("<p>Texte</p>", before: header).filter { $0.test == "12.6.1" }
        #expect(unskippable.map(\.message) == ["Du contenu précède la zone de contenu principal hors de toute zone identifiée (<header>, <nav>, role=\"search\"…), et aucun lien d’évitement ne mène au contenu principal."])
        #expect(unskippable.first?.status == .aVerifier)
        // A skip link to the main zone, or landmarks: nothing.
        let skipped = try Self.check("<p>Texte</p>", before: "<a href=\"#contenu\">Aller au contenu</a>" + header).filter { $0.test == "12.6.1" }
        #expect(skipped.isEmpty)
        let landmarks = try Self.check("<p>Texte</p>", before: "<header><p>Mairie</p></header><nav aria-label=\"Menu\"><a href=\"/\">Accueil</a></nav><div role=\"search\"><a href=\"/r\">Rechercher</a></div>")
            .filter { $0.test == "12.6.1" }
        #expect(landmarks.isEmpty)
        let noMain = try AccessibilityChecker.check(html: "<!DOCTYPE html><html lang=\"fr\"><head><title>t</title></head><body><div>Texte</div></body></html>",
                                                    path: "x.html").filter { $0.test == "12.6.1" }
        #expect(noMain.map(\.message) == ["La zone de contenu principal n’est identifiée ni par <main> ni par un lien d’évitement."])
    }

    // MARK: 12.3 Site level

    static func page(_ path: String, main: String = "<p>Texte</p>", siteMap: String = "/plan-du-site/") -> SiteChecker.Page {
        let html = """
        <!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>\(path) – Mairie</title></head><body>
        <a href="#contenu">Aller au contenu</a><header><p>Mairie</p></header>
        <nav aria-label="Menu principal"><ul><li><a href="/">Accueil</a></li></ul></nav>
        <main id="contenu"><h1>\(path)</h1>
        \(main)
        </main><footer><p><a href="\(siteMap)">Plan du site</a></p></footer></body></html>
        """
        return SiteChecker.Page(path: path, html: Array(html.utf8))
    }

    static func siteMap(_ links: [String], at path: String = "plan-du-site/index.html", siteMap: String = "/plan-du-site/") -> SiteChecker.Page {
        page(path, main: "<ul>" + links.map { "<li><a href=\"\($0)\">Page \($0)</a></li>" }.joined(separator: "\n") + "</ul>", siteMap: siteMap)
    }

    @Test func siteMapWithABrokenLink() throws {
        let pages = [Self.page("index.html"), Self.page("demarches/index.html"), Self.page("demarches/etat-civil.html"),
                     Self.siteMap(["/", "/demarches/", "/demarches/etat-civil.html", "/demarches/voirie/", "../demarches/", "#haut",
                                   "https://www.service-public.fr/", "/documents/budget.pdf", "mailto:mairie@trifouillis.example"])]
        let findings = SiteChecker.check(pages).files.flatMap(\.findings).filter { $0.criterion == "12.3" }
        #expect(findings.map(\.message) == ["Le lien « Page /demarches/voirie/ » du plan du site mène à « /demarches/voirie/ », qui n’est pas une page du site."])
        #expect(findings.first?.status == .nonConforme)
        #expect(findings.first?.file == "plan-du-site/index.html")
        #expect(findings.first?.line == 8)
        #expect(findings.first?.snippet == "<a href=\"/demarches/voirie/\">")
        let summary = SiteChecker.check(pages).summary
        #expect(summary.criteria.first { $0.criterion == "12.3" }?.status == .nonConforme)
    }

    @Test func siteMapUnderASubPathOrAFolderPrefix() throws {
        // `guichet check site/`: paths carry the folder; the site is published under /portail/.
        let base = "/portail/plan-du-site/"
        let pages = [Self.page("site/index.html", siteMap: base), Self.page("site/demarches/index.html", siteMap: base),
                     Self.siteMap(["/portail/", "/portail/demarches/", "/portail/demarches/index.html", "/portail/plan-du-site/",
                                   "/portail/actualites/"], at: "site/plan-du-site/index.html", siteMap: base)]
        let report = SiteChecker.check(pages)
        #expect(report.files.flatMap(\.findings).filter { $0.criterion == "12.3" }.map(\.message)
                == ["Le lien « Page /portail/actualites/ » du plan du site mène à « /portail/actualites/ », qui n’est pas une page du site."])
    }

    @Test func siteMapThatLeadsToFewPages() throws {
        let pages = (1...8).map { Self.page("rubrique/page-\($0).html") } + [Self.page("index.html"), Self.siteMap(["/", "/rubrique/page-1.html"])]
        let findings = SiteChecker.check(pages).files.flatMap(\.findings).filter { $0.criterion == "12.3" }
        #expect(findings.map(\.message) == ["Le plan du site ne mène qu’à 2 des 9 pages du site."])
        #expect(findings.map(\.status) == [.aVerifier])
    }

    @Test func noSiteMapNoFinding() throws {
        let pages = [Self.page("index.html"), Self.page("a.html")]
        let report = SiteChecker.check(pages)
        #expect(report.files.flatMap(\.findings).filter { $0.criterion == "12.3" }.isEmpty)
        #expect(report.summary.criteria.first { $0.criterion == "12.3" }?.status == .nonApplicable)
    }

    @Test func linksAsTheSiteMapReadsThem() {
        #expect(SiteChecker.SiteLink("/a/b/", from: "x/index.html")?.keys == ["a/b/"])
        #expect(SiteChecker.SiteLink("../c/index.html?x=1#y", from: "site/plan/index.html")?.keys == ["site/c/"])
        #expect(SiteChecker.SiteLink("/a/page", from: "index.html")?.keys == ["a/page/", "a/page.html"])
        #expect(SiteChecker.SiteLink("/a/b.pdf", from: "index.html") == nil)
        #expect(SiteChecker.SiteLink("tel:0199001000", from: "index.html") == nil)
        #expect(SiteChecker.SiteLink("//cdn.example/x.html", from: "index.html") == nil)
        #expect(SiteChecker.SiteLink("#haut", from: "index.html") == nil)
    }

    // MARK: The W3C ACT corpus

    /// The new decided tests flag no ACT `passed` or `inapplicable` case, except markup the
    /// W3C Nu validator rejects too (a `<p>` in a `<button>`, a `tabindex` inside a link):
    /// those pages pass the ACT rule they illustrate but are not valid HTML (RGAA 8.2.1).
    @Test func actCorpusGivesNoNewFalsePositive() throws {
        guard let cases = try ACTConformanceTests.loadCorpus() else { return }
        let invalidMarkup: Set<String> = ["testcases/2ee8b8/aa38d4aa8f070ed0d96a67dda33c040f965c24be.html",
                                          "testcases/307n5z/e687f56e16c718c737b2ebc096ab768bd9d87d50.html"]
        let tests: Set<String> = ["3.3.1", "8.2.1", "10.6.1", "12.3.2", "12.6.1"]
        var flagged: [String] = []
        var seen: Set<String> = []
        for testCase in cases where testCase.expected != "failed" && testCase.relativePath.hasSuffix(".html") {
            guard seen.insert(testCase.relativePath).inserted else { continue }
            let bytes = try [UInt8](Data(contentsOf: ACTConformanceTests.corpusRoot.appendingPathComponent(testCase.relativePath)))
            let findings = try AccessibilityChecker.check(html: bytes, path: testCase.relativePath)
                .filter { $0.status == .nonConforme && tests.contains($0.test) && !$0.message.hasPrefix("L’id ") }
            if !findings.isEmpty && !invalidMarkup.contains(testCase.relativePath) {
                flagged.append("\(testCase.relativePath) [\(testCase.ruleId) \(testCase.expected)]: \(findings.map(\.message))")
            }
        }
        #expect(flagged.isEmpty, "\(flagged)")
    }

    // MARK: Hostile input

    /// Deep nesting of links, spans and blocks, thousands of borders, colours and site map
    /// links: answered in bounded time on a worker thread's small stack.
    @Test func hostileNestingStaysBounded() throws {
        let depth = 20_000
        let nested = String(repeating: "<span style=\"color: #777\"><a href=\"/x\" style=\"text-decoration: none\">x <div>", count: depth)
        let fields = String(repeating: "<input type=\"text\" aria-label=\"c\" style=\"border: 1px solid #eee\">", count: 3_000)
        let stray = String(repeating: "</p></a></i>", count: 5_000)
        let links = (0..<5_000).map { "<li><a href=\"/inconnu-\($0)/\">Page \($0)</a></li>" }.joined()
        // (Fields first: other rules look up each field's ancestors.)
        let html = "<!DOCTYPE html><html lang=\"fr\"><head><title>Plan du site</title></head><body><main>\(fields)\(stray)<ul>\(links)</ul><p>\(nested)</p></main></body></html>"
        let start = Date()
        let report = SiteChecker.check([SiteChecker.Page(path: "a.html", html: Array(html.utf8)),
                                        SiteChecker.Page(path: "plan-du-site/index.html", html: Array(html.utf8))])
        let seconds = Date().timeIntervalSince(start)
        print("hostile fourth-batch page (\(html.utf8.count) bytes) ×2: \(seconds) seconds")
        #expect(report.files.count == 2)
        #expect(report.files[0].findings.filter { $0.test == "8.2.1" }.count <= NestingRule.maximumFindings + HTMLDocument.maximumParseErrors)
        #expect(seconds < 60)
    }
}
