import ArgumentParser
import Foundation
import Gateway
import Notifications
import Queue
import Transports

/// Options of every command that opens the queue.
struct QueueOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite file of the queue (default: ROOT/var/guichet.sqlite). Its folder must be writable (WAL).")
    var db: String?

    func path(root: URL) -> String {
        db ?? root.appendingPathComponent("var/guichet.sqlite").path
    }
}

/// Loads the site folder and opens the queue; problems are French diagnostics and exit 2
/// (configuration errors of the CLI contract).
/// - Parameter longLived: the process serves many requests (FastCGI, `guichet serve`): the
///   queue then copies its write-ahead log from a thread of its own (`checkpointsInBackground`).
func openGateway(root: URL, databasePath: String, oneRequestPerProcess: Bool = false, longLived: Bool = false) throws(ExitCode) -> GatewayCore {
    let site: GatewaySite
    do {
        site = try GatewaySite.load(root: root)
    } catch {
        printError(error.description)
        printError("La passerelle ne peut pas démarrer : corrigez ces fichiers.")
        throw ExitCode(2)
    }
    do {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: databasePath).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        let queue = try SubmissionQueue(path: databasePath, checkpointsInBackground: longLived)
        return GatewayCore(site: site, queue: queue, apiState: BackOfficeAPIState(countsInDatabase: oneRequestPerProcess))
    } catch {
        printError("\(databasePath): \(error)")
        throw ExitCode(2)
    }
}

/// `guichet gateway cgi|fastcgi`: the form-processing gateway behind a web server.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Receive form submissions (CGI or FastCGI), issue receipts, store them in the queue.",
        subcommands: [CGI.self, FastCGI.self])

    struct CGI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cgi",
            abstract: "Serve one request from the CGI/1.1 environment and standard input (RFC 3875).",
            discussion: """
            Called by the web server for each request; see docs/deploiement.md for Apache and lighttpd.
              guichet gateway cgi --root /srv/mairie --db /var/lib/guichet/guichet.sqlite
            """)
        @OptionGroup var site: SiteOptions
        @OptionGroup var queue: QueueOptions

        func run() async throws {
            let root = site.rootURL
            let gateway = try openGateway(root: root, databasePath: queue.path(root: root), oneRequestPerProcess: true)
            await CGIAdapter.run(handler: gateway)
        }
    }

    struct FastCGI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fastcgi",
            abstract: "Serve requests as a FastCGI 1.0 responder on a Unix socket or a loopback port.",
            discussion: """
            Example (nginx: fastcgi_pass unix:/run/guichet/fcgi.sock;):
              guichet gateway fastcgi --root /srv/mairie --socket /run/guichet/fcgi.sock --db /var/lib/guichet/guichet.sqlite
            """)
        @OptionGroup var site: SiteOptions
        @OptionGroup var queue: QueueOptions

        @Option(name: .long, help: "Unix socket to listen on (created with mode 0660).")
        var socket: String?

        @Option(name: .long, help: "TCP port to listen on, on 127.0.0.1.")
        var port: Int?

        @Option(name: .long, help: "Address to bind with --port (default 127.0.0.1).")
        var host: String = "127.0.0.1"

        @OptionGroup var mail: MailOptions

        func validate() throws {
            guard (socket == nil) != (port == nil) else { throw ValidationError("Give exactly one of --socket PATH or --port N.") }
            if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
        }

        func run() async throws {
            let root = site.rootURL
            let gateway = try openGateway(root: root, databasePath: queue.path(root: root), longLived: true)
            let mailSender = try makeMailSender(gateway: gateway, root: root, smtp: mail.smtp)
            let server = FastCGIServer(handler: gateway)
            let (socket, port, host) = (socket, port, host)
            let serving = Task {
                if let socket {
                    try await server.run(socketPath: socket) { printError("Passerelle FastCGI prête sur \(socket)") }
                } else if let port {
                    try await server.run(host: host, port: port) { bound in printError("Passerelle FastCGI prête sur \(host):\(bound)") }
                }
            }
            // systemd and init scripts stop services with SIGTERM: finish the requests under way
            // (their commits included), remove the socket, exit 0.
            let stop = StopSignals { serving.cancel() }
            defer { stop.cancel() }
            // Webhook notices and e-mails every 10 s, RGPD purge every hour (Sources/Gateway/Background).
            let background = BackgroundWork(site: gateway.site, queue: gateway.queue, mailSender: mailSender).start()
            defer { background.cancel() }
            try await serving.value
            background.cancel()
            await background.value
            printError("Passerelle FastCGI arrêtée.")
        }
    }
}

/// Turns SIGTERM and SIGINT into a call of `action` (once), instead of the default of killing
/// the process in the middle of a request.
final class StopSignals {
    private let sources: [any DispatchSourceSignal]

    init(_ action: @escaping @Sendable () -> Void) {
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: action)
            source.resume()
            return source
        }
    }

    func cancel() { sources.forEach { $0.cancel() } }
}
