import Foundation
import Notifications
import Queue
import Testing

/// The outbox sender against a real SMTP server (aiosmtpd on loopback) and a real SQLite queue.
/// The composer here is a plain one: the site's messages are tested in GatewayTests.
@Suite(.serialized) struct MailSenderTests {
    struct PlainComposer: MailComposing {
        var envelopeSender: String { "ne-pas-repondre@ville.example" }
        func message(for job: MailJob) throws -> MailMessage {
            MailMessage(from: Mailbox(name: "Ville", address: envelopeSender), to: [Mailbox(address: job.recipient)],
                        subject: "Demande \(job.record.reference)", textBody: "Référence \(job.record.reference)",
                        htmlBody: "<p>Référence \(job.record.reference)</p>",
                        messageID: "\(job.item.id).\(job.record.reference)@ville.example", date: Date())
        }
    }

    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var now = Date()
        func read() -> Date { lock.withLock { now } }
        func advance(_ seconds: TimeInterval) { lock.withLock { now = now.addingTimeInterval(seconds) } }
    }

    static func queue(in folder: ScratchFolder, addresses: [String]) throws -> (SubmissionQueue, [String]) {
        let queue = try SubmissionQueue(path: folder.file("depot.sqlite"))
        let references = try addresses.map { address in
            try queue.submitNow(NewSubmission(formID: "contact", formDigest: "d", serviceID: "accueil", channel: .web,
                                              payloadJSON: "{}", retentionDays: 30, notifyEmail: address)).reference
        }
        return (queue, references)
    }

    static func sender(_ queue: SubmissionQueue, relay url: String, clock: Clock, logs: LockedValue<[String]>) throws -> MailSender {
        let transport = SMTPTransport(configuration: try SMTPConfiguration(url: url, security: SMTPConfiguration.Security.none,
                                                                            connectTimeout: 5, timeout: 20))
        return MailSender(queue: queue, composer: PlainComposer(), transport: transport, clock: { clock.read() },
                          log: { line in logs.update { $0.append(line) } })
    }

    @Test func aRefusalIsTriedAgainLaterWithoutHoldingTheOthersBack() throws {
        let folder = try ScratchFolder("sender")
        let server = try SMTPTestServer(["--refuse-first", "1"], in: folder)
        defer { server.stop() }
        let (queue, references) = try Self.queue(in: folder, addresses: ["a@example.org", "b@example.org", "c@example.org"])
        let clock = Clock(), logs = LockedValue<[String]>([])
        let sender = try Self.sender(queue, relay: server.url, clock: clock, logs: logs)

        // A 451 is about one message (greylisting): the others go in the same pass.
        var report = try sender.runOnce()
        #expect(report.sent == 2 && report.deferred == 1 && !report.interrupted)
        #expect(try server.received().map(\.rcptTos) == [["b@example.org"], ["c@example.org"]])
        #expect(try queue.mailNotices(reference: references[0]) == [MailNotice(template: "accuse-enregistrement", state: .pending(attempts: 1))])

        #expect(try sender.runOnce() == MailPassReport(), "before its backoff, the refused one waits")
        clock.advance(31)
        report = try sender.runOnce()
        #expect(report.sent == 1)
        #expect(try server.received().map(\.rcptTos) == [["b@example.org"], ["c@example.org"], ["a@example.org"]])
        #expect(try sender.runOnce() == MailPassReport(), "nothing twice")
        for reference in references {
            guard case .delivered = try queue.mailNotices(reference: reference).first?.state else {
                Issue.record("\(reference) not delivered")
                continue
            }
        }
        #expect(logs.get().isEmpty)
    }

    @Test func anAddressTheRelayRefusesIsGivenUpAtOnceWithoutStoppingThePass() throws {
        let folder = try ScratchFolder("sender")
        let server = try SMTPTestServer(["--reject-rcpt", "inconnu"], in: folder)
        defer { server.stop() }
        let (queue, references) = try Self.queue(in: folder, addresses: ["inconnu@example.org", "connu@example.org"])
        let clock = Clock(), logs = LockedValue<[String]>([])
        let report = try Self.sender(queue, relay: server.url, clock: clock, logs: logs).runOnce()
        #expect(report.sent == 1 && report.abandoned == 1 && !report.interrupted)
        #expect(try queue.mailNotices(reference: references[0]).map(\.state) == [.abandoned])
        #expect(try server.received().map(\.rcptTos) == [["connu@example.org"]])
        // The operator's log names the request and the relay's answer, never the address.
        #expect(logs.get().count == 1 && logs.get()[0].contains(references[0]) && logs.get()[0].contains("550"))
        #expect(!logs.get()[0].contains("inconnu@example.org"))
    }

    @Test func aRelayThatIsDownKeepsEveryMessageUntilItIsBack() throws {
        let folder = try ScratchFolder("sender")
        let (queue, references) = try Self.queue(in: folder, addresses: ["a@example.org", "b@example.org", "c@example.org", "d@example.org"])
        let clock = Clock(), logs = LockedValue<[String]>([])
        let down = try Self.sender(queue, relay: "smtp://127.0.0.1:\(try TestProcesses.closedPort())", clock: clock, logs: logs)
        for _ in 1...2 {
            let report = try down.runOnce()
            // Three failures in a row: the relay is down, the fourth is not even tried.
            #expect(report.deferred == MailSender.consecutiveFailureLimit && report.interrupted && report.sent == 0)
            clock.advance(7 * 3600)
        }
        #expect(try queue.outboxPending(kind: "mail") == 4)
        // The longest waiting first: the one left out of the first pass opened the second.
        #expect(try references.flatMap { try queue.mailNotices(reference: $0).map(\.state) }
            == [.pending(attempts: 2), .pending(attempts: 2), .pending(attempts: 1), .pending(attempts: 1)])

        let server = try SMTPTestServer([], in: folder)
        defer { server.stop() }
        let report = try Self.sender(queue, relay: server.url, clock: clock, logs: logs).runOnce()
        #expect(report.sent == 4)
        #expect(try queue.outboxPending(kind: "mail") == 0)
    }

    @Test func anAddressMIMECannotCarryIsGivenUpWithoutWritingItAnywhere() throws {
        let folder = try ScratchFolder("sender")
        // Accepted by the form's check, refused by the MIME encoder (two dots in a row).
        let (queue, references) = try Self.queue(in: folder, addresses: ["elise..dupont@example.org"])
        let clock = Clock(), logs = LockedValue<[String]>([])
        let report = try Self.sender(queue, relay: "smtp://127.0.0.1:\(try TestProcesses.closedPort())", clock: clock, logs: logs).runOnce()
        #expect(report.abandoned == 1 && report.sent == 0)
        #expect(try queue.mailNotices(reference: references[0]).map(\.state) == [.abandoned])
        #expect(logs.get().count == 1 && !logs.get()[0].contains("elise") && logs.get()[0].contains(references[0]))
    }

    @Test func afterTwelveFailuresAMessageIsGivenUp() throws {
        let folder = try ScratchFolder("sender")
        let (queue, references) = try Self.queue(in: folder, addresses: ["a@example.org"])
        let clock = Clock(), logs = LockedValue<[String]>([])
        let down = try Self.sender(queue, relay: "smtp://127.0.0.1:\(try TestProcesses.closedPort())", clock: clock, logs: logs)
        var abandoned = 0
        for _ in 1...OutboxPolicy.maximumAttempts {
            abandoned += try down.runOnce().abandoned
            clock.advance(7 * 3600)
        }
        #expect(abandoned == 1)
        #expect(try queue.mailNotices(reference: references[0]).map(\.state) == [.abandoned])
        #expect(logs.get().contains { $0.contains("abandonné après 12 essais") })
    }
}
