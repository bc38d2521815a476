import ArgumentParser
import Foundation
import SiteBuilder
import Transports

/// `guichet serve`: build, then preview the site on http://127.0.0.1:PORT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Build the site, then serve it on the loopback interface for preview.",
        discussion: """
        Example:
          guichet serve --root ./mairie --port 8080
        then open http://127.0.0.1:8080 in a browser. Stop with Ctrl+C.
        """)

    @OptionGroup var site: SiteOptions

    @Option(name: .long, help: "Port to listen on (127.0.0.1 only).")
    var port: Int = 8080

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
    }

    func run() async throws {
        let output = site.rootURL.appendingPathComponent("site")
        try buildSite(root: site.rootURL, output: output, reports: site.rootURL.appendingPathComponent("reports"))
        let server = PreviewServer(siteFolder: output.path, port: port)
        try await server.run { port in
            printError("Aperçu du site : http://127.0.0.1:\(port)/ (Ctrl+C pour arrêter)")
        }
    }
}
