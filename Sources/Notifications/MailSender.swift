import Foundation
import Queue

/// Turns a queued e-mail into a message (the gateway's `MailComposer` does it with the site's
/// configuration and `Theme/`).
public protocol MailComposing: Sendable {
    /// The envelope sender (bounces go there): the `from` of `guichet.yaml`.
    var envelopeSender: String { get }
    func message(for job: MailJob) throws -> MailMessage
}

/// What one pass of the sender did.
public struct MailPassReport: Sendable, Equatable {
    public var sent = 0
    /// Temporary failures: tried again later, with backoff.
    public var deferred = 0
    /// Given up: the relay refused the address for good, the request was purged meanwhile, or
    /// too many attempts failed.
    public var abandoned = 0
    /// The pass stopped early: `MailSender.consecutiveFailureLimit` messages in a row failed
    /// temporarily, so the relay is most likely down; the other e-mails wait for the next pass
    /// without an attempt counted against them.
    public var interrupted = false

    public init() {}
}

/// Sends the outbox's e-mails, one at a time: claim one (a committed claim, so another sender
/// leaves it alone), render it, hand it to the transport, record the outcome, then the next.
/// One at a time so that a sender killed mid-batch has at most one message whose fate is
/// unknown (handed over but not recorded); that one comes back after its claim expires and
/// goes out again with the same Message-ID. Everything else is sent exactly once.
public final class MailSender: Sendable {
    let queue: SubmissionQueue
    let composer: any MailComposing
    let transport: any MailTransport
    /// How long a claimed e-mail is left alone by other senders (this one may be stuck on a
    /// slow relay: longer than the transport's timeout).
    let claim: TimeInterval
    let clock: @Sendable () -> Date
    let log: @Sendable (String) -> Void

    /// Temporary failures in a row after which a pass stops. One alone is often about one
    /// message (greylisting, a full mailbox: 4xx) and must not hold the others back; several
    /// in a row mean the relay is down, and trying every message would only wait on it.
    public static let consecutiveFailureLimit = 3

    public init(queue: SubmissionQueue, composer: any MailComposing, transport: any MailTransport,
                claim: TimeInterval = 300, clock: @escaping @Sendable () -> Date = { Date() },
                log: @escaping @Sendable (String) -> Void) {
        self.queue = queue
        self.composer = composer
        self.transport = transport
        self.claim = claim
        self.clock = clock
        self.log = log
    }

    /// The same sender with another claim duration.
    public convenience init(copying other: MailSender, claim: TimeInterval) {
        self.init(queue: other.queue, composer: other.composer, transport: other.transport, claim: claim,
                  clock: other.clock, log: other.log)
    }

    /// Sends what is due, at most `limit` messages. Throws only when the database fails.
    public func runOnce(limit: Int = 200) throws -> MailPassReport {
        var report = MailPassReport()
        var consecutiveFailures = 0
        for _ in 0..<max(1, limit) {
            guard let item = try queue.claimOutbox(kind: "mail", now: clock(), limit: 1, claim: claim).first else { break }
            let reference = item.reference ?? "?"
            guard let job = try queue.mailJob(for: item) else {
                try queue.outboxFailed(id: item.id, error: "plus rien à envoyer : demande effacée, sans adresse ou événement disparu",
                                       permanent: true, now: clock())
                report.abandoned += 1
                continue
            }
            let bytes: [UInt8]
            do {
                bytes = try MIMEEncoder.encode(try composer.message(for: job))
            } catch {
                let detail = Self.compositionFailure(error)
                try queue.outboxFailed(id: item.id, error: "courriel impossible à composer : \(detail)", permanent: true, now: clock())
                log("Courriel de la demande \(reference) abandonné : il n’a pas pu être composé (\(detail)).")
                report.abandoned += 1
                continue
            }
            let failure: MailTransportError?
            do {
                try transport.send(bytes, envelope: MailEnvelope(sender: composer.envelopeSender, recipients: [job.recipient]))
                failure = nil
            } catch {
                failure = error
            }
            guard let failure else {
                try queue.outboxDelivered(id: item.id, now: clock())
                report.sent += 1
                consecutiveFailures = 0
                continue
            }
            if failure.isPermanent {
                try queue.outboxFailed(id: item.id, error: failure.detail, permanent: true, now: clock())
                log("Courriel de la demande \(reference) abandonné : \(failure.detail)")
                report.abandoned += 1
                continue
            }
            if try queue.outboxFailed(id: item.id, error: failure.detail, now: clock()) == nil {
                log("Courriel de la demande \(reference) abandonné après \(item.attempts) essais : \(failure.detail)")
                report.abandoned += 1
            } else {
                report.deferred += 1
            }
            consecutiveFailures += 1
            if consecutiveFailures >= Self.consecutiveFailureLimit {
                report.interrupted = true
                break
            }
        }
        return report
    }

    /// Why a message could not be composed, without the address itself (the outbox's errors
    /// and the log hold no personal data).
    static func compositionFailure(_ error: any Error) -> String {
        switch error as? MIMEError {
        case .invalidAddress?: return "l’adresse du destinataire n’est pas utilisable dans un courriel"
        case let known?: return known.description
        case nil: return "\(error)"
        }
    }
}
