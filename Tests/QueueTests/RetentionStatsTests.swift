import Foundation
import GuichetModel
@testable import Queue
import Testing

/// Issue 6: the RGPD purge and the steering figures, on real SQLite files.
@Suite struct RetentionStatsTests {
    typealias Make = BackOfficeTests

    /// Sets the date of receipt (and of the "depot" event) of `reference`.
    static func setReceived(_ queue: SubmissionQueue, _ reference: String, _ stamp: String) throws {
        try queue.execute("""
            UPDATE submissions SET received_at = '\(stamp)' WHERE reference = '\(reference)';
            UPDATE events SET at = '\(stamp)' WHERE kind = 'depot' AND submission_id = (SELECT id FROM submissions WHERE reference = '\(reference)');
            """)
    }

    static func date(_ stamp: String) throws -> Date {
        try #require(Timestamp.date(stamp))
    }

    @Test func purgeErasesExactlyWhatIsDueAndTheFiguresStillCountIt() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path()
        let queue = try SubmissionQueue(path: path)
        let token = TokenInfo.local()
        func submit(_ item: NewSubmission, marker: String? = nil) throws -> String {
            var item = item
            if let marker { item.payloadJSON = #"{"nom":"\#(marker)"}"# }
            return try queue.submitNow(item).reference
        }
        let secret = Array("ZORGLUB-PIECE-JOINTE".utf8) + [UInt8](repeating: 0x5A, count: 50_000)
        let dueDemande = try submit(Make.submission(1, retentionDays: 1, attachment: secret), marker: "Zorglub-Alpha")
        let recentDemande = try submit(Make.submission(2, retentionDays: 30))
        let pendingDemande = try submit(Make.submission(3, retentionDays: 1))
        let dueReport = try submit(Make.submission(4, service: "services-techniques", form: "signalement-voirie", retentionDays: 1),
                                   marker: "Zorglub-Delta")
        let unackedReport = try submit(Make.submission(5, service: "services-techniques", form: "signalement-voirie", retentionDays: 1))
        let keptForever = try submit(Make.submission(6, retentionDays: nil))

        let start = Date()
        for reference in [dueDemande, recentDemande, keptForever] {
            try queue.addEvent(reference: reference, token: token, kind: .accuseDeReception, message: "Message Zorglub-Bravo", at: start)
            try queue.addEvent(reference: reference, token: token, kind: .acceptee, data: #"{"note":"Zorglub-Charlie"}"#, at: start)
        }
        try queue.addEvent(reference: pendingDemande, token: token, kind: .enCours, at: start)
        for reference in [pendingDemande, dueReport] { _ = try queue.ack(reference: reference, token: token) }
        let statsBefore = try queue.stats()
        let later = start.addingTimeInterval(3 * 86_400)
        let reports: Set<String> = ["signalement-voirie"]

        // Dry run: says what would go, changes nothing.
        let dry = try queue.purge(now: later, nonDemandeForms: reports, dryRun: true)
        #expect(dry.references == [dueDemande, dueReport])
        #expect(dry.attachments == 1 && dry.attachmentBytes == secret.count && dry.dryRun)
        #expect(try queue.find(reference: dueDemande)?.purgedAt == nil)

        // Nothing is due before the retention period ends.
        #expect(try queue.purge(now: start.addingTimeInterval(3600), nonDemandeForms: reports).references == [])

        let report = try queue.purge(now: later, nonDemandeForms: reports)
        #expect(report.references == [dueDemande, dueReport])
        #expect(report.walTruncated)
        // The erased bytes are gone from the disk files (secure_delete, WAL truncated).
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data()
        #expect(wal.isEmpty)
        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        for marker in ["Zorglub-Alpha", "Zorglub-Delta", "ZORGLUB-PIECE"] {
            #expect(file.range(of: Data(marker.utf8)) == nil, "\(marker) still in the file")
        }
        // What was not due is still there.
        #expect(file.range(of: Data("Zorglub-Charlie".utf8)) != nil)
        for reference in [dueDemande, dueReport] {
            let record = try #require(try queue.find(reference: reference))
            #expect(record.payloadJSON == "{}")
            #expect(record.attachments == [])
            #expect(record.purgedAt != nil)
            #expect(record.events.allSatisfy { $0.message == nil && $0.data == nil })
        }
        let purged = try #require(try queue.find(reference: dueDemande))
        #expect(purged.events.map(\.kind) == ["depot", "accuse-de-reception", "acceptee"])
        #expect(purged.status == "acceptee" && purged.formID == "acte-naissance" && purged.serviceID == "etat-civil")
        // The others are whole.
        for reference in [recentDemande, pendingDemande, unackedReport, keptForever] {
            let record = try #require(try queue.find(reference: reference))
            #expect(record.purgedAt == nil && record.payloadJSON != "{}")
        }
        #expect(try queue.find(reference: keptForever)?.events.last?.data == #"{"note":"Zorglub-Charlie"}"#)
        // A purged request cannot take events any more, and is never pulled.
        #expect(throws: BackOfficeError.purged) {
            try queue.addEvent(reference: dueDemande, token: token, kind: .message, message: "x", at: later)
        }
        #expect(try queue.pull(token: token, now: later.addingTimeInterval(86_400)).map(\.reference)
                == [recentDemande, unackedReport, keptForever])

        // The figures still count everything.
        #expect(try queue.stats() == statsBefore)

        #expect(try queue.integrityReport() == [])

        // Idempotent.
        #expect(try queue.purge(now: later, nonDemandeForms: reports).references == [])
    }

    @Test func statisticsOnAHandMadeDataset() throws {
        let folder = try TemporaryFolder()
        let queue = try SubmissionQueue(path: folder.path())
        let token = TokenInfo.local()
        let day = 86_400.0
        // January (Paris): five requests received on 2026-01-05 at 11:00 Paris.
        let received = "2026-01-05T10:00:00.000Z"
        let channels: [Channel] = [.web, .web, .web, .guichet, .telephone]
        var january: [String] = []
        for (index, channel) in channels.enumerated() {
            let form = index == 4 ? "inscription-scolaire" : "acte-naissance"
            let service = index == 4 ? "scolaire" : "etat-civil"
            let reference = try queue.submitNow(Make.submission(index, service: service, form: form, channel: channel)).reference
            try Self.setReceived(queue, reference, received)
            january.append(reference)
        }
        let base = try Self.date(received)
        // Accusés de réception after 1, 2, 3, 4 and 10 days; decisions after 10, 20 and 40 days.
        for (reference, days) in zip(january, [1.0, 2, 3, 4, 10]) {
            try queue.addEvent(reference: reference, token: token, kind: .accuseDeReception, at: base.addingTimeInterval(days * day))
        }
        try queue.addEvent(reference: january[0], token: token, kind: .acceptee, at: base.addingTimeInterval(10 * day))
        try queue.addEvent(reference: january[1], token: token, kind: .enCours, at: base.addingTimeInterval(5 * day))
        try queue.addEvent(reference: january[1], token: token, kind: .refusee, at: base.addingTimeInterval(20 * day))
        try queue.addEvent(reference: january[2], token: token, kind: .sansSuite, at: base.addingTimeInterval(40 * day))
        try queue.addEvent(reference: january[2], token: token, kind: .message, message: "x", at: base.addingTimeInterval(41 * day))
        // 2026-01-31 23:30 UTC is 1 February 00:30 in Paris: February.
        let february = try queue.submitNow(Make.submission(9, channel: .courrier)).reference
        try Self.setReceived(queue, february, "2026-01-31T23:30:00.000Z")

        let stats = try queue.stats()
        #expect(stats.total == 6)
        #expect(stats.months.map(\.month) == ["2026-01", "2026-02"])
        let jan = stats.months[0]
        #expect(jan.total == 5)
        #expect(jan.byForm == ["acte-naissance": 4, "inscription-scolaire": 1])
        #expect(jan.byService == ["etat-civil": 4, "scolaire": 1])
        #expect(jan.byChannel == ["web": 3, "guichet": 1, "telephone": 1])
        #expect(jan.byStatus == ["acceptee": 1, "refusee": 1, "sans-suite": 1, "accuse-de-reception": 2])
        #expect(jan.acknowledgementDelay.count == 5)
        #expect(jan.acknowledgementDelay.median == 3)
        #expect(jan.acknowledgementDelay.p90 == 7.6) // 4 + 0.6 × (10 − 4)
        #expect(jan.decisionDelay.count == 3)
        #expect(jan.decisionDelay.median == 20)
        #expect(jan.decisionDelay.p90 == 36) // 20 + 0.8 × (40 − 20)
        let feb = stats.months[1]
        #expect(feb.total == 1 && feb.byChannel == ["courrier": 1])
        #expect(feb.acknowledgementDelay == DelayStats([]))
        #expect(feb.acknowledgementDelay.median == nil)

        // Half days and a period.
        #expect(DelayStats([0.5, 1.5]).median == 1)
        #expect(DelayStats([2.25]).p90 == 2.25)
        let onlyFebruary = try queue.stats(from: try Self.date("2026-01-31T23:00:00.000Z"))
        #expect(onlyFebruary.total == 1 && onlyFebruary.months.map(\.month) == ["2026-02"])
        let onlyJanuary = try queue.stats(to: try Self.date("2026-01-31T23:00:00.000Z"))
        #expect(onlyJanuary.months.map(\.month) == ["2026-01"])

        // The JSON form is stable and French.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(stats), as: UTF8.self)
        #expect(json.contains(#""delai_accuse_reception":{"mediane_jours":3,"nombre":5,"p90_jours":7.6"#))
        #expect(json.contains(#""par_canal":{"guichet":1,"telephone":1,"web":3}"#))
    }
}
