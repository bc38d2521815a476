import Markdown
import Testing

@Suite struct MarkdownRendererTests {
    @Test func tablesGetColumnHeaderScopeAndNoObsoleteAlign() {
        let html = MarkdownRenderer.render("""
            | Salle | Capacité |
            |:------|---------:|
            | Salle des fêtes | 200 |
            """).html
        #expect(html.contains("<th scope=\"col\" style=\"text-align: left\">Salle</th>"))
        #expect(html.contains("<th scope=\"col\" style=\"text-align: right\">Capacité</th>"))
        #expect(html.contains("<td style=\"text-align: left\">Salle des fêtes</td>"))
        #expect(!html.contains("align=\""))
        #expect(html.contains("<thead>") && html.contains("</thead>"))
        #expect(MarkdownRenderer.render("| A |\n|---|\n| 1 |").html.contains("<thead>\n<tr>\n<th scope=\"col\">A</th>"))
    }

    /// The scope is added on the bytes of cmark's output: text that looks like a header tag
    /// (escaped by cmark), accents around the table and a table at the very end stay intact.
    @Test func columnHeaderScopeLeavesTextAndNeighboursAlone() {
        let html = MarkdownRenderer.render("""
            Écrire « \\<th> » ou `<th>` n’ajoute rien.

            | É | th |
            |---|----|
            | \\<th> | à |
            """).html
        #expect(html.ranges(of: "scope=\"col\"").count == 2)
        #expect(html.contains("<p>Écrire « &lt;th&gt; » ou <code>&lt;th&gt;</code> n’ajoute rien.</p>"))
        #expect(html.contains("<th scope=\"col\">É</th>\n<th scope=\"col\">th</th>"))
        #expect(html.contains("<td>&lt;th&gt;</td>\n<td>à</td>"))
        #expect(html.hasSuffix("</table>\n"))
    }

    @Test func strikethroughAndAutolinks() {
        let html = MarkdownRenderer.render("Tarif ~~10 €~~ 8 € sur https://www.service-public.fr").html
        #expect(html.contains("<del>10 €</del>"))
        #expect(html.contains("<a href=\"https://www.service-public.fr\">https://www.service-public.fr</a>"))
    }

    @Test func imagesKeepTheirAlternativeAndEmptyMeansDecorative() {
        let html = MarkdownRenderer.render("![Plan d’accès à la mairie](/images/plan.png)\n\n![](/images/filet.png)").html
        #expect(html.contains("<img src=\"/images/plan.png\" alt=\"Plan d’accès à la mairie\" />"))
        #expect(html.contains("<img src=\"/images/filet.png\" alt=\"\" />"))
    }

    @Test func levelOneHeadingIsRefused() {
        let document = MarkdownRenderer.render("Intro\n\n# Pièces à fournir\n")
        #expect(document.problems == [MarkdownProblem(line: 3, message:
            "Le titre « Pièces à fournir » est de niveau 1 (« # ») : le seul titre de niveau 1 est celui de la page (title). Commencez vos intertitres à « ## ».")])
    }

    @Test func skippedHeadingLevelIsRefused() {
        let document = MarkdownRenderer.render("## Démarche\n\n#### Délais\n")
        #expect(document.problems == [MarkdownProblem(line: 3, message:
            "Le titre « Délais » saute un niveau (niveau 4 après un niveau 2) : utilisez « ### » pour garder une hiérarchie de titres continue.")])
        #expect(document.headings.map(\.level) == [2, 4])
    }

    @Test func headingsFromLevelTwoAreFine() {
        let document = MarkdownRenderer.render("## A\n\n### B\n\n## C\n")
        #expect(document.problems.isEmpty)
        #expect(document.html.contains("<h2>A</h2>"))
    }

    @Test func rawHTMLIsRefusedWithItsLine() {
        let document = MarkdownRenderer.render("Texte\n\n<div onclick=\"x()\">Clic</div>\n\nUn <b>gras</b>.")
        #expect(document.problems.count == 3)
        #expect(document.problems[0] == MarkdownProblem(line: 3, message:
            "Le code HTML « <div onclick=\"x()\">Clic</div> » n’est pas accepté dans une page : écrivez en Markdown (titres « ## », listes « - », liens [texte](adresse)). Si un signe « < » fait partie du texte, précédez-le d’une barre oblique inverse : « \\< »."))
        #expect(document.problems[1].line == 5)
        #expect(!document.html.contains("onclick"))
    }

    @Test func emptyLinkTextIsRefused() {
        let document = MarkdownRenderer.render("Voir [](/horaires/).")
        #expect(document.problems == [MarkdownProblem(line: 1, message:
            "Le lien vers « /horaires/ » n’a pas d’intitulé : écrivez entre crochets un texte qui dit où il mène, par exemple [Horaires de la mairie](/horaires/).")])
    }

    @Test func linkWithOnlyAnImageUsesItsAlternative() {
        #expect(MarkdownRenderer.render("[![Accueil](/logo.png)](/)").problems.isEmpty)
    }

    @Test func everyLinkIsOfferedForRewritingWithItsLine() {
        var seen: [LinkReference] = []
        let html = MarkdownRenderer.render("Ligne 1\n\nVoir [les horaires](horaires.md)\net ![carte](carte.png).") { link in
            seen.append(link)
            return link.kind == .link ? "/pratique/horaires/" : nil
        }.html
        #expect(seen == [LinkReference(url: "horaires.md", line: 3, kind: .link), LinkReference(url: "carte.png", line: 4, kind: .image)])
        #expect(html.contains("<a href=\"/pratique/horaires/\">les horaires</a>"))
        #expect(html.contains("src=\"carte.png\""))
    }

    @Test func hostileInputNeverCrashes() {
        let nested = String(repeating: "> ", count: 5_000) + "profond"
        #expect(MarkdownRenderer.render(nested).html.contains("profond"))
        let brackets = String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)
        #expect(!MarkdownRenderer.render(brackets).html.isEmpty)
        let big = String(repeating: "| a | b |\n|---|---|\n| 1 | 2 |\n", count: 2_000)
        #expect(MarkdownRenderer.render(big).html.contains("<table>"))
        #expect(MarkdownRenderer.render("a\u{0}b").html.contains("a\u{FFFD}b"))
    }
}
