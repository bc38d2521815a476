import Dispatch
import Foundation
import GuichetModel
import Queue

/// The gateway's work outside requests, started with `guichet gateway fastcgi` and
/// `guichet serve` and cancelled with them:
/// - every `webhookInterval` seconds, one `WebhookSender` pass (the outbox's due notices);
/// - every `purgeInterval` seconds (the first time `firstPurgeDelay` after the start), the
///   RGPD purge of requests past their retention, with the form kinds of the site.
///
/// Nothing here ever stops the gateway: failures are logged in French (no personal data:
/// outbox, token and count numbers, SQLite's message) and tried again at the next tick.
/// Database calls run on a thread of their own, never on the threads serving requests.
public final class BackgroundWork: Sendable {
    public let webhookInterval: TimeInterval
    public let purgeInterval: TimeInterval
    public let firstPurgeDelay: TimeInterval
    let queue: SubmissionQueue
    let sender: WebhookSender
    let nonDemandeForms: Set<String>
    let clock: @Sendable () -> Date
    let log: @Sendable (String) -> Void

    public init(site: GatewaySite, queue: SubmissionQueue, webhookInterval: TimeInterval = 10,
                purgeInterval: TimeInterval = 3600, firstPurgeDelay: TimeInterval = 60,
                sender: WebhookSender? = nil, clock: @escaping @Sendable () -> Date = { Date() },
                log: @escaping @Sendable (String) -> Void = BackgroundLog.standardError) {
        self.queue = queue
        self.webhookInterval = max(0.05, webhookInterval)
        self.purgeInterval = max(1, purgeInterval)
        self.firstPurgeDelay = max(0, firstPurgeDelay)
        self.sender = sender ?? WebhookSender(queue: queue, clock: clock, log: log)
        nonDemandeForms = Self.nonDemandeForms(of: site)
        self.clock = clock
        self.log = log
    }

    /// Forms whose requests need no decision (signalement, réclamation, information): purged
    /// once acknowledged rather than once decided.
    public static func nonDemandeForms(of site: GatewaySite) -> Set<String> {
        Set(site.forms.values.filter { $0.procedure.kind != .demande }.map(\.id))
    }

    /// Starts the loop in a task of its own; cancel the task to stop it (a request under way
    /// is cancelled too: its notice comes back after its claim).
    public func start() -> Task<Void, Never> {
        Task.detached(priority: .utility) { await self.run() }
    }

    /// The loop, until the calling task is cancelled.
    public func run() async {
        let start = ContinuousClock.now
        var nextPurge = start + .milliseconds(Int64(firstPurgeDelay * 1000))
        var failingSince: ContinuousClock.Instant?
        while !Task.isCancelled {
            do {
                _ = try await sender.runOnce()
                if failingSince != nil {
                    log("Webhooks : la base de dépôt répond de nouveau, les envois reprennent.")
                    failingSince = nil
                }
            } catch {
                // Logged once per outage, not at every tick.
                if failingSince == nil {
                    log("Webhooks : passage impossible : \(error) Nouvel essai toutes les \(Self.seconds(webhookInterval)).")
                    failingSince = .now
                }
            }
            if Task.isCancelled { break }
            if ContinuousClock.now >= nextPurge {
                _ = await purgeOnce()
                nextPurge = ContinuousClock.now + .milliseconds(Int64(purgeInterval * 1000))
            }
            try? await Task.sleep(for: .milliseconds(Int64(webhookInterval * 1000)))
        }
    }

    /// One purge at `clock()`; its report, or nil when it failed (logged).
    @discardableResult
    public func purgeOnce() async -> PurgeReport? {
        let (queue, forms, now) = (self.queue, nonDemandeForms, clock())
        do {
            let report = try await BackgroundLog.offPool { try queue.purge(now: now, nonDemandeForms: forms) }
            let count = report.submissions
            if count > 0 {
                let files = report.attachments
                log("Purge RGPD : \(count) demande\(count > 1 ? "s" : "") arrivée\(count > 1 ? "s" : "") au terme de sa durée de conservation effacée\(count > 1 ? "s" : "") (\(files) pièce\(files > 1 ? "s" : "") jointe\(files > 1 ? "s" : "")).")
                if !report.walTruncated {
                    log("Purge RGPD : le journal WAL sera vidé au prochain point de contrôle (lecture en cours).")
                }
            }
            return report
        } catch {
            log("Purge RGPD impossible : \(error) Nouvel essai dans \(Self.seconds(purgeInterval)).")
            return nil
        }
    }

    static func seconds(_ interval: TimeInterval) -> String {
        if interval >= 3600 && interval.truncatingRemainder(dividingBy: 3600) == 0 {
            let hours = Int(interval / 3600)
            return "\(hours) heure\(hours > 1 ? "s" : "")"
        }
        let seconds = Int(interval.rounded())
        return "\(seconds) seconde\(seconds > 1 ? "s" : "")"
    }
}

/// Helpers of the background work.
public enum BackgroundLog {
    /// One line on standard error, as the gateway's other messages.
    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// "22 novembre 2026 à 23 h 34", Paris time.
    static func time(_ date: Date) -> String { ParisDateTime(date).french }

    /// The queue's calls block (SQLite's lock may be waited for up to its busy timeout): run
    /// them on a thread of their own rather than on the few threads serving requests.
    static let databaseQueue = DispatchQueue(label: "guichet.travail-de-fond", qos: .utility)

    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            databaseQueue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
