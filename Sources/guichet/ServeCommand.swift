import ArgumentParser
import Foundation
import Gateway
import Notifications
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
        E-mails to citizens are written as .eml files into ROOT/var/courriels/ (nothing is sent),
        unless --smtp names a relay (for example a local test server: --smtp smtp://127.0.0.1:2525).
        """)

    @OptionGroup var site: SiteOptions
    @OptionGroup var queue: QueueOptions

    @Option(name: .long, help: "Port to listen on (127.0.0.1 only).")
    var port: Int = 8080

    @OptionGroup var mail: MailOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
    }

    func run() async throws {
        let output = site.rootURL.appendingPathComponent("site")
        try buildSite(root: site.rootURL, output: output, reports: site.rootURL.appendingPathComponent("reports"))
        let databasePath = queue.path(root: site.rootURL)
        let gateway = try openGateway(root: site.rootURL, databasePath: databasePath, longLived: true)
        let root = site.rootURL
        let mailFolder = root.appendingPathComponent("var/courriels")
        // Created once the port is known: the links of the e-mails point at this preview.
        let background = BackgroundTask()
        defer { background.cancel() }
        let server = PreviewServer(siteFolder: output.path, port: port, gateway: gateway, gatewayPrefix: gateway.site.prefix)
        let smtp = mail.smtp
        try await server.run { port in
            printError("Aperçu du site et des formulaires : http://127.0.0.1:\(port)/ (Ctrl+C pour arrêter)")
            printError("Demandes enregistrées dans \(databasePath)")
            let mailSender: MailSender?
            do {
                mailSender = try makeMailSender(gateway: gateway, root: root, smtp: smtp, preview: mailFolder,
                                                publicOrigin: "http://127.0.0.1:\(port)")
            } catch {
                mailSender = nil
                printError("Les courriels ne seront pas envoyés.")
            }
            if mailSender != nil {
                printError(smtp.map { "Courriels envoyés par le relais \($0)" }
                           ?? "Courriels aux usagers écrits dans \(mailFolder.path)/ (aperçu : rien n’est envoyé)")
            }
            // Webhook notices and e-mails every 10 s, RGPD purge every hour (Sources/Gateway/Background).
            background.set(BackgroundWork(site: gateway.site, queue: gateway.queue, mailSender: mailSender).start())
        }
    }
}

/// A task started later than the scope that must cancel it.
final class BackgroundTask: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    func set(_ task: Task<Void, Never>) { lock.withLock { self.task = task } }
    func cancel() { lock.withLock { task?.cancel() } }
}
