import ArgumentParser
import Foundation
import Gateway
import SiteBuilder
import Transports

/// `guichet serve`: build, then preview the site on http://127.0.0.1:PORT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Build the site, then serve it and the form gateway on the loopback interface for preview.",
        discussion: """
        Example:
          guichet serve --root ./mairie --port 8080
        then open http://127.0.0.1:8080 in a browser. Stop with Ctrl+C.
        """)

    @OptionGroup var site: SiteOptions
    @OptionGroup var queue: QueueOptions

    @Option(name: .long, help: "Port to listen on (127.0.0.1 only).")
    var port: Int = 8080

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
    }

    func run() async throws {
        let output = site.rootURL.appendingPathComponent("site")
        try buildSite(root: site.rootURL, output: output, reports: site.rootURL.appendingPathComponent("reports"))
        let databasePath = queue.path(root: site.rootURL)
        let gateway = try openGateway(root: site.rootURL, databasePath: databasePath)
        // Webhook notices every 10 s, RGPD purge every hour (Sources/Gateway/Background).
        let background = BackgroundWork(site: gateway.site, queue: gateway.queue).start()
        defer { background.cancel() }
        let server = PreviewServer(siteFolder: output.path, port: port, gateway: gateway, gatewayPrefix: gateway.site.prefix)
        try await server.run { port in
            printError("Aperçu du site et des formulaires : http://127.0.0.1:\(port)/ (Ctrl+C pour arrêter)")
            printError("Demandes enregistrées dans \(databasePath)")
        }
    }
}
