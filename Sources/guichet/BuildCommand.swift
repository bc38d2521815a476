import Accessibility
import ArgumentParser
import Foundation
import SiteBuilder

/// `guichet build`: Content + Forms + Theme → site/.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the static site (Content/, Theme/, guichet.yaml) into site/.",
        discussion: """
        Every problem is reported as FILE:LINE: message (in French), and the previous site is
        left untouched. Example:
          guichet build --root ./mairie --output /var/www/mairie
        """)

    @OptionGroup var site: SiteOptions

    @Option(name: .long, help: "Output folder (default: ROOT/site).")
    var output: String?

    @Option(name: .long, help: "Folder for the accessibility report, never published (default: ROOT/reports).")
    var reports: String?

    @Flag(name: .long, help: "Fail on 'à vérifier' accessibility items too, not only on non-conformities.")
    var strict = false

    func run() throws {
        let outputURL = output.map { URL(fileURLWithPath: $0) } ?? site.rootURL.appendingPathComponent("site")
        let reportsURL = reports.map { URL(fileURLWithPath: $0) } ?? site.rootURL.appendingPathComponent("reports")
        try buildSite(root: site.rootURL, output: outputURL, reports: reportsURL, strict: strict)
    }
}

/// Runs the build pipeline with progress and French diagnostics on standard error.
/// Throws the exit code of the CLI contract: 1 for content problems, 2 for configuration.
func buildSite(root: URL, output: URL, reports: URL, strict: Bool = false) throws(ExitCode) {
    let start = Date()
    let writer: DiskOutput
    do {
        writer = try DiskOutput(destination: output)
    } catch {
        printError("guichet: impossible de préparer le dossier de sortie \(output.path) : \(error.localizedDescription)")
        throw ExitCode(2)
    }
    do {
        var stageStart = start
        var durations: [String] = []
        let report = try SiteBuild.run(root: root, output: writer, strict: strict) { step, label in
            if step > 1 { durations.append(String(format: "%.2f s", Date().timeIntervalSince(stageStart))) }
            stageStart = Date()
            printError("[\(step)/\(SiteBuild.stages.count)] \(label)")
        }
        durations.append(String(format: "%.2f s", Date().timeIntervalSince(stageStart)))
        let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
        printError("Site construit : \(report.pages) pages et \(report.files) fichiers dans \(output.path) (\(seconds) s : \(durations.joined(separator: ", "))).")
        printError(ReportFormatter.summaryText(report.accessibility.summary), terminator: "")
        writeReports(report.accessibility, to: reports)
    } catch {
        for diagnostic in error.diagnostics { printError(diagnostic.description) }
        let count = error.diagnostics.count
        printError("[\(error.stage)] Échec de la construction : \(count) problème\(count > 1 ? "s" : "") à corriger. Le site précédent n’a pas été modifié.")
        throw ExitCode(error.kind == .configuration ? 2 : 1)
    }
}

/// The à-vérifier items go to a report for the editors, outside the published folder.
func writeReports(_ report: SiteReport, to folder: URL) {
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(ReportFormatter.html(report, title: "Points d’accessibilité à vérifier").utf8)
            .write(to: folder.appendingPathComponent("accessibilite.html"), options: .atomic)
        try Data(ReportFormatter.json(report).utf8).write(to: folder.appendingPathComponent("accessibilite.json"), options: .atomic)
        printError("Rapport d’accessibilité (points à vérifier) : \(folder.appendingPathComponent("accessibilite.html").path)")
    } catch {
        printError("guichet: le rapport d’accessibilité n’a pas pu être écrit dans \(folder.path) : \(error.localizedDescription)")
    }
}
