import Foundation
import Testing
@testable import Accessibility

/// Contrast with CSS custom properties (Fixtures/css, written by Fixtures/css/make.py): each
/// failing page gives exactly the expected 3.2 finding, word for word; each passing page
/// gives no finding at all.
@Suite struct CSSCustomPropertyFixtureTests {
    struct Expectation: CustomStringConvertible, Sendable {
        var fixture: String
        var test: String
        var status: Finding.Status
        var message: String
        var description: String { fixture }
    }

    static let expectations: [Expectation] = [
        .init(fixture: "var-root", test: "3.2.1", status: .nonConforme,
              message: "Contraste insuffisant : 2,48:1 entre le texte (#ffffff) et son arrière-plan (#8fa6c9) ; il faut au moins 4,5:1."),
        .init(fixture: "var-shorthand", test: "3.2.1", status: .nonConforme,
              message: "Contraste insuffisant : 2,48:1 entre le texte (#ffffff) et son arrière-plan (#8fa6c9) ; il faut au moins 4,5:1."),
        .init(fixture: "var-fallback", test: "3.2.1", status: .nonConforme,
              message: "Contraste insuffisant : 2,48:1 entre le texte (#ffffff) et son arrière-plan (#8fa6c9) ; il faut au moins 4,5:1."),
        .init(fixture: "var-inherited", test: "3.2.1", status: .nonConforme,
              message: "Contraste insuffisant : 1,47:1 entre le texte (#1e1e1e) et son arrière-plan (#1b3a6b) ; il faut au moins 4,5:1."),
        .init(fixture: "var-chain", test: "3.2.1", status: .nonConforme,
              message: "Contraste insuffisant : 1,67:1 entre le texte (#ffffff) et son arrière-plan (#c8c8c8) ; il faut au moins 4,5:1."),
        .init(fixture: "var-undefined", test: "3.2.1", status: .aVerifier,
              message: "Contraste non calculable : l’arrière-plan utilise la variable CSS --fond, qui n’est définie dans aucune règle que le vérificateur sait appliquer."),
        .init(fixture: "var-cycle", test: "3.2.1", status: .aVerifier,
              message: "Contraste non calculable : l’arrière-plan utilise la variable CSS --b, définie à partir d’elle-même (référence circulaire)."),
        .init(fixture: "var-undefined-color", test: "3.2.1", status: .aVerifier,
              message: "Contraste non calculable : la couleur du texte utilise la variable CSS --texte, qui n’est définie dans aucune règle que le vérificateur sait appliquer."),
    ]

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/css")

    static func findings(_ name: String) throws -> [Finding] {
        try AccessibilityChecker.check(html: [UInt8](Data(contentsOf: folder.appendingPathComponent(name))), path: name)
    }

    @Test(arguments: expectations)
    func failingPageGivesTheFinding(_ expected: Expectation) throws {
        let findings = try Self.findings("\(expected.fixture).fail.html")
        #expect(findings.map(\.test) == [expected.test], "got \(findings.map { "\($0.test) \($0.message)" })")
        #expect(findings.first?.message == expected.message)
        #expect(findings.first?.status == expected.status)
        #expect(findings.first?.fix.isEmpty == false)
    }

    @Test(arguments: expectations)
    func passingPageGivesNoFinding(_ expected: Expectation) throws {
        let findings = try Self.findings("\(expected.fixture).pass.html")
        #expect(findings == [], "got \(findings.map { "\($0.test) \($0.message)" })")
    }

    @Test func cannotComputeFindingNeverQuotesAComputedRatio() throws {
        for name in ["var-undefined", "var-cycle", "var-undefined-color"] {
            for finding in try Self.findings("\(name).fail.html") {
                #expect(!finding.message.contains(":1 entre"), "\(name): \(finding.message)")
                #expect(finding.fix.contains("Vérifiez à la main"))
            }
        }
    }

    @Test func undefinedVariableIsReportedOncePerCause() throws {
        // Two paragraphs inside the same bandeau: one finding, on the first.
        let findings = try Self.findings("var-undefined.fail.html")
        #expect(findings.count == 1)
        #expect(findings.first?.snippet == "<p>")
    }
}

/// The project's own theme (Theme/assets/guichet.css) on a page of the demo site: the
/// colours come from `:root` custom properties and descendant selectors.
@Suite struct DemoThemeContrastTests {
    static let theme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Theme/assets/guichet.css")
    static let page = CSSCustomPropertyFixtureTests.folder.appendingPathComponent("demo-form-page.html")

    static func findings(css: String) throws -> [Finding] {
        try AccessibilityChecker.check(html: [UInt8](Data(contentsOf: page)), path: "demo.html") { href in
            href == "/assets/guichet.css" ? css : nil
        }
    }

    @Test func themeColoursPassOnHeaderNavFooterAndButtons() throws {
        let css = try String(contentsOf: Self.theme, encoding: .utf8)
        let contrast = try Self.findings(css: css).filter { $0.test.hasPrefix("3.2") }
        #expect(contrast.isEmpty, "got \(contrast.map { "\($0.line ?? 0) \($0.message)" })")
    }

    @Test func aLightBrandColourIsCaughtInTheHeaderAndOnTheButton() throws {
        let css = try String(contentsOf: Self.theme, encoding: .utf8)
            .replacingOccurrences(of: "--brand: #1b3a6b;", with: "--brand: #8fa6c9;")
        let contrast = try Self.findings(css: css).filter { $0.test.hasPrefix("3.2") }
        let snippets = Set(contrast.map(\.snippet))
        #expect(snippets.contains("<p class=\"site-tagline\">"))
        #expect(snippets.contains("<button type=\"submit\" class=\"button\">"))
        #expect(contrast.allSatisfy { $0.message.contains("(#ffffff) et son arrière-plan (#8fa6c9)") || $0.message.contains("(#8fa6c9) et son arrière-plan (#ffffff)") },
                "got \(contrast.map(\.message))")
    }

    @Test func headerLinksUseTheDescendantRuleNotTheLinkColour() throws {
        // `a { color: var(--link) }` would give 1.37:1 on the brand blue; `.site-header a`
        // makes them white. Without descendant selectors this was a false finding.
        let css = try String(contentsOf: Self.theme, encoding: .utf8)
            .replacingOccurrences(of: ".site-header a { color: #ffffff; }", with: "")
        let contrast = try Self.findings(css: css).filter { $0.test.hasPrefix("3.2") }
        #expect(contrast.contains { $0.message.hasPrefix("Contraste insuffisant : 1,37:1 entre le texte (#1a4c9c) et son arrière-plan (#1b3a6b)") })
    }

    @Test func undefinedBrandSaysTheContrastCannotBeComputed() throws {
        let css = try String(contentsOf: Self.theme, encoding: .utf8)
            .replacingOccurrences(of: "--brand: #1b3a6b;", with: "")
        let contrast = try Self.findings(css: css).filter { $0.test.hasPrefix("3.2") }
        #expect(!contrast.isEmpty)
        #expect(contrast.allSatisfy { $0.status == .aVerifier && $0.message.hasPrefix("Contraste non calculable : ") && $0.message.contains(" utilise la variable CSS --brand, ") },
                "got \(contrast.map(\.message))")
        // One finding per cause and page, on the first text it hides: the header's background
        // (and so the button's), the headings' colour.
        #expect(contrast.count == 2, "got \(contrast.map { "\($0.snippet) \($0.message)" })")
        #expect(contrast.contains { $0.snippet == "<a href=\"/\">" && $0.message.contains("l’arrière-plan") })
        #expect(contrast.contains { $0.snippet == "<h1>" && $0.message.contains("la couleur du texte") })
    }
}

@Suite struct CSSVariablesTests {
    static func lookup(_ values: [String: String]) -> (String) -> Result<String, CSSVariables.Failure>? {
        { name in values[name].map { .success($0) } }
    }

    @Test func substitution() {
        let values = Self.lookup(["--brand": "#1b3a6b", "--empty": ""])
        #expect(CSSVariables.substitute("var(--brand)", lookup: values) == .success("#1b3a6b"))
        #expect(CSSVariables.substitute("VAR( --brand )", lookup: values) == .success("#1b3a6b"))
        #expect(CSSVariables.substitute("var(--brand) url(a.png)", lookup: values) == .success("#1b3a6b url(a.png)"))
        #expect(CSSVariables.substitute("var(--none, #fff)", lookup: values) == .success("#fff"))
        #expect(CSSVariables.substitute("var(--none, rgb(0, 0, 0))", lookup: values) == .success("rgb(0, 0, 0)"))
        #expect(CSSVariables.substitute("var(--none, var(--brand))", lookup: values) == .success("#1b3a6b"))
        #expect(CSSVariables.substitute("var(--none)", lookup: values) == .failure(.undefined("--none")))
        #expect(CSSVariables.substitute("var(--none, var(--other))", lookup: values) == .failure(.undefined("--other")))
        #expect(CSSVariables.substitute("var(brand)", lookup: values) == .failure(.malformed))
        #expect(CSSVariables.substitute("var(--brand", lookup: values) == .failure(.malformed))
        #expect(CSSVariables.substitute("#fff", lookup: values) == .success("#fff"))
        #expect(CSSVariables.substitute("navy", lookup: values) == .success("navy"))
    }

    @Test func computedValuesInheritAndResolveCycles() {
        let root = CSSVariables.compute(declared: ["--a": "#111111", "--b": "var(--a)"], inherited: [:])
        #expect(root["--b"] == .success("#111111"))
        let child = CSSVariables.compute(declared: ["--a": "#222222"], inherited: root)
        #expect(child["--a"] == .success("#222222"))
        #expect(child["--b"] == .success("#111111")) // computed where declared, then inherited
        let cycle = CSSVariables.compute(declared: ["--x": "var(--y)", "--y": "var(--x)", "--z": "var(--x, red)"], inherited: [:])
        #expect(cycle["--x"] == .failure(.cyclic("--x")))
        #expect(cycle["--y"] == .failure(.cyclic("--y")))
        #expect(cycle["--z"] == .success("red"))
    }

    @Test func exponentialGrowthIsCut() {
        var declared: [String: String] = ["--v0": "#000"]
        for level in 1...30 { declared["--v\(level)"] = "var(--v\(level - 1)) var(--v\(level - 1))" }
        let values = CSSVariables.compute(declared: declared, inherited: [:])
        #expect(values["--v30"] == .failure(.malformed))
    }
}

@Suite struct CSSColorParsingTests {
    @Test func hsl() throws {
        let navy = try #require(CSSColor(css: "hsl(217, 60%, 26%)"))
        #expect(Messages.hex(navy) == "#1b396a")
        #expect(CSSColor(css: "hsl(0 0% 100%)") == CSSColor.white)
        #expect(CSSColor(css: "hsla(120deg 100% 25% / 0.5)")?.alpha == 0.5)
        #expect(CSSColor(css: "hsl(0.5turn, 100%, 50%)").map(Messages.hex) == "#00ffff")
    }

    @Test func backgroundShorthand() {
        #expect(CSSColor.shorthandBackground("#fff url(a.png) no-repeat center / cover")
            == .init(color: .white, unreadable: nil, hasImage: true))
        #expect(CSSColor.shorthandBackground("none") == .init(color: nil, unreadable: nil, hasImage: false))
        #expect(CSSColor.shorthandBackground("linear-gradient(#000, #fff)") == .init(color: nil, unreadable: nil, hasImage: true))
        #expect(CSSColor.shorthandBackground("0 0 / 10px 10px repeat-x navy").color == CSSColor(css: "navy"))
        #expect(CSSColor.shorthandBackground("lab(29% 39 20)").unreadable == "lab(29% 39 20)")
        #expect(CSSColor.shorthandBackground("inherit").unreadable == "inherit")
    }
}

@Suite struct StyleResolverTests {
    static func declared(_ html: String, element: String, css: String? = nil) throws -> (DeclaredStyle, StyleResolver) {
        let document = try HTMLDocument(parsing: Array(html.utf8))
        let resolver = StyleResolver(document: document, stylesheet: css.map { css in { _ in css } })
        let index = try #require(document.nodes.indices.first { document.nodes[$0].attribute("id") == element })
        return (resolver.declared(index), resolver)
    }

    static let page = """
        <html><head><link rel="stylesheet" href="/s.css"></head><body>
        <header class="site-header"><nav class="main-nav"><ul><li><a id="lien" href="/" aria-current="page">A</a></li>
        <li id="deux"><span id="texte">B</span></li></ul></nav></header>
        <form><input id="champ" type="text" aria-invalid="true"></form></body></html>
        """

    @Test func combinatorsAttributesAndPseudoClasses() throws {
        let css = """
            a { color: blue }
            .site-header a { color: white }
            .main-nav > ul > li > a[aria-current] { font-weight: 700 }
            header .nope a { color: red }
            li + li span { background-color: yellow }
            li:first-child a { text-shadow: none }
            li:last-child > span:not(.x) { font-size: 20px }
            input[type="TEXT" i][aria-invalid=true] { background: #fff }
            :root { --brand: #1b3a6b }
            """
        let (link, _) = try Self.declared(Self.page, element: "lien", css: css)
        #expect(link.color == "white")
        #expect(link.fontWeight == "700")
        #expect(link.textShadow == "none")
        let (span, _) = try Self.declared(Self.page, element: "texte", css: css)
        #expect(span.backgroundColor == DeclaredValue(text: "yellow", fromShorthand: false))
        #expect(span.fontSize == "20px")
        let (field, _) = try Self.declared(Self.page, element: "champ", css: css)
        #expect(field.backgroundColor == DeclaredValue(text: "#fff", fromShorthand: true))
    }

    @Test func cascadeOrderSpecificityImportantAndInline() throws {
        let html = "<html><head><link rel=\"stylesheet\" href=\"s.css\"></head><body><p id=\"p\" class=\"a b\" style=\"color: green\">x</p></body></html>"
        let css = "p.a { color: red } #p { color: blue } .a.b { background-color: red } .b { background-color: blue !important } p { background-color: black }"
        let (style, _) = try Self.declared(html, element: "p", css: css)
        #expect(style.color == "green")
        #expect(style.backgroundColor?.text == "blue")
        let (important, _) = try Self.declared(html.replacingOccurrences(of: "color: green", with: "color: green; background-color: white !important"),
                                               element: "p", css: css)
        #expect(important.backgroundColor?.text == "white")
    }

    @Test func stateRulesAndPseudoElementsAreNotAppliedButCount() throws {
        let css = "a:hover { color: red } a::before { background-color: red } @media print { a { color: black } } @media (min-width: 40rem) { a { font-size: 2rem } }"
        let (link, resolver) = try Self.declared(Self.page, element: "lien", css: css)
        #expect(link.color == nil && link.backgroundColor == nil && link.fontSize == nil)
        #expect(resolver.hasUnresolvedRules(setting: ["color"]))
        #expect(resolver.hasUnresolvedRules(setting: ["background-color"]))
        #expect(resolver.hasUnresolvedRules(setting: ["font-size"]))
        let (_, printOnly) = try Self.declared(Self.page, element: "lien", css: "@media print { a { color: black } }")
        #expect(!printOnly.hasUnresolvedRules(setting: ["color"]))
    }

    @Test func selectorParsing() {
        #expect(CSSSelector(parsing: "a")?.specificity == 1)
        #expect(CSSSelector(parsing: ".site-header a")?.specificity == 101)
        #expect(CSSSelector(parsing: "#menu > ul li.actif")?.specificity == 10_102)
        #expect(CSSSelector(parsing: "input[type=\"text\"]")?.specificity == 101)
        #expect(CSSSelector(parsing: ":root")?.specificity == 100)
        #expect(CSSSelector(parsing: "a:not(.x)")?.specificity == 101)
        #expect(CSSSelector(parsing: "a:hover") == nil)
        #expect(CSSSelector(parsing: "a::before") == nil)
        #expect(CSSSelector(parsing: "li:nth-child(2)") == nil)
        #expect(CSSSelector(parsing: "a >") == nil)
        #expect(CSSSelector(parsing: ".a\\:b") == nil)
        #expect(CSSSelector.splitList("a, b:not(.x, .y) , c").count == 3)
    }

    @Test func deepNestingAgainstDescendantSelectorsStaysBounded() throws {
        // 20,000 nested divs and selectors that walk every ancestor of every element: the
        // matching budget stops the walk and the rules count as not resolved.
        let html = "<!DOCTYPE html><html lang=\"fr\"><head><title>Profonde – Mairie</title>"
            + "<style>.absent div { color: #eee } .a .b .c .d p { color: #eee }</style></head><body><main><h1>Profond</h1>"
            + String(repeating: "<div>", count: 20_000) + "<p>Texte profond</p>"
            + String(repeating: "</div>", count: 20_000) + "</main></body></html>"
        let start = ContinuousClock.now
        let findings = try AccessibilityChecker.check(html: html, path: "profonde.html")
        let elapsed = ContinuousClock.now - start
        #expect(elapsed < .seconds(30), "took \(elapsed)")
        #expect(!findings.contains { $0.test.hasPrefix("3.2") && $0.status == .nonConforme })
    }
}
