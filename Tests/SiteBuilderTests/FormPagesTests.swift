import Foundation
import GuichetModel
import Rendering
import SiteBuilder
import Testing

@Suite struct FormPagesTests {
    static let config = FixtureSite.defaultConfig + """

        gateway_url: /guichet
        services:
          - { id: accueil, name: "Accueil", email: "accueil@test.example", phone: "01 99 00 10 00", address: "Mairie" }
        """
    static let form = """
        id: contact
        title: Écrire à la mairie
        service: accueil
        introduction: Posez votre question, nous répondons sous 15 jours.
        pieces:
          - Votre numéro de dossier, si vous en avez un
        procedure:
          kind: information
        privacy:
          purpose: Répondre à votre message.
          legal_basis: Mission d’intérêt public (article 6-1-e du RGPD).
          recipients: [Accueil de la mairie]
          retention: 1 an
        fields:
          - id: courriel
            kind: email
            label: Adresse électronique
            required: true
            autocomplete: email
          - id: sujet
            kind: radio
            label: Sujet
            required: true
            options: [Question, Réclamation]
          - id: piece
            kind: file
            label: Document
            required: false
            accept: [pdf]
        """

    func site(page: String = "form: contact", form: String = FormPagesTests.form) throws -> FixtureSite {
        try FixtureSite("""
            -- guichet.yaml --
            \(Self.config)
            -- Forms/contact.yaml --
            \(form)
            -- Content/index.md --
            ---
            title: Accueil
            ---
            -- Content/contact.md --
            ---
            title: Contact
            \(page)
            ---
            Écrivez-nous.
            """)
    }

    @Test func everyFormHasItsPageAndCanBePlacedInAPage() throws {
        let fixture = try site()
        defer { fixture.remove() }
        let output = try fixture.build().get()
        let formPage = try #require(output.text("formulaires/contact/index.html"))
        #expect(formPage.contains("<h1>Écrire à la mairie</h1>"))
        #expect(formPage.contains("<li>Votre numéro de dossier, si vous en avez un</li>"))
        #expect(formPage.contains("<form class=\"demarche\" action=\"/guichet/formulaires/contact\" method=\"post\" enctype=\"multipart/form-data\" novalidate>"))
        #expect(formPage.contains("<input type=\"hidden\" name=\"guichet-version\" value=\""))
        #expect(formPage.contains("<label for=\"courriel\">Adresse électronique <span class=\"required\">*</span></label>"))
        #expect(formPage.contains("autocomplete=\"email\""))
        #expect(formPage.contains("<legend>Sujet <span class=\"required\">*</span></legend>"))
        #expect(formPage.contains("<input type=\"radio\" id=\"sujet-1\" name=\"sujet\" value=\"question\">"))
        #expect(formPage.contains("<label for=\"piece\">Document</label>"))
        #expect(formPage.contains("Un fichier, au format PDF, de 5 Mo au plus chacun."))
        #expect(formPage.contains("<div class=\"hp\" aria-hidden=\"true\">"))
        #expect(try duplicateIDs(formPage) == [])
        #expect(formPage.contains("<p class=\"convention\">Les champs marqués d’un astérisque (<span class=\"required\">*</span>) sont obligatoires.</p>"))
        let page = try #require(output.text("contact/index.html"))
        #expect(page.contains("<p>Écrivez-nous.</p>"))
        #expect(page.contains("action=\"/guichet/formulaires/contact\""))
        #expect(output.text("formulaires/index.html")?.contains("<h1>Formulaires en ligne</h1>") == true)
    }

    /// RGPD article 13, as a list that needs no article before the authority's name.
    @Test func privacyNoticeNamesTheControllerWithoutAGrammarTrap() throws {
        let fixture = try site()
        defer { fixture.remove() }
        let formPage = try #require(try fixture.build().get().text("formulaires/contact/index.html"))
        let notice = try #require(formPage.range(of: "<section class=\"privacy\"").flatMap { start in
            formPage.range(of: "</section>", range: start.lowerBound..<formPage.endIndex).map { String(formPage[start.lowerBound..<$0.upperBound]) }
        })
        #expect(notice == """
            <section class="privacy" aria-labelledby="donnees-contact">
            <h3 id="donnees-contact">Vos données personnelles</h3>
            <ul>
            <li>Responsable du traitement : Ville de Test</li>
            <li>Finalité : Répondre à votre message.</li>
            <li>Base légale : Mission d’intérêt public (article 6-1-e du RGPD).</li>
            <li>Destinataires : Accueil de la mairie</li>
            <li>Durée de conservation : 1 an</li>
            </ul>
            <p>Vous pouvez accéder à vos données, les faire rectifier, en demander l’effacement ou la limitation, et vous opposer à leur traitement, en écrivant au délégué à la protection des données : <a href="mailto:dpo@test.example">dpo@test.example</a> (1 place de la Mairie, 99150 Testville). Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la Commission nationale de l’informatique et des libertés (<a href="https://www.cnil.fr/fr/plaintes">CNIL, www.cnil.fr</a>). <a href="/donnees-personnelles/">En savoir plus sur vos données personnelles</a>.</p>
            </section>
            """)
    }

    /// `form` with other fields.
    static func form(fields: String) -> String {
        """
        id: contact
        title: Écrire à la mairie
        service: accueil
        procedure:
          kind: information
        privacy:
          purpose: Répondre à votre message.
          legal_basis: Mission d’intérêt public (article 6-1-e du RGPD).
          recipients: [Accueil de la mairie]
          retention: 1 an
        fields:
        \(fields)
        """
    }

    static let addressWithHint = form(fields: """
          - id: adresse-envoi
            kind: address
            label: Adresse d’envoi
            hint: Si elle est différente de votre adresse.
            required: false
        """)

    static let dateAndFiles = form(fields: """
          - id: date-evenement
            kind: date
            label: Date de l’événement
          - id: plan
            kind: file
            label: Plan de la salle
            accept: [pdf]
            max_size: 2,5 Mo
          - id: photo
            kind: file
            label: Photo
            required: false
            accept: [jpg]
            max_size: 500 ko
        """)

    /// Every `id="…"` of a page that appears more than once.
    func duplicateIDs(_ html: String) throws -> [String] {
        let ids = try Regex(#" id="([^"]*)""#)
        let all = html.matches(of: ids).map { String($0.output[1].substring ?? "") }
        return Dictionary(grouping: all, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
    }

    /// The parts of an address are rendered inside the address's context: nothing of the
    /// address (its hint, above all) may show up again in each part.
    @Test func addressHintIsShownOnceUnderItsLegend() throws {
        let fixture = try site(form: Self.addressWithHint)
        defer { fixture.remove() }
        let formPage = try #require(try fixture.build().get().text("formulaires/contact/index.html"))
        #expect(formPage.components(separatedBy: "Si elle est différente de votre adresse.").count == 2)
        #expect(try duplicateIDs(formPage) == [])
        #expect(formPage.contains("""
            <fieldset class="field address" aria-describedby="adresse-envoi-indice">
            <legend>Adresse d’envoi</legend>
            <p class="hint" id="adresse-envoi-indice">Si elle est différente de votre adresse.</p>
            """))
        // Each part has its own hint or none: no aria-describedby borrowed from the address.
        #expect(formPage.contains("<label for=\"adresse-envoi-voie\">Numéro et nom de la voie</label>"))
        #expect(formPage.contains(
            "<input type=\"text\" id=\"adresse-envoi-voie\" name=\"adresse-envoi-voie\" value=\"\" autocomplete=\"address-line1\" maxlength=\"200\">"))
        #expect(formPage.contains("<p class=\"hint\" id=\"adresse-envoi-complement-indice\">Bâtiment, appartement, lieu-dit…</p>"))
        #expect(formPage.contains(
            "<input type=\"text\" id=\"adresse-envoi-complement\" name=\"adresse-envoi-complement\" value=\"\" autocomplete=\"address-line2\" maxlength=\"200\" aria-describedby=\"adresse-envoi-complement-indice\">"))
        #expect(formPage.contains(
            "<input type=\"text\" id=\"adresse-envoi-code-postal\" name=\"adresse-envoi-code-postal\" value=\"\" autocomplete=\"postal-code\" inputmode=\"numeric\" maxlength=\"5\" spellcheck=\"false\">"))
    }

    /// Dates are typed as text with their format under the label, and no number pad: the
    /// iOS one has no "/".
    @Test func dateFieldHasItsFormatAndNoNumberPad() throws {
        let fixture = try site(form: Self.dateAndFiles)
        defer { fixture.remove() }
        let formPage = try #require(try fixture.build().get().text("formulaires/contact/index.html"))
        #expect(formPage.contains("<label for=\"date-evenement\">Date de l’événement <span class=\"required\">*</span></label>"))
        #expect(formPage.contains("<p class=\"hint\" id=\"date-evenement-indice\">Format attendu : JJ/MM/AAAA, par exemple 14/07/1990.</p>"))
        #expect(formPage.contains(
            "<input type=\"text\" id=\"date-evenement\" name=\"date-evenement\" value=\"\" required aria-describedby=\"date-evenement-indice\">"))
    }

    @Test func fileHintsSayTheLimitAsWritten() throws {
        let fixture = try site(form: Self.dateAndFiles)
        defer { fixture.remove() }
        let formPage = try #require(try fixture.build().get().text("formulaires/contact/index.html"))
        #expect(formPage.contains("<p class=\"hint\" id=\"plan-indice\">Un fichier, au format PDF, de 2,5 Mo au plus chacun.</p>"))
        #expect(formPage.contains("<p class=\"hint\" id=\"photo-indice\">Un fichier, au format JPG, de 500 ko au plus chacun.</p>"))
        #expect(formPage.contains("<label for=\"plan\">Plan de la salle <span class=\"required\">*</span></label>"))
        #expect(formPage.contains("<label for=\"photo\">Photo</label>"))
    }

    @Test func unknownFormIsReportedAtItsLine() throws {
        let fixture = try site(page: "form: contacte")
        defer { fixture.remove() }
        let failure = try #require(fixture.build().failure)
        #expect(failure.diagnostics.map(\.description) == [
            "Content/contact.md:3: Le formulaire « contacte » n’existe pas : il faut un fichier Forms/contacte.yaml. Formulaires existants : contact.",
        ])
    }

    @Test func introductionIsCheckedLikeAPage() throws {
        let fixture = try site()
        defer { fixture.remove() }
        try fixture.write("Forms/contact.yaml", Self.form.replacingOccurrences(
            of: "introduction: Posez votre question, nous répondons sous 15 jours.",
            with: "introduction: |\n  # Bonjour\n\n  Voir [la page](absente.md)."))
        let failure = try #require(fixture.build().failure)
        #expect(failure.diagnostics.map(\.description) == [
            "Forms/contact.yaml: Dans « introduction » : Le lien « absente.md » mène à une page qui n’existe pas (Content/absente.md est introuvable) : corrigez le nom du fichier ou créez la page.",
            "Forms/contact.yaml: Dans « introduction », ligne 1 du texte : Le titre « Bonjour » est de niveau 1 (« # ») : le seul titre de niveau 1 est celui de la page (title). Commencez vos intertitres à « ## ».",
        ])
    }

    @Test func badFormStopsTheBuild() throws {
        let fixture = try site()
        defer { fixture.remove() }
        try fixture.write("Forms/contact.yaml", Self.form.replacingOccurrences(of: "kind: email", with: "kind: courriel"))
        let failure = try #require(fixture.build().failure)
        #expect(failure.diagnostics.first?.description.hasPrefix("Forms/contact.yaml:16: Le type de champ « courriel » n’existe pas.") == true)
    }

    @Test func errorStateKeepsValuesAndTiesMessagesToFields() throws {
        let fixture = try site()
        defer { fixture.remove() }
        let source = try SiteLoader.load(root: fixture.root)
        let form = try #require(source.forms.first)
        let view = FormView(form: form, config: source.config, action: "/guichet/formulaires/contact", privacyPageURL: "/donnees-personnelles/",
                            values: ["courriel": ["marie@"], "sujet": ["reclamation"]],
                            errors: [(id: "courriel", message: "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")])
        let html = source.theme.renderForm(view)
        #expect(html.contains("<p class=\"error-message\" id=\"courriel-erreur\"><span class=\"visually-hidden\">Erreur : </span>Saisissez une adresse électronique valide, par exemple nom@exemple.fr.</p>"))
        #expect(html.contains("value=\"marie@\""))
        #expect(html.contains("aria-describedby=\"courriel-erreur\" aria-invalid=\"true\""))
        #expect(html.contains("value=\"reclamation\" checked"))
        #expect(view.errors.map(\.target) == ["#courriel"])
        let radioError = FormView(form: form, config: source.config, action: "/a", privacyPageURL: "/p",
                                  errors: [(id: "sujet", message: "Choisissez une réponse pour « Sujet ».")])
        #expect(radioError.errors.map(\.target) == ["#sujet-1"])
    }
}
