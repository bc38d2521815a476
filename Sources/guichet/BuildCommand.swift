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

    @Option(name: .long, help: "Folder holding guichet.yaml, Content/ and Theme/.")
    var root: String = "."

    @Option(name: .long, help: "Output folder (default: ROOT/site).")
    var output: String?

    @Flag(name: .long, help: "Treat 'à vérifier' accessibility items as failures (reserved for the checker).")
    var strict = false

    func run() throws {
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        let outputURL = output.map { URL(fileURLWithPath: $0) } ?? rootURL.appendingPathComponent("site")
        let start = Date()
        let writer: DiskOutput
        do {
            writer = try DiskOutput(destination: outputURL)
        } catch {
            printError("guichet: impossible de préparer le dossier de sortie \(outputURL.path) : \(error.localizedDescription)")
            throw ExitCode(2)
        }
        do {
            let report = try SiteBuild.run(root: rootURL, output: writer) { step, label in
                printError("[\(step)/\(SiteBuild.stages.count)] \(label)")
            }
            let seconds = Date().timeIntervalSince(start)
            printError("Site construit : \(report.pages) pages et \(report.files) fichiers dans \(outputURL.path) (\(String(format: "%.2f", seconds)) s).")
        } catch {
            for diagnostic in error.diagnostics { printError(diagnostic.description) }
            let count = error.diagnostics.count
            printError("[\(error.stage)] Échec de la construction : \(count) problème\(count > 1 ? "s" : "") à corriger. Le site précédent n’a pas été modifié.")
            throw ExitCode(error.kind == .configuration ? 2 : 1)
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
