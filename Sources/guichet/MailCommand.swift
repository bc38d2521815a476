import ArgumentParser
import Foundation
import Gateway
import GuichetModel
import Notifications
import Queue

/// `--smtp URL`, on every command that sends e-mail.
struct MailOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Send e-mail through this relay instead of the transport of guichet.yaml: smtp://HOST:PORT (STARTTLS, plain on 127.0.0.1) or smtps://HOST:PORT.",
        valueName: "url"))
    var smtp: String?
}

/// The e-mail sender of a gateway, or nil when `guichet.yaml` has no `mail:` section.
/// `preview`: the `.eml` folder of `guichet serve` (used unless `--smtp` is given).
func makeMailSender(gateway: GatewayCore, root: URL, smtp: String?, preview: URL? = nil,
                    publicOrigin: String? = nil) throws(ExitCode) -> MailSender? {
    guard var settings = gateway.site.config.mail else {
        if smtp != nil {
            printError("--smtp : guichet.yaml n’a pas de section « mail » (adresse d’expédition) : aucun courriel ne peut être envoyé.")
            throw ExitCode(2)
        }
        return nil
    }
    if let preview, smtp == nil { settings.transport = .directory(path: preview.path) }
    do {
        let transport = try MailSetup.transport(for: settings, root: root, smtpOverride: smtp)
        return MailSender(queue: gateway.queue,
                          composer: MailComposer(site: gateway.site, settings: settings, publicOrigin: publicOrigin),
                          transport: transport, log: { printError($0) })
    } catch {
        printError(error.description)
        throw ExitCode(2)
    }
}

/// `guichet mail send`: one pass of the e-mail outbox.
struct MailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "E-mail to citizens: receipts and status changes.",
        subcommands: [Send.self])

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send",
            abstract: "Send the due e-mails of the outbox once (for CGI deployments, from cron).",
            discussion: """
            The FastCGI gateway and `guichet serve` send them by themselves every 10 seconds. With the
            CGI gateway, run this from cron. A message the relay does not take now is tried again
            later (30 s, 1 min, 2 min… at most 6 h apart, 12 tries); an address the relay refuses
            for good (5xx) is given up at once, and the citizen's tracking page says so.
              * * * * * guichet mail send --quiet --root /srv/mairie --db /var/lib/guichet/guichet.sqlite
            The relay's password: `password_file` in guichet.yaml, or the GUICHET_SMTP_PASSWORD variable.
            Exit codes: 0 (even when the relay is down: the e-mails wait), 2 database or configuration error.
            """)
        @OptionGroup var site: SiteOptions
        @OptionGroup var queue: QueueOptions
        @OptionGroup var mail: MailOptions

        @Option(name: .long, help: "Most e-mails sent in this pass.")
        var limit: Int = 500

        @Option(name: .long, help: "Seconds an e-mail being sent is left alone by other senders; if this one dies, it is sent again after that.")
        var claim: Int = 300

        @Flag(name: .long, help: "Print nothing unless something failed.")
        var quiet = false

        func validate() throws {
            guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000.") }
            guard (1...86_400).contains(claim) else { throw ValidationError("--claim must be between 1 and 86400 seconds.") }
        }

        func run() async throws {
            let root = site.rootURL
            let gateway = try openGateway(root: root, databasePath: queue.path(root: root))
            guard gateway.site.config.mail != nil else {
                printError("guichet.yaml n’a pas de section « mail » : ce site n’envoie pas de courriels.")
                throw ExitCode(2)
            }
            guard let sender = try makeMailSender(gateway: gateway, root: root, smtp: mail.smtp) else { throw ExitCode(2) }
            let withClaim = MailSender(copying: sender, claim: TimeInterval(claim))
            let report: MailPassReport
            do {
                report = try withClaim.runOnce(limit: limit)
            } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
            let waiting = (try? gateway.queue.outboxPending(kind: "mail")) ?? 0
            if quiet && report.deferred == 0 && report.abandoned == 0 { return }
            var parts = ["\(report.sent) envoyé\(report.sent > 1 ? "s" : "")"]
            if report.deferred > 0 { parts.append("\(report.deferred) reporté\(report.deferred > 1 ? "s" : "") (nouvel essai prévu)") }
            if report.abandoned > 0 { parts.append("\(report.abandoned) abandonné\(report.abandoned > 1 ? "s" : "")") }
            var line = "Courriels : " + parts.joined(separator: ", ") + ". \(waiting) en attente."
            if report.interrupted { line += " Le relais n’a pas accepté le dernier envoi : passage interrompu, les autres attendent le prochain." }
            print(line)
        }
    }
}
