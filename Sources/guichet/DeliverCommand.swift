import ArgumentParser
import Foundation
import Gateway
import Queue

extension QueueCommand {
    /// `guichet queue deliver`: one pass of the webhook sender, for CGI deployments (no
    /// long-running gateway to send them): run it from cron every minute or so.
    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deliver",
            abstract: "Send the due \"new submission\" webhook notices once (for CGI deployments, from cron).",
            discussion: """
            The FastCGI gateway and `guichet serve` send them by themselves every 10 seconds. With the
            CGI gateway, run this from cron; a notice that fails is tried again later (30 s, 1 min,
            2 min… at most 6 h between tries, 12 tries), and is always in the queue to pull.
              * * * * * guichet queue deliver --quiet --root /srv/mairie --db /var/lib/guichet/guichet.sqlite
            Exit codes: 0 (even when a receiver failed: it will be tried again), 2 database or usage error.
            """)
        @OptionGroup var site: SiteOptions
        @OptionGroup var queue: QueueOptions

        @Option(name: .long, help: "Seconds allowed for each notice (connection and answer), 1 to 60.")
        var timeout: Int = 10

        @Flag(name: .long, help: "Print nothing when every notice was delivered (failures still go to standard error).")
        var quiet = false

        func validate() throws {
            guard (1...60).contains(timeout) else { throw ValidationError("--timeout must be between 1 and 60 seconds.") }
        }

        func run() async throws {
            let database = try openQueue(path: queue.path(root: site.rootURL))
            let sender = WebhookSender(queue: database, timeout: timeout, log: { printError($0) })
            let report: WebhookPassReport
            do {
                report = try await sender.runOnce(maximumBatches: 1_000)
            } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
            let waiting = (try? database.outboxPending(kind: "webhook")) ?? 0
            if quiet && report.failures.isEmpty { return }
            let delivered = report.delivered, retrying = report.retrying, givenUp = report.givenUp
            var parts = ["\(delivered) avis remis"]
            if retrying > 0 { parts.append("\(retrying) en échec (nouvel essai prévu)") }
            if givenUp > 0 { parts.append("\(givenUp) abandonné\(givenUp > 1 ? "s" : "")") }
            print("Webhooks : " + parts.joined(separator: ", ") + ". \(waiting) avis en attente.")
        }
    }
}
