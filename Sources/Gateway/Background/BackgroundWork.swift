import Dispatch
import Foundation
import GuichetModel
import Notifications
import Queue

/// The gateway's work outside requests, started with `guichet gateway fastcgi` and
/// `guichet serve` and cancelled with them:
/// - every `webhookInterval` seconds, one `WebhookSender` pass (the outbox's due notices) and,
///   when e-mail is on, one `MailSender` pass (the citizens' e-mails) on a thread of its own
///   (a slow relay must not hold the webhooks or the purge back);
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
    let mailSender: MailSender?
    let nonDemandeForms: Set<String>
    let clock: @Sendable () -> Date
    let log: @Sendable (String) -> Void

    public init(site: GatewaySite, queue: SubmissionQueue, webhookInterval: TimeInterval = 10,
                purgeInterval: TimeInterval = 3600, firstPurgeDelay: TimeInterval = 60,
                sender: WebhookSender? = nil, mailSender: MailSender? = nil, clock: @escaping @Sendable () -> Date = { Date() },
                log: @escaping @Sendable (String) -> Void = BackgroundLog.standardError) {
        self.queue = queue
        self.webhookInterval = max(0.05, webhookInterval)
        self.purgeInterval = max(1, purgeInterval)
        self.firstPurgeDelay = max(0, firstPurgeDelay)
        self.sender = sender ?? WebhookSender(queue: queue, clock: clock, log: log)
        self.mailSender = mailSender
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
        let mail = mailSender.map { MailLoop(sender: $0, log: log) }
        while !Task.isCancelled {
            mail?.startPassIfIdle()
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

/// Runs `MailSender` passes one after the other on a thread of their own: a pass may wait on a
/// slow relay for a minute, and the loop's other work goes on meanwhile. A tick that finds the
/// previous pass still running starts none.
final class MailLoop: Sendable {
    let sender: MailSender
    let log: @Sendable (String) -> Void
    let running = ManagedFlag()
    let relayDown = ManagedFlag()
    static let thread = DispatchQueue(label: "guichet.courriels", qos: .utility)

    init(sender: MailSender, log: @escaping @Sendable (String) -> Void) {
        self.sender = sender
        self.log = log
    }

    func startPassIfIdle() {
        guard running.setIfClear() else { return }
        Self.thread.async { [self] in
            defer { running.clear() }
            do {
                let report = try sender.runOnce()
                // Logged once per outage, not at every pass.
                if report.interrupted && report.sent == 0 {
                    if relayDown.setIfClear() {
                        log("Courriels : le relais ne les accepte pas pour le moment ; ils restent dans la file et seront envoyés dès qu’il répondra.")
                    }
                } else if report.sent > 0 && !report.interrupted, relayDown.isSet {
                    relayDown.clear()
                    log("Courriels : le relais répond de nouveau, les envois reprennent.")
                }
            } catch {
                if relayDown.setIfClear() {
                    log("Courriels : passage impossible : \(error)")
                }
            }
        }
    }
}

/// A flag several threads set and clear.
final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    /// Sets the flag; false if it was already set.
    func setIfClear() -> Bool {
        lock.withLock {
            if value { return false }
            value = true
            return true
        }
    }

    func clear() { lock.withLock { value = false } }
    var isSet: Bool { lock.withLock { value } }
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
