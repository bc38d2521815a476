import Foundation
import GuichetModel
import SiteBuilder
import Testing

@Suite struct URLMappingTests {
    @Test(arguments: [
        ("Content/index.md", "/"),
        ("Content/demarches/index.md", "/demarches/"),
        ("Content/demarches/etat-civil.md", "/demarches/etat-civil/"),
        ("Content/demarches/etat-civil/acte-de-naissance.md", "/demarches/etat-civil/acte-de-naissance/"),
        ("Content/mentions-legales.md", "/mentions-legales/"),
    ])
    func prettyURLs(source: String, url: String) {
        #expect(SitePlan.url(forSourcePath: source) == url)
    }
}

@Suite struct FixtureSiteTests {
    static let site = """
        -- Content/index.md --
        ---
        title: Bienvenue
        ---
        Les [démarches](demarches/index.md) et les [horaires](/pratique/horaires).
        -- Content/demarches/index.md --
        ---
        title: Démarches
        description: Toutes les démarches.
        ---
        Choisissez une démarche.
        -- Content/demarches/naissance.md --
        ---
        title: Acte de naissance
        description: Demander une copie.
        section: État civil
        order: 1
        updated: 2026-11-01
        ---
        ## Pièces à fournir

        | Pièce | Obligatoire |
        |---|---|
        | Livret de famille | non |

        Voir les [horaires](../pratique/horaires.md#samedi) et le [tarif](/documents/tarifs.pdf).
        -- Content/demarches/mariage.md --
        ---
        title: Acte de mariage
        section: État civil
        order: 2
        ---
        Texte.
        -- Content/demarches/encombrants.md --
        ---
        title: Encombrants
        section: Voirie
        ---
        Texte.
        -- Content/pratique/horaires.md --
        ---
        title: Horaires
        ---
        ![](/documents/filet.png)
        -- Content/documents/tarifs.pdf --
        %PDF-1.4 fixture
        -- Content/documents/filet.png --
        PNG fixture
        """

    @Test func buildsEveryPageAtItsPrettyURL() throws {
        let fixture = try FixtureSite(Self.site)
        defer { fixture.remove() }
        let output = try fixture.build().get()
        let paths = Set(output.files.keys)
        for expected in ["index.html", "demarches/index.html", "demarches/naissance/index.html", "demarches/mariage/index.html",
                         "pratique/index.html", "pratique/horaires/index.html", "plan-du-site/index.html", "404.html",
                         "sitemap.xml", "documents/tarifs.pdf", "assets/guichet.css", "mentions-legales/index.html"] {
            #expect(paths.contains(expected), "missing \(expected)")
        }
    }

    @Test func pageHasTheMandatoryFrame() throws {
        let fixture = try FixtureSite(Self.site)
        defer { fixture.remove() }
        let page = try #require(try fixture.build().get().text("demarches/naissance/index.html"))
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"fr\">"))
        #expect(page.contains("<title>Acte de naissance – Ville de Test</title>"))
        #expect(page.contains("<p class=\"site-name\"><a href=\"/\">Ville de Test</a></p>"))
        #expect(page.contains("Téléphone : <a href=\"tel:+33199001000\">01 99 00 10 00</a>"))
        #expect(page.contains("<a href=\"#contenu\">Aller au contenu</a>"))
        #expect(page.contains("<main id=\"contenu\""))
        #expect(page.components(separatedBy: "<h1").count == 2)
        #expect(page.contains("<h1>Acte de naissance</h1>"))
        #expect(page.contains("<nav class=\"breadcrumb\" aria-label=\"Fil d'Ariane\">"))
        #expect(page.contains("<a href=\"/demarches/\">Démarches</a>"))
        #expect(page.contains("<a href=\"/demarches/naissance/\" aria-current=\"page\">Acte de naissance</a>"))
        #expect(page.contains("<a href=\"/accessibilite/\">Accessibilité : non conforme</a>"))
        #expect(page.contains("Mentions légales") && page.contains("Données personnelles") && page.contains("Plan du site"))
        #expect(page.contains("Mis à jour le <time datetime=\"2026-11-01\">1er novembre 2026</time>"))
        #expect(page.contains("<th scope=\"col\">Pièce</th>"))
        // Links written as files are published as the pages' URLs.
        #expect(page.contains("<a href=\"/pratique/horaires/#samedi\">horaires</a>"))
        #expect(page.contains("<a href=\"/documents/tarifs.pdf\">tarif</a>"))
    }

    @Test func navigationMarksTheCurrentPageAndSection() throws {
        let fixture = try FixtureSite(Self.site.replacingOccurrences(of: "-- Content/index.md --", with: """
            -- guichet.yaml --
            \(FixtureSite.defaultConfig)
              - { label: "Démarches", url: "/demarches/" }
            -- Content/index.md --
            """))
        defer { fixture.remove() }
        let output = try fixture.build().get()
        #expect(output.text("demarches/index.html")!.contains("<a href=\"/demarches/\" aria-current=\"page\">Démarches</a>"))
        #expect(output.text("demarches/mariage/index.html")!.contains("<a href=\"/demarches/\" aria-current=\"true\">Démarches</a>"))
        #expect(output.text("index.html")!.contains("<a href=\"/\" aria-current=\"page\">Accueil</a>"))
        #expect(!output.text("demarches/index.html")!.contains("<a href=\"/\" aria-current"))
    }

    @Test func folderIndexListsPagesByOrderThenTitleGroupedBySection() throws {
        let fixture = try FixtureSite(Self.site)
        defer { fixture.remove() }
        let page = try fixture.build().get().text("demarches/index.html")!
        let naissance = try #require(page.range(of: "Acte de naissance</a>"))
        let mariage = try #require(page.range(of: "Acte de mariage</a>"))
        let voirie = try #require(page.range(of: "<h3>Voirie</h3>"))
        #expect(naissance.lowerBound < mariage.lowerBound && mariage.lowerBound < voirie.lowerBound)
        #expect(page.contains("<h3>État civil</h3>"))
        #expect(page.contains("<p>Demander une copie.</p>"))
    }

    @Test func generatedFolderIndexAndSiteMap() throws {
        let fixture = try FixtureSite(Self.site)
        defer { fixture.remove() }
        let output = try fixture.build().get()
        // Content/pratique/ has no index.md: its page is generated from the folder name.
        #expect(output.text("pratique/index.html")!.contains("<h1>Pratique</h1>"))
        let map = output.text("plan-du-site/index.html")!
        #expect(map.contains("<title>Plan du site – Ville de Test</title>"))
        #expect(map.contains("<a href=\"/demarches/naissance/\">Acte de naissance</a>"))
        let xml = output.text("sitemap.xml")!
        #expect(xml.contains("<url><loc>https://www.test.example/demarches/naissance/</loc><lastmod>2026-11-01</lastmod></url>"))
        #expect(output.text("404.html")!.contains("<h1>Page introuvable</h1>"))
    }

    @Test func siteUnderASubPathPrefixesEveryURL() throws {
        let fixture = try FixtureSite(Self.site.replacingOccurrences(of: "-- Content/index.md --", with: """
            -- guichet.yaml --
            \(FixtureSite.defaultConfig.replacingOccurrences(of: "https://www.test.example", with: "https://www.test.example/portail"))
            -- Content/index.md --
            """))
        defer { fixture.remove() }
        let page = try fixture.build().get().text("demarches/naissance/index.html")!
        #expect(page.contains("href=\"/portail/assets/guichet.css\""))
        #expect(page.contains("<a href=\"/portail/pratique/horaires/#samedi\">horaires</a>"))
        #expect(page.contains("<link rel=\"canonical\" href=\"https://www.test.example/portail/demarches/naissance/\">"))
    }
}

@Suite struct BuildErrorTests {
    func messages(_ spec: String) throws -> [String] {
        let fixture = try FixtureSite(spec)
        defer { fixture.remove() }
        switch fixture.build() {
        case .success: return []
        case .failure(let failure): return failure.diagnostics.map(\.description)
        }
    }

    @Test func brokenLinksAreReportedWithFileAndLine() throws {
        #expect(try messages("""
            -- Content/index.md --
            ---
            title: Accueil
            ---
            Voir [la page](absente.md),
            [l’adresse](/nulle-part/) et ![le plan](plan.png).

            [Script](javascript:alert(1))
            """) == [
            "Content/index.md:4: Le lien « absente.md » mène à une page qui n’existe pas (Content/absente.md est introuvable) : corrigez le nom du fichier ou créez la page.",
            "Content/index.md:5: Le lien « /nulle-part/ » mène à une adresse qui n’existe pas sur le site (/nulle-part) : vérifiez l’orthographe, ou placez le fichier dans Content/.",
            "Content/index.md:5: L’image « plan.png » désigne un fichier qui n’existe pas sur le site (/plan.png) : vérifiez l’orthographe, ou placez le fichier dans Content/.",
            "Content/index.md:7: Les adresses « javascript: » ne sont pas acceptées : utilisez un lien https://, mailto: ou tel:, ou un lien vers une page du site.",
        ])
    }

    @Test func linkAboveTheContentFolder() throws {
        #expect(try messages("""
            -- Content/index.md --
            ---
            title: Accueil
            ---
            [Secret](../../etc/passwd)
            """) == ["Content/index.md:4: Le lien « ../../etc/passwd » remonte au-dessus du dossier Content/ : corrigez le nombre de « ../ »."])
    }

    @Test func twoFilesForOneURL() throws {
        #expect(try messages("""
            -- Content/aide.md --
            ---
            title: Aide
            ---
            -- Content/aide/index.md --
            ---
            title: Aide en ligne
            ---
            """) == ["Content/aide/index.md:1: Cette page aurait la même adresse (/aide/) que Content/aide.md : renommez ou déplacez l’un des deux fichiers."])
    }

    @Test func everyPageProblemIsReportedAtOnce() throws {
        #expect(try messages("""
            -- Content/a.md --
            ---
            titre: A
            ---
            -- Content/b.md --
            Pas d’en-tête
            -- Content/c.md --
            ---
            description: sans titre
            ---
            """) == [
            "Content/a.md:2: La clé « titre » n’est pas reconnue dans l’en-tête de la page. Vouliez-vous écrire « title » ? Clés possibles : title, description, section, order, form, updated.",
            "Content/b.md:1: La page doit commencer par un en-tête entre deux lignes « --- » qui donne au moins son titre, par exemple :\n---\ntitle: Acte de naissance\n---",
            "Content/c.md:3: La page n’a pas de titre : ajoutez « title: … » dans son en-tête.",
        ])
    }

    @Test func duplicateTitles() throws {
        #expect(try messages("""
            -- Content/a.md --
            ---
            title: Horaires
            ---
            -- Content/b.md --
            ---
            title: horaires
            ---
            """) == ["Content/b.md:2: Le titre « horaires » est déjà celui de Content/a.md : chaque page doit avoir un titre unique pour qu’on la reconnaisse dans l’onglet, l’historique et les résultats de recherche."])
    }

    @Test func badFileNamesAndEncodings() throws {
        let fixture = try FixtureSite("""
            -- Content/État civil.md --
            ---
            title: État civil
            ---
            """)
        defer { fixture.remove() }
        try Data([0x2D, 0x2D, 0x2D, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: fixture.root.appendingPathComponent("Content/latin1.md"))
        let failure = try #require(fixture.build().failure)
        #expect(failure.diagnostics.map(\.description) == [
            "Content/État civil.md: Le nom du fichier « État civil.md » donne l’adresse de la page : n’utilisez que des minuscules sans accent, des chiffres et des tirets (par exemple acte-de-naissance.md).",
            "Content/latin1.md: Le fichier n’est pas un texte UTF-8 (caractères accentués mal codés) : enregistrez-le en UTF-8.",
        ])
    }

    @Test func oversizedAndBinaryPages() throws {
        let fixture = try FixtureSite("")
        defer { fixture.remove() }
        try Data(repeating: 0x61, count: 3_000_000).write(to: fixture.root.appendingPathComponent("Content/enorme.md"))
        try Data("---\ntitle: a\n---\n\u{0}\u{1}".utf8).write(to: fixture.root.appendingPathComponent("Content/binaire.md"))
        let failure = try #require(fixture.build().failure)
        #expect(failure.diagnostics.map(\.description) == [
            "Content/binaire.md:4: Le fichier contient un caractère nul : ce n’est pas un texte. Vérifiez qu’il s’agit bien d’une page Markdown.",
            "Content/enorme.md: La page fait 3 Mo : une page ne peut pas dépasser 2 Mo. Découpez-la en plusieurs pages.",
        ])
    }

    @Test func missingRequiredPagesAndBadNavigation() throws {
        let fixture = try FixtureSite("""
            -- guichet.yaml --
            \(FixtureSite.defaultConfig)
              - { label: "Aide", url: "/aide/" }
            -- Content/index.md --
            ---
            title: Accueil
            ---
            -- Theme/templates/layout.mustache --
            {{{body}}}
            -- Theme/templates/page.mustache --
            {{title}}
            -- Theme/templates/sitemap.mustache --
            -- Theme/templates/not-found.mustache --
            -- Theme/templates/form.mustache --
            -- Theme/templates/form-field.mustache --
            """, withDefaults: false)
        defer { fixture.remove() }
        let failure = try #require(fixture.build().failure)
        #expect(failure.stage == "plan du site")
        #expect(failure.diagnostics.map(\.description) == [
            "Content/mentions-legales.md: Cette page obligatoire est absente : créez Content/mentions-legales.md avec les mentions légales ; chaque pied de page y renvoie.",
            "Content/donnees-personnelles.md: Cette page obligatoire est absente : créez Content/donnees-personnelles.md avec la politique de données personnelles (RGPD) ; chaque pied de page y renvoie.",
            "Content/accessibilite.md: Cette page obligatoire est absente : créez Content/accessibilite.md avec la déclaration d’accessibilité (décret n° 2019-768) ; chaque pied de page y renvoie.",
            "guichet.yaml:13: L’entrée de menu « Aide » mène à /aide/, qui n’est pas une page du site : corrigez son adresse (par exemple /demarches/).",
        ])
    }

    @Test func brokenTemplate() throws {
        let fixture = try FixtureSite("-- Content/index.md --\n---\ntitle: A\n---\n")
        defer { fixture.remove() }
        try fixture.write("Theme/templates/page.mustache", "<h1>{{title}}</h1>\n{{#listing}}\n")
        let failure = try #require(fixture.build().failure)
        #expect(failure.kind == .configuration)
        #expect(failure.diagnostics.first?.file == "Theme/templates/page.mustache")
        #expect(failure.diagnostics.first?.message.contains("Le gabarit Mustache est mal formé") == true)
    }

    @Test func missingConfiguration() throws {
        let fixture = try FixtureSite("-- Content/index.md --\n---\ntitle: A\n---\n", withDefaults: false)
        defer { fixture.remove() }
        let failure = try #require(fixture.build().failure)
        #expect(failure.kind == .configuration)
        #expect(failure.diagnostics.first?.message.hasPrefix("Le fichier de configuration est introuvable") == true)
    }
}

@Suite struct DiskOutputTests {
    @Test func failedBuildLeavesThePreviousSiteUntouched() throws {
        let fixture = try FixtureSite("-- Content/index.md --\n---\ntitle: Accueil\n---\nVersion 1\n")
        defer { fixture.remove() }
        let destination = fixture.root.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        try Data("Dossier produit par guichet build.\n".utf8).write(to: destination.appendingPathComponent("README.md"))

        _ = try SiteBuild.run(root: fixture.root, output: try DiskOutput(destination: destination))
        let first = try String(contentsOf: destination.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(first.contains("Version 1"))
        #expect(FileManager.default.fileExists(atPath: destination.appendingPathComponent("README.md").path))

        try fixture.write("Content/index.md", "---\ntitle: Accueil\n---\n[cassé](absent.md)\n")
        #expect(throws: BuildFailure.self) {
            _ = try SiteBuild.run(root: fixture.root, output: try DiskOutput(destination: destination))
        }
        #expect(try String(contentsOf: destination.appendingPathComponent("index.html"), encoding: .utf8) == first)

        try fixture.write("Content/index.md", "---\ntitle: Accueil\n---\nVersion 2\n")
        _ = try SiteBuild.run(root: fixture.root, output: try DiskOutput(destination: destination))
        #expect(try String(contentsOf: destination.appendingPathComponent("index.html"), encoding: .utf8).contains("Version 2"))
        #expect(FileManager.default.fileExists(atPath: destination.appendingPathComponent("README.md").path))
        // No staging folder is left behind, whatever happened.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.root.path).filter { $0.hasPrefix(".site.tmp") }
        #expect(leftovers.isEmpty)
    }
}

extension Result {
    var failure: Failure? { if case .failure(let f) = self { return f } else { return nil } }
}
