import Foundation
import GRDB
import Testing
@testable import Queue

/// The e-mail rows of the outbox (issue 7): written in the transaction of what they announce,
/// holding the tracking key only until sent, erased by the purge.
@Suite struct MailOutboxTests {
    static func submission(email: String?) -> NewSubmission {
        var item = Sample.submission(1)
        item.notifyEmail = email
        return item
    }

    @Test func aSubmissionWithAnAddressQueuesItsReceiptInTheSameTransaction() throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let stored = try queue.submitNow(Self.submission(email: "elodie.dupont@example.org"))
        _ = try queue.submitNow(Self.submission(email: nil))
        // One mail row, for the request with an address.
        #expect(try queue.outboxPending(kind: "mail") == 1)
        let item = try #require(try queue.claimOutbox(kind: "mail", limit: 10).first)
        #expect(item.reference == stored.reference && item.attempts == 1)
        let job = try #require(try queue.mailJob(for: item))
        #expect(job.recipient == "elodie.dupont@example.org")
        #expect(job.content == .registration(trackingKey: stored.trackingKey))
        #expect(job.record.reference == stored.reference)
        // The key a browser was given opens the tracking page: it is the right one.
        #expect(try queue.find(reference: stored.reference, trackingKey: stored.trackingKey) != nil)
        #expect(try queue.mailNotices(reference: stored.reference) == [MailNotice(template: "accuse-enregistrement", state: .pending(attempts: 1))])

        // Delivered: the key leaves the database, the state stays.
        let now = Date()
        try queue.outboxDelivered(id: item.id, now: now)
        #expect(try queue.strings("SELECT body FROM outbox WHERE kind = 'mail'") == [#"{"modele":"accuse-enregistrement"}"#])
        #expect(try queue.strings("SELECT COUNT(*) FROM outbox WHERE instr(body, '\(stored.trackingKey)') > 0") == ["0"])
        let notices = try queue.mailNotices(reference: stored.reference)
        guard case .delivered = notices.first?.state else {
            Issue.record("expected a delivered notice, got \(notices)")
            return
        }
        #expect(try queue.outboxPending(kind: "mail") == 0)
    }

    @Test func eachEventOfARequestWithAnAddressQueuesOneMessage() throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let token = try queue.createToken(name: "État civil", services: ["etat-civil"]).token
        let withAddress = try queue.submitNow(Self.submission(email: "a@example.org")).reference
        let without = try queue.submitNow(Self.submission(email: nil)).reference
        try queue.addEvent(reference: withAddress, token: token, kind: .accuseDeReception)
        try queue.addEvent(reference: withAddress, token: token, kind: .message, message: "Votre acte est prêt.\nÀ bientôt.")
        try queue.addEvent(reference: without, token: token, kind: .accuseDeReception)
        // A refused event (a second accusé de réception) queues nothing.
        #expect(throws: BackOfficeError.self) { try queue.addEvent(reference: withAddress, token: token, kind: .accuseDeReception) }
        #expect(try queue.outboxPending(kind: "mail") == 3) // receipt + 2 events, none for the request without address

        let items = try queue.claimOutbox(kind: "mail", limit: 10)
        let jobs = try items.map { try #require(try queue.mailJob(for: $0)) }
        #expect(jobs.map(\.record.reference) == [withAddress, withAddress, withAddress])
        guard case .event(let acknowledgement) = jobs[1].content, case .event(let message) = jobs[2].content else {
            Issue.record("expected two event messages, got \(jobs.map(\.content))")
            return
        }
        #expect(acknowledgement.kind == "accuse-de-reception")
        #expect(message.kind == "message" && message.message == "Votre acte est prêt.\nÀ bientôt.")
    }

    @Test func aRefusedAddressIsGivenUpAtOnceAndATemporaryFailureRetried() throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let first = try queue.submitNow(Self.submission(email: "inconnu@example.org"))
        _ = try queue.submitNow(Self.submission(email: "b@example.org"))
        let now = Date()
        let items = try queue.claimOutbox(kind: "mail", now: now, limit: 10)
        #expect(try queue.outboxFailed(id: items[0].id, error: "550 5.1.1 adresse inconnue", permanent: true, now: now) == nil)
        let retry = try #require(try queue.outboxFailed(id: items[1].id, error: "451 essai plus tard", now: now))
        #expect(abs(retry.timeIntervalSince(now) - OutboxPolicy.delay(afterAttempts: 1)) < 0.01)
        #expect(try queue.mailNotices(reference: first.reference).map(\.state) == [.abandoned])
        // Given up: the key is gone too.
        #expect(try queue.strings("SELECT COUNT(*) FROM outbox WHERE instr(body, '\(first.trackingKey)') > 0") == ["0"])
        #expect(try queue.claimOutbox(kind: "mail", now: now.addingTimeInterval(29), limit: 10).isEmpty)
        #expect(try queue.claimOutbox(kind: "mail", now: now.addingTimeInterval(31), limit: 10).map(\.id) == [items[1].id])
    }

    @Test func thePurgeErasesTheAddressAndWhatWasStillToSend() throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let token = try queue.createToken(name: "État civil", services: ["etat-civil"]).token
        var item = Self.submission(email: "c@example.org")
        item.retentionDays = 1
        let stored = try queue.submitNow(item)
        try queue.addEvent(reference: stored.reference, token: token, kind: .refusee, message: "Pièce manquante.")
        let report = try queue.purge(now: Date().addingTimeInterval(3 * 86_400))
        #expect(report.references == [stored.reference])
        #expect(try queue.strings("SELECT COUNT(*) FROM submissions WHERE notify_email IS NOT NULL") == ["0"])
        #expect(try queue.strings("SELECT COUNT(*) FROM outbox WHERE body <> '{}' OR next_attempt_at IS NOT NULL") == ["0"])
        #expect(try queue.outboxPending(kind: "mail") == 0)
    }

    @Test func anItemWhoseRequestWasPurgedHasNothingToSend() throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let stored = try queue.submitNow(Self.submission(email: "d@example.org"))
        let item = try #require(try queue.claimOutbox(kind: "mail", limit: 1).first)
        try queue.execute("UPDATE submissions SET notify_email = NULL, purged_at = '2027-01-01T00:00:00.000Z' WHERE reference = '\(stored.reference)'")
        #expect(try queue.mailJob(for: item) == nil)
    }

    @Test func aBodyThatIsNotOursHasNothingToSend() throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let stored = try queue.submitNow(Self.submission(email: "e@example.org"))
        for body in ["", "null", "{", #"{"modele":"inconnu"}"#, #"{"modele":"evenement","evenement":"x"}"#, #"{"modele":"evenement","evenement":999999}"#,
                     #"{"modele":"accuse-enregistrement"}"#] {
            let item = OutboxItem(id: 1, kind: "mail", tokenID: nil, reference: stored.reference, body: body, attempts: 1,
                                  webhookURL: nil, signingKey: nil)
            #expect(try queue.mailJob(for: item) == nil, "body \(body)")
        }
    }

    @Test func aRolledBackSubmissionQueuesNoMessage() throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        // A submission that breaks a constraint (an empty form id) is rolled back whole.
        var bad = Self.submission(email: "f@example.org")
        bad.formID = ""
        #expect(throws: (any Error).self) { try queue.submitNow(bad) }
        #expect(try queue.strings("SELECT COUNT(*) FROM outbox") == ["0"])
    }
}
