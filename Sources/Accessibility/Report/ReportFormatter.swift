import Foundation

/// The three ways `guichet check` tells its results: text for a person at a terminal, JSON
/// for tools (a stable contract, see README), HTML for an accessible report page.
public enum ReportFormatter {
    // MARK: - Text

    public static func text(_ report: SiteReport) -> String {
        var out = ""
        for file in report.files where !file.findings.isEmpty {
            out += "\(file.path)\n"
            for finding in file.findings {
                let line = finding.line.map { "ligne \($0)" } ?? "page"
                let status = finding.status == .nonConforme ? "non conforme" : "à vérifier"
                out += "  \(line) [\(finding.test)] \(status) : \(finding.message)\n"
                out += "    Correction : \(finding.fix)\n"
                if !finding.snippet.isEmpty { out += "    \(finding.snippet)\n" }
            }
            out += "\n"
        }
        out += summaryText(report.summary)
        return out
    }

    public static func summaryText(_ s: SiteReport.Summary) -> String {
        var out = "\(s.pages) page\(s.pages > 1 ? "s" : "") vérifiée\(s.pages > 1 ? "s" : "") : "
        out += "\(s.nonConformities) non-conformité\(s.nonConformities > 1 ? "s" : ""), "
        out += "\(s.toVerify) point\(s.toVerify > 1 ? "s" : "") à vérifier.\n"
        out += "Critères RGAA examinés automatiquement : \(s.conforming) conformes, \(s.nonConforming) non conformes, "
        out += "\(s.toVerifyCriteria) à vérifier, \(s.notApplicable) non applicables"
        if let rate = s.rate { out += " ; taux de conformité automatique : \(frenchNumber(rate)) %" }
        out += ".\n\(s.notCovered) critères sur \(RGAA.criteria.count) ne peuvent être évalués que par un audit manuel.\n"
        return out
    }

    // MARK: - JSON

    public static func json(_ report: SiteReport) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(report) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: - HTML

    /// A complete, accessible page: headings per page checked, one table of criteria with
    /// its caption and header cells, status in words (never by colour alone).
    public static func html(_ report: SiteReport, title: String = "Rapport de vérification RGAA") -> String {
        let s = report.summary
        var out = """
            <!DOCTYPE html>
            <html lang="fr">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>
            body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1e1e1e; background: #fff; }
            table { border-collapse: collapse; width: 100%; }
            th, td { border: 1px solid #767676; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
            th { background: #e8eef7; }
            a { color: #1a4c9c; }
            a:focus-visible { outline: 3px solid #b34700; outline-offset: 2px; }
            code { white-space: pre-wrap; word-break: break-all; }
            </style>
            </head>
            <body>
            <header><p>Guichet — vérificateur RGAA \(RGAA.version)</p></header>
            <main id="contenu">
            <h1>\(escape(title))</h1>
            <h2>Synthèse</h2>
            <p>\(escape(summaryText(s)).replacingOccurrences(of: "\n", with: "<br>\n"))</p>
            <p>Un audit manuel reste nécessaire : seuls les critères que le code d’une page permet de trancher sont évalués ici.</p>
            <h2>Critères</h2>
            <table>
            <caption>État de chaque critère RGAA examiné automatiquement</caption>
            <thead><tr><th scope="col">Critère</th><th scope="col">Intitulé</th><th scope="col">État</th></tr></thead>
            <tbody>

            """
        for c in s.criteria {
            out += "<tr><th scope=\"row\">\(c.criterion)</th><td>\(escape(c.title))</td><td>\(c.status.label)</td></tr>\n"
        }
        out += "</tbody>\n</table>\n<h2>Résultats par page</h2>\n"
        let withFindings = report.files.filter { !$0.findings.isEmpty }
        if withFindings.isEmpty { out += "<p>Aucune page ne présente de non-conformité ni de point à vérifier.</p>\n" }
        for file in withFindings {
            out += "<h3>\(escape(file.path))</h3>\n<ul>\n"
            for f in file.findings {
                let status = f.status == .nonConforme ? "Non conforme" : "À vérifier"
                let line = f.line.map { ", ligne \($0)" } ?? ""
                out += "<li><strong>\(status)</strong> — test \(f.test)\(line) : \(escape(f.message))<br>Correction : \(escape(f.fix))"
                if !f.snippet.isEmpty { out += "<br><code>\(escape(f.snippet))</code>" }
                out += "</li>\n"
            }
            out += "</ul>\n"
        }
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for char in text {
            switch char {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(char)
            }
        }
        return out
    }

    /// 87.5 → "87,5"
    public static func frenchNumber(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
        return text.replacingOccurrences(of: ".", with: ",")
    }
}
