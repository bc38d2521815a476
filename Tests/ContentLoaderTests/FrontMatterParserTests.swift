import ContentLoader
import GuichetModel
import Testing

@Suite struct FrontMatterParserTests {
    let file = "Content/demarches/acte.md"

    func parse(_ text: String) -> Result<SourcePage, Diagnostic> {
        do { return .success(try FrontMatterParser.parse(text, file: file)) } catch { return .failure(error) }
    }

    func failure(_ text: String) -> Diagnostic? {
        if case .failure(let d) = parse(text) { return d }
        return nil
    }

    @Test func readsEveryKeyAndKeepsBodyLines() throws {
        let page = try FrontMatterParser.parse("""
            ---
            title: Acte de naissance
            description: Obtenir une copie intégrale ou un extrait.
            section: État civil
            order: 2
            updated: 2026-11-20
            ---
            Texte.
            """, file: file)
        #expect(page.frontMatter == FrontMatter(title: "Acte de naissance", description: "Obtenir une copie intégrale ou un extrait.",
                                                section: "État civil", order: 2, updated: SimpleDate(year: 2026, month: 11, day: 20)))
        #expect(page.body == "Texte.")
        #expect(page.bodyFirstLine == 8)
    }

    @Test func acceptsWindowsLineEndingsAndBOM() throws {
        let page = try FrontMatterParser.parse("\u{FEFF}---\r\ntitle: Accueil\r\n---\r\nBonjour", file: file)
        #expect(page.frontMatter.title == "Accueil")
    }

    @Test func missingFrontMatter() {
        #expect(failure("Bonjour")?.description == """
            Content/demarches/acte.md:1: La page doit commencer par un en-tête entre deux lignes « --- » qui donne au moins son titre, par exemple :
            ---
            title: Acte de naissance
            ---
            """)
    }

    @Test func unclosedFrontMatter() {
        #expect(failure("---\ntitle: A\nTexte")?.description ==
            "Content/demarches/acte.md:1: L’en-tête de la page n’est pas fermé : ajoutez une ligne « --- » après la dernière clé (title, description…).")
    }

    @Test func unknownKeySuggestsTheClosestOne() {
        #expect(failure("---\ntitle: A\ndescripton: B\n---\n")?.description ==
            "Content/demarches/acte.md:3: La clé « descripton » n’est pas reconnue dans l’en-tête de la page. Vouliez-vous écrire « description » ? Clés possibles : title, description, section, order, form, updated.")
    }

    @Test func unknownKeyWithoutSuggestion() {
        #expect(failure("---\ntitle: A\nauteur: Marie\n---\n")?.description ==
            "Content/demarches/acte.md:3: La clé « auteur » n’est pas reconnue dans l’en-tête de la page. Clés possibles : title, description, section, order, form, updated.")
    }

    @Test func missingTitle() {
        #expect(failure("---\ndescription: B\n---\n")?.description ==
            "Content/demarches/acte.md:3: La page n’a pas de titre : ajoutez « title: … » dans son en-tête.")
        #expect(failure("---\ntitle:\n---\n")?.description ==
            "Content/demarches/acte.md:2: La page n’a pas de titre : ajoutez « title: … » dans son en-tête.")
    }

    @Test func emptyFrontMatter() {
        #expect(failure("---\n---\nTexte")?.description ==
            "Content/demarches/acte.md:2: L’en-tête est vide : indiquez au moins le titre de la page (title: …).")
    }

    @Test func malformedYAMLGivesTheLine() {
        let d = failure("---\ntitle: A\norder: [1\n---\n")
        #expect(d?.line == 4 || d?.line == 3)
        #expect(d?.message.hasPrefix("La syntaxe YAML est invalide : vérifiez l’indentation, les deux-points après chaque clé et les guillemets") == true)
    }

    @Test func orderMustBeAnInteger() {
        #expect(failure("---\ntitle: A\norder: premier\n---\n")?.description ==
            "Content/demarches/acte.md:3: La valeur de « order » doit être un nombre entier, par exemple 3.")
    }

    @Test func impossibleDate() {
        #expect(failure("---\ntitle: A\nupdated: 2026-02-30\n---\n")?.description ==
            "Content/demarches/acte.md:3: La date « 2026-02-30 » de « updated » n’est pas valide : écrivez-la sous la forme AAAA-MM-JJ, par exemple 2026-11-20.")
    }

    @Test func titleMustBeText() {
        #expect(failure("---\ntitle:\n  - a\n---\n")?.description ==
            "Content/demarches/acte.md:3: La valeur de « title » doit être un texte.")
    }

    @Test func duplicateKey() {
        #expect(failure("---\ntitle: A\ntitle: B\n---\n")?.description ==
            "Content/demarches/acte.md:3: La clé « title » apparaît deux fois : gardez-en une seule.")
    }

    @Test(arguments: 0..<200)
    func randomInputNeverCrashes(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed))
        let alphabet = Array("---\n:title: é\"'[]{}#&*!|>%@`\t ab\r\u{0}")
        let length = Int.random(in: 0..<200, using: &generator)
        let text = "---\n" + String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
        switch parse(text) {
        case .success(let page): #expect(!page.frontMatter.title.isEmpty)
        case .failure(let d): #expect(!d.message.isEmpty)
        }
    }
}

/// SplitMix64: a small deterministic generator so failures can be replayed from the seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
