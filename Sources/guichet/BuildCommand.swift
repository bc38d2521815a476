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

    func run() throws {
        let outputURL = output.map { URL(fileURLWithPath: $0) } ?? site.rootURL.appendingPathComponent("site")
        try buildSite(root: site.rootURL, output: outputURL)
    }
}

/// Runs the build pipeline with progress and French diagnostics on standard error.
/// Throws the exit code of the CLI contract: 1 for content problems, 2 for configuration.
func buildSite(root: URL, output: URL) throws(ExitCode) {
    let start = Date()
    let writer: DiskOutput
    do {
        writer = try DiskOutput(destination: output)
    } catch {
        printError("guichet: impossible de préparer le dossier de sortie \(output.path) : \(error.localizedDescription)")
        throw ExitCode(2)
    }
    do {
        let report = try SiteBuild.run(root: root, output: writer) { step, label in
            printError("[\(step)/\(SiteBuild.stages.count)] \(label)")
        }
        let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
        printError("Site construit : \(report.pages) pages et \(report.files) fichiers dans \(output.path) (\(seconds) s).")
    } catch {
        for diagnostic in error.diagnostics { printError(diagnostic.description) }
        let count = error.diagnostics.count
        printError("[\(error.stage)] Échec de la construction : \(count) problème\(count > 1 ? "s" : "") à corriger. Le site précédent n’a pas été modifié.")
        throw ExitCode(error.kind == .configuration ? 2 : 1)
    }
}
