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
            accept: [pdf]
        """

    func site(page: String = "form: contact") throws -> FixtureSite {
        try FixtureSite("""
            -- guichet.yaml --
            \(Self.config)
            -- Forms/contact.yaml --
            \(Self.form)
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
        #expect(formPage.contains("<label for=\"courriel\">Adresse électronique</label>"))
        #expect(formPage.contains("autocomplete=\"email\""))
        #expect(formPage.contains("<legend>Sujet</legend>"))
        #expect(formPage.contains("<input type=\"radio\" id=\"sujet-1\" name=\"sujet\" value=\"question\">"))
        #expect(formPage.contains("<label for=\"piece\">Document (facultatif)</label>"))
        #expect(formPage.contains("Un fichier, au format PDF, de 5 Mo au plus chacun."))
        #expect(formPage.contains("<div class=\"hp\" aria-hidden=\"true\">"))
        #expect(formPage.contains("Vos données personnelles"))
        #expect(formPage.contains("CNIL"))
        #expect(formPage.contains("Durée de conservation : 1 an"))
        let page = try #require(output.text("contact/index.html"))
        #expect(page.contains("<p>Écrivez-nous.</p>"))
        #expect(page.contains("action=\"/guichet/formulaires/contact\""))
        #expect(output.text("formulaires/index.html")?.contains("<h1>Formulaires en ligne</h1>") == true)
    }

    @Test func unknownFormIsReportedAtItsLine() throws {
        let fixture = try site(page: "form: contacte")
        defer { fixture.remove() }
        let failure = try #require(fixture.build().failure)
        #expect(failure.diagnostics.map(\.description) == [
            "Content/contact.md:3: Le formulaire « contacte » n’existe pas : il faut un fichier Forms/contacte.yaml. Formulaires existants : contact.",
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
